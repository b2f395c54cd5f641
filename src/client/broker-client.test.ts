import { expect, test } from '@playwright/test';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { allChecks } from '../contract/index.ts';
import { goodOverview, miniContract, TRANSFER_ID } from '../contract/testing.ts';
import { MemoryLedger, type ExchangeEntry } from '../ledger/index.ts';
import { BrokerClient } from './broker-client.ts';
import { RateLimiter } from './rate-limit.ts';
import { TransportError, UndiciTransport } from './transport.ts';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzY29wZSI6ImFsdGlubjpicm9rZXIud3JpdGUifQ.c2lnbmF0dXJl';
const payload = Buffer.alloc(3 * 1024 * 1024, 7);

let server: Server;
let baseUrl: string;
const seen: { authorization?: string; userAgent?: string; accept?: string; rawAccept: string[] }[] = [];

test.beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ authorization: req.headers.authorization, userAgent: req.headers['user-agent'], accept: req.headers.accept, rawAccept: req.rawHeaders.filter((_, i, all) => i % 2 === 1 && /^accept$/i.test(all[i - 1]!)) });
    const path = req.url ?? '';
    if (path === `/broker/api/v1/filetransfer/${TRANSFER_ID}`) {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff' });
      res.end(JSON.stringify({ ...goodOverview(), fileTransferStatus: req.headers['x-break'] ? 'Nonsense' : 'Published' }));
    } else if (path === `/broker/api/v1/filetransfer/${TRANSFER_ID}/download`) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(payload);
    } else if (path === '/hang-up') {
      req.socket.destroy();
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function client(ledger: MemoryLedger) {
  return new BrokerClient({
    baseUrl,
    actor: 'sender',
    tokens: { token: async () => TOKEN, description: 'fixed test token' },
    contracts: [miniContract('reference'), miniContract('published')],
    checks: allChecks(),
    ledger,
    timeoutMs: 5_000,
  });
}

test('a call is sent with the token, checked against every contract, and recorded with the token masked', async () => {
  const ledger = new MemoryLedger();
  const res = await client(ledger).getFileTransferOverview(TRANSFER_ID);
  expect(res.status).toBe(200);
  expect(res.body?.fileTransferStatus).toBe('Published');
  expect(seen.at(-1)?.authorization).toBe(`Bearer ${TOKEN}`);
  expect(new Set(res.checks.map((c) => c.contract))).toEqual(new Set(['reference', 'published']));
  expect(res.checks.every((c) => c.verdict === 'PASS')).toBe(true);
  const entry = ledger.entries[0] as ExchangeEntry;
  expect(entry).toMatchObject({ type: 'exchange', actor: 'sender', operationId: 'getFileTransferOverview', response: { status: 200 } });
  expect(JSON.stringify(ledger.entries)).not.toContain(TOKEN);
  expect(entry.request.headers.authorization).toBe('Bearer [REDACTED]');
});

test('every request says who calls and accepts any answer, unless the call names its own Accept (in any case), which is then the only one', async () => {
  const ledger = new MemoryLedger();
  await client(ledger).getFileTransferOverview(TRANSFER_ID);
  expect(seen.at(-1)).toMatchObject({ userAgent: 'broker-conformance', accept: '*/*' });
  expect((ledger.entries[0] as ExchangeEntry).request.headers).toMatchObject({ 'user-agent': 'broker-conformance', accept: '*/*' });
  await client(ledger).call({ method: 'GET', path: `/broker/api/v1/filetransfer/${TRANSFER_ID}`, headers: { Accept: 'application/json' } });
  expect(seen.at(-1)?.rawAccept).toEqual(['application/json']);
});

test('a non-conformant response is a FAIL against the reference and a WARN against the published contract', async () => {
  const ledger = new MemoryLedger();
  const res = await client(ledger).call({ method: 'GET', path: `/broker/api/v1/filetransfer/${TRANSFER_ID}`, headers: { 'x-break': '1' } });
  const schema = res.checks.filter((c) => c.checkId === 'response_schema_conformance');
  expect(schema.map((c) => [c.contract, c.verdict])).toEqual([['reference', 'FAIL'], ['published', 'WARN']]);
  expect((ledger.entries[0] as ExchangeEntry).checks).toHaveLength(res.checks.length);
});

test('downloads stream: the body is hashed and counted, written to the sink, and only a prefix is kept', async () => {
  const ledger = new MemoryLedger();
  let written = 0;
  const sink = new Writable({ write: (chunk: Buffer, _e, cb) => { written += chunk.length; cb(); } });
  const res = await client(ledger).downloadFileTransfer(TRANSFER_ID, { sink });
  expect(res.status).toBe(200);
  expect(res.bodyBytes).toBe(payload.length);
  expect(written).toBe(payload.length);
  expect(res.md5).toBe(createHash('md5').update(payload).digest('hex'));
  expect((ledger.entries[0] as ExchangeEntry).response?.bodyExcerpt).toMatch(/^\[3145728 bytes of application\/octet-stream, md5 [0-9a-f]{32}\]$/);
});

test('a transport failure is recorded, then thrown as a TransportError naming its kind', async () => {
  const ledger = new MemoryLedger();
  const error = await client(ledger).call({ method: 'GET', path: '/hang-up' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TransportError);
  expect((error as TransportError).kind).toBe('reset');
  expect(ledger.entries[0]).toMatchObject({ type: 'exchange', error: { kind: 'reset' } });
});

test('the rate limiter holds the 11th search in a minute until the window frees', async () => {
  let now = 0;
  const sleeps: number[] = [];
  const limiter = new RateLimiter({ search: 10 }, () => now, async (ms) => { sleeps.push(ms); now += ms; });
  for (let i = 0; i < 10; i++) await limiter.acquire('search');
  expect(sleeps).toEqual([]);
  await limiter.acquire('search');
  expect(sleeps).toEqual([60_005]);
  await limiter.acquire('overview'); // no limit configured
  expect(sleeps).toHaveLength(1);
});

test('bodies go on the wire byte for byte: an empty string under a JSON content type stays empty', async () => {
  const seenBodies: string[] = [];
  const echo = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seenBodies.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(204);
      res.end();
    });
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  const transport = new UndiciTransport();
  const url = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/x`;
  for (const body of ['', '"quoted"', '{"a":1}']) {
    await transport.send({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body, timeoutMs: 5_000 }, { keepBytes: 1024 });
  }
  expect(seenBodies).toEqual(['', '"quoted"', '{"a":1}']);
  echo.closeAllConnections();
  await new Promise((r) => echo.close(r));
});
