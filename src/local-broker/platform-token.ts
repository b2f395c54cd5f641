/**
 * @module The Broker's own platform token, as its Maskinporten client library gets it: a JWT-bearer grant to
 * Maskinporten (assertion RS256 with `kid`, claims aud/scope/iss/exp = iat + 10 s/iat/jti), the access token
 * exchanged for an Altinn token (`GET` with Bearer; the answer a JSON string), cached for `expires_in` − 5 s.
 * Facts from Altinn/altinn-broker@161ba122:src/Altinn.Broker.Integrations/DependencyInjection.cs and
 * src/Altinn.Broker.API/appsettings.json (the `MaskinportenSettings` section).
 */
import type { KeyObject } from 'node:crypto';
import { importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';

/** The Broker's `MaskinportenSettings:Scope` default. */
export const BROKER_PLATFORM_SCOPE =
  'altinn:events.publish altinn:events.publish.admin altinn:register/partylookup.admin altinn:serviceowner altinn:authorization/authorize.admin altinn:resourceregistry/resource.admin';

/** What the Broker's `MaskinportenSettings` hold; the private key never leaves this module. */
export interface BrokerMaskinportenSettings {
  /** `MaskinportenSettings:ClientId`: the assertion's `iss`. */
  clientId: string;
  /** RSA private key: a JWK with `d` (as `EncodedJwk` decodes to) or a key object. */
  privateKey: JWK | KeyObject | CryptoKey;
  /** `kid` of the assertion header; default the JWK's own `kid`. */
  kid?: string;
  /** Maskinporten token endpoint (`MaskinportenSettings:TokenEndpoint`). */
  tokenEndpoint: string;
  /** Assertion `aud` (`AssertionAudience`); default the token endpoint's origin with a trailing slash. */
  audience?: string;
  /** Default the Broker's scope list. */
  scope?: string;
  /** Altinn token exchange (`TokenExchangeEndpoint`), called with the Maskinporten token. */
  exchangeUrl: string;
}

/** Getting a platform token failed (refused grant, failed exchange, unreachable endpoint); never carries a token. */
export class PlatformTokenError extends Error {
  override readonly name = 'PlatformTokenError';
}

const ASSERTION_LIFETIME_SECONDS = 10;
const CACHE_MARGIN_SECONDS = 5;

export class PlatformTokens {
  private cached: { token: string; until: number } | undefined;
  private pending: Promise<string> | undefined;
  private signingKey: Promise<KeyObject | CryptoKey | Uint8Array> | undefined;
  /** Grants and exchanges performed (for tests and logs). */
  readonly stats = { grants: 0, exchanges: 0 };

  constructor(
    private readonly settings: BrokerMaskinportenSettings,
    private readonly now: () => Date,
    private readonly log: (line: string) => void,
  ) {
    if (!settings.clientId) throw new Error('maskinporten.clientId is required');
    for (const [name, url] of [['tokenEndpoint', settings.tokenEndpoint], ['exchangeUrl', settings.exchangeUrl]] as const) {
      if (!/^https?:\/\/\S+$/.test(url ?? '')) throw new Error(`maskinporten.${name} must be an http(s) URL, got '${url}'`);
    }
    if (isJwk(settings.privateKey) && (settings.privateKey.kty !== 'RSA' || typeof settings.privateKey.d !== 'string')) {
      throw new Error('maskinporten.privateKey must be an RSA private JWK (with "d")');
    }
  }

  /** The cached Altinn token, or a fresh one (grant + exchange) when none is valid or `fresh` is asked for. */
  async token(fresh = false): Promise<string> {
    if (!fresh && this.cached && this.cached.until > this.now().getTime()) return this.cached.token;
    this.pending ??= this.fetchToken().finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** Forget the cached token (the JWK-rotation job). */
  invalidate(): void {
    this.cached = undefined;
  }

  private async fetchToken(): Promise<string> {
    const s = this.settings;
    const iat = Math.floor(this.now().getTime() / 1000);
    const kid = s.kid ?? (isJwk(s.privateKey) ? s.privateKey.kid : undefined);
    this.signingKey ??= isJwk(s.privateKey) ? importJWK(s.privateKey, 'RS256') : Promise.resolve(s.privateKey);
    const assertion = await new SignJWT({
      aud: s.audience ?? `${new URL(s.tokenEndpoint).origin}/`,
      scope: s.scope ?? BROKER_PLATFORM_SCOPE,
      iss: s.clientId,
      exp: iat + ASSERTION_LIFETIME_SECONDS,
      iat,
      jti: crypto.randomUUID(),
    })
      .setProtectedHeader({ alg: 'RS256', ...(kid ? { kid } : {}), typ: 'JWT' })
      .sign(await this.signingKey);
    this.stats.grants++;
    const grant = await reach('Maskinporten token endpoint', s.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
    });
    const grantBody = parseJson(grant.text);
    if (!grant.ok) {
      const error = isRecord(grantBody) ? `${String(grantBody.error)}: ${String(grantBody.error_description)}` : `HTTP ${grant.status}`;
      throw new PlatformTokenError(`Maskinporten refused the Broker's grant (${grant.status}, ${error})`);
    }
    const accessToken = isRecord(grantBody) ? grantBody.access_token : undefined;
    const expiresIn = isRecord(grantBody) && typeof grantBody.expires_in === 'number' ? grantBody.expires_in : 0;
    if (typeof accessToken !== 'string' || accessToken === '') throw new PlatformTokenError('the Maskinporten answer has no access_token');
    this.stats.exchanges++;
    const exchange = await reach('Altinn token exchange', s.exchangeUrl, { method: 'GET', headers: { authorization: `Bearer ${accessToken}` } });
    if (!exchange.ok) throw new PlatformTokenError(`the Altinn token exchange answered ${exchange.status}`);
    const token = exchangedToken(exchange.text, this.log);
    this.cached = { token, until: this.now().getTime() + (expiresIn - CACHE_MARGIN_SECONDS) * 1000 };
    return token;
  }
}

/**
 * The exchange answers the token as a JSON string (`"eyJ…"`), which the Broker's library deserializes. A bare JWT is
 * accepted too, with a warning: a real Broker fails on it.
 */
function exchangedToken(text: string, log: (line: string) => void): string {
  const parsed = parseJson(text);
  if (typeof parsed === 'string' && parsed !== '') return parsed;
  const bare = text.trim();
  if (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(bare)) {
    log('the Altinn token exchange answered a bare JWT; a real Broker expects a JSON string ("eyJ…") and fails here');
    return bare;
  }
  throw new PlatformTokenError('the Altinn token exchange answered no token (expected a JSON string)');
}

async function reach(what: string, url: string, init: RequestInit): Promise<{ ok: boolean; status: number; text: string }> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(100_000) });
    return { ok: res.ok, status: res.status, text: await res.text() };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    throw new PlatformTokenError(`could not reach the ${what} at ${url} (${cause})`);
  }
}

const isJwk = (key: unknown): key is JWK => typeof key === 'object' && key !== null && typeof (key as JWK).kty === 'string';
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
