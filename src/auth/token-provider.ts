/**
 * @module One interface for every way an actor gets its bearer token, made from the actor's
 * configuration: Maskinporten grant (+ Altinn exchange), the test-token generator, a static token,
 * or the offline chain against the platform doubles. Tokens are cached until shortly before `exp`.
 */
import { decodeJwt, type CryptoKey } from 'jose';
import type { ActorConfig, EnvironmentConfig, TokenProviderConfig } from '../config/types.ts';
import { exchangeForAltinnToken } from './altinn-exchange.ts';
import { AuthConfigError, MissingSecretError, TokenExpiredError } from './errors.ts';
import { signGrantAssertion } from './grant-assertion.ts';
import { requestMaskinportenToken, type HttpDeps } from './maskinporten-grant.ts';
import { readSecret, readSetting, type ProcessEnv } from './secret-env.ts';
import { certificateChainToX5c, loadSigningKey } from './signing-key.ts';
import { fetchGeneratorToken } from './test-token-generator.ts';
import { cachedToken, type FetchedToken } from './token-cache.ts';

export interface TokenProvider {
  /** A bearer token for the actor, fresh or cached; throws an AuthError subclass on failure. */
  token(): Promise<string>;
  /** What this provider does, for reports and errors; never contains a secret. */
  readonly description: string;
}

/** A client the platform doubles registered for one organisation (keys live in memory only). */
export interface LocalChainClient {
  clientId: string;
  kid: string;
  privateKey: CryptoKey;
}

/** What the `local-chain` kind needs from the running platform doubles (see src/platform). */
export interface LocalChainDeps {
  /** The Maskinporten double's issuer (grant `aud`). */
  maskinportenIssuer: string;
  tokenEndpoint: string;
  exchangeUrl: string;
  /** The client registered for an organisation (`0192:` prefix optional), or undefined. */
  clientFor(org: string): LocalChainClient | undefined;
}

export interface TokenProviderDeps extends HttpDeps {
  /** Where secrets are read from (default process.env). */
  processEnv?: ProcessEnv;
  /** Epoch milliseconds, for the cache and assertion timestamps (default Date.now). */
  now?: () => number;
  /** Refresh this many seconds before `exp` (default 30). */
  refreshMarginSeconds?: number;
  /** Required for actors of kind `local-chain`. */
  localChain?: LocalChainDeps;
}

export function createTokenProvider(actor: ActorConfig, env: EnvironmentConfig, deps: TokenProviderDeps = {}): TokenProvider {
  const config = actor.token;
  const { description, fetchToken } = flowFor(config, actor, env, deps);
  return { description, token: cachedToken(fetchToken, { now: deps.now, marginSeconds: deps.refreshMarginSeconds }) };
}

type Flow = { description: string; fetchToken: () => Promise<FetchedToken> };

function flowFor(config: TokenProviderConfig, actor: ActorConfig, env: EnvironmentConfig, deps: TokenProviderDeps): Flow {
  const processEnv = deps.processEnv ?? process.env;
  switch (config.kind) {
    case 'maskinporten':
      return maskinportenFlow(config, env, deps, processEnv);
    case 'local-chain':
      return localChainFlow(config, actor, deps);
    case 'test-token-generator':
      return generatorFlow(config, actor, deps, processEnv);
    case 'static':
      return staticFlow(config, deps, processEnv);
  }
}

