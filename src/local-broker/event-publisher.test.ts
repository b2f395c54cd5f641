/**
 * @module Self-tests of CloudEvent delivery to the platform gateway: the POST as the Broker sends it (path, content
 * type, chunked body, Bearer from the Maskinporten + exchange doubles, body in the Broker's key order), and its
 * failure handling (HTTP retries, 401 refresh, error status logged and lost, job retries on the Broker's clock).
 */
import { expect, test } from '@playwright/test';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import { startPlatform, verifyAltinnToken, type Platform } from '../platform/index.ts';
import { BROKER_PLATFORM_SCOPE, type BrokerMaskinportenSettings } from './platform-token.ts';
import { eventually, startTestBroker, type TestBroker } from './testing.ts';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A stand-in for the Events ingest: records every request and answers from a script (then 200). */
async function startIngest(): Promise<{ url: string; received: Received[]; script: Array<number | 'reset'>; close(): Promise<void> }> {
  const received: Received[] = [];
  const script: Array<number | 'reset'> = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
    const next = script.shift() ?? 200;
    if (next === 'reset') return void req.socket.destroy();
    res.writeHead(next, { 'content-type': 'text/plain' });
    res.end(next >= 400 ? `refused ${next}` : '');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/gateway/`,
    received,
    script,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

async function brokerCredentials(platform: Platform): Promise<BrokerMaskinportenSettings> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = 'local-broker-key';
  platform.registerClient({
    clientId: 'local-broker-client',
    org: '991825827',
    scopes: BROKER_PLATFORM_SCOPE.split(' '),
    keys: [{ kid, key: await exportJWK(publicKey) }],
  });
  return {
    clientId: 'local-broker-client',
    privateKey: { ...(await exportJWK(privateKey)), kid },
    tokenEndpoint: platform.maskinportenTokenEndpoint,
    exchangeUrl: platform.exchangeUrl,
  };
}

let platform: Platform;
let ingest: Awaited<ReturnType<typeof startIngest>>;
let tb: TestBroker;
const logs: string[] = [];

test.beforeEach(async () => {
  platform = await startPlatform();
  ingest = await startIngest();
  logs.length = 0;
  tb = await startTestBroker({
    platformGatewayUrl: ingest.url,
    maskinporten: await brokerCredentials(platform),
    eventPublishing: { httpRetryDelaysMs: [10, 20, 40], jobRetryDelaysMs: [60_000] },
    log: (l) => logs.push(l),
  });
});

test.afterEach(async () => {
  await tb.close();
  await ingest.close();
  await platform.close();
});

test('each CloudEvent is POSTed to {gateway}events/api/v1/events as the Broker sends it, with its own Altinn token', async () => {
  const id = await tb.initialize();
  expect((await tb.upload(id, 'hello')).status).toBe(200);
  const emitted = tb.broker.events().filter((e) => e.resourceinstance === id);
  expect(emitted.length).toBeGreaterThanOrEqual(3); // initialized, published ×2
  await eventually(async () => (tb.broker.eventPublisher!.stats.delivered >= emitted.length ? true : undefined));
  expect(ingest.received).toHaveLength(emitted.length);
  for (const r of ingest.received) {
    expect(r.method).toBe('POST');
    expect(r.url).toBe('/gateway/events/api/v1/events');
    expect(r.headers['content-type']).toBe('application/cloudevents+json');
    expect(r.headers['transfer-encoding']).toBe('chunked');
    expect(r.headers['content-length']).toBeUndefined();
    expect(r.headers['ocp-apim-subscription-key']).toBeUndefined();
    const token = /^Bearer (\S+)$/.exec(r.headers.authorization ?? '')?.[1];
    const claims = await verifyAltinnToken(token!, platform.altinnOpenIdConfigurationUrl);
    expect(claims['urn:altinn:orgNumber']).toBe('991825827');
    expect(String(claims.scope)).toContain('altinn:events.publish');
    expect(Object.keys(JSON.parse(r.body))).toEqual(['specversion', 'id', 'type', 'time', 'resource', 'resourceinstance', 'subject', 'source', 'data']);
  }
  const posted = ingest.received.map((r) => JSON.parse(r.body));
  expect(posted.map((e) => e.id).sort()).toEqual(emitted.map((e) => e.id).sort());
  expect(posted.every((e) => e.source === `${ingest.url}broker/api/v1/filetransfer`)).toBe(true);
  // One grant and one exchange serve every event (the token is cached).
  expect(platform.maskinporten.stats.issued).toBe(1);
  expect(platform.exchange.stats.issued).toBe(1);
});

test('5xx and resets are retried by the HTTP policy; a 400 is logged and the event lost; a 401 fetches a fresh token once', async () => {
  const publisher = tb.broker.eventPublisher!;
  ingest.script.push(503, 'reset', 502); // three failures, the fourth attempt answers 200
  await tb.initialize();
  await eventually(async () => (publisher.stats.delivered === 1 ? true : undefined));
  expect(ingest.received).toHaveLength(4);
  expect(new Set(ingest.received.map((r) => JSON.parse(r.body).id)).size).toBe(1);

  ingest.script.push(400);
  await tb.initialize();
  await eventually(async () => (publisher.stats.lost === 1 ? true : undefined));
  expect(ingest.received).toHaveLength(5); // no retry of a 400
  expect(logs.some((l) => l.includes('answered 400') && l.includes('refused 400'))).toBe(true);

  ingest.script.push(401);
  await tb.initialize();
  await eventually(async () => (publisher.stats.delivered === 2 ? true : undefined));
  expect(ingest.received).toHaveLength(7);
  const [refused, repeated] = ingest.received.slice(5);
  expect(refused!.body).toBe(repeated!.body);
  expect(refused!.headers.authorization).not.toBe(repeated!.headers.authorization);
  expect(platform.maskinporten.stats.issued).toBe(2);
});

test('a publish job that cannot reach the gateway is re-run on the Broker clock, then dropped after its last retry', async () => {
  const publisher = tb.broker.eventPublisher!;
  ingest.script.push('reset', 'reset', 'reset', 'reset');
  await tb.initialize();
  await eventually(async () => (tb.broker.scheduler.pending().some((p) => p.key.startsWith('publish:')) ? true : undefined));
  expect(ingest.received).toHaveLength(4);
  expect(publisher.stats.delivered).toBe(0);
  await tb.broker.advanceClock(60_000);
  await eventually(async () => (publisher.stats.delivered === 1 ? true : undefined));
  expect(ingest.received).toHaveLength(5);

  // Once the retries are used up (one configured here) the event is dropped with a log line.
  ingest.script.push(...Array<'reset'>(8).fill('reset'));
  await tb.initialize();
  await eventually(async () => (tb.broker.scheduler.pending().some((p) => p.key.startsWith('publish:')) ? true : undefined));
  await tb.broker.advanceClock(60_000);
  await eventually(async () => (publisher.stats.dropped === 1 ? true : undefined));
  expect(logs.some((l) => l.includes('failed for good after 2 attempts'))).toBe(true);
});

test('Maskinporten settings without a gateway, or a malformed key, are refused at start with a clear message', async () => {
  const settings = await brokerCredentials(platform);
  await expect(startTestBroker({ maskinporten: settings }, platform.altinn)).rejects.toThrow(/maskinporten needs platformGatewayUrl/);
  await expect(startTestBroker({ platformGatewayUrl: ingest.url, maskinporten: { ...settings, privateKey: { kty: 'RSA', n: 'x', e: 'AQAB' } } }, platform.altinn)).rejects.toThrow(
    /RSA private JWK/,
  );
  await expect(startTestBroker({ platformGatewayUrl: 'not a url' }, platform.altinn)).rejects.toThrow(/platformGatewayUrl must be an http/);
});
