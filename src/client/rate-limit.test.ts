/** @module Self-tests of the harness's pacing: every Broker API call has a gateway counter, a slot is dated by its answer, and the lower bound the limits allow. */
import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileWindowStore, rateClassOf, rateLowerBoundMs, RateLimiter } from './rate-limit.ts';

test('every Broker API call is paced by the counter the gateway keeps for it; other APIs are not', () => {
  const id = '11111111-2222-3333-4444-555555555555';
  expect([
    rateClassOf('POST', '/broker/api/v1/filetransfer'),
    rateClassOf('GET', `/broker/api/v1/filetransfer/${id}/details`),
    rateClassOf('GET', '/broker/api/v1/filetransfer?resourceId=r&status=Published'),
    rateClassOf('POST', `/broker/api/v1/filetransfer/${id}/confirmdownload`),
    rateClassOf('OPTIONS', '/broker/api/v1/filetransfer/upload/tus'),
    rateClassOf('GET', '/broker/api/v1/resource/r'),
    rateClassOf('GET', '/events/api/v1/events?after=0'),
  ]).toEqual(['initialize', 'details', 'search', 'confirm', 'default', 'default', undefined]);
});

test('a slow answer dates its slot: the next window opens a minute after the answer, not after the send', async () => {
  let now = 0;
  const sleeps: number[] = [];
  const limiter = new RateLimiter({ details: 1 }, () => now, async (ms) => { sleeps.push(ms); now += ms; });
  const settle = await limiter.acquire('details');
  now += 3_000; // the answer takes 3 s
  await settle();
  await limiter.acquire('details');
  // Dated by the send it would go at 60 005 ms; dated by the answer, at 63 005 ms.
  expect([sleeps, now]).toEqual([[60_005], 63_005]);
});

test("the lower bound is the busiest counter's full windows", () => {
  const limits = { details: 15, search: 10, default: 120 };
  expect(rateLowerBoundMs({}, limits)).toBe(0);
  expect(rateLowerBoundMs({ details: 15, search: 10 }, limits)).toBe(0);
  expect(rateLowerBoundMs({ details: 16 }, limits)).toBe(60_000);
  expect(rateLowerBoundMs({ details: 74, search: 29, overview: 128 }, limits)).toBe(240_000);
  expect(rateLowerBoundMs({ details: 1000 }, {})).toBe(0);
});

test('workers of one run share one window: what one has used, the other waits for', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pacing-'));
  try {
    let now = 1_000_000;
    const sleeps: number[] = [];
    const sleep = async (ms: number) => { sleeps.push(ms); now += ms; };
    const workerA = new RateLimiter({ search: 2 }, () => now, sleep, 60_000, new FileWindowStore(dir));
    const workerB = new RateLimiter({ search: 2 }, () => now, sleep, 60_000, new FileWindowStore(dir));
    await (await workerA.acquire('search'))();
    now += 1_000;
    await (await workerB.acquire('search'))();
    expect(sleeps).toEqual([]);
    await workerA.acquire('search');
    expect(sleeps).toEqual([59_005]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
