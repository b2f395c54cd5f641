/** @module Self-tests of the gateway profile: per-operation, per-subscription limits answered 429 with Retry-After and the gateway's body, a sliding window, and nothing counted outside the Broker API. */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { builtInGatewayProfile, createGateway, gatewayOperation, resolveGatewayProfile, type GatewayProfile } from './gateway.ts';
import { startTestBroker } from './testing.ts';

test('each Broker operation has its own counter; calls outside the Broker API are not counted', () => {
  const id = '11111111-2222-3333-4444-555555555555';
  expect([
    gatewayOperation('POST', '/broker/api/v1/filetransfer'),
    gatewayOperation('POST', `/broker/api/v1/filetransfer/${id}/upload`),
    gatewayOperation('POST', '/broker/api/v1/filetransfer/upload'),
    gatewayOperation('GET', `/broker/api/v1/filetransfer/${id}`),
    gatewayOperation('GET', `/broker/api/v1/filetransfer/${id}/details`),
    gatewayOperation('GET', '/broker/api/v1/filetransfer?resourceId=r'),
    gatewayOperation('GET', `/broker/api/v1/filetransfer/${id}/download`),
    gatewayOperation('POST', `/broker/api/v1/filetransfer/${id}/confirmdownload`),
    gatewayOperation('POST', `/broker/api/v1/filetransfer/${id}/upload/tus`),
    gatewayOperation('PUT', '/broker/api/v1/resource/r'),
    gatewayOperation('GET', '/events/api/v1/events'),
    gatewayOperation('POST', '/_emulator/clock/advance'),
  ]).toEqual(['initialize', 'upload', 'upload', 'overview', 'details', 'search', 'download', 'confirm', 'default', 'default', undefined, undefined]);
});

test("the built-in tt02 profile holds the limits the Broker's own rate-limit test expects", () => {
  expect(builtInGatewayProfile('tt02').limits).toEqual({ initialize: 120, upload: 120, overview: 120, details: 15, search: 10, download: 120, confirm: 120, default: 120 });
  expect(() => builtInGatewayProfile('prod')).toThrow("unknown gateway profile 'prod' (built in: tt02)");
  expect(() => resolveGatewayProfile({ name: 'x', windowSeconds: 60, limits: { detail: 3 } as never })).toThrow("unknown operation 'detail'");
  expect(() => resolveGatewayProfile({ name: 'x', windowSeconds: 60, limits: { details: 0 } })).toThrow("the limit of 'details' must be a positive integer");
});

/** A gateway over a trivial 200 listener on loopback, on a clock the test moves. */
async function gatewayOver(profile: GatewayProfile) {
  let now = 0;
  const inner: RequestListener = (_req, res) => res.end('ok');
  const gw = createGateway(profile, inner, () => now);
  const server = createServer(gw.listener);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    gw,
    advance: (ms: number) => (now += ms),
    get: async (path: string, key?: string) => {
      const res = await fetch(`${base}${path}`, { headers: key ? { 'ocp-apim-subscription-key': key } : {} });
      return { status: res.status, retryAfter: res.headers.get('retry-after'), type: res.headers.get('content-type'), body: await res.text() };
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

test('over the limit: 429 with Retry-After and the gateway body, until the window slides past the oldest call', async () => {
  const g = await gatewayOver({ name: 't', windowSeconds: 60, limits: { details: 2 } });
  try {
    const details = '/broker/api/v1/filetransfer/x/details';
    expect((await g.get(details)).status).toBe(200);
    g.advance(10_000);
    expect((await g.get(details)).status).toBe(200);
    const refused = await g.get(details);
    expect(refused).toEqual({ status: 429, retryAfter: '50', type: 'application/json', body: JSON.stringify({ statusCode: 429, message: 'Rate limit is exceeded. Try again in 50 seconds.' }) });
    // Another operation and another subscription have counters of their own; overview has no limit here.
    expect((await g.get('/broker/api/v1/filetransfer/x')).status).toBe(200);
    expect((await g.get(details, 'other-subscription')).status).toBe(200);
    g.advance(50_000);
    expect((await g.get(details)).status).toBe(200);
    expect((await g.get(details)).status).toBe(429);
    expect(g.gw.stats()).toEqual({ passed: { details: 4 }, refused: { details: 2 } });
  } finally {
    await g.close();
  }
});

test('the local Broker started with a profile answers 429 in front of its pipeline and counts what it let through', async () => {
  const tb = await startTestBroker({ gatewayProfile: { name: 'tiny', windowSeconds: 60, limits: { overview: 1 } } });
  try {
    const id = await tb.initialize({});
    expect((await tb.call('GET', `/broker/api/v1/filetransfer/${id}`, { token: tb.tokens.sender })).status).toBe(200);
    const refused = await tb.call('GET', `/broker/api/v1/filetransfer/${id}`, { token: tb.tokens.sender });
    expect([refused.status, Number(refused.headers['retry-after']) > 0]).toEqual([429, true]);
    expect(tb.broker.gatewayStats()).toEqual({ passed: { overview: 1 }, refused: { overview: 1 } });
  } finally {
    await tb.close();
  }
  const plain = await startTestBroker();
  try {
    expect(plain.broker.gatewayStats()).toBeUndefined();
  } finally {
    await plain.close();
  }
});
