/**
 * LC-HAPPY-001 — the one recipe every other lifecycle test varies: initialize → upload → Published
 * → download (bytes identical) → confirm → AllConfirmedDownloaded, every response checked against
 * the contracts by BrokerClient and every step judged by an oracle condition.
 */
import { test } from '../../fixtures/index.ts';
import { aPayload } from '../../fixtures/data/transfers.ts';
import {
  DownloadedBytesAreIdentical,
  expectedPublishHistory,
  RefusedWithoutToken,
  recipientsAre,
  statusHistoryIs,
  StatusHistoryIsChronological,
  statusIs,
  transferIsIn,
} from '../../src/oracle/index.ts';

test('LC-HAPPY-001 a single-recipient transfer goes from Initialized to AllConfirmedDownloaded @lifecycle', async ({ flow, sender, recipient, verify }) => {
  const payload = aPayload();
  const body = flow.body({ checksum: payload.md5 });
  const init = await sender.initializeFileTransfer(body);
  verify(statusIs('InitializeAnswers200WithId', 'LC-HAPPY-001', '§2.2', 200), init, { transition: 'none->Initialized[initialize]' });
  const id = init.body!.fileTransferId;
  flow.created(id, sender.actor);
  verify(transferIsIn('Initialized', 'LC-HAPPY-001'), await flow.overview(id));

  const t0 = performance.now();
  verify(statusIs('UploadAnswers200', 'LC-HAPPY-001', '§2.3', 200), await sender.uploadFileTransfer(id, payload.bytes), { transition: 'Initialized->UploadStarted[upload]' });
  const waited = await flow.waitForStatus(id, ['Published', 'Failed']);
  verify(transferIsIn('Published', 'LC-HAPPY-001'), waited.value, { elapsedMs: performance.now() - t0 });

  const download = await recipient.downloadFileTransfer(id);
  verify(DownloadedBytesAreIdentical, { expectedMd5: payload.md5, actualMd5: download.md5, expectedBytes: payload.bytes.length, actualBytes: download.bodyBytes, exchangeId: download.exchangeId }, { cite: ['LC-HAPPY-001'] });
  verify(statusIs('ConfirmAnswers204', 'LC-HAPPY-001', '§2.9', 204), await recipient.confirmDownload(id), { transition: 'Published->AllConfirmedDownloaded[confirm-last]' });

  const details = await flow.details(id);
  verify(statusHistoryIs([...expectedPublishHistory({ virusScan: !body.disableVirusScan }), 'AllConfirmedDownloaded'], 'LC-HAPPY-001'), details);
  verify(recipientsAre({ [flow.orgOf(0)]: 'DownloadConfirmed' }, 'LC-HAPPY-001'), details);
  verify(StatusHistoryIsChronological, details);
});

test('AUTH-001 a call without a token is refused with an empty 401 @negative', async ({ actors, environment, verify }) => {
  verify(RefusedWithoutToken, await actors.anonymous.searchFileTransfers({ resourceId: environment.resources[0]! }));
});
