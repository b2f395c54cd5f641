/**
 * Lifecycle suite: every transition of the oracle's state machine that a Broker shows over HTTP without moving
 * its clock — initialize, streamed and multipart uploads with and without virus scan, checksum
 * given / mismatching / absent, EICAR → Failed, downloads (bytes identical), confirms with one and
 * several recipients. Each verdict carries its transition key and, for async states, time-to-state.
 */
import { expect, test } from '../../fixtures/index.ts';
import { aPayload, eicar, md5, multipartBody } from '../../fixtures/data/transfers.ts';
import { verifyTransitionEvents } from '../../fixtures/transition-events.ts';
import {
  DownloadedBytesAreIdentical,
  StatusHistoryIsChronological,
  expiresAfter,
  fieldsAre,
  expectedPublishHistory,
  FAILED_TEXTS,
  NoSecondPublishedEntry,
  PublishedFieldMatchesHistory,
  recipientEntries,
  recipientsAre,
  rejectedWith,
  statusHistoryIs,
  securityHeadersAre,
  StatusChangedTimesMatchHistory,
  statusIs,
  TimestampsCarryUtcOffset,
  transferIsIn,
} from '../../src/oracle/index.ts';

const InitializeAnswersId = statusIs('InitializeAnswers200WithId', 'LC-INIT-001', '§2.2', 200);
const UploadAnswers200 = statusIs('UploadAnswers200', 'LC-UPLOAD-001', '§2.3', 200);
const ConfirmAnswers204 = statusIs('ConfirmAnswers204', 'LC-CONFIRM-001', '§2.9', 204);
const ChecksumMismatchIsRejected = rejectedWith('ChecksumMismatchIsRejectedWithCode9', 'LC-FAIL-001', '§2.3', 'ChecksumMismatch');
const ScannedChecksumMismatchIsRejected = rejectedWith('ScannedChecksumMismatchIsRejectedWithCode9', 'LC-FAIL-004', '§2.3, §3.6', 'ChecksumMismatch');
const StorageFailureAnswersCode8 = rejectedWith('StorageFailureAnswers500Code8', 'LC-FAIL-003', '§2.3', 'UploadFailed');

