import { expect, test } from '@playwright/test';
import { exportJWK } from 'jose';
import { loadEnvironment } from '../config/load.ts';
import { startTarget, tokenProvidersFor, type BrokerTarget } from '../../fixtures/target.ts';
import { keyPairFor } from './key-supply.ts';

test('a slot gives the same key pair every time; different slots never share one', async () => {
  const [a, again, other] = await Promise.all([keyPairFor('test:a'), keyPairFor('test:a'), keyPairFor('test:b')]);
  expect(again).toBe(a);
  expect((await exportJWK(other.publicKey)).n).not.toBe((await exportJWK(a.publicKey)).n);
});

test('two embedded Brokers in one process, their doubles sharing keys, still refuse each other\'s tokens', async () => {
  const env = loadEnvironment('local');
  const targets: BrokerTarget[] = [];
  try {
    targets.push(await startTarget(env), await startTarget(env));
    const [a, b] = targets as [BrokerTarget, BrokerTarget];
    const tokenOf = (t: BrokerTarget) => tokenProvidersFor(env, t).get('sender')!.token();
    const overview = (t: BrokerTarget, token: string) =>
      fetch(`${t.baseUrl}/broker/api/v1/filetransfer/00000000-0000-4000-8000-000000000000`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
    const [ownA, ownB] = await Promise.all([tokenOf(a), tokenOf(b)]);
    // Its own token gets past authentication (404: no such transfer); the other Broker's does not.
    expect(await overview(a, ownA)).toBe(404);
    expect(await overview(b, ownB)).toBe(404);
    expect(await overview(b, ownA)).toBe(401);
    expect(await overview(a, ownB)).toBe(401);
  } finally {
    await Promise.all(targets.map((t) => t.close()));
  }
});
