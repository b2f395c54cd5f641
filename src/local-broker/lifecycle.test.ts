/** @module Self-tests of the §3.2 transitions over HTTP: upload modes, virus scan on/off, EICAR, checksums, download and confirm rules, events. */
import { expect, test } from '@playwright/test';
import { createHash } from 'node:crypto';
import { EICAR } from './payload.ts';
import { publishedEventId } from './events.ts';
import { eventually, startTestBroker, type TestBroker, ORGS, RESOURCE_1 } from './testing.ts';

let tb: TestBroker;
test.beforeAll(async () => {
  tb = await startTestBroker();
});
test.afterAll(async () => tb.close());

const FT = '/broker/api/v1/filetransfer';
const md5 = (s: string | Buffer) => createHash('md5').update(s).digest('hex');
const statuses = (d: any) => d.fileTransferStatusHistory.map((h: any) => h.fileTransferStatus);
const eventsFor = (id: string) => tb.broker.events().filter((e) => e.resourceinstance === id);
const download = (id: string, token = tb.tokens.recipient1, headers: Record<string, string> = {}) =>
  tb.call('GET', `${FT}/${id}/download`, { token, headers });
const confirm = (id: string, token = tb.tokens.recipient1) => tb.call('POST', `${FT}/${id}/confirmdownload`, { token });

test('upload with virus scan: UploadStarted → UploadProcessing → Published, checksum computed, events in order', async () => {
  const id = await tb.initialize();
  const res = await tb.upload(id, 'hello world');
  expect(res.status).toBe(200);
  expect(res.json()).toEqual({ fileTransferId: id });
  const d = await tb.details(id);
  expect(statuses(d)).toEqual(['Initialized', 'UploadStarted', 'UploadProcessing', 'Published']);
  expect(d.fileTransferStatusHistory.map((h: any) => h.fileTransferStatusText)).toEqual(['Ready for upload', 'Upload started', 'Processing upload', 'Ready for download']);
  expect(d.checksum).toBe(md5('hello world'));
  expect(d.fileTransferSize).toBe(11);
  expect(d.published).toBe(d.fileTransferStatusChanged);
  expect(Object.keys(d).slice(0, 4)).toEqual(['fileTransferStatusHistory', 'recipientFileTransferStatusHistory', 'published', 'fileTransferId']);
  const types = eventsFor(id).map((e) => `${e.type.replace('no.altinn.broker.', '')}:${e.data.Role}`);
  expect(types).toEqual(['filetransferinitialized:Sender', 'uploadprocessing:Sender', 'published:Sender', 'published:Recipient']);
  const published = eventsFor(id).filter((e) => e.type.endsWith('.published'));
  expect(published[0]!.id).toBe(publishedEventId(id, 'Sender', `0192:${ORGS.sender}`));
  expect(published[1]!.id).toBe(publishedEventId(id, 'Recipient', `0192:${ORGS.recipient1}`));
  expect(published[0]!.source).toBe(`${tb.url}/broker/api/v1/filetransfer`);
});

test('timestamps have +00:00, at most 6 fractional digits and no trailing zeros', async () => {
  const id = await tb.initialize();
  const o = await tb.overview(id);
  for (const v of [o.created, o.expirationTime, o.fileTransferStatusChanged]) expect(v).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{0,5}[1-9])?\+00:00$/);
});

test('disableVirusScan: straight to Published inside the request, no uploadprocessing event', async () => {
  const id = await tb.initialize({ disableVirusScan: true });
  await tb.upload(id, 'x');
  const d = await tb.details(id);
  expect(statuses(d)).toEqual(['Initialized', 'UploadStarted', 'Published']);
  expect(d.useVirusScan).toBe(false);
  expect(eventsFor(id).some((e) => e.type.endsWith('uploadprocessing'))).toBe(false);
});

