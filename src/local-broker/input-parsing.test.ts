/**
 * The local Broker parses input as the real Broker does where the real Broker is right (observed on
 * a Broker built from Altinn/altinn-broker@161ba122): text encodings, content types, [Required] on
 * whitespace, form binding, calendar dates, oversize headers and numbers, and TUS header parsing.
 */
import { expect, test } from '@playwright/test';
import { request } from 'node:http';
import { startAltinnIssuer, type AltinnIssuerDouble } from '../platform/altinn-issuer.ts';
import { ORGS, RESOURCE_1, startTestBroker, type TestBroker } from './testing.ts';

const FT = '/broker/api/v1/filetransfer';
const JSON_CT = { 'content-type': 'application/json' };
let issuer: AltinnIssuerDouble;
let tb: TestBroker;

test.beforeAll(async () => {
  issuer = await startAltinnIssuer();
  tb = await startTestBroker({}, issuer);
});
test.afterAll(async () => {
  await tb.close();
  await issuer.close();
});

const transfer = (o: Record<string, unknown> = {}) =>
  JSON.stringify({ fileName: 'a.txt', resourceId: RESOURCE_1, sendersFileTransferReference: 'r', sender: `0192:${ORGS.sender}`, recipients: [`0192:${ORGS.recipient1}`], disableVirusScan: true, ...o });
const initialize = (body: string | Buffer, headers: Record<string, string> = JSON_CT) => tb.call('POST', FT, { token: tb.tokens.sender, headers, body });
const errorsOf = (res: { json(): any }) => res.json().errors as Record<string, string[]>;

test.describe('JSON text', () => {
  test('invalid UTF-8 inside a string is a 400 conversion error at its path', async () => {
    const bytes = Buffer.from(transfer({ fileName: 'AB' }));
    const at = bytes.indexOf('AB');
    bytes[at] = 0xc3; // a lead byte followed by '(' is no UTF-8
    bytes[at + 1] = 0x28;
    const res = await initialize(bytes);
    expect(res.status).toBe(400);
    expect(errorsOf(res)['$.fileName']![0]).toMatch(/^The JSON value could not be converted to System\.String\. Path: \$\.fileName/);
  });

  test('a lone surrogate escape inside a string is the same 400, also in a recipient', async () => {
    const res = await initialize(transfer({ fileName: 'X' }).replace('"X"', '"a\\ud800b"'));
    expect(res.status).toBe(400);
    expect(Object.keys(errorsOf(res))).toContain('$.fileName');
    const recipient = await initialize(transfer({ recipients: ['X'] }).replace('"X"', '"\\udc00"'));
    expect(Object.keys(errorsOf(recipient))).toContain('$.recipients[0]');
    // A well-formed pair is a character like any other.
    expect((await initialize(transfer({ fileName: 'X' }).replace('"X"', '"\\ud83d\\ude00.txt"'))).status).toBe(200);
  });

  test('a whitespace-only fileName is required, as [Required] has it', async () => {
    const res = await initialize(transfer({ fileName: '   ' }));
    expect(res.status).toBe(400);
    expect(errorsOf(res).FileName).toEqual(['The FileName field is required.']);
  });
});

test.describe('content types', () => {
  test('initialize: charset latin1 or unknown → 415, utf-16 → 400, a list → its first type, a form → 400', async () => {
    for (const charset of ['latin1', 'bogus']) expect((await initialize(transfer(), { 'content-type': `application/json; charset=${charset}` })).status, charset).toBe(415);
    expect((await initialize(transfer(), { 'content-type': 'application/json; charset=utf-16' })).status).toBe(400);
    expect((await initialize(transfer(), { 'content-type': 'application/json; charset=UTF-8' })).status).toBe(200);
    expect((await initialize(transfer(), { 'content-type': 'application/json, text/plain' })).status).toBe(200);
    expect((await initialize(transfer(), { 'content-type': 'multipart/form-data; boundary=x' })).status).toBe(400);
  });

  test('upload accepts application/offset+octet-stream, a list starting with octet-stream and no content type; text/plain stays 415', async () => {
    for (const ct of ['application/offset+octet-stream', 'application/octet-stream, text/plain', '']) {
      const id = await tb.initialize();
      expect((await tb.call('POST', `${FT}/${id}/upload`, { token: tb.tokens.sender, headers: { 'content-type': ct }, body: 'x' })).status, ct).toBe(200);
    }
    const id = await tb.initialize();
    expect((await tb.call('POST', `${FT}/${id}/upload`, { token: tb.tokens.sender, headers: { 'content-type': 'text/plain' }, body: 'x' })).status).toBe(415);
  });

  test('multipart without a content type is a 400 validation problem: nothing was read', async () => {
    const res = await tb.call('POST', `${FT}/upload`, { token: tb.tokens.sender, body: 'x' });
    expect(res.status).toBe(400);
    expect(errorsOf(res)['Metadata.FileName']).toEqual(['The FileName field is required.']);
    expect(errorsOf(res).FileTransfer).toEqual(['The FileTransfer field is required.']);
  });
});

