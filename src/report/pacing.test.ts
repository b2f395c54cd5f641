/** @module Self-tests of the pacing block: calls counted per gateway counter, the lower bound, and every 429 counted as unplanned. */
import { expect, test } from '@playwright/test';
import type { ExchangeEntry, RunStartEntry } from '../ledger/index.ts';
import { pacingOf } from './pacing.ts';

const start = (rateLimits?: Record<string, number>) => ({ type: 'run-start', ...(rateLimits ? { rateLimits } : {}) }) as unknown as RunStartEntry;
const exchange = (id: string, rateClass: string | undefined, status: number) => ({ type: 'exchange', id, ...(rateClass ? { rateClass } : {}), response: { status } }) as unknown as ExchangeEntry;

test('calls per counter, the busiest counter bounds the run, and a 429 is counted as unplanned', () => {
  const details = Array.from({ length: 16 }, (_, i) => exchange(`d${i}`, 'details', 200));
  const p = pacingOf([start({ details: 15, search: 10, default: 120 })], [...details, exchange('s', 'search', 429), exchange('e', undefined, 200)], 90_000);
  expect(p).toEqual({
    rateLimits: { details: 15, search: 10, default: 120 },
    calls: { details: 16, search: 1 },
    lowerBoundSeconds: 60,
    wallSeconds: 90,
    ratio: 1.5,
    unplanned429: 1,
    unplanned429ExchangeIds: ['s'],
  });
});

test('an environment without rate limits has no pacing block; limits that bind nothing give no ratio', () => {
  expect(pacingOf([start()], [exchange('a', 'details', 200)], 1000)).toBeNull();
  expect(pacingOf([start({ details: 15 })], [exchange('a', 'details', 200)], 1000)).toMatchObject({ lowerBoundSeconds: 0, ratio: null, unplanned429: 0 });
});