test('EICAR across a chunk boundary → Failed with the malware text, uploadfailed and never-confirmed events', async () => {
  const id = await tb.initialize({ recipients: [`0192:${ORGS.recipient1}`, `0192:${ORGS.recipient2}`] });
  // Split the signature over two chunks of a chunked request.
  const res = await new Promise<number>((resolve, reject) => {
    import('node:http').then(({ request }) => {
      const req = request(`${tb.url}${FT}/${id}/upload`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tb.tokens.sender}`, 'content-type': 'application/octet-stream' },
      }, (r) => {
        r.resume();
        r.on('end', () => resolve(r.statusCode ?? 0));
      });
      req.on('error', reject);
      req.write(Buffer.concat([Buffer.alloc(70_000, 65), EICAR.subarray(0, 20)]));
      setTimeout(() => req.end(Buffer.concat([EICAR.subarray(20), Buffer.from('tail')])), 20);
    });
  });
  expect(res).toBe(200);
  const o = await tb.overview(id);
  expect(o.fileTransferStatus).toBe('Failed');
  expect(o.fileTransferStatusText).toMatch(/^Malware scan failed: Malicious\. Extra details: \{"CorrelationId":/);
  const details = JSON.parse(o.fileTransferStatusText.replace(/^.*Extra details: /, ''));
  expect(Object.keys(details)).toEqual(['CorrelationId', 'BlobUri', 'ETag', 'ScanFinishedTimeUtc', 'ScanResultType', 'ScanResultDetails']);
  const types = eventsFor(id).map((e) => `${e.type.replace('no.altinn.broker.', '')}:${e.data.Role}`);
  expect(types).toEqual([
    'filetransferinitialized:Sender',
    'uploadprocessing:Sender',
    'uploadfailed:Sender',
    'fileneverconfirmeddownloaded:Recipient',
    'fileneverconfirmeddownloaded:Recipient',
    'fileneverconfirmeddownloaded:Sender',
  ]);
  expect((await download(id)).json().code).toBe('BRO-00007');
  expect((await tb.upload(id, 'again')).json().code).toBe('BRO-00004');
});

test('EICAR with virus scan disabled is published', async () => {
  const id = await tb.initialize({ disableVirusScan: true });
  await tb.upload(id, EICAR);
  expect((await tb.overview(id)).fileTransferStatus).toBe('Published');
});

test('checksum given and matching: published with that checksum', async () => {
  const id = await tb.initialize({ checksum: md5('abc') });
  await tb.upload(id, 'abc');
  expect(await tb.overview(id)).toMatchObject({ fileTransferStatus: 'Published', checksum: md5('abc') });
});

test('checksum mismatch: Failed "Checksum mismatch", 400 code 9, no uploadfailed event, size kept, confirm code 10, re-upload 409', async () => {
  const id = await tb.initialize({ checksum: md5('abc') });
  const res = await tb.upload(id, 'abd');
  expect(res.status).toBe(400);
  expect(res.json()).toMatchObject({ code: 'BRO-00009', detail: 'The checksum of uploaded file did not match the checksum specified in initialize call.' });
  const o = await tb.overview(id);
  expect(o).toMatchObject({ fileTransferStatus: 'Failed', fileTransferStatusText: 'Checksum mismatch' });
  expect(eventsFor(id).map((e) => e.type)).toEqual(['no.altinn.broker.filetransferinitialized']);
  // Size and location were stored before the comparison: the bytes received show, confirm answers code 10
  // (status), download 403 code 7.
  expect(o.fileTransferSize).toBe(3);
  expect((await confirm(id)).json().code).toBe('BRO-00010');
  expect((await download(id)).json().code).toBe('BRO-00007');
  const again = await tb.upload(id, 'abc');
  expect(again.status).toBe(409);
  expect(again.json()).toMatchObject({ code: 'BRO-00004', title: 'Conflict' });
});

test('zero-byte upload publishes with size 0 and the empty MD5; any range on it is 416', async () => {
  const id = await tb.initialize({ disableVirusScan: true });
  await tb.upload(id, '');
  expect(await tb.overview(id)).toMatchObject({ fileTransferStatus: 'Published', fileTransferSize: 0, checksum: 'd41d8cd98f00b204e9800998ecf8427e' });
  expect((await download(id, tb.tokens.recipient1, { range: 'bytes=0-' })).status).toBe(416);
  expect((await download(id)).status).toBe(200);
});

test('chunked upload bypasses the size limit; a known Content-Length over the resource max is 400 code 16 and changes nothing', async () => {
  await tb.call('PUT', '/broker/api/v1/resource/altinn-broker-test-resource-2', { token: tb.tokens.serviceOwner, json: { maxFileTransferSize: 5 } });
  try {
    const id = await tb.initialize({ resourceId: 'altinn-broker-test-resource-2' });
    const before = eventsFor(id).length;
    const res = await tb.upload(id, '123456');
    expect(res.status).toBe(400);
    expect(res.json().code).toBe('BRO-00016');
    expect(statuses(await tb.details(id))).toEqual(['Initialized']);
    expect(eventsFor(id).length).toBe(before);
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${tb.url}${FT}/${id}/upload`, { method: 'POST', headers: { authorization: `Bearer ${tb.tokens.sender}` } }, (r) => {
        r.resume();
        r.on('end', () => resolve(r.statusCode ?? 0));
      });
      req.on('error', reject);
      req.write('1234');
      req.end('56789'); // no Content-Length → chunked
    });
    expect(status).toBe(200);
  } finally {
    await tb.call('PUT', '/broker/api/v1/resource/altinn-broker-test-resource-2', { token: tb.tokens.serviceOwner, json: { maxFileTransferSize: 1_000_000_000_000 } });
  }
});

