/** @module Self-tests that each named mutation really changes observable behaviour (so harness self-tests can rely on them). */
import { expect, test } from '@playwright/test';
import { startAltinnIssuer, type AltinnIssuerDouble } from '../platform/altinn-issuer.ts';
import { ManualClock } from './clock.ts';
import type { LocalBrokerOptions } from './index.ts';
import { loadSeed } from './seed.ts';
import { MUTATIONS, type MutationName } from './mutations.ts';
import { ORGS, RESOURCE_1, startTestBroker, type TestBroker } from './testing.ts';

let issuer: AltinnIssuerDouble;
test.beforeAll(async () => {
  issuer = await startAltinnIssuer();
});
test.afterAll(async () => issuer.close());

const FT = '/broker/api/v1/filetransfer';
const TUS = `${FT}/upload/tus`;
const V = { 'tus-resumable': '1.0.0' };

/** A seed whose service owner has only the virus-scan storage provider, so `disableVirusScan: true` meets code 21. */
const SCAN_ONLY_SEED = (() => {
  const seed = loadSeed(undefined);
  return { ...seed, serviceOwners: seed.serviceOwners?.map((o) => ({ ...o, storageProviders: ['AltinnAzure' as const] })) };
})();

/** Mutations whose scenario needs more than the default Broker: another seed, a clock it can move. */
const OPTIONS_FOR: Partial<Record<MutationName, () => LocalBrokerOptions>> = {
  'code-21-text': () => ({ seed: SCAN_ONLY_SEED }),
  'no-filepurged-after-confirm': () => ({ clock: new ManualClock(Date.now()), validateLifetime: false, emulatorEndpoints: { clock: true, events: true } }),
};

async function withBroker(mutation: MutationName | undefined, run: (tb: TestBroker) => Promise<void>, options: LocalBrokerOptions = {}) {
  const tb = await startTestBroker({ ...options, mutations: mutation ? [mutation] : [] }, issuer);
  try {
    await run(tb);
  } finally {
    await tb.close();
  }
}

