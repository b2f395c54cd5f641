/** @module Self-tests of E9 TUS (§8): a 50 MiB tus-js-client upload interrupted and resumed, the checksum rules, and the protocol's headers, errors and quirks. */
import { expect, test } from '@playwright/test';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Upload } from 'tus-js-client';
import { ManualClock } from './clock.ts';
import { eventually, ORGS, startTestBroker, type TestBroker } from './testing.ts';

const TUS = '/broker/api/v1/filetransfer/upload/tus';
const V = { 'tus-resumable': '1.0.0' };
const MiB = 1024 * 1024;

let tb: TestBroker;
test.beforeAll(async () => {
  tb = await startTestBroker();
});
test.afterAll(async () => tb.close());

const eventTypes = (b: TestBroker, id: string) =>
  b.broker.events().filter((e) => e.resourceinstance === id).map((e) => `${e.type.replace('no.altinn.broker.', '')}:${e.data.Role}`);

/** A TCP proxy that forwards everything but cuts the connection once, when `killAfter` request bytes have passed. */
async function startCuttingProxy(target: URL, killAfter: number): Promise<{ url: string; cut: () => boolean; close: () => Promise<void> }> {
  let forwarded = 0;
  let cut = false;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.on('data', (data: Buffer) => {
      forwarded += data.length;
      if (!cut && forwarded > killAfter) {
        cut = true;
        client.destroy();
        upstream.destroy();
        return;
      }
      upstream.write(data);
    });
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cut: () => cut,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

test('tus-js-client: 50 MiB in 5 MiB chunks, cut mid-PATCH and later aborted, resumes from the committed offset and publishes with the right checksum', async () => {
  test.setTimeout(30_000);
  const payload = randomBytes(50 * MiB);
  const md5 = createHash('md5').update(payload).digest('hex');
  const id = await tb.initialize();
  // The connection dies 2.5 MiB into the third PATCH.
  const proxy = await startCuttingProxy(new URL(tb.url), 12.5 * MiB);
  const endpoint = `${proxy.url}${TUS}/${id}`;
  const patchOffsets: number[] = [];
  let paused!: () => void;
  const pausedAt = new Promise<void>((r) => (paused = r));
  let finish!: { resolve: () => void; reject: (e: Error) => void };
  const done = new Promise<void>((resolve, reject) => (finish = { resolve, reject }));
  let abortedOnce = false;
  const upload: Upload = new Upload(payload, {
    endpoint,
    chunkSize: 5 * MiB,
    retryDelays: [0, 50, 100, 200, 400],
    headers: { authorization: `Bearer ${tb.tokens.sender}` },
    metadata: { filename: 'big.bin' },
    storeFingerprintForResuming: false,
    onBeforeRequest: (req) => {
      if (req.getMethod() === 'PATCH') patchOffsets.push(Number(req.getHeader('Upload-Offset')));
    },
    onChunkComplete: (_size, accepted) => {
      if (!abortedOnce && accepted >= 25 * MiB) {
        abortedOnce = true;
        void upload.abort().then(paused);
      }
    },
    onSuccess: () => finish.resolve(),
    onError: (e) => finish.reject(e),
  });
  try {
    upload.start();
    await pausedAt;
    expect(proxy.cut()).toBe(true);
    expect(upload.url).toBe(endpoint); // the relative Location resolved against the endpoint
    // After the cut the client asked HEAD and went on from the two whole chunks: the cut PATCH committed nothing.
    // (A retry may meet the cut request's lock first and get 409, so 10 MiB can repeat more than once.)
    const distinct = patchOffsets.filter((o, i) => i === 0 || o !== patchOffsets[i - 1]);
    expect(distinct.slice(0, 4)).toEqual([0, 5, 10, 15].map((n) => n * MiB));
    expect(patchOffsets.filter((o) => o === 10 * MiB).length).toBeGreaterThanOrEqual(2);

    const head = await eventually(async () => {
      const h = await tb.call('HEAD', `${TUS}/${id}`, { token: tb.tokens.sender, headers: V });
      return tb.broker.broker.tusLocks.has(id) ? undefined : h;
    });
    const committed = Number(head.headers['upload-offset']);
    expect(committed % (5 * MiB)).toBe(0);
    expect(committed).toBeGreaterThanOrEqual(25 * MiB);
    expect(head.headers['upload-length']).toBe(String(50 * MiB));
    expect((await tb.overview(id)).fileTransferStatus).toBe('UploadStarted');

    const before = patchOffsets.length;
    upload.start(); // resume: HEAD, then PATCH from the committed offset
    await done;
    expect(patchOffsets[before]).toBe(committed);
  } finally {
    await proxy.close();
  }

  const o = await eventually(async () => {
    const ov = await tb.overview(id);
    return ov.fileTransferStatus === 'Published' ? ov : undefined;
  });
  expect(o).toMatchObject({ checksum: md5, fileTransferSize: 50 * MiB });
  expect(eventTypes(tb, id)).toEqual(['filetransferinitialized:Sender', 'uploadprocessing:Sender', 'published:Sender', 'published:Recipient']);
  const download = await tb.call('GET', `/broker/api/v1/filetransfer/${id}/download`, { token: tb.tokens.recipient1 });
  expect(createHash('md5').update(download.body).digest('hex')).toBe(md5);
});

test('tus-js-client: a checksum given at initialize that does not match ends Failed "Checksum mismatch" with uploadfailed', async () => {
  const id = await tb.initialize({ checksum: createHash('md5').update('something else').digest('hex') });
  await new Promise<void>((resolve, reject) => {
    new Upload(Buffer.from('the real payload'), {
      endpoint: `${tb.url}${TUS}/${id}`,
      headers: { authorization: `Bearer ${tb.tokens.sender}` },
      storeFingerprintForResuming: false,
      onSuccess: () => resolve(),
      onError: reject,
    }).start();
  });
  const o = await eventually(async () => {
    const ov = await tb.overview(id);
    return ov.fileTransferStatus === 'Failed' ? ov : undefined;
  });
  expect(o.fileTransferStatusText).toBe('Checksum mismatch');
  expect(eventTypes(tb, id)).toEqual(['filetransferinitialized:Sender', 'uploadprocessing:Sender', 'uploadfailed:Sender']);
  const history = (await tb.details(id)).fileTransferStatusHistory.map((h: { fileTransferStatus: string }) => h.fileTransferStatus);
  expect(history).toEqual(['Initialized', 'UploadStarted', 'UploadProcessing', 'Failed']);
});

test('no virus scan and no checksum: Published straight after the last byte; the checksum follows from the stored file', async () => {
  const id = await tb.initialize({ disableVirusScan: true });
  const post = await tb.call('POST', `${TUS}/${id}`, {
    token: tb.tokens.sender,
    headers: { ...V, 'upload-length': '5', 'content-type': 'application/offset+octet-stream' },
    body: 'hello',
  });
  expect(post.status).toBe(201);
  expect(post.headers['upload-offset']).toBe('5'); // creation-with-upload
  const o = await eventually(async () => {
    const ov = await tb.overview(id);
    return ov.checksum ? ov : undefined;
  });
  expect(o).toMatchObject({ fileTransferStatus: 'Published', checksum: createHash('md5').update('hello').digest('hex') });
  expect(eventTypes(tb, id)).toEqual(['filetransferinitialized:Sender', 'published:Sender', 'published:Recipient']);
});

test('OPTIONS: 204 with the extension list and md5, but only with a token; no Tus-Resumable needed', async () => {
  const id = await tb.initialize();
  const o = await tb.call('OPTIONS', `${TUS}/${id}`, { token: tb.tokens.sender });
  expect(o.status).toBe(204);
  expect(o.headers).toMatchObject({
    'tus-resumable': '1.0.0',
    'tus-version': '1.0.0',
    'tus-extension': 'creation,creation-with-upload,termination,checksum,checksum-trailer,concatenation,expiration',
    'tus-checksum-algorithm': 'md5',
  });
  expect(o.headers['tus-max-size']).toBeUndefined();
  expect((await tb.call('OPTIONS', `${TUS}/${id}`)).status).toBe(401);
  expect((await tb.call('OPTIONS', `${TUS}/${id}`, { token: tb.tokens.readOnlySender })).status).toBe(403);
});

test('Tus-Resumable: missing → plain 404; another version → 412 with Tus-Version; Broker errors are text with the Broker message', async () => {
  const id = await tb.initialize();
  const missing = await tb.call('POST', `${TUS}/${id}`, { token: tb.tokens.sender, headers: { 'upload-length': '3' } });
  expect(missing.status).toBe(404);
  expect(missing.text).toBe('');
  const old = await tb.call('POST', `${TUS}/${id}`, { token: tb.tokens.sender, headers: { 'tus-resumable': '0.2.2', 'upload-length': '3' } });
  expect(old.status).toBe(412);
  expect(old.headers['tus-version']).toBe('1.0.0');
  const unknown = await tb.call('POST', `${TUS}/00000000-0000-0000-0000-000000000000`, { token: tb.tokens.sender, headers: { ...V, 'upload-length': '3' } });
  expect(unknown.status).toBe(404);
  expect(unknown.headers['content-type']).toMatch(/^text\/plain/);
  expect(unknown.text).toBe('The requested file transfer was not found');
  const notGuid = await tb.call('HEAD', `${TUS}/not-a-guid`, { token: tb.tokens.sender, headers: V });
  expect(notGuid.status).toBe(404);
  const outsider = await tb.call('POST', `${TUS}/${id}`, { token: tb.tokens.outsider, headers: { ...V, 'upload-length': '3' } });
  expect(outsider.status).toBe(401);
  expect(outsider.text).toBe('You must use a bearer token that represents a system user with access to the resource in the Resource Rights Registry');
  // Refusals of the Broker's authorization hook carry no Tus-Resumable (tusdotnet leaves it off); the library's own 412 does.
  expect([unknown.headers['tus-resumable'], outsider.headers['tus-resumable'], old.headers['tus-resumable']]).toEqual([undefined, undefined, '1.0.0']);
  expect((await tb.overview(id)).fileTransferStatus).toBe('Initialized'); // rejections change nothing
});

test('POST create: UploadStarted only from Initialized, relative Location, Upload-Expires 24 h; defer-length and size limit are 400 text', async () => {
  const id = await tb.initialize();
  const defer = await tb.call('POST', `${TUS}/${id}`, { token: tb.tokens.sender, headers: { ...V, 'upload-defer-length': '1' } });
  expect(defer.status).toBe(400);
  const noLength = await tb.call('POST', `${TUS}/${id}`, { token: tb.tokens.sender, headers: V });
  expect(noLength.status).toBe(400);
  expect(noLength.text).toBe('Missing Upload-Length header');
  const tooBig = await tb.call('POST', `${TUS}/${id}`, { token: tb.tokens.sender, headers: { ...V, 'upload-length': '50000000001' } });
  expect(tooBig.status).toBe(400);
  expect(tooBig.text).toBe('File size exceeds maximum');
  expect((await tb.overview(id)).fileTransferStatus).toBe('Initialized');

  const before = Date.now();
  const created = await tb.call('POST', `${TUS}/${id}`, { token: tb.tokens.sender, headers: { ...V, 'upload-length': '10', 'upload-metadata': 'filename ZC50eHQ=' } });
  expect(created.status).toBe(201);
  expect(created.headers.location).toBe(`${TUS}/${id}`);
  const expires = Date.parse(String(created.headers['upload-expires']));
  expect(String(created.headers['upload-expires'])).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  expect(expires).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 24 * 3_600_000);
  const badMeta = await tb.call('POST', `${TUS}/${id}`, { token: tb.tokens.sender, headers: { ...V, 'upload-length': '10', 'upload-metadata': 'a b c' } });
  expect(badMeta.status).toBe(400);
  await tb.call('POST', `${TUS}/${id}`, { token: tb.tokens.sender, headers: { ...V, 'upload-length': '10' } });
  const statuses = (await tb.details(id)).fileTransferStatusHistory.map((h: { fileTransferStatus: string }) => h.fileTransferStatus);
  expect(statuses).toEqual(['Initialized', 'UploadStarted']); // a second create writes no second entry
  expect(eventTypes(tb, id)).toEqual(['filetransferinitialized:Sender']);
});