test('multipart Recipients[n] binds indexes 0, 1, 2… up to the first gap', async () => {
  const form = new FormData();
  form.append('Metadata.FileName', 'a.txt');
  form.append('Metadata.ResourceId', RESOURCE_1);
  form.append('Metadata.SendersFileTransferReference', 'r');
  form.append('Metadata.Sender', `0192:${ORGS.sender}`);
  form.append('Metadata.Recipients[0]', `0192:${ORGS.recipient1}`);
  form.append('Metadata.Recipients[2]', `0192:${ORGS.recipient2}`);
  form.append('Metadata.DisableVirusScan', 'true');
  form.append('FileTransfer', new Blob(['DATA']), 'f.txt');
  const res = await fetch(`${tb.url}${FT}/upload`, { method: 'POST', headers: { authorization: `Bearer ${tb.tokens.sender}` }, body: form });
  expect(res.status).toBe(200);
  const { fileTransferId } = (await res.json()) as { fileTransferId: string };
  expect((await tb.overview(fileTransferId)).recipients.map((r: { recipient: string }) => r.recipient)).toEqual([`0192:${ORGS.recipient1}`]);
});

test('search dates outside the calendar are 400', async () => {
  for (const from of ['2026-02-30', '2025-02-29', '0000-01-01', '10000-01-01', '2026-13-01']) {
    const res = await tb.call('GET', `${FT}?resourceId=${RESOURCE_1}&from=${from}`, { token: tb.tokens.sender });
    expect(res.status, from).toBe(400);
    expect(errorsOf(res).from).toEqual([`The value '${from}' is not valid.`]);
  }
  expect((await tb.call('GET', `${FT}?resourceId=${RESOURCE_1}&from=2024-02-29`, { token: tb.tokens.sender })).status).toBe(200);
});

test.describe('headers', () => {
  test('two Authorization headers are 401', async () => {
    const id = await tb.initialize();
    const status = await new Promise<number>((resolve, reject) => {
      // Raw header pairs: the client sends both lines.
      const req = request(`${tb.url}${FT}/${id}`, { headers: ['host', new URL(tb.url).host, 'authorization', `Bearer ${tb.tokens.sender}`, 'authorization', `Bearer ${tb.tokens.sender}`] }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(401);
  });

  test('a 20 KB Authorization header reaches authentication: 401, not 431', async () => {
    const id = await tb.initialize();
    expect((await tb.call('GET', `${FT}/${id}`, { headers: { authorization: `Bearer ${'a'.repeat(20_000)}` } })).status).toBe(401);
  });

  test('a Range beyond 64 bits is ignored: full 200', async () => {
    const id = await tb.initialize();
    await tb.upload(id, 'hello world');
    for (const range of ['bytes=0-18446744073709551616', 'bytes=18446744073709551616-']) {
      const res = await tb.call('GET', `${FT}/${id}/download`, { token: tb.tokens.recipient1, headers: { range } });
      expect([res.status, res.text], range).toEqual([200, 'hello world']);
    }
    expect((await tb.call('GET', `${FT}/${id}/download`, { token: tb.tokens.recipient1, headers: { range: 'bytes=0-4' } })).status).toBe(206);
  });
});

test('an admin number beyond 64 bits is a 400 conversion error', async () => {
  const res = await tb.call('PUT', `/broker/api/v1/resource/${RESOURCE_1}`, { token: tb.tokens.serviceOwner, headers: JSON_CT, body: '{"maxFileTransferSize":18446744073709551616}' });
  expect(res.status).toBe(400);
  expect(errorsOf(res)['$.maxFileTransferSize']![0]).toMatch(/could not be converted to System\.Nullable`1\[System\.Int64\]/);
});

test.describe('TUS', () => {
  const TUS = { 'tus-resumable': '1.0.0' };
  const tus = (method: string, id: string, headers: Record<string, string> = {}, body?: string) => tb.call(method, `${FT}/upload/tus/${id}`, { token: tb.tokens.sender, headers: { ...TUS, ...headers }, ...(body !== undefined ? { body } : {}) });
  const patch = (id: string, headers: Record<string, string>, body = 'x') => tus('PATCH', id, { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', ...headers }, body);

  test('Upload-Length with a plus sign is accepted', async () => {
    expect((await tus('POST', await tb.initialize(), { 'upload-length': '+11' })).status).toBe(201);
  });

  test('PATCH: an offset beyond 64 bits → 400, a charset → 415, more than the upload → 413, a checksum that is not base64 → 400', async () => {
    const id = await tb.initialize();
    expect((await tus('POST', id, { 'upload-length': '11' })).status).toBe(201);
    expect((await patch(id, { 'upload-offset': '18446744073709551616' })).status).toBe(400);
    expect((await patch(id, { 'content-type': 'application/offset+octet-stream; charset=utf-8' })).status).toBe(415);
    const tooLong = await patch(id, {}, 'x'.repeat(20));
    expect([tooLong.status, tooLong.text]).toEqual([413, "Request contains more data than the file's upload length. Request data: 20, upload length: 11."]);
    expect((await patch(id, { 'upload-checksum': 'md5 !!!notbase64' })).status).toBe(400);
    // Nothing of the refused PATCHes was written.
    expect((await tus('HEAD', id)).headers['upload-offset']).toBe('0');
  });

  test('GET, PUT and TRACE on a TUS URL are a plain 404', async () => {
    const id = await tb.initialize();
    for (const method of ['GET', 'PUT', 'TRACE']) expect((await tus(method, id)).status, method).toBe(404);
  });

  test('HEAD on the TUS URL of a transfer uploaded in binary is 200 with its size as offset', async () => {
    const id = await tb.initialize();
    await tb.upload(id, 'hello world');
    const res = await tus('HEAD', id);
    expect([res.status, res.headers['upload-offset'], res.headers['upload-length']]).toEqual([200, '11', '11']);
  });
});