/** One observation per mutation: the same scenario, returning what the mutation is meant to change. */
const observe: Record<MutationName, (tb: TestBroker) => Promise<unknown>> = {
  'wrong-status-on-confirm': async (tb) => {
    const id = await tb.initialize();
    await tb.upload(id, 'x');
    await tb.call('GET', `${FT}/${id}/download`, { token: tb.tokens.recipient1 });
    return (await tb.call('POST', `${FT}/${id}/confirmdownload`, { token: tb.tokens.recipient1 })).status;
  },
  'omit-published-field': async (tb) => {
    const id = await tb.initialize();
    await tb.upload(id, 'x');
    return ['published' in (await tb.overview(id)), 'published' in (await tb.details(id))];
  },
  'skip-upload-processing': async (tb) => {
    const id = await tb.initialize();
    await tb.upload(id, 'x');
    const d = await tb.details(id);
    return [d.fileTransferStatusHistory.map((h: any) => h.fileTransferStatus), tb.broker.events().filter((e) => e.type.endsWith('uploadprocessing')).length];
  },
  'wrong-error-code-on-reupload': async (tb) => {
    const id = await tb.initialize();
    await tb.upload(id, 'x');
    const res = await tb.upload(id, 'x');
    return [res.status, res.json().code];
  },
  'extra-history-entry': async (tb) => {
    const id = await tb.initialize();
    await tb.upload(id, 'x');
    return (await tb.details(id)).fileTransferStatusHistory.length;
  },
  'drop-published-event': async (tb) => {
    const id = await tb.initialize();
    await tb.upload(id, 'x');
    return tb.broker.events().filter((e) => e.type.endsWith('.published')).length;
  },
  '5xx-on-nul': async (tb) => {
    const res = await tb.call('POST', FT, { token: tb.tokens.sender, json: { ...transferBody(), fileName: 'a\u0000b' } });
    return res.status >= 500 ? 'server error' : res.status;
  },
  'half-created-transfer': async (tb) => {
    const refused = await tb.call('POST', FT, { token: tb.tokens.sender, json: { ...transferBody(), propertyList: { k: null } } });
    const listed: string[] = (await tb.call('GET', `${FT}?resourceId=${RESOURCE_1}`, { token: tb.tokens.sender })).json();
    const reads = await Promise.all(listed.map(async (id) => (await tb.call('GET', `${FT}/${id}`, { token: tb.tokens.sender })).status));
    return [refused.status, listed.length, reads];
  },
  'two-winner-race': async (tb) => {
    const id = await tb.initialize();
    const statuses = await Promise.all(Array.from({ length: 10 }, (_, i) => tb.upload(id, Buffer.alloc(256 * 1024, i)))).then((rs) => rs.map((r) => r.status));
    return statuses.filter((s) => s === 200).length > 1 ? 'several winners' : 'one winner';
  },
  'status-history-unordered': async (tb) => {
    const id = await tb.initialize();
    await tb.upload(id, 'x');
    return (await tb.details(id)).fileTransferStatusHistory.map((h: any) => h.fileTransferStatus);
  },
  'tus-upload-expires-24-days': async (tb) => {
    const id = await tb.initialize();
    const res = await tb.call('POST', `${TUS}/${id}`, { token: tb.tokens.sender, headers: { ...V, 'upload-length': '3' } });
    return Math.round((Date.parse(String(res.headers['upload-expires'])) - Date.parse(String(res.headers.date))) / 3_600_000);
  },
  'tus-legacy-partial-url-404': async (tb) => {
    const id = await tb.initialize();
    const created = await tb.call('POST', `${TUS}/${id}`, { token: tb.tokens.sender, headers: { ...V, 'upload-length': '3', 'upload-concat': 'partial' } });
    const legacy = String(created.headers.location).replace('/partial/', '/');
    return (await tb.call('HEAD', legacy, { token: tb.tokens.sender, headers: V })).status;
  },
  'tus-unknown-partial-500': async (tb) => {
    const id = await tb.initialize();
    return (await tb.call('HEAD', `${TUS}/${id}/partial/${'ab'.repeat(16)}`, { token: tb.tokens.sender, headers: V })).status;
  },
  'published-subject-is-sender': async (tb) => {
    const id = await tb.initialize();
    await tb.upload(id, 'x');
    return tb.broker.events().filter((e) => e.type.endsWith('.published') && e.data.Role === 'Recipient').map((e) => e.subject);
  },
  'random-published-event-ids': async (tb) => {
    const id = await tb.initialize();
    await tb.upload(id, 'x');
    const { publishedEventId } = await import('./events.ts');
    return tb.broker.events().filter((e) => e.type.endsWith('.published')).map((e) => e.id === publishedEventId(id, e.data.Role, e.data.Role === 'Sender' ? `0192:${ORGS.sender}` : `0192:${ORGS.recipient1}`));
  },
  'no-filepurged-after-confirm': async (tb) => {
    const id = await tb.initialize();
    await tb.upload(id, 'x');
    await tb.call('GET', `${FT}/${id}/download`, { token: tb.tokens.recipient1 });
    await tb.call('POST', `${FT}/${id}/confirmdownload`, { token: tb.tokens.recipient1 });
    await tb.call('POST', '/_emulator/clock/advance', { json: { duration: 'PT25H' } });
    return [(await tb.overview(id)).fileTransferStatus, tb.broker.events().filter((e) => e.type.endsWith('.filepurged')).length];
  },
  'ignore-checksum-when-scanned': async (tb) => {
    const id = await tb.initialize({ disableVirusScan: false, checksum: 'd41d8cd98f00b204e9800998ecf8427e' });
    return (await tb.upload(id, 'x')).status;
  },
  'wrong-cache-control': async (tb) => {
    const id = await tb.initialize();
    return (await tb.call('GET', `${FT}/${id}`, { token: tb.tokens.sender })).headers['cache-control'];
  },
  'content-disposition-without-filename': async (tb) => {
    const id = await tb.initialize({ fileName: 'my file.txt' });
    await tb.upload(id, 'x');
    return (await tb.call('GET', `${FT}/${id}/download`, { token: tb.tokens.recipient1 })).headers['content-disposition'];
  },
  'no-search-cap': async (tb) => {
    for (let i = 0; i < 101; i++) await tb.initialize();
    return (await tb.call('GET', `${FT}?resourceId=altinn-broker-test-resource-1`, { token: tb.tokens.sender })).json().length;
  },
  'status-changed-is-created': async (tb) => {
    const id = await tb.initialize();
    await new Promise((r) => setTimeout(r, 5));
    await tb.upload(id, 'x');
    const o = await tb.overview(id);
    return o.fileTransferStatusChanged === o.created;
  },
  'code-21-text': async (tb) => {
    const res = await tb.call('POST', FT, { token: tb.tokens.sender, json: { fileName: 'a.txt', resourceId: 'altinn-broker-test-resource-1', sendersFileTransferReference: 'r', sender: `0192:${ORGS.sender}`, recipients: [`0192:${ORGS.recipient1}`], disableVirusScan: true } });
    return [res.status, res.json().detail];
  },
  'timestamps-with-z': async (tb) => {
    const id = await tb.initialize();
    return [(await tb.overview(id)).created.slice(-6), tb.broker.events()[0]!.time.slice(-6)].map((x: string) => (x.endsWith('Z') ? 'Z' : x));
  },
};

