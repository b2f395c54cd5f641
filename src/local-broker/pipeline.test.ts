/** @module Self-tests of the request pipeline: routing, 404/405/415/406 order, security headers, authentication and problem shapes. */
import { expect, test } from '@playwright/test';
import { SignJWT, generateKeyPair } from 'jose';
import { startTestBroker, type TestBroker, ORGS } from './testing.ts';

let tb: TestBroker;
test.beforeAll(async () => {
  tb = await startTestBroker();
});
test.afterAll(async () => tb.close());

const FT = '/broker/api/v1/filetransfer';
const ZERO = '00000000-0000-0000-0000-000000000000';

test('unknown route is 404 with an empty body and security headers', async () => {
  const res = await tb.call('GET', '/nope');
  expect(res.status).toBe(404);
  expect(res.text).toBe('');
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['cache-control']).toBe('no-store');
});

test('wrong method is 405 with Allow, HEAD on download too', async () => {
  const res = await tb.call('DELETE', `${FT}/${ZERO}`);
  expect(res.status).toBe(405);
  expect(res.headers.allow).toBe('GET');
  expect(res.text).toBe('');
  expect((await tb.call('HEAD', `${FT}/${ZERO}/download`)).status).toBe(405);
});

test('paths are case-insensitive', async () => {
  const res = await tb.call('GET', `/BROKER/api/V1/FileTransfer/${ZERO}`, { token: tb.tokens.sender });
  expect(res.status).toBe(404);
  expect(res.json().code).toBe('BRO-00001');
});

test('a [Consumes] mismatch is 415 with an empty body even without a token', async () => {
  const res = await tb.call('POST', `${FT}/${ZERO}/upload`, { body: 'x', headers: { 'content-type': 'text/plain' } });
  expect(res.status).toBe(415);
  expect(res.text).toBe('');
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  const multipart = await tb.call('POST', `${FT}/upload`, { json: {} });
  expect(multipart.status).toBe(415);
  expect(multipart.text).toBe('');
});

test('Accept check runs before authentication: 406 with the plain text and no content type', async () => {
  for (const accept of ['text/html', 'application/*', '']) {
    const res = await tb.call('GET', `${FT}/${ZERO}`, { headers: { accept } });
    expect(res.status, accept).toBe(406);
    expect(res.text).toBe('This endpoint does not support the requested Accept header. Supported Accept headers are: application/json, */*.');
    expect(res.headers['content-type']).toBeUndefined();
  }
  const ok = await tb.call('GET', `${FT}/${ZERO}`, { headers: { accept: 'text/html, application/json;q=0.5' } });
  expect(ok.status).toBe(401);
  // Download has no [Produces]: no Accept check.
  expect((await tb.call('GET', `${FT}/${ZERO}/download`, { headers: { accept: 'text/html' } })).status).toBe(401);
});