test.describe('lifecycle @lifecycle', () => {
  test('LC-PUBLISH-001 streamed upload without virus scan, checksum given: Initialized → UploadStarted → Published → AllConfirmedDownloaded', async ({ flow, sender, recipient, verify, needs }) => {
    needs('disableVirusScan');
    const payload = aPayload();
    const body = flow.body({ checksum: payload.md5, disableVirusScan: true });
    const init = await sender.initializeFileTransfer(body);
    verify(InitializeAnswersId, init, { transition: 'none->Initialized[initialize]' });
    const id = init.body!.fileTransferId;
    flow.created(id, sender.actor);
    const initialized = await flow.overview(id);
    verify(transferIsIn('Initialized', 'LC-INIT-001'), initialized, { cite: ['LC-STATE-001'] });
    verify(recipientsAre({ [flow.orgOf(0)]: 'Initialized' }), initialized);
    verify(PublishedFieldMatchesHistory, await flow.details(id));

    const t0 = performance.now();
    const up = await sender.uploadFileTransfer(id, payload.bytes);
    verify(UploadAnswers200, up, { transition: 'Initialized->UploadStarted[upload]', variant: 'binary' });
    const waited = await flow.waitForStatus(id, ['Published', 'Failed']);
    verify(transferIsIn('Published', 'LC-PUBLISH-001'), waited.value, { transition: 'UploadStarted->Published[upload-no-scan]', variant: 'binary', elapsedMs: performance.now() - t0 });
    const details = await flow.details(id);
    verify(StatusChangedTimesMatchHistory, details);
    verify(TimestampsCarryUtcOffset, details);
    verify(securityHeadersAre, up);
    verify(statusHistoryIs(expectedPublishHistory({ virusScan: false }), 'LC-PUBLISH-001'), details, { cite: ['LC-UPLOAD-001', 'LC-STATE-001'] });
    verify(PublishedFieldMatchesHistory, details);
    verify(NoSecondPublishedEntry, details);
    verify(fieldsAre('InitializeChecksumIsEchoed', 'LC-CHECKSUM-001', '§3.6', { checksum: payload.md5 }), details);
    verify(fieldsAre('UploadedSizeIsRecorded', 'LC-UPLOAD-001', '§2.5', { fileTransferSize: payload.bytes.length, useVirusScan: false }), details);

    const download = await recipient.downloadFileTransfer(id);
    verify(DownloadedBytesAreIdentical, { expectedMd5: payload.md5, actualMd5: download.md5, expectedBytes: payload.bytes.length, actualBytes: download.bodyBytes, exchangeId: download.exchangeId }, { cite: ['LC-CHECKSUM-001'] });
    const afterDownload = await flow.details(id);
    verify(transferIsIn('Published', 'LC-DOWNLOAD-001'), afterDownload, { transition: 'Recipient:Initialized->DownloadStarted[download]' });
    verify(StatusChangedTimesMatchHistory, afterDownload);
    verify(recipientEntries(flow.orgOf(0), 'DownloadStarted', 1, 'LC-DOWNLOAD-001'), afterDownload);

    verify(statusIs('LastConfirmAnswers204', 'LC-CONFIRM-002', '§2.9', 204), await recipient.confirmDownload(id));
    const done = await flow.details(id);
    verify(transferIsIn('AllConfirmedDownloaded', 'LC-CONFIRM-002'), done, { transition: 'Published->AllConfirmedDownloaded[confirm-last]' });
    verify(statusHistoryIs([...expectedPublishHistory({ virusScan: false }), 'AllConfirmedDownloaded'], 'LC-HAPPY-001'), done);
    verify(recipientsAre({ [flow.orgOf(0)]: 'DownloadConfirmed' }, 'LC-CONFIRM-002'), done);
    verify(StatusChangedTimesMatchHistory, done);
    verify(TimestampsCarryUtcOffset, done);

    const again = await recipient.downloadFileTransfer(id);
    verify(DownloadedBytesAreIdentical, { expectedMd5: payload.md5, actualMd5: again.md5, expectedBytes: payload.bytes.length, actualBytes: again.bodyBytes, exchangeId: again.exchangeId }, { requirement: 'LC-DOWNLOAD-002', transition: 'AllConfirmedDownloaded->AllConfirmedDownloaded[download]' });
    const afterRedownload = await flow.details(id);
    verify(recipientEntries(flow.orgOf(0), 'DownloadStarted', 2, 'LC-DOWNLOAD-002'), afterRedownload, { cite: ['DL-RANGE-012'] });
    verify(transferIsIn('AllConfirmedDownloaded', 'LC-DOWNLOAD-002'), afterRedownload);
    verify(recipientsAre({ [flow.orgOf(0)]: 'DownloadConfirmed' }, 'LC-STATE-002'), afterRedownload);
  });

  test('LC-PUBLISH-002 streamed upload with virus scan, no checksum: through UploadProcessing to Published, checksum computed', async ({ flow, sender, recipient, verify }) => {
    const payload = aPayload();
    const { id } = await flow.initialize({ disableVirusScan: false, checksum: undefined });
    const t0 = performance.now();
    verify(UploadAnswers200, await sender.uploadFileTransfer(id, payload.bytes), { transition: 'Initialized->UploadStarted[upload]', variant: 'binary' });
    const waited = await flow.waitForStatus(id, ['Published', 'Failed']);
    const elapsedMs = performance.now() - t0;
    verify(transferIsIn('Published', 'LC-PUBLISH-003'), waited.value, { transition: 'UploadProcessing->Published[scan-clean]', elapsedMs });
    const details = await flow.details(id);
    verify(statusHistoryIs(expectedPublishHistory({ virusScan: true }), 'LC-PUBLISH-002'), details, { transition: 'UploadStarted->UploadProcessing[upload-scan]', variant: 'binary', cite: ['LC-STATE-001'] });
    verify(StatusChangedTimesMatchHistory, details);
    verify(TimestampsCarryUtcOffset, details);
    verify(NoSecondPublishedEntry, details);
    verify(PublishedFieldMatchesHistory, details);
    verify(fieldsAre('VirusScanIsShown', 'LC-PUBLISH-002', '§2.5', { useVirusScan: true }), details);
    verify(fieldsAre('ComputedChecksumIsStored', 'LC-CHECKSUM-002', '§3.6', { checksum: payload.md5 }), details);
    const download = await recipient.downloadFileTransfer(id);
    verify(DownloadedBytesAreIdentical, { expectedMd5: payload.md5, actualMd5: download.md5, expectedBytes: payload.bytes.length, actualBytes: download.bodyBytes, exchangeId: download.exchangeId });
  });

  for (const scan of [false, true]) {
    test(`LC-MULTIPART-001 multipart initialize-and-upload ${scan ? 'with' : 'without'} virus scan publishes in one call; bytes identical`, async ({ flow, sender, recipient, verify, needs }) => {
      if (!scan) needs('disableVirusScan');
      const payload = aPayload();
      const body = flow.body({ checksum: payload.md5, disableVirusScan: !scan });
      const t0 = performance.now();
      const res = await sender.initializeAndUploadFileTransfer(multipartBody(body, payload.bytes));
      verify(statusIs('MultipartAnswers200WithId', 'LC-MULTIPART-001', '§2.4', 200), res, { transition: 'none->Initialized[initialize]' });
      const id = res.body?.fileTransferId;
      expect(id, 'multipart returned no fileTransferId').toBeTruthy();
      flow.created(id!, sender.actor);
      const waited = await flow.waitForStatus(id!, ['Published', 'Failed']);
      verify(transferIsIn('Published', 'LC-MULTIPART-001'), waited.value, scan ? { transition: 'UploadProcessing->Published[scan-clean]', elapsedMs: performance.now() - t0 } : { transition: 'UploadStarted->Published[upload-no-scan]', variant: 'multipart', elapsedMs: performance.now() - t0 });
      const details = await flow.details(id!);
      verify(statusHistoryIs(expectedPublishHistory({ virusScan: scan }), 'LC-MULTIPART-001'), details, { transition: 'Initialized->UploadStarted[upload]', variant: 'multipart' });
      if (scan) verify(statusHistoryIs(expectedPublishHistory({ virusScan: true }), 'LC-PUBLISH-002'), details, { transition: 'UploadStarted->UploadProcessing[upload-scan]', variant: 'multipart' });
      verify(fieldsAre('MultipartMetadataIsStored', 'LC-MULTIPART-001', '§2.4', { fileName: body.fileName, propertyList: body.propertyList, checksum: payload.md5, fileTransferSize: payload.bytes.length, useVirusScan: scan }), details);
      const download = await recipient.downloadFileTransfer(id!);
      verify(DownloadedBytesAreIdentical, { expectedMd5: payload.md5, actualMd5: download.md5, expectedBytes: payload.bytes.length, actualBytes: download.bodyBytes, exchangeId: download.exchangeId });
    });
  }

  test('LC-MULTIPART-002 a multipart upload with a wrong checksum answers 400 code 9 and leaves its transfer Failed', async ({ flow, sender, environment, verify }) => {
    const body = flow.body({ checksum: md5('not these bytes') });
    const since = new Date(Date.now() - 2000).toISOString();
    const res = await sender.initializeAndUploadFileTransfer(multipartBody(body, aPayload().bytes));
    verify(rejectedWith('MultipartChecksumMismatchIsCode9', 'LC-MULTIPART-002', '§2.4', 'ChecksumMismatch'), res, { transition: 'UploadStarted->Failed[checksum-mismatch]', variant: 'multipart' });
    // The error carries no id: find the transfer the initialize step created by its unique reference.
    const found = await sender.searchFileTransfers({ resourceId: environment.resources[0]!, status: 'Failed', from: since });
    let mine: string | undefined;
    for (const id of found.body ?? []) {
      if ((await flow.overview(id))?.sendersFileTransferReference === body.sendersFileTransferReference) mine = id;
      if (mine) break;
    }
    if (mine) flow.created(mine, sender.actor);
    const overview = mine ? await flow.overview(mine) : undefined;
    verify(transferIsIn('Failed', 'LC-MULTIPART-002', { exact: FAILED_TEXTS.checksumMismatch }), overview);
  });

  test('LC-MULTI-001 two recipients: the first confirm keeps Published, a repeat is a no-op, the second reaches AllConfirmedDownloaded', async ({ flow, actors, verify }) => {
    const [r0, r1] = actors.recipients;
    test.skip(!r1, 'environment configures only one recipient');
    const { id, payload } = await flow.published({ recipients: [flow.orgOf(0), flow.orgOf(1)] });
    verify(recipientsAre({ [flow.orgOf(0)]: 'Initialized', [flow.orgOf(1)]: 'Initialized' }), await flow.overview(id));
    for (const r of [r0!, r1!]) {
      const d = await r.downloadFileTransfer(id);
      verify(DownloadedBytesAreIdentical, { expectedMd5: payload.md5, actualMd5: d.md5, expectedBytes: payload.bytes.length, actualBytes: d.bodyBytes, exchangeId: d.exchangeId }, { transition: 'Recipient:Initialized->DownloadStarted[download]' });
    }
    verify(ConfirmAnswers204, await r0!.confirmDownload(id));
    const half = await flow.details(id);
    verify(transferIsIn('Published', 'LC-MULTI-001'), half, { transition: 'Recipient:DownloadStarted->DownloadConfirmed[confirm-not-last]', cite: ['LC-CONFIRM-001'] });
    verify(recipientsAre({ [flow.orgOf(0)]: 'DownloadConfirmed', [flow.orgOf(1)]: 'DownloadStarted' }), half);

    verify(statusIs('RepeatConfirmIsNoOp', 'LC-CONFIRM-003', '§2.9', 204), await r0!.confirmDownload(id));
    verify(recipientEntries(flow.orgOf(0), 'DownloadConfirmed', 1, 'LC-CONFIRM-003'), await flow.details(id));

    verify(statusIs('LastConfirmAnswers204', 'LC-CONFIRM-002', '§2.9', 204), await r1!.confirmDownload(id));
    const done = await flow.details(id);
    verify(transferIsIn('AllConfirmedDownloaded', 'LC-MULTI-001'), done, { transition: 'Published->AllConfirmedDownloaded[confirm-last]', cite: ['LC-CONFIRM-002'] });
    verify(statusHistoryIs([...expectedPublishHistory({ virusScan: !flow.body().disableVirusScan }), 'AllConfirmedDownloaded'], 'LC-MULTI-001'), done);
    verify(recipientsAre({ [flow.orgOf(0)]: 'DownloadConfirmed', [flow.orgOf(1)]: 'DownloadConfirmed' }), done);
    verify(StatusHistoryIsChronological, done);
  });

  // The scanned path is its own road (the checksum is compared before any scan): both are driven where the environment can.
  for (const scan of [false, true]) {
    const requirement = scan ? 'LC-FAIL-004' : 'LC-FAIL-001';
    test(`${requirement} a checksum mismatch ${scan ? 'with' : 'without'} virus scan answers 400 code 9 and leaves the transfer Failed`, async ({ flow, sender, verify, needs }) => {
      if (!scan) needs('disableVirusScan');
      const variant = scan ? 'binary+scan' : 'binary+no-scan';
      const { id } = await flow.initialize({ checksum: md5('something else'), disableVirusScan: !scan });
      const up = await sender.uploadFileTransfer(id, aPayload().bytes);
      verify(scan ? ScannedChecksumMismatchIsRejected : ChecksumMismatchIsRejected, up, { transition: 'UploadStarted->Failed[checksum-mismatch]', variant });
      const details = await flow.details(id);
      verify(transferIsIn('Failed', requirement, { exact: FAILED_TEXTS.checksumMismatch }), details, { transition: 'UploadStarted->Failed[checksum-mismatch]', variant });
      verify(statusHistoryIs(['Initialized', 'UploadStarted', 'Failed'], requirement), details, { transition: 'Initialized->UploadStarted[upload]', variant: 'binary' });
      verify(PublishedFieldMatchesHistory, details);
    });
  }

  test('LC-FAIL-003 a storage exception during upload answers 500 code 8 and leaves the transfer Failed', async ({ flow, sender, probes, needs, verify }) => {
    needs('faultInjection', 'a storage outage can only be caused where the Broker takes injected faults');
    const { id } = await flow.initialize({});
    expect(await probes.failNextStorageWrite(), 'the storage-fault control answers').toBe(200);
    verify(StorageFailureAnswersCode8, await sender.uploadFileTransfer(id, aPayload().bytes), { transition: 'UploadStarted->Failed[upload-exception]' });
    const details = await flow.details(id);
    verify(transferIsIn('Failed', 'LC-FAIL-003', { exact: FAILED_TEXTS.uploadException }), details, { transition: 'UploadStarted->Failed[upload-exception]' });
    verify(statusHistoryIs(['Initialized', 'UploadStarted', 'Failed'], 'LC-FAIL-003'), details);
    await verifyTransitionEvents({ probes, verify, polling: flow.polling, id, sender: flow.body().sender!, steps: [{ key: 'UploadStarted->Failed[upload-exception]', recipients: [flow.orgOf(0)] }], requirement: 'EVT-012' });
  });

  test('LC-FAIL-002 EICAR with virus scan ends Failed with a malware text', async ({ flow, sender, verify, needs }) => {
    needs('malwareScan');
    const { id } = await flow.initialize({ disableVirusScan: false });
    const t0 = performance.now();
    verify(UploadAnswers200, await sender.uploadFileTransfer(id, eicar().bytes));
    const waited = await flow.waitForStatus(id, ['Failed', 'Published']);
    verify(transferIsIn('Failed', 'LC-FAIL-002', { prefix: FAILED_TEXTS.malwarePrefix }), waited.value, { transition: 'UploadProcessing->Failed[scan-malware]', elapsedMs: performance.now() - t0 });
    const details = await flow.details(id);
    verify(statusHistoryIs(['Initialized', 'UploadStarted', 'UploadProcessing', 'Failed'], 'LC-FAIL-002'), details, { transition: 'UploadStarted->UploadProcessing[upload-scan]' });
  });

  test('LC-EMPTY-001 a zero-byte upload publishes with size 0 and the MD5 of nothing', async ({ flow, sender, recipient, verify, needs }) => {
    needs('disableVirusScan', 'what a real scanner reports for an empty blob is unverified (§2.3)');
    const { id } = await flow.initialize({ disableVirusScan: true });
    verify(UploadAnswers200, await sender.uploadFileTransfer(id, Buffer.alloc(0)), { requirement: 'LC-EMPTY-001' });
    const waited = await flow.waitForStatus(id, ['Published', 'Failed']);
    verify(transferIsIn('Published', 'LC-EMPTY-001'), waited.value);
    verify(fieldsAre('EmptyUploadSizeAndChecksum', 'LC-EMPTY-001', '§2.3', { fileTransferSize: 0, checksum: 'd41d8cd98f00b204e9800998ecf8427e' }), waited.value);
    const d = await recipient.downloadFileTransfer(id);
    verify(DownloadedBytesAreIdentical, { expectedMd5: 'd41d8cd98f00b204e9800998ecf8427e', actualMd5: d.md5, expectedBytes: 0, actualBytes: d.bodyBytes, exchangeId: d.exchangeId }, { requirement: 'LC-EMPTY-001' });
  });

  test('LC-EXPIRY-001 expirationTime is created plus the resource TTL (default 30 days)', async ({ flow, environment, verify }) => {
    test.skip(environment.kind !== 'local', 'the TTL of the resource is known only for the local seed (P30D default on resource 1)');
    const { id } = await flow.initialize();
    verify(expiresAfter(30 * 86_400_000), await flow.overview(id));
  });

});