function transferBody() {
  return { fileName: 'm.txt', resourceId: RESOURCE_1, sendersFileTransferReference: 'm', sender: `0192:${ORGS.sender}`, recipients: [`0192:${ORGS.recipient1}`], disableVirusScan: true };
}

const expected: Record<MutationName, [unknown, unknown]> = {
  'wrong-status-on-confirm': [204, 200],
  'omit-published-field': [[true, true], [false, false]],
  'skip-upload-processing': [[['Initialized', 'UploadStarted', 'UploadProcessing', 'Published'], 1], [['Initialized', 'UploadStarted', 'Published'], 0]],
  'wrong-error-code-on-reupload': [[409, 'BRO-00004'], [409, 'BRO-00003']],
  'extra-history-entry': [4, 5],
  'drop-published-event': [2, 0],
  '5xx-on-nul': [200, 'server error'],
  'half-created-transfer': [[400, 0, []], [400, 1, [500]]],
  'two-winner-race': ['one winner', 'several winners'],
  'status-history-unordered': [['Initialized', 'UploadStarted', 'UploadProcessing', 'Published'], ['Published', 'UploadProcessing', 'UploadStarted', 'Initialized']],
  'tus-upload-expires-24-days': [24, 24 * 24],
  'tus-legacy-partial-url-404': [200, 404],
  'tus-unknown-partial-500': [404, 500],
  'published-subject-is-sender': [[`urn:altinn:organization:identifier-no:${ORGS.recipient1}`], [`urn:altinn:organization:identifier-no:${ORGS.sender}`]],
  'random-published-event-ids': [[true, true], [false, false]],
  'no-filepurged-after-confirm': [['Purged', 1], ['Purged', 0]],
  'ignore-checksum-when-scanned': [400, 200],
  'wrong-cache-control': ['no-store', 'no-cache'],
  'content-disposition-without-filename': [`attachment; filename="my file.txt"; filename*=UTF-8''my%20file.txt`, `attachment; filename*=UTF-8''my%20file.txt`],
  'no-search-cap': [100, 101],
  'status-changed-is-created': [false, true],
  'code-21-text': [[503, 'Storage provider is not ready yet. Please try again later.'], [503, 'Storage provider is not ready.']],
  'timestamps-with-z': [['+00:00', '+00:00'], ['Z', 'Z']],
};

for (const name of Object.keys(MUTATIONS) as MutationName[]) {
  test(`mutation ${name} changes behaviour`, async () => {
    let clean: unknown;
    let mutated: unknown;
    await withBroker(undefined, async (tb) => void (clean = await observe[name](tb)), OPTIONS_FOR[name]?.());
    await withBroker(name, async (tb) => void (mutated = await observe[name](tb)), OPTIONS_FOR[name]?.());
    expect(clean).toEqual(expected[name][0]);
    expect(mutated).toEqual(expected[name][1]);
  });
}

test('an unknown mutation name is refused at start', async () => {
  await expect(startTestBroker({ mutations: ['nope'] }, issuer)).rejects.toThrow(/unknown mutation 'nope'/);
});