test('no token, a bad token, alg none and an expired token are 401 with empty bodies and WWW-Authenticate', async () => {
  const none = await tb.call('GET', `${FT}/${ZERO}`);
  expect(none.status).toBe(401);
  expect(none.text).toBe('');
  expect(none.headers['www-authenticate']).toBe('Bearer');

  const garbage = await tb.call('GET', `${FT}/${ZERO}`, { token: 'not.a.jwt' });
  expect(garbage.status).toBe(401);
  expect(garbage.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);

  const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(
    JSON.stringify({ iss: tb.issuer.issuer, scope: 'altinn:broker.read', 'urn:altinn:orgNumber': ORGS.recipient1, exp: 9_999_999_999 }),
  ).toString('base64url');
  const algNone = await tb.call('GET', `${FT}/${ZERO}`, { token: `${header}.${payload}.` });
  expect(algNone.status).toBe(401);

  const expired = await tb.token(ORGS.sender, ['altinn:broker.read'], {}, { issuedAt: Math.floor(Date.now() / 1000) - 7200, expiresInSeconds: 60 });
  const res = await tb.call('GET', `${FT}/${ZERO}`, { token: expired });
  expect(res.status).toBe(401);
  expect(res.headers['www-authenticate']).toMatch(/error_description="The token expired/);
});

test('a token signed by an untrusted key with the trusted issuer name is rejected', async () => {
  const { privateKey } = await generateKeyPair('RS256');
  const forged = await new SignJWT({ iss: tb.issuer.issuer, scope: 'altinn:broker.read', 'urn:altinn:orgNumber': ORGS.recipient1 })
    .setProtectedHeader({ alg: 'RS256', kid: 'forged' })
    .setExpirationTime('1h')
    .sign(privateKey);
  expect((await tb.call('GET', `${FT}/${ZERO}`, { token: forged })).status).toBe(401);
});

test('a token lacking the scope is 403 with an empty body', async () => {
  const res = await tb.call('POST', FT, { token: tb.tokens.readOnlySender, json: {} });
  expect(res.status).toBe(403);
  expect(res.text).toBe('');
  expect(res.headers['x-content-type-options']).toBe('nosniff');
});

test('Broker errors are Altinn ProblemDetails with the duplicated traceId, keys in order, JSON content type on [Produces] endpoints', async () => {
  const res = await tb.call('GET', `${FT}/${ZERO}`, { token: tb.tokens.sender });
  expect(res.status).toBe(404);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  const keys = [...res.text.matchAll(/"(\w+)":/g)].map((m) => m[1]);
  expect(keys).toEqual(['type', 'title', 'status', 'detail', 'code', 'traceId', 'statusDescription', 'traceId']);
  const body = res.json();
  expect(body).toMatchObject({
    type: 'https://tools.ietf.org/html/rfc9110#section-15.5.5',
    title: 'Not Found',
    status: 404,
    detail: 'The requested file transfer was not found',
    code: 'BRO-00001',
    statusDescription: 'Not Found',
  });
  expect(body.traceId).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  const both = [...res.text.matchAll(/"traceId":"([^"]+)"/g)].map((m) => m[1]);
  expect(both[0]).toBe(both[1]);
});

test('download errors use application/problem+json', async () => {
  const res = await tb.call('GET', `${FT}/${ZERO}/download`, { token: tb.tokens.recipient1 });
  expect(res.status).toBe(404);
  expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
});

test('the trace id follows an incoming traceparent', async () => {
  const trace = '0af7651916cd43dd8448eb211c80319c';
  const res = await tb.call('GET', `${FT}/${ZERO}`, { token: tb.tokens.sender, headers: { traceparent: `00-${trace}-b7ad6b7169203331-01` } });
  expect(res.json().traceId).toContain(trace);
});

test('a non-GUID id is a 400 validation problem keyed fileTransferId, after authentication', async () => {
  expect((await tb.call('GET', `${FT}/abc`)).status).toBe(401);
  const res = await tb.call('GET', `${FT}/abc`, { token: tb.tokens.sender });
  expect(res.status).toBe(400);
  const keys = [...res.text.matchAll(/"(\w+)":/g)].map((m) => m[1]);
  expect(keys).toEqual(['type', 'title', 'status', 'errors', 'fileTransferId', 'traceId']);
  expect(res.json()).toMatchObject({ title: 'One or more validation errors occurred.', errors: { fileTransferId: ["The value 'abc' is not valid."] } });
});

test('GUIDs in N and B forms bind; all-zero GUID is just not found', async () => {
  const res = await tb.call('GET', `${FT}/{${ZERO}}`, { token: tb.tokens.sender });
  expect(res.json().code).toBe('BRO-00001');
});

test('health is anonymous plain text', async () => {
  const res = await tb.call('GET', '/health');
  expect(res.status).toBe(200);
  expect(res.text).toBe('Environment properly configured');
});

test('emulator endpoints are off unless enabled', async () => {
  expect((await tb.call('POST', '/_emulator/tokens', { json: { org: ORGS.sender, scopes: [] } })).status).toBe(404);
  expect((await tb.call('GET', '/_emulator/events')).status).toBe(404);
});

test('oversized headers are refused by the server without a 500', async () => {
  const res = await tb.call('GET', '/health', { headers: { 'x-big': 'a'.repeat(40_000) } });
  expect(res.status).toBe(431);
});
