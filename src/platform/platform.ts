/**
 * @module Starts every Altinn platform double on loopback (Altinn OIDC issuer with the token exchange
 * on the same base URL, Maskinporten, the test-token generator) and wires `local` environments to
 * them: one Maskinporten client per organisation, its key from the key supply (see key-supply).
 */
import { exportJWK } from 'jose';
import { keyPairFor } from './key-supply.ts';
import type { LocalChainClient, LocalChainDeps } from '../auth/token-provider.ts';
import type { EnvironmentConfig } from '../config/types.ts';
import type { Seed } from '../local-broker/seed.ts';
import { startAltinnIssuer, type AltinnIssuerDouble } from './altinn-issuer.ts';
import { mountBrokerPlatform, type BrokerPlatform } from './broker-platform.ts';
import { driftLog, type DriftLog } from './drift.ts';
import { startMaskinportenDouble, type ClientRegistration, type MaskinportenDouble } from './maskinporten-double.ts';
import { mountTokenExchange, type TokenExchangeDouble } from './token-exchange-double.ts';
import { startTokenGeneratorDouble, type TokenGeneratorDouble } from './token-generator-double.ts';

export interface PlatformOptions {
  host?: string;
  /** `expires_in` of Maskinporten access tokens (default 120 s). */
  maskinportenTokenTtlSeconds?: number;
  /** Lifetime of exchanged Altinn tokens (default 3600 s). */
  altinnTokenTtlSeconds?: number;
  /** Service owners by 9-digit org number → org code (default `{ '991825827': 'digdir' }`, the seed's owner). */
  serviceOwners?: Record<string, string>;
  /** Basic credentials the test-token generator double accepts (default none: every call is 401). */
  tokenGeneratorUsers?: Array<{ username: string; password: string }>;
  /** Epoch milliseconds for the Maskinporten and exchange doubles (default Date.now). */
  now?: () => number;
  /**
   * Also serve the strict doubles of a Broker's own platform calls (PDP, Resource Registry, Register,
   * Events ingest and polling read) on the platform base URL, decided from this seed: what a Broker
   * given `platformBaseUrl + '/'` as its platform gateway calls.
   */
  brokerPlatform?: { seed: Seed };
}

export interface Platform {
  /** `http://127.0.0.1:<port>`: base of the Altinn platform double (issuer + exchange). */
  readonly platformBaseUrl: string;
  readonly altinnIssuer: string;
  /** Give to a Broker as a trusted issuer (Altinn tokens). */
  readonly altinnOpenIdConfigurationUrl: string;
  readonly exchangeUrl: string;
  readonly maskinportenIssuer: string;
  readonly maskinportenTokenEndpoint: string;
  /** Give to a Broker as a trusted issuer (raw Maskinporten tokens). */
  readonly maskinportenMetadataUrl: string;
  readonly tokenGeneratorBaseUrl: string;
  readonly altinn: AltinnIssuerDouble;
  readonly maskinporten: MaskinportenDouble;
  readonly exchange: TokenExchangeDouble;
  readonly tokenGenerator: TokenGeneratorDouble;
  registerClient(client: ClientRegistration): void;
  /** Present with the `brokerPlatform` option: the Broker-facing doubles and their drift log. */
  readonly brokerPlatform?: BrokerPlatform;
  readonly drift?: DriftLog;
  /**
   * Registers one Maskinporten client per organisation of the environment's `local-chain` actors
   * (scopes = the union of that organisation's actors, system users for that organisation) and returns
   * what `createTokenProvider` needs as `deps.localChain`.
   */
  prepareLocalEnvironment(env: EnvironmentConfig): Promise<LocalChainDeps>;
  close(): Promise<void>;
}

const bareOrg = (org: string) => org.replace(/^0192:/, '');