test('PATCH: 415, 409 on a wrong offset, empty body 204, Upload-Checksum 460 after the chunk was kept, at or past the length 204 idempotent', async () => {
  const id = await tb.initialize({ disableVirusScan: true });
  const path = `${TUS}/${id}`;
  const patch = (offset: number, body: string, extra: Record<string, string> = {}) =>
    tb.call('PATCH', path, { token: tb.tokens.sender, headers: { ...V, 'content-type': 'application/offset+octet-stream', 'upload-offset': String(offset), ...extra }, body });
  const head = async () => (await tb.call('HEAD', path, { token: tb.tokens.sender, headers: V })).headers['upload-offset'];

  expect((await patch(0, 'abc')).status).toBe(404); // nothing created yet
  await tb.call('POST', path, { token: tb.tokens.sender, headers: { ...V, 'upload-length': '9' } });
  const wrongType = await tb.call('PATCH', path, { token: tb.tokens.sender, headers: { ...V, 'content-type': 'application/octet-stream', 'upload-offset': '0' }, body: 'abc' });
  expect(wrongType.status).toBe(415);
  expect(wrongType.headers['content-type']).toMatch(/^text\/plain/);
  expect((await patch(3, 'abc')).status).toBe(409);
  const empty = await patch(0, '');
  expect([empty.status, empty.headers['upload-offset']]).toEqual([204, '0']);
  const first = await patch(0, 'abc');
  expect([first.status, first.headers['upload-offset']]).toEqual([204, '3']);
  expect(first.headers['upload-expires']).toBeDefined();
  const tooMuch = await patch(3, 'defghijklm');
  expect(tooMuch.status).toBe(413); // observed on the running Broker: a PATCH longer than the upload is 413
  expect(await head()).toBe('3');
  const unsupported = await patch(3, 'def', { 'upload-checksum': 'sha1 AAAA' });
  expect([unsupported.status, unsupported.text]).toEqual([400, 'Unsupported checksum algorithm. Supported algorithms are: md5']);
  const withChecksum = await patch(3, 'def', { 'upload-checksum': `md5 ${createHash('md5').update('def').digest('base64')}` });
  expect([withChecksum.status, withChecksum.text]).toEqual([460, 'Header Upload-Checksum does not match the checksum of the file']);
  expect(await head()).toBe('6'); // the chunk was accepted anyway
  expect((await patch(3, 'def')).status).toBe(409); // so a retry at the old offset conflicts
  const last = await patch(6, 'ghi');
  expect([last.status, last.headers['upload-offset']]).toEqual([204, '9']);
  await eventually(async () => ((await tb.overview(id)).fileTransferStatus === 'Published' ? true : undefined));
  // The lost-response retry of the final PATCH, and anything past the length: 204 with the length, nothing written.
  for (const offset of [6, 9, 100]) {
    const again = await patch(offset, 'ghi');
    expect([again.status, again.headers['upload-offset']]).toEqual(offset >= 9 ? [204, '9'] : [409, undefined]);
  }
  expect((await tb.overview(id)).fileTransferSize).toBe(9);
});

