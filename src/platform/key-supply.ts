/**
 * @module RSA key pairs for the platform doubles and the token forge, handed out by slot. Making an
 * RS256 key takes 100–200 ms of CPU, and every embedded Broker used to make six (its Altinn issuer, its
 * Maskinporten, a client per organisation): about a second per Broker started, paid again by each test
 * that starts a Broker of its own and by every worker of every run. So a slot's pair is made once, kept
 * (as a JWK, readable by its owner only) in the harness's cache, and shared by the doubles of a process.
 *
 * These keys belong to the harness's own doubles and forged tokens, never to a real party: a remote
 * run's keys come from its secrets and never pass through here. What tells doubles apart is unchanged:
 * each issuer's URL (a Broker trusts its own doubles' issuers only) and each issuer key's `kid` (random
 * per double). Different slots never share a key, so a forged token's key is one no double knows.
 */
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { cacheDirectory, keep, readKeptJson } from '../cache.ts';

export interface SuppliedKeyPair {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

/** A file name for a slot (`client:991825827` → `client_991825827.jwk.json`). */
const fileOf = (directory: string, slot: string) => join(directory, `${slot.replace(/[^A-Za-z0-9-]/g, '_')}.jwk.json`);

async function readPair(file: string): Promise<SuppliedKeyPair | undefined> {
  const jwk = readKeptJson<JWK>(file);
  if (jwk?.kty !== 'RSA' || typeof jwk.d !== 'string') return undefined; // none, torn or foreign: made again
  try {
    const privateKey = (await importJWK(jwk, 'RS256', { extractable: true })) as CryptoKey;
    const publicKey = (await importJWK({ kty: jwk.kty, n: jwk.n, e: jwk.e }, 'RS256', { extractable: true })) as CryptoKey;
    return { privateKey, publicKey };
  } catch {
    return undefined; // a JWK that does not import: made again
  }
}

async function makePair(file: string): Promise<SuppliedKeyPair> {
  const pair = await generateKeyPair('RS256', { extractable: true });
  keep(file, JSON.stringify(await exportJWK(pair.privateKey)), { mode: 0o600 });
  return pair;
}

/** A supply of key pairs kept in `directory`: each slot's pair is read from there, or made and kept there, once per supply. */
export function keySupply(directory: string): (slot: string) => Promise<SuppliedKeyPair> {
  const made = new Map<string, Promise<SuppliedKeyPair>>();
  return (slot) => {
    let pair = made.get(slot);
    if (!pair) {
      const file = fileOf(directory, slot);
      pair = readPair(file).then((kept) => kept ?? makePair(file));
      made.set(slot, pair);
      // A failed generation is not kept: the next ask tries again.
      pair.catch(() => made.delete(slot));
    }
    return pair;
  };
}

const processSupply = keySupply(cacheDirectory('keys'));

/** The RS256 key pair for `slot` (e.g. `altinn-double`, `client:991825827`): the same object for every ask in a process. */
export function keyPairFor(slot: string): Promise<SuppliedKeyPair> {
  return processSupply(slot);
}