/** The organisations of an environment's `local-chain` actors (9 digits), each with the union of its actors' scopes: one Maskinporten client each. */
export function localChainScopesByOrg(env: EnvironmentConfig): Map<string, Set<string>> {
  const actors = [env.actors.sender, ...env.actors.recipients, env.actors.serviceOwner, env.actors.outsider];
  const scopesByOrg = new Map<string, Set<string>>();
  for (const actor of actors) {
    if (actor?.token.kind !== 'local-chain') continue;
    const org = bareOrg(actor.org);
    const scopes = scopesByOrg.get(org) ?? new Set<string>();
    for (const scope of actor.token.scopes) scopes.add(scope);
    scopesByOrg.set(org, scopes);
  }
  return scopesByOrg;
}

export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const host = options.host ?? '127.0.0.1';
  const now = options.now ?? Date.now;
  // Side by side: each reads its kept RSA key, or makes one on a thread of its own (see key-supply).
  const [altinn, maskinporten] = await Promise.all([
    startAltinnIssuer({ host }),
    startMaskinportenDouble({
      host,
      now,
      ...(options.maskinportenTokenTtlSeconds !== undefined ? { accessTokenTtlSeconds: options.maskinportenTokenTtlSeconds } : {}),
    }),
  ]);
  const exchange = mountTokenExchange({
    altinn,
    maskinporten,
    now,
    serviceOwners: options.serviceOwners ?? { '991825827': 'digdir' },
    ...(options.altinnTokenTtlSeconds !== undefined ? { ttlSeconds: options.altinnTokenTtlSeconds } : {}),
  });
  const tokenGenerator = await startTokenGeneratorDouble({ altinn, host, users: options.tokenGeneratorUsers ?? [] });
  const drift = options.brokerPlatform ? driftLog({ now }) : undefined;
  const brokerPlatform = options.brokerPlatform && drift ? mountBrokerPlatform({ altinn, seed: options.brokerPlatform.seed, drift, systemUserOrg: (id) => maskinporten.systemUserOrg(id) }) : undefined;

  return {
    platformBaseUrl: altinn.baseUrl,
    altinnIssuer: altinn.issuer,
    altinnOpenIdConfigurationUrl: altinn.openIdConfigurationUrl,
    exchangeUrl: exchange.exchangeUrl,
    maskinportenIssuer: maskinporten.issuer,
    maskinportenTokenEndpoint: maskinporten.tokenEndpoint,
    maskinportenMetadataUrl: maskinporten.metadataUrl,
    tokenGeneratorBaseUrl: tokenGenerator.baseUrl,
    altinn,
    maskinporten,
    exchange,
    tokenGenerator,
    registerClient: (client) => maskinporten.registerClient(client),
    ...(brokerPlatform && drift ? { brokerPlatform, drift } : {}),
    async prepareLocalEnvironment(env) {
      const scopesByOrg = localChainScopesByOrg(env);
      const clients = new Map<string, LocalChainClient>();
      const keys = new Map(await Promise.all([...scopesByOrg.keys()].map(async (org) => [org, await keyPairFor(`client:${org}`)] as const)));
      for (const [org, scopes] of scopesByOrg) {
        const { privateKey, publicKey } = keys.get(org)!;
        const client: LocalChainClient = { clientId: `local-client-${org}`, kid: `local-key-${org}`, privateKey };
        maskinporten.registerClient({
          clientId: client.clientId,
          org,
          scopes: [...scopes],
          keys: [{ kid: client.kid, key: await exportJWK(publicKey) }],
          systemUserOrgs: [org],
        });
        clients.set(org, client);
      }
      return {
        maskinportenIssuer: maskinporten.issuer,
        tokenEndpoint: maskinporten.tokenEndpoint,
        exchangeUrl: exchange.exchangeUrl,
        clientFor: (org) => clients.get(bareOrg(org)),
      };
    },
    async close() {
      await Promise.all([tokenGenerator.close(), maskinporten.close(), altinn.close()]);
    },
  };
}
