/**
 * @module The keys the broker-dev doubles keep between starts, in one file readable only by its owner:
 * the Altinn issuer's and Maskinporten's signing keys (so a Broker started once keeps trusting the
 * doubles, whose JWKS it caches), the Broker's own Maskinporten client key, and one client key per
 * actor organisation (so the harness can mint its actors' tokens in any process of a run).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { KeptSigningKey } from './altinn-issuer.ts';

export interface KeptClient extends KeptSigningKey {
  clientId: string;
}

export interface DoublesState {
  altinn: KeptSigningKey;
  maskinporten: KeptSigningKey;
  /** The Broker's own Maskinporten client (`MaskinportenSettings:ClientId`, `EncodedJwk`). */
  brokerClient: KeptClient;
  /** One Maskinporten client per actor organisation (9 digits → client). */
  actors: Record<string, KeptClient>;
}

export const STATE_FILE = 'doubles-keys.json';
export const BROKER_CLIENT_ID = 'broker-dev-broker';

export class DoublesStateError extends Error {
  override name = 'DoublesStateError';
}

async function newKey(kid: string): Promise<KeptSigningKey> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateJwk: await exportJWK(privateKey) };
}

export function statePath(stateDir: string): string {
  return join(stateDir, STATE_FILE);
}

/** Reads the kept keys; throws a DoublesStateError with what to do when there are none. */
export function readState(stateDir: string): DoublesState {
  const path = statePath(stateDir);
  if (!existsSync(path)) throw new DoublesStateError(`no doubles keys at ${path}: start the doubles first (broker-conformance doubles --env <env>)`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as DoublesState;
  } catch (e) {
    throw new DoublesStateError(`the doubles keys at ${path} are unreadable: ${(e as Error).message}`);
  }
}

/** The kept keys, created (and missing actor clients added) when needed; the file is written with mode 0600. */
export async function loadOrCreateState(stateDir: string, actorOrgs: string[]): Promise<DoublesState> {
  const path = statePath(stateDir);
  let state: DoublesState | undefined = existsSync(path) ? readState(stateDir) : undefined;
  let changed = false;
  if (!state) {
    state = {
      altinn: await newKey(`broker-dev-altinn-${crypto.randomUUID().slice(0, 8)}`),
      maskinporten: await newKey(`broker-dev-maskinporten-${crypto.randomUUID().slice(0, 8)}`),
      brokerClient: { clientId: BROKER_CLIENT_ID, ...(await newKey(`broker-dev-broker-${crypto.randomUUID().slice(0, 8)}`)) },
      actors: {},
    };
    changed = true;
  }
  for (const org of actorOrgs) {
    if (state.actors[org]) continue;
    state.actors[org] = { clientId: `broker-dev-client-${org}`, ...(await newKey(`broker-dev-key-${org}`)) };
    changed = true;
  }
  if (changed) {
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(path, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    chmodSync(path, 0o600);
  }
  return state;
}

export const publicPart = (jwk: JWK): JWK => ({ kty: jwk.kty, n: jwk.n, e: jwk.e });

export async function privateKeyOf(kept: KeptSigningKey): Promise<CryptoKey> {
  return (await importJWK(kept.privateJwk, 'RS256')) as CryptoKey;
}
