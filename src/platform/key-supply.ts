/**
 * @module RSA key pairs for the platform doubles and the token forge, made once per process and
 * handed out by slot. Making an RS256 key takes 100–200 ms of CPU, and every embedded Broker used
 * to make six (its Altinn issuer, its Maskinporten, a client per organisation): about a second per
 * Broker started, paid again by each test that starts a Broker of its own. Doubles started in one
 * process now share their slot's key. What tells them apart is unchanged: each issuer's URL (a
 * Broker trusts its own doubles' issuers only) and each issuer key's `kid` (random per double).
 * Different slots never share a key, so a forged token's key is one no double knows.
 */
import { generateKeyPair, type CryptoKey } from 'jose';

export interface SuppliedKeyPair {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

const made = new Map<string, Promise<SuppliedKeyPair>>();

/** The process's RS256 key pair for `slot` (e.g. `altinn-issuer`, `client:991825827`), made on first ask. */
export function keyPairFor(slot: string): Promise<SuppliedKeyPair> {
  let pair = made.get(slot);
  if (!pair) {
    pair = generateKeyPair('RS256', { extractable: true });
    made.set(slot, pair);
    // A failed generation is not kept: the next ask tries again.
    pair.catch(() => made.delete(slot));
  }
  return pair;
}
