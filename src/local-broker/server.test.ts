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
