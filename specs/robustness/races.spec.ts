/**
 * Robustness, races: N concurrent uploads to one transfer (exactly one wins, its bytes are published
 * and stay published: ROB-005..007), N concurrent confirms by two recipients (one consistent end:
 * ROB-008), and N concurrent TUS PATCHes of one upload (no 5xx, the bytes published: ROB-009).
 * N is the environment's `capabilities.robustness.raceSize`; same gating as the hostile corpus.
 */
import { expect, test } from '../../fixtures/index.ts';
import { aPayload, md5 } from '../../fixtures/data/transfers.ts';
import { robustnessSettings } from '../../src/config/index.ts';
import {
  ConcurrentConfirmsConverge,
  ConcurrentTusPatchesStayConsistent,
  ExactlyOneUploadWins,
  PublishedBytesAreTheWinners,
  PublishedTransferStaysPublished,
} from '../../src/oracle/index.ts';

test.describe('robustness: races @robustness', () => {
  test.beforeEach(async ({ environment }) => {
    const s = robustnessSettings(environment);
    test.skip(!s.enabled, s.reason);
  });

  test('ROB-005 ROB-006 ROB-007 concurrent uploads to one transfer: one wins, its bytes are published and stay published', async ({ environment, flow, sender, recipient, verify }) => {
    const { raceSize } = robustnessSettings(environment);
    const { id } = await flow.initialize(environment.capabilities.disableVirusScan ? { disableVirusScan: true } : {});
    const payloads = Array.from({ length: raceSize }, () => aPayload(64 * 1024));
    let afterWinner: string | undefined;
    const results = await Promise.all(
      payloads.map(async (p) => {
        const r = await sender.uploadFileTransfer(id, p.bytes);
        if (r.status >= 200 && r.status < 300 && afterWinner === undefined) afterWinner = 'pending';
        if (afterWinner === 'pending') afterWinner = (await flow.overview(id))?.fileTransferStatus;
        return r;
      }),
    );
    verify(ExactlyOneUploadWins, { statuses: results.map((r) => r.status) }, { exchangeIds: results.filter((r) => r.status !== 409).map((r) => r.exchangeId) });
    const settled = await flow.waitForStatus(id, ['Published', 'Failed']);
    verify(PublishedTransferStaysPublished, { afterWinner, afterAll: settled.value?.fileTransferStatus });
    const winners = results.flatMap((r, i) => (r.status >= 200 && r.status < 300 ? [payloads[i]!.md5] : []));
    const d = await recipient.downloadFileTransfer(id);
    verify(PublishedBytesAreTheWinners, { winnerMd5s: winners, downloadStatus: d.status, downloadedMd5: d.md5 }, { exchangeIds: [d.exchangeId] });
  });

  test('ROB-008 concurrent confirms by two recipients end in one consistent state', async ({ environment, flow, actors, verify }) => {
    const { raceSize } = robustnessSettings(environment);
    test.skip(actors.recipients.length < 2, 'the environment has one recipient');
    const orgs = [flow.orgOf(0), flow.orgOf(1)];
    const { id } = await flow.published({ recipients: orgs, ...(environment.capabilities.disableVirusScan ? { disableVirusScan: true } : {}) });
    const both = actors.recipients.slice(0, 2);
    for (const r of both) expect((await r.downloadFileTransfer(id)).status, 'setup: download before confirm').toBe(200);
    const results = await Promise.all(Array.from({ length: raceSize }, (_, i) => both[i % 2]!.confirmDownload(id)));
    const details = await flow.details(id);
    const confirmedPerRecipient = Object.fromEntries(orgs.map((org) => [org, (details?.recipientFileTransferStatusHistory ?? []).filter((h) => h.recipient === org && h.recipientFileTransferStatusCode === 'DownloadConfirmed').length]));
    verify(
      ConcurrentConfirmsConverge,
      {
        statuses: results.map((r) => r.status),
        finalStatus: details?.fileTransferStatus,
        allConfirmedEntries: (details?.fileTransferStatusHistory ?? []).filter((h) => h.fileTransferStatus === 'AllConfirmedDownloaded').length,
        confirmedPerRecipient,
      },
      { exchangeIds: results.filter((r) => r.status >= 500).map((r) => r.exchangeId) },
    );
  });

  test('ROB-009 concurrent TUS PATCHes of one upload: no 5xx, and the transfer publishes those bytes', async ({ environment, flow, sender, recipient, verify, needs, probes }) => {
    needs('tus');
    const missing = await probes.tusMissing();
    test.fixme(!!missing, missing ?? '');
    const { raceSize } = robustnessSettings(environment);
    const payload = aPayload(64 * 1024);
    const { id } = await flow.initialize(environment.capabilities.disableVirusScan ? { disableVirusScan: true } : {});
    expect((await sender.tus('POST', id, { headers: { 'upload-length': String(payload.bytes.length) } })).status, 'setup: TUS create').toBe(201);
    const results = await Promise.all(
      Array.from({ length: raceSize }, () => sender.tus('PATCH', id, { headers: { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, body: payload.bytes })),
    );
    const settled = await flow.waitForStatus(id, ['Published', 'Failed']);
    const d = await recipient.downloadFileTransfer(id);
    verify(
      ConcurrentTusPatchesStayConsistent,
      { statuses: results.map((r) => r.status), finalStatus: settled.value?.fileTransferStatus, downloadedMd5: d.md5, payloadMd5: md5(payload.bytes) },
      { exchangeIds: [...results.filter((r) => r.status >= 500).map((r) => r.exchangeId), d.exchangeId] },
    );
  });
});
