/**
 * Issue #8, concurrency: 50 parallel uploads to one transfer → exactly one succeeds, the rest 409
 * code 4, and the stored bytes are exactly the winner's; 50 parallel confirms → one consistent
 * final state (one DownloadConfirmed per recipient, one AllConfirmedDownloaded, one event of each).
 */
import { expect, test } from '@playwright/test';
import { createHash } from 'node:crypto';
import { request } from 'undici';
import { createTokenProvider, type TokenProvider } from '../../src/auth/index.ts';
import { loadEnvironment } from '../../src/config/index.ts';
import { startTarget, type BrokerTarget } from '../../fixtures/target.ts';

const env = loadEnvironment('local');
let target: BrokerTarget;
let sender: TokenProvider;
let recipients: TokenProvider[];

test.beforeAll(async () => {
  target = await startTarget(env);
  sender = createTokenProvider(env.actors.sender, env, { localChain: target.localChain });
  recipients = env.actors.recipients.map((r) => createTokenProvider(r, env, { localChain: target.localChain }));
});
test.afterAll(async () => target.close());

async function call(tokens: TokenProvider, method: string, path: string, body?: Buffer | string, contentType?: string) {
  const res = await request(`${target.baseUrl}/broker/api/v1${path}`, {
    method: method as 'GET',
    headers: { authorization: `Bearer ${await tokens.token()}`, ...(contentType ? { 'content-type': contentType } : {}) },
    body,
  });
  const bytes = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, bytes, json: () => JSON.parse(bytes.toString('utf8')) as Record<string, any> };
}

async function initialize(recipientOrgs: string[]): Promise<string> {
  const res = await call(sender, 'POST', '/filetransfer', JSON.stringify({ fileName: 'race.bin', resourceId: env.resources[0], sendersFileTransferReference: 'race', sender: env.actors.sender.org, recipients: recipientOrgs, disableVirusScan: true }), 'application/json');
  expect(res.status).toBe(200);
  return res.json().fileTransferId as string;
}

test('50 parallel uploads to the same transfer: exactly one succeeds, the rest 409 code 4, bytes intact', async () => {
  const id = await initialize([env.actors.recipients[0]!.org]);
  const payloads = Array.from({ length: 50 }, (_, i) => Buffer.alloc(256 * 1024, i + 1));
  const results = await Promise.all(payloads.map((p) => call(sender, 'POST', `/filetransfer/${id}/upload`, p, 'application/octet-stream')));
  const winners = results.map((r, i) => ({ r, i })).filter(({ r }) => r.status === 200);
  expect(winners).toHaveLength(1);
  const losers = results.filter((r) => r.status !== 200);
  expect(losers.map((r) => r.status)).toEqual(Array(49).fill(409));
  expect(new Set(losers.map((r) => r.json().code))).toEqual(new Set(['BRO-00004']));
  const download = await call(recipients[0]!, 'GET', `/filetransfer/${id}/download`);
  expect(download.status).toBe(200);
  const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
  expect(md5(download.bytes)).toBe(md5(payloads[winners[0]!.i]!));
  const details = (await call(sender, 'GET', `/filetransfer/${id}/details`)).json();
  expect(details.fileTransferStatus).toBe('Published');
  expect(details.fileTransferStatusHistory.filter((h: { fileTransferStatus: string }) => h.fileTransferStatus === 'Published')).toHaveLength(1);
});

for (const recipientCount of [1, 2]) {
  test(`50 parallel confirms (${recipientCount} recipient${recipientCount > 1 ? 's' : ''}) end in one consistent state`, async () => {
    const orgs = env.actors.recipients.slice(0, recipientCount).map((r) => r.org);
    const id = await initialize(orgs);
    expect((await call(sender, 'POST', `/filetransfer/${id}/upload`, 'payload', 'application/octet-stream')).status).toBe(200);
    const active = recipients.slice(0, recipientCount);
    for (const r of active) expect((await call(r, 'GET', `/filetransfer/${id}/download`)).status).toBe(200);
    const eventsBefore = target.localBroker!.events().length;
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => call(active[i % active.length]!, 'POST', `/filetransfer/${id}/confirmdownload`)));
    for (const r of results) {
      if (r.status !== 204) {
        expect(r.status).toBe(400);
        expect(r.json().code).toBe('BRO-00010');
      }
    }
    const details = (await call(sender, 'GET', `/filetransfer/${id}/details`)).json();
    expect(details.fileTransferStatus).toBe('AllConfirmedDownloaded');
    const history = details.fileTransferStatusHistory as { fileTransferStatus: string }[];
    expect(history.filter((h) => h.fileTransferStatus === 'AllConfirmedDownloaded')).toHaveLength(1);
    for (const org of orgs) {
      const confirmed = (details.recipientFileTransferStatusHistory as { recipient: string; recipientFileTransferStatusCode: string }[]).filter((h) => h.recipient === org && h.recipientFileTransferStatusCode === 'DownloadConfirmed');
      expect(confirmed, org).toHaveLength(1);
    }
    const events = target.localBroker!.events().slice(eventsBefore).filter((e) => e.resourceinstance === id);
    expect(events.filter((e) => e.type === 'no.altinn.broker.allconfirmeddownloaded')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'no.altinn.broker.downloadconfirmed')).toHaveLength(2 * recipientCount);
  });
}