function maskinportenFlow(
  config: Extract<TokenProviderConfig, { kind: 'maskinporten' }>,
  env: EnvironmentConfig,
  deps: TokenProviderDeps,
  processEnv: ProcessEnv,
): Flow {
  const exchange = config.exchange !== false;
  const who = config.systemUserOrg ? `system user of ${config.systemUserOrg}` : 'enterprise';
  const description =
    `Maskinporten grant (client from ${config.clientIdEnv}, ${who}, scopes ${config.scopes.join(' ')})` +
    (exchange ? ' exchanged for an Altinn token' : ', raw Maskinporten token');
  return {
    description,
    fetchToken: async () => {
      if (!env.maskinporten) throw new AuthConfigError(`environment ${env.name} has no maskinporten section (issuer, tokenEndpoint)`);
      if (exchange && !env.platform?.exchangeUrl) throw new AuthConfigError(`environment ${env.name} has no platform.exchangeUrl`);
      const clientId = readSetting(config.clientIdEnv, 'Maskinporten client id', processEnv);
      const signing = await loadSigningKey(config, processEnv);
      let header: { kid: string } | { x5c: string[] };
      if (config.certificateChainEnv && processEnv[config.certificateChainEnv]?.trim()) {
        header = { x5c: certificateChainToX5c(processEnv[config.certificateChainEnv] as string, config.certificateChainEnv) };
      } else if (config.kidEnv && processEnv[config.kidEnv]?.trim()) {
        header = { kid: readSetting(config.kidEnv, 'Maskinporten key id', processEnv) };
      } else if (signing.jwkKid) {
        header = { kid: signing.jwkKid };
      } else {
        throw new MissingSecretError(config.kidEnv ?? config.certificateChainEnv ?? 'kidEnv', 'Maskinporten key id (kid) or certificate chain (x5c)');
      }
      const assertion = await signGrantAssertion({
        key: signing.key,
        ...header,
        audience: env.maskinporten.issuer,
        clientId,
        scopes: config.scopes,
        ...(config.resource ? { resource: config.resource } : {}),
        ...(config.systemUserOrg ? { systemUserOrg: config.systemUserOrg } : {}),
        ...(deps.now ? { now: deps.now() } : {}),
      });
      const mp = await requestMaskinportenToken(env.maskinporten.tokenEndpoint, assertion, deps);
      if (!exchange) return { token: mp.accessToken, ...(mp.expiresIn !== undefined ? { expiresIn: mp.expiresIn } : {}) };
      return { token: await exchangeForAltinnToken(env.platform!.exchangeUrl, mp.accessToken, deps) };
    },
  };
}

function localChainFlow(config: Extract<TokenProviderConfig, { kind: 'local-chain' }>, actor: ActorConfig, deps: TokenProviderDeps): Flow {
  const who = config.systemUser ? `system user of ${actor.org}` : `enterprise ${actor.org}`;
  return {
    description: `local chain against the platform doubles (${who}, scopes ${config.scopes.join(' ')})`,
    fetchToken: async () => {
      const local = deps.localChain;
      if (!local) throw new AuthConfigError('a local-chain actor needs the running platform doubles (deps.localChain from startPlatform)');
      const client = local.clientFor(actor.org);
      if (!client) throw new AuthConfigError(`no client is registered on the Maskinporten double for ${actor.org}`);
      const assertion = await signGrantAssertion({
        key: client.privateKey,
        kid: client.kid,
        audience: local.maskinportenIssuer,
        clientId: client.clientId,
        scopes: config.scopes,
        ...(config.systemUser ? { systemUserOrg: actor.org } : {}),
        ...(deps.now ? { now: deps.now() } : {}),
      });
      const mp = await requestMaskinportenToken(local.tokenEndpoint, assertion, deps);
      return { token: await exchangeForAltinnToken(local.exchangeUrl, mp.accessToken, deps) };
    },
  };
}

function generatorFlow(
  config: Extract<TokenProviderConfig, { kind: 'test-token-generator' }>,
  actor: ActorConfig,
  deps: TokenProviderDeps,
  processEnv: ProcessEnv,
): Flow {
  return {
    description: `Altinn test-token generator ${config.tokenKind} token (env ${config.env}, org ${config.orgNo}, credentials from ${config.usernameEnv}/${config.passwordEnv}, scopes ${config.scopes.join(' ')})`,
    fetchToken: async () => {
      const username = readSetting(config.usernameEnv, 'test-token generator user name', processEnv);
      const password = readSecret(config.passwordEnv, 'test-token generator password', processEnv);
      const token = await fetchGeneratorToken(
        {
          tokenKind: config.tokenKind,
          env: config.env,
          scopes: config.scopes,
          orgNo: config.orgNo,
          systemUserOrg: actor.org,
          ...(config.systemUserId ? { systemUserId: config.systemUserId } : {}),
          ...(config.ttlSeconds !== undefined ? { ttlSeconds: config.ttlSeconds } : {}),
          ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
        },
        { username, password },
        deps,
      );
      return { token };
    },
  };
}

function staticFlow(config: Extract<TokenProviderConfig, { kind: 'static' }>, deps: TokenProviderDeps, processEnv: ProcessEnv): Flow {
  return {
    description: `static token from ${config.tokenEnv}`,
    fetchToken: async () => {
      const token = readSecret(config.tokenEnv, 'bearer token', processEnv).trim();
      let exp: unknown;
      try {
        exp = decodeJwt(token).exp;
      } catch {
        exp = undefined; // opaque: trust the user
      }
      if (typeof exp === 'number' && exp * 1000 <= (deps.now ?? Date.now)()) throw new TokenExpiredError(config.tokenEnv, new Date(exp * 1000));
      return { token };
    },
  };
}
