/** @module Self-tests of the pipeline's last resort: an unhandled exception becomes the §1.1 500, without security headers, and is logged. */
import { expect, test } from '@playwright/test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPipeline } from './server.ts';
import { call, startTestBroker } from './testing.ts';

test('an unhandled exception is a 500 ProblemDetails with the no-cache trio and no security headers; empty for Accept octet-stream', async () => {
  const lines: string[] = [];
  const tb = await startTestBroker({ log: (l) => lines.push(l) });
  const server = createServer(
    createPipeline(tb.broker.broker, [
      { method: 'GET', pattern: '/boom', auth: 'anonymous', handle: async () => { throw new Error('kaboom'); } },
    ]),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const res = await call(url, 'GET', '/boom');
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache,no-store');
    expect(res.headers.pragma).toBe('no-cache');
    expect(res.headers.expires).toBe('-1');
    expect(res.headers['x-content-type-options']).toBeUndefined();
    const keys = [...res.text.matchAll(/"(\w+)":/g)].map((m) => m[1]);
    expect(keys).toEqual(['type', 'title', 'status', 'detail', 'instance', 'traceId']);
    expect(res.json()).toMatchObject({ status: 500, title: 'Internal Server Error', instance: '/boom' });
    expect(lines.some((l) => l.includes('kaboom'))).toBe(true);
    const octet = await call(url, 'GET', '/boom', { headers: { accept: 'application/octet-stream' } });
    expect(octet.status).toBe(500);
    expect(octet.text).toBe('');
  } finally {
    await new Promise((r) => server.close(r));
    await tb.close();
  }
});

test('a 204 carries no Content-Length (Kestrel omits it; RFC 9110 §8.6): resource PUT, confirm, TUS OPTIONS', async () => {
  const tb = await startTestBroker();
  try {
    const put = await tb.call('PUT', '/broker/api/v1/resource/altinn-broker-test-resource-1', { token: tb.tokens.serviceOwner, json: {} });
    expect(put.status).toBe(204);
    expect(put.headers['content-length']).toBeUndefined();
    expect(put.headers['transfer-encoding']).toBeUndefined();
    const id = await tb.initialize();
    expect((await tb.upload(id, 'hello')).status).toBe(200);
    expect((await tb.call('GET', `/broker/api/v1/filetransfer/${id}/download`, { token: tb.tokens.recipient1 })).status).toBe(200);
    const confirm = await tb.call('POST', `/broker/api/v1/filetransfer/${id}/confirmdownload`, { token: tb.tokens.recipient1 });
    expect(confirm.status).toBe(204);
    expect(confirm.headers['content-length']).toBeUndefined();
    const tusId = await tb.initialize();
    const options = await tb.call('OPTIONS', `/broker/api/v1/filetransfer/upload/tus/${tusId}`, { token: tb.tokens.sender });
    expect(options.status).toBe(204);
    expect(options.headers['content-length']).toBeUndefined();
    expect(options.headers['tus-version']).toBeDefined();
    // Other empty answers keep their explicit zero length.
    const forbidden = await tb.call('GET', '/broker/api/v1/serviceowner', { token: tb.tokens.sender });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers['content-length']).toBe('0');
  } finally {
    await tb.close();
  }
});