test('upload checks: 404, 401 code 6 for a non-sender, 403 scope for a read-only token; re-upload while UploadStarted is allowed', async () => {
  expect((await tb.upload('00000000-0000-0000-0000-000000000001', 'x')).json().code).toBe('BRO-00001');
  const id = await tb.initialize();
  const asRecipient = await tb.call('POST', `${FT}/${id}/upload`, { token: await tb.token(ORGS.recipient1, ['altinn:broker.write']), body: 'x' });
  expect(asRecipient.json().code).toBe('BRO-00006');
  expect((await tb.call('POST', `${FT}/${id}/upload`, { token: tb.tokens.readOnlySender, body: 'x' })).status).toBe(403);
  expect(statuses(await tb.details(id))).toEqual(['Initialized']);
  // A transfer left in UploadStarted may be uploaded again; UploadStarted is written again.
  const t = tb.broker.broker.store.get(id)!;
  t.history.push({ status: 'UploadStarted', text: null, at: new Date().toISOString() });
  expect((await tb.upload(id, 'x')).status).toBe(200);
  expect(statuses(await tb.details(id))).toEqual(['Initialized', 'UploadStarted', 'UploadStarted', 'UploadProcessing', 'Published']);
});

test('download: headers, body, DownloadStarted recorded every time; sender and outsider get 401 code 6', async () => {
  const id = await tb.initialize({ fileName: 'my report æ.txt' });
  await tb.upload(id, '0123456789');
  const res = await download(id);
  expect(res.status).toBe(200);
  expect(res.text).toBe('0123456789');
  expect(res.headers['content-type']).toBe('application/octet-stream');
  expect(res.headers['accept-ranges']).toBe('bytes');
  expect(res.headers['content-length']).toBe('10');
  expect(res.headers['content-disposition']).toBe(`attachment; filename="my report _.txt"; filename*=UTF-8''my%20report%20%C3%A6.txt`);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  await download(id);
  const d = await tb.details(id);
  expect(d.recipientFileTransferStatusHistory.map((e: any) => e.recipientFileTransferStatusCode)).toEqual(['Initialized', 'DownloadStarted', 'DownloadStarted']);
  expect(d.recipients[0]).toMatchObject({ currentRecipientFileTransferStatusCode: 'DownloadStarted', currentRecipientFileTransferStatusText: 'Recipient has attempted to download fileTransfer' });
  expect(d.fileTransferStatus).toBe('Published');
  expect((await download(id, await tb.token(ORGS.sender, ['altinn:broker.read']))).json().code).toBe('BRO-00006');
  expect((await download(id, tb.tokens.outsider)).json().code).toBe('BRO-00006');
  expect(eventsFor(id).some((e) => e.type.includes('download'))).toBe(false);
});

