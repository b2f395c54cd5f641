/** @module Self-tests of the token cache with a hand-driven clock: reuse until exp − margin, then refresh; one fetch for concurrent callers. */
import { test, expect } from '@playwright/test';
import { cachedToken } from './token-cache.ts';

const jwtWithExp = (exp: number, n: number) =>
  `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify({ exp, n })).toString('base64url')}.sig`;

test('returns the same token until 30 s before exp, then fetches a new one', async () => {
  let clock = 1_000_000_000;
  let fetches = 0;
  const token = cachedToken(async () => ({ token: jwtWithExp(clock / 1000 + 120, ++fetches) }), { now: () => clock });
  const first = await token();
  clock += 80_000; // 40 s before exp
  expect(await token()).toBe(first);
  clock += 10_500; // 29.5 s before exp: inside the margin
  const second = await token();
  expect(second).not.toBe(first);
  expect(fetches).toBe(2);
});

test('an opaque token is kept for expires_in minus the margin, and never when its lifetime is unknown', async () => {
  let clock = 0;
  let n = 0;
  const opaque = cachedToken(async () => ({ token: `opaque-${++n}`, expiresIn: 100 }), { now: () => clock });
  expect(await opaque()).toBe('opaque-1');
  clock = 69_000;
  expect(await opaque()).toBe('opaque-1');
  clock = 71_000;
  expect(await opaque()).toBe('opaque-2');
  let m = 0;
  const unknown = cachedToken(async () => ({ token: `x-${++m}` }));
  await unknown();
  expect(await unknown()).toBe('x-2');
});

test('concurrent callers share one fetch; a failed fetch is not cached', async () => {
  let fetches = 0;
  let fail = true;
  const token = cachedToken(async () => {
    fetches += 1;
    if (fail) throw new Error('boom');
    return { token: jwtWithExp(Date.now() / 1000 + 600, fetches) };
  });
  await expect(token()).rejects.toThrow('boom');
  fail = false;
  const [a, b, c] = await Promise.all([token(), token(), token()]);
  expect(a).toBe(b);
  expect(b).toBe(c);
  expect(fetches).toBe(2);
});
