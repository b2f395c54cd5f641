/**
 * LC-HAPPY-001 — the one recipe every other lifecycle test varies: initialize → upload → Published
 * → download (bytes identical) → confirm → AllConfirmedDownloaded, every response checked against
 * the contracts by BrokerClient.
 */
import { createHash, randomUUID } from 'node:crypto';
import { expect, test } from '../../fixtures/index.ts';

test('LC-HAPPY-001 a single-recipient transfer goes from Initialized to AllConfirmedDownloaded @lifecycle', async ({ sender, recipient, environment }) => {
  const payload = Buffer.from(`conformance payload ${randomUUID()}\n`);
  const checksum = createHash('md5').update(payload).digest('hex');

  const init = await sender.initializeFileTransfer({
    fileName: 'conformance.txt',
    resourceId: environment.resources[0]!,
    sendersFileTransferReference: `bc-${randomUUID()}`,
    sender: environment.actors.sender.org,
    recipients: [environment.actors.recipients[0]!.org],
    propertyList: {},
    checksum,
    disableVirusScan: environment.capabilities.disableVirusScan,
  });
  expect(init.status, init.text).toBe(200);
  const id = init.body!.fileTransferId;

  const initialized = await sender.getFileTransferOverview(id);
  expect(initialized.body?.fileTransferStatus).toBe('Initialized');

  const upload = await sender.uploadFileTransfer(id, payload);
  expect(upload.status, upload.text).toBe(200);

  await expect
    .poll(async () => (await sender.getFileTransferOverview(id)).body?.fileTransferStatus, { timeout: environment.polling.budgetMs })
    .toBe('Published');

  const download = await recipient.downloadFileTransfer(id);
  expect(download.status).toBe(200);
  expect(download.md5).toBe(checksum);

  const confirm = await recipient.confirmDownload(id);
  expect(confirm.status).toBe(204);

  const details = await sender.getFileTransferDetails(id);
  expect(details.body?.fileTransferStatus).toBe('AllConfirmedDownloaded');
  expect(details.body?.fileTransferStatusHistory.map((h) => h.fileTransferStatus)).toEqual(
    environment.capabilities.disableVirusScan
      ? ['Initialized', 'UploadStarted', 'Published', 'AllConfirmedDownloaded']
      : ['Initialized', 'UploadStarted', 'UploadProcessing', 'Published', 'AllConfirmedDownloaded'],
  );
  expect(details.body?.recipients[0]?.currentRecipientFileTransferStatusCode).toBe('DownloadConfirmed');
});

test('AUTH-001 a call without a token is refused with an empty 401 @negative', async ({ actors, environment }) => {
  const res = await actors.anonymous.searchFileTransfers({ resourceId: environment.resources[0]! });
  expect(res.status).toBe(401);
  expect(res.bodyBytes).toBe(0);
});