test('download before publish is 403 code 7', async () => {
  const id = await tb.initialize();
  const res = await download(id);
  expect(res.status).toBe(403);
  expect(res.json().code).toBe('BRO-00007');
});

test('ranges: single → 206, suffix, open end, unsatisfiable → 416 code 29, multi and malformed → 200; ranged downloads debounced', async () => {
  const id = await tb.initialize();
  await tb.upload(id, '0123456789');
  const r = await download(id, tb.tokens.recipient1, { range: 'bytes=2-4' });
  expect(r.status).toBe(206);
  expect(r.text).toBe('234');
  expect(r.headers['content-range']).toBe('bytes 2-4/10');
  expect(r.headers['content-length']).toBe('3');
  expect((await download(id, tb.tokens.recipient1, { range: 'bytes=-3' })).text).toBe('789');
  expect((await download(id, tb.tokens.recipient1, { range: 'bytes=7-' })).text).toBe('789');
  expect((await download(id, tb.tokens.recipient1, { range: 'bytes=8-100' })).headers['content-range']).toBe('bytes 8-9/10');
  const bad = await download(id, tb.tokens.recipient1, { range: 'bytes=10-' });
  expect(bad.status).toBe(416);
  expect(bad.json()).toMatchObject({ code: 'BRO-00029', title: 'Range Not Satisfiable' });
  expect(bad.headers['content-range']).toBeUndefined();
  expect((await download(id, tb.tokens.recipient1, { range: 'bytes=-0' })).status).toBe(416);
  for (const range of ['bytes=0-1,3-4', 'bytes=5-2', 'items=0-1', 'bytes=x']) {
    const whole = await download(id, tb.tokens.recipient1, { range });
    expect(whole.status, range).toBe(200);
    expect(whole.text).toBe('0123456789');
  }
  const entries = (await tb.details(id)).recipientFileTransferStatusHistory.filter((e: any) => e.recipientFileTransferStatusCode === 'DownloadStarted');
  // One entry for all ranged downloads (debounced), one per whole download (4).
  expect(entries).toHaveLength(5);
});

test('confirm rules: code 3 before upload, code 10 before publish, code 19 before download, 204 + events, idempotent repeat', async () => {
  const id = await tb.initialize({ recipients: [`0192:${ORGS.recipient1}`, `0192:${ORGS.recipient2}`] });
  expect((await confirm(id)).json().code).toBe('BRO-00003');
  await tb.upload(id, 'abc');
  const early = await confirm(id);
  expect(early.status).toBe(400);
  expect(early.json()).toMatchObject({ code: 'BRO-00019', detail: 'Cannot confirm before the files have been downloaded' });
  expect((await confirm(id, tb.tokens.outsider)).json().code).toBe('BRO-00006');
  await download(id);
  const before = eventsFor(id).length;
  const ok = await confirm(id);
  expect(ok.status).toBe(204);
  expect(ok.text).toBe('');
  const newEvents = eventsFor(id).slice(before).map((e) => `${e.type.replace('no.altinn.broker.', '')}:${e.data.Role}:${e.subject.slice(-9)}`);
  expect(newEvents).toEqual([`downloadconfirmed:Recipient:${ORGS.recipient1}`, `downloadconfirmed:Sender:${ORGS.sender}`]);
  expect((await tb.overview(id)).fileTransferStatus).toBe('Published');
  // Repeat while still Published: 204, no-op.
  expect((await confirm(id)).status).toBe(204);
  expect(eventsFor(id).length).toBe(before + 2);
  // Last recipient: AllConfirmedDownloaded.
  await download(id, tb.tokens.recipient2);
  expect((await confirm(id, tb.tokens.recipient2)).status).toBe(204);
  const o = await tb.overview(id);
  expect(o).toMatchObject({ fileTransferStatus: 'AllConfirmedDownloaded', fileTransferStatusText: 'All downloaded' });
  expect(eventsFor(id).at(-1)!.type).toBe('no.altinn.broker.allconfirmeddownloaded');
  // Last recipient confirming again: 400 code 10 (quirk), download still allowed.
  const again = await confirm(id, tb.tokens.recipient2);
  expect(again.json().code).toBe('BRO-00010');
  expect((await download(id)).status).toBe(200);
  expect(tb.broker.scheduler.has(`purge:${id}`)).toBe(true);
});