test.describe('scan results through the malware webhook @lifecycle', () => {
  test('LC-PUBLISH-003 LC-FAIL-002 a transfer waits in UploadProcessing until the scan result: clean publishes, malicious fails', async ({ ownBroker, needs, verify }) => {
    needs('malwareWebhook');
    const own = await ownBroker({ scan: 'webhook' });
    test.skip(!own, 'needs an embedded Broker whose scan waits for the webhook');
    const { flow, actors, probes } = own!;
    const clean = (await flow.initialize({ disableVirusScan: false })).id;
    const dirty = (await flow.initialize({ disableVirusScan: false })).id;
    for (const id of [clean, dirty]) verify(UploadAnswers200, await actors.sender.uploadFileTransfer(id, aPayload().bytes), { transition: 'Initialized->UploadStarted[upload]' });
    verify(transferIsIn('UploadProcessing', 'LC-PUBLISH-002'), await flow.overview(clean), { transition: 'UploadStarted->UploadProcessing[upload-scan]' });
    verify(PublishedFieldMatchesHistory, await flow.details(clean));

    let t0 = performance.now();
    expect(await probes.scanResult(clean, 'No threats found'), 'webhook accepted the result').toBe(200);
    let waited = await flow.waitForStatus(clean, ['Published', 'Failed']);
    verify(transferIsIn('Published', 'LC-PUBLISH-003'), waited.value, { transition: 'UploadProcessing->Published[scan-clean]', elapsedMs: performance.now() - t0 });
    verify(statusHistoryIs(expectedPublishHistory({ virusScan: true }), 'LC-PUBLISH-003'), await flow.details(clean));

    t0 = performance.now();
    expect(await probes.scanResult(dirty, 'Malicious'), 'webhook accepted the result').toBe(200);
    waited = await flow.waitForStatus(dirty, ['Failed', 'Published']);
    verify(transferIsIn('Failed', 'LC-FAIL-002', { prefix: `${FAILED_TEXTS.malwarePrefix}Malicious` }), waited.value, { transition: 'UploadProcessing->Failed[scan-malware]', elapsedMs: performance.now() - t0 });
  });
});