test('a second PATCH while the first still streams loses to the upload lock: 423 text with Tus-Resumable, the first completes', async () => {
  const id = await tb.initialize({ disableVirusScan: true });
  const path = `${TUS}/${id}`;
  await tb.call('POST', path, { token: tb.tokens.sender, headers: { ...V, 'upload-length': '6' } });
  const headers = { ...V, authorization: `Bearer ${tb.tokens.sender}`, 'content-type': 'application/offset+octet-stream', 'upload-offset': '0', 'content-length': '6' };
  const slow = httpRequest(new URL(path, tb.url), { method: 'PATCH', headers });
  const firstDone = new Promise<number>((resolve, reject) => {
    slow.on('response', (res) => { res.resume(); resolve(res.statusCode ?? 0); });
    slow.on('error', reject);
  });
  slow.write('abc'); // holds the lock until the rest arrives
  await eventually(async () => (tb.broker.broker.tusLocks.has(id) ? true : undefined));
  const loser = await tb.call('PATCH', path, { token: tb.tokens.sender, headers: { ...V, 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' }, body: 'xyz' });
  expect([loser.status, loser.text, loser.headers['tus-resumable']]).toEqual([423, 'File is currently being updated. Please try again later', '1.0.0']);
  slow.end('def');
  expect(await firstDone).toBe(204);
  const done = await eventually(async () => { const o = await tb.overview(id); return o.fileTransferStatus === 'Published' ? o : undefined; });
  expect(done.fileTransferSize).toBe(6); // only the winner's bytes
});

test('DELETE: 204 while UploadStarted (status unchanged, HEAD then 404, a new POST may follow); 409 text once uploaded', async () => {
  const id = await tb.initialize({ disableVirusScan: true });
  const path = `${TUS}/${id}`;
  await tb.call('POST', path, { token: tb.tokens.sender, headers: { ...V, 'upload-length': '3' } });
  expect((await tb.call('DELETE', path, { token: tb.tokens.sender, headers: V })).status).toBe(204);
  expect((await tb.overview(id)).fileTransferStatus).toBe('UploadStarted');
  expect((await tb.call('HEAD', path, { token: tb.tokens.sender, headers: V })).status).toBe(404);
  expect((await tb.call('DELETE', path, { token: tb.tokens.sender, headers: V })).status).toBe(404);
  const again = await tb.call('POST', path, { token: tb.tokens.sender, headers: { ...V, 'upload-length': '3', 'content-type': 'application/offset+octet-stream' }, body: 'xyz' });
  expect(again.status).toBe(201);
  await eventually(async () => ((await tb.overview(id)).fileTransferStatus === 'Published' ? true : undefined));
  const late = await tb.call('DELETE', path, { token: tb.tokens.sender, headers: V });
  expect(late.status).toBe(409);
  expect(late.text).toBe('A file transfer has already been, or attempted to be, created. Create a new file transfer resource to try again.');
});

test('concatenation: partials at /partial/{32 hex}, final assembles them in order, UploadProcessing without an event; bad references are 400 text', async () => {
  const id = await tb.initialize({ disableVirusScan: true });
  const other = await tb.initialize();
  const createPartial = async (transfer: string, text: string) => {
    const res = await tb.call('POST', `${TUS}/${transfer}`, { token: tb.tokens.sender, headers: { ...V, 'upload-length': String(text.length), 'upload-concat': 'partial' } });
    expect(res.status).toBe(201);
    const location = String(res.headers.location);
    expect(location).toMatch(new RegExp(`^${TUS}/${transfer}/partial/[0-9a-f]{32}$`));
    return location;
  };
  const a = await createPartial(id, 'Hello, ');
  const b = await createPartial(id, 'world');
  const foreign = await createPartial(other, 'x');
  const patch = (location: string, body: string) =>
    tb.call('PATCH', location, { token: tb.tokens.sender, headers: { ...V, 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' }, body });
  expect((await patch(b, 'world')).status).toBe(204);
  const head = await tb.call('HEAD', b, { token: tb.tokens.sender, headers: V });
  expect(head.headers).toMatchObject({ 'upload-concat': 'partial', 'upload-offset': '5', 'upload-length': '5' });

  const final = (refs: string[]) => tb.call('POST', `${TUS}/${id}`, { token: tb.tokens.sender, headers: { ...V, 'upload-concat': `final;${refs.join(' ')}` } });
  const incomplete = await final([a, b]);
  expect(incomplete.status).toBe(400);
  const aId = a.split('/').at(-1)!;
  expect(incomplete.text).toBe(`Partial upload ${aId} is incomplete. Expected 7 bytes, found 0.`);
  const unknown = await final([`${TUS}/${id}/partial/${'0'.repeat(32)}`]);
  expect(unknown.text).toBe(`Unknown partial upload id ${'0'.repeat(32)}.`);
  const notOurs = await final([foreign]);
  expect(notOurs.text).toBe(`Partial upload ${foreign.split('/').at(-1)} does not belong to file transfer ${id}.`);

  expect((await patch(a, 'Hello, ')).status).toBe(204);
  const done = await final([a, b]);
  expect(done.status).toBe(201);
  expect(done.headers.location).toBe(`${TUS}/${id}`);
  const retry = await tb.call('PATCH', `${TUS}/${id}`, { token: tb.tokens.sender, headers: { ...V, 'content-type': 'application/offset+octet-stream', 'upload-offset': '12' }, body: 'x' });
  expect([retry.status, retry.headers['upload-offset']]).toEqual([204, '12']); // at the final's length: idempotent
  const o = await eventually(async () => {
    const ov = await tb.overview(id);
    return ov.fileTransferStatus === 'Published' && ov.checksum ? ov : undefined;
  });
  expect(o.checksum).toBe(createHash('md5').update('Hello, world').digest('hex'));
  const history = (await tb.details(id)).fileTransferStatusHistory.map((h: { fileTransferStatus: string }) => h.fileTransferStatus);
  expect(history).toEqual(['Initialized', 'UploadStarted', 'UploadProcessing', 'Published']);
  expect(eventTypes(tb, id)).toEqual(['filetransferinitialized:Sender', 'published:Sender', 'published:Recipient']);
  const body = await tb.call('GET', `/broker/api/v1/filetransfer/${id}/download`, { token: tb.tokens.recipient1 });
  expect(body.text).toBe('Hello, world');
});

test('§8.7: an expired token continues an active upload (session or recent activity by the sender), but not OPTIONS nor a finished upload', async () => {
  const clock = new ManualClock(Date.parse('2026-08-18T10:00:00Z'));
  const b = await startTestBroker({ clock, scanDelayMs: null }, tb.issuer);
  try {
    const issuedAt = Math.floor(clock.now().getTime() / 1000);
    const shortLived = await b.token(ORGS.sender, ['altinn:broker.write', 'altinn:broker.read'], {}, { issuedAt, expiresInSeconds: 60 });
    const id = await b.initialize();
    const idle = await b.initialize();
    const path = `${TUS}/${id}`;
    expect((await b.call('POST', path, { token: shortLived, headers: { ...V, 'upload-length': '6' } })).status).toBe(201);
    clock.advance(120_000);
    const patch = (offset: number, body: string, token = shortLived) =>
      b.call('PATCH', path, { token, headers: { ...V, 'content-type': 'application/offset+octet-stream', 'upload-offset': String(offset) }, body });
    expect((await patch(0, 'abc')).status).toBe(204);
    expect((await b.call('HEAD', path, { token: shortLived, headers: V })).status).toBe(200);
    expect((await b.call('OPTIONS', path, { token: shortLived })).status).toBe(401);
    expect((await b.call('POST', `${TUS}/${idle}`, { token: shortLived, headers: { ...V, 'upload-length': '6' } })).status).toBe(401); // Initialized: not active
    expect((await patch(3, 'def')).status).toBe(204);
    await eventually(async () => ((await b.overview(id)).fileTransferStatus === 'UploadProcessing' ? true : undefined));
    // Still active in UploadProcessing (waiting for the scan webhook); after publishing it is not.
    expect((await b.call('HEAD', path, { token: shortLived, headers: V })).status).toBe(200);
    await b.call('POST', '/broker/api/v1/webhooks/malwarescanresults', {
      json: [{ eventType: 'Microsoft.Security.MalwareScanningResult', data: { blobUri: `https://x/c/${id}`, scanResultType: 'No threats found' } }],
    });
    await eventually(async () => ((await b.overview(id)).fileTransferStatus === 'Published' ? true : undefined));
    expect((await b.call('HEAD', path, { token: shortLived, headers: V })).status).toBe(401);
  } finally {
    await b.close();
  }
});

test('a TUS upload survives a restart on the same dataDir: HEAD reports the committed offset and the upload completes', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tus-restart-'));
  try {
    const first = await startTestBroker({ dataDir }, tb.issuer);
    const id = await first.initialize({ disableVirusScan: true });
    const path = `${TUS}/${id}`;
    const patch = (b: TestBroker, offset: number, body: string) =>
      b.call('PATCH', path, { token: b.tokens.sender, headers: { ...V, 'content-type': 'application/offset+octet-stream', 'upload-offset': String(offset) }, body });
    await first.call('POST', path, { token: first.tokens.sender, headers: { ...V, 'upload-length': '6' } });
    expect((await patch(first, 0, 'abc')).status).toBe(204);
    await first.close();

    const second = await startTestBroker({ dataDir }, tb.issuer);
    try {
      const head = await second.call('HEAD', path, { token: second.tokens.sender, headers: V });
      expect([head.status, head.headers['upload-offset'], head.headers['upload-length']]).toEqual([200, '3', '6']);
      expect((await patch(second, 3, 'def')).status).toBe(204);
      const o = await eventually(async () => {
        const ov = await second.overview(id);
        return ov.checksum ? ov : undefined;
      });
      expect(o).toMatchObject({ fileTransferStatus: 'Published', checksum: createHash('md5').update('abcdef').digest('hex') });
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('PATCH limits: more data than the length in a chunked body (no Content-Length) is 400 and cut back; chunk 50 001 is refused', async () => {
  const id = await tb.initialize({ disableVirusScan: true });
  const path = `${TUS}/${id}`;
  await tb.call('POST', path, { token: tb.tokens.sender, headers: { ...V, 'upload-length': '4' } });
  const chunked = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = httpRequest(new URL(path, tb.url), {
      method: 'PATCH',
      headers: { ...V, authorization: `Bearer ${tb.tokens.sender}`, 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.write('ab');
    req.end('cdefgh'); // 8 bytes, sent chunked
  });
  expect(chunked.status).toBe(400);
  expect(chunked.text).toBe("Request contains more data than the file's upload length. Request data: 8, upload length: 4.");
  const head = await tb.call('HEAD', path, { token: tb.tokens.sender, headers: V });
  expect(head.headers['upload-offset']).toBe('0');

  const t = tb.broker.broker.store.get(id)!;
  t.tusUploads![id]!.chunks = 50_000; // as if 50 000 PATCHes had been stored
  const refused = await tb.call('PATCH', path, { token: tb.tokens.sender, headers: { ...V, 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' }, body: 'ab' });
  expect(refused.status).toBe(400);
  expect(refused.text).toContain('at least 1 bytes');
  expect((await tb.call('HEAD', path, { token: tb.tokens.sender, headers: V })).headers['upload-offset']).toBe('0');
});