test('confirm before publish (UploadProcessing) is code 10', async () => {
  const slow = await startTestBroker({ scanDelayMs: null }, tb.issuer);
  try {
    const id = await slow.initialize();
    await slow.upload(id, 'x');
    expect((await slow.overview(id)).fileTransferStatus).toBe('UploadProcessing');
    const res = await slow.call('POST', `${FT}/${id}/confirmdownload`, { token: slow.tokens.recipient1 });
    expect(res.json().code).toBe('BRO-00010');
  } finally {
    await slow.close();
  }
});

test('a scan delay publishes later; the upload returns at UploadProcessing', async () => {
  const slow = await startTestBroker({ scanDelayMs: 30 }, tb.issuer);
  try {
    const id = await slow.initialize();
    await slow.upload(id, 'x');
    expect((await slow.overview(id)).fileTransferStatus).toBe('UploadProcessing');
    await eventually(async () => ((await slow.overview(id)).fileTransferStatus === 'Published' ? true : undefined));
  } finally {
    await slow.close();
  }
});

test('overview: recipient status is the maximum reached; changed is the latest entry', async () => {
  const id = await tb.initialize();
  await tb.upload(id, 'x');
  await download(id);
  await confirm(id);
  await download(id);
  const o = await tb.overview(id);
  expect(o.recipients[0].currentRecipientFileTransferStatusCode).toBe('DownloadConfirmed');
  const d = await tb.details(id);
  expect(o.recipients[0].currentRecipientFileTransferStatusChanged).toBe(d.recipientFileTransferStatusHistory.at(-1).recipientFileTransferStatusChanged);
});

test('overview/details visibility: 404 code 1, outsider 401 code 6, recipient sees it', async () => {
  const id = await tb.initialize();
  expect((await tb.call('GET', `${FT}/${id}`, { token: tb.tokens.outsider })).json().code).toBe('BRO-00006');
  expect((await tb.call('GET', `${FT}/${id}/details`, { token: tb.tokens.recipient1 })).status).toBe(200);
  expect((await tb.call('GET', `${FT}/${id}`, { token: tb.tokens.recipient2 })).status).toBe(401);
});

test('multipart initialize+upload: fields case-insensitive, recipients repeated and indexed, property list forms', async () => {
  const form = new FormData();
  form.append('metadata.filename', 'm.txt');
  form.append('Metadata.ResourceId', RESOURCE_1);
  form.append('Metadata.SendersFileTransferReference', 'ref');
  form.append('Metadata.Sender', `0192:${ORGS.sender}`);
  form.append('Metadata.Recipients[1]', `0192:${ORGS.recipient2}`);
  form.append('Metadata.Recipients[0]', `0192:${ORGS.recipient1}`);
  form.append('Metadata.PropertyList[a]', '1');
  form.append('Metadata.PropertyList.b', '2');
  form.append('Metadata.DisableVirusScan', 'true');
  form.append('FileTransfer', new Blob(['multipart payload']), 'm.txt');
  const req = new Request('http://x', { method: 'POST', body: form });
  const body = Buffer.from(await req.arrayBuffer());
  const res = await tb.call('POST', `${FT}/upload`, { token: tb.tokens.sender, body, headers: { 'content-type': req.headers.get('content-type')! } });
  expect(res.status, res.text).toBe(200);
  const id = res.json().fileTransferId;
  const o = await tb.overview(id);
  expect(o).toMatchObject({ fileName: 'm.txt', fileTransferStatus: 'Published', useVirusScan: false, propertyList: { a: '1', b: '2' }, checksum: md5('multipart payload') });
  expect(o.recipients.map((r: any) => r.recipient)).toEqual([`0192:${ORGS.recipient1}`, `0192:${ORGS.recipient2}`]);
  expect((await download(id)).text).toBe('multipart payload');
});

