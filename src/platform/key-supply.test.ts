import { expect, test } from '@playwright/test';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, type CryptoKey } from 'jose';
import { loadEnvironment } from '../config/load.ts';
import { startTarget, tokenProvidersFor, type BrokerTarget } from '../../fixtures/target.ts';
import { keyPairFor, keySupply } from './key-supply.ts';

test('a slot gives the same key pair every time; different slots never share one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'key-supply-'));
  try {
    const supply = keySupply(dir);
    const [a, again, other] = await Promise.all([supply('test:a'), supply('test:a'), supply('test:b')]);
    expect(again).toBe(a);
    expect((await exportJWK(other.publicKey)).n).not.toBe((await exportJWK(a.publicKey)).n);
    expect(await keyPairFor('altinn-double')).toBe(await keyPairFor('altinn-double'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a slot\'s pair is kept for the next process, readable by its owner only; a torn file is made again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'key-supply-'));
  try {
    const modulus = async (p: Promise<{ publicKey: CryptoKey }>) => (await exportJWK((await p).publicKey)).n;
    const first = await modulus(keySupply(dir)('client:991825827'));
    const [file] = readdirSync(dir);
    expect(file).toBe('client_991825827.jwk.json');
    expect(statSync(join(dir, file!)).mode & 0o777).toBe(0o600);
    // A later process (a new supply) reads the kept pair instead of making one.
    expect(await modulus(keySupply(dir)('client:991825827'))).toBe(first);
    expect(await modulus(keySupply(dir)('client:910075918'))).not.toBe(first);
    // Its private half signs what its public half verifies (the kept JWK is whole).
    const { privateKey, publicKey } = await keySupply(dir)('client:991825827');
    const data = new TextEncoder().encode('kept');
    const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', privateKey, data);
    expect(await crypto.subtle.verify('RSASSA-PKCS1-v1_5', publicKey, signature, data)).toBe(true);
    writeFileSync(join(dir, file!), '{"kty":"RSA","n":');
    const remade = await modulus(keySupply(dir)('client:991825827'));
    expect(remade).not.toBe(first);
    expect(await modulus(keySupply(dir)('client:991825827'))).toBe(remade);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