test('multipart validation keys are prefixed Metadata. and a missing file is reported', async () => {
  const form = new FormData();
  form.append('Metadata.FileName', 'm.txt');
  form.append('Metadata.Sender', 'nope');
  const req = new Request('http://x', { method: 'POST', body: form });
  const body = Buffer.from(await req.arrayBuffer());
  const res = await tb.call('POST', `${FT}/upload`, { token: tb.tokens.sender, body, headers: { 'content-type': req.headers.get('content-type')! } });
  expect(res.status).toBe(400);
  const errors = res.json().errors;
  expect(Object.keys(errors)).toEqual(expect.arrayContaining(['Metadata.ResourceId', 'Metadata.Sender', 'Metadata.Recipients', 'FileTransfer']));
  expect(errors.FileTransfer).toEqual(['The FileTransfer field is required.']);
});

test('path separators and control characters in fileName are stored as data and safe in Content-Disposition', async () => {
  const id = await tb.initialize({ fileName: '../../etc/pass\u0001wd\r\n.txt', disableVirusScan: true });
  await tb.upload(id, 'x');
  const res = await download(id);
  expect(res.status).toBe(200);
  expect(res.headers['content-disposition']).toBe(`attachment; filename="../../etc/pass_wd__.txt"; filename*=UTF-8''..%2F..%2Fetc%2Fpass%01wd%0D%0A.txt`);
});

test('a client that disconnects mid-upload leaves the transfer in UploadStarted, no partial payload, and a new upload works', async () => {
  const id = await tb.initialize();
  const { request } = await import('node:http');
  await new Promise<void>((resolve) => {
    const req = request(`${tb.url}${FT}/${id}/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tb.tokens.sender}`, 'content-type': 'application/octet-stream', 'content-length': '100000' },
    });
    req.on('error', () => resolve());
    req.write(Buffer.alloc(1000, 1), () => setTimeout(() => req.destroy(), 50));
  });
  await eventually(async () => (tb.broker.broker.uploadsInFlight.has(id) ? undefined : true));
  expect(statuses(await tb.details(id))).toEqual(['Initialized', 'UploadStarted']);
  const { readdirSync } = await import('node:fs');
  expect(readdirSync(`${tb.broker.dataDir}/payloads`).filter((f) => f.startsWith(id))).toEqual([]);
  expect((await tb.upload(id, 'complete')).status).toBe(200);
  expect((await tb.overview(id)).fileTransferStatus).toBe('Published');
});

test('rejected requests on a published transfer change neither history nor events', async () => {
  const id = await tb.initialize();
  await tb.upload(id, '0123456789');
  const details = await tb.details(id);
  const events = tb.broker.events().length;
  const rejected = [
    await tb.upload(id, 'again'),
    await download(id, tb.tokens.outsider),
    await download(id, tb.tokens.recipient1, { range: 'bytes=50-' }),
    await confirm(id),
    await confirm(id, tb.tokens.outsider),
    await tb.call('POST', `${FT}/${id}/upload`, { body: 'x' }),
    await tb.call('POST', `${FT}/${id}/upload`, { token: tb.tokens.readOnlySender, body: 'x' }),
  ].map((r) => r.status);
  expect(rejected).toEqual([409, 401, 416, 400, 401, 401, 403]);
  expect(await tb.details(id)).toEqual(details);
  expect(tb.broker.events().length).toBe(events);
});

test('multipart without a boundary is a 400, not a hang or 500', async () => {
  const res = await tb.call('POST', `${FT}/upload`, { token: tb.tokens.sender, body: 'garbage', headers: { 'content-type': 'multipart/form-data' } });
  expect(res.status).toBe(400);
  expect(res.json().title).toBe('One or more validation errors occurred.');
});
