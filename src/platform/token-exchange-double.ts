/**
 * @module A double of Altinn Authentication's token exchange, mounted on the Altinn issuer's server:
 * `GET /authentication/api/v1/exchange/maskinporten` checks the Maskinporten token (signature against
 * the Maskinporten double's keys, issuer, lifetime with 10 s skew, consumer) and answers an Altinn
 * token as text/plain with the claims Altinn adds.
 */
import { createLocalJWKSet, jwtVerify, type JWK, type JWTPayload } from 'jose';
import type { AltinnIssuerDouble } from './altinn-issuer.ts';
import { bearerToken, FailureInjector, sendJson, sendText } from './http.ts';

export const EXCHANGE_PATH = '/authentication/api/v1/exchange/maskinporten';
/** Maskinporten claims Altinn does not copy into the exchanged token. */
const DROPPED_CLAIMS = new Set(['aud', 'iss', 'client_amr', 'jti', 'iat', 'exp', 'nbf']);

export interface TokenExchangeDouble {
  readonly exchangeUrl: string;
  /** The next `count` exchange requests answer `status` (default 503). */
  failNext(count: number, status?: number): void;
  readonly stats: { requests: number; issued: number };
}

export interface TokenExchangeOptions {
  altinn: AltinnIssuerDouble;
  maskinporten: { issuer: string; publicJwks: { keys: JWK[] } };
  /** Lifetime of the Altinn tokens (default 3600 s, "a 1-hour Altinn token"). */
  ttlSeconds?: number;
  /** Service owners by 9-digit org number → org code; adds `urn:altinn:org` when the scope has `altinn:serviceowner`. */
  serviceOwners?: Record<string, string>;
  /** Epoch milliseconds (default Date.now). */
  now?: () => number;
  /**
   * How the token is written: `text` (raw JWT as text/plain, Altinn's documented 200) or `json-string`
   * (the JWT in double quotes as application/json, as a locally run Broker was observed to receive it;
   * its Maskinporten client library reads the body as a JSON string and fails on a bare JWT).
   */
  body?: 'text' | 'json-string';
}

/** Mounts the exchange on the Altinn issuer double's server. */
export function mountTokenExchange(options: TokenExchangeOptions): TokenExchangeDouble {
  const { altinn, maskinporten } = options;
  const now = options.now ?? Date.now;
  const failures = new FailureInjector();
  const stats = { requests: 0, issued: 0 };
  const keys = createLocalJWKSet(maskinporten.publicJwks);

  altinn.mount(async (req, res, path) => {
    if (path !== EXCHANGE_PATH) return false;
    stats.requests += 1;
    const injected = failures.take();
    if (injected) return sendText(res, injected, 'injected failure'), true;
    if (req.method !== 'GET') return sendText(res, 405, 'GET only'), true;
    const token = bearerToken(req);
    if (!token) return sendText(res, 401, '', { 'www-authenticate': 'Bearer' }), true;
    let mp: JWTPayload;
    try {
      ({ payload: mp } = await jwtVerify(token, keys, {
        issuer: maskinporten.issuer,
        algorithms: ['RS256'],
        clockTolerance: 10,
        requiredClaims: ['exp'],
        currentDate: new Date(now()),
      }));
    } catch {
      return sendText(res, 401, '', { 'www-authenticate': 'Bearer error="invalid_token"' }), true;
    }
    const orgNumber = consumerOrg(mp.consumer);
    if (!orgNumber) return sendText(res, 401, '', { 'www-authenticate': 'Bearer error="invalid_token"' }), true;

    const claims: JWTPayload = {};
    for (const [name, value] of Object.entries(mp)) if (!DROPPED_CLAIMS.has(name)) claims[name] = value;
    claims['urn:altinn:orgNumber'] = orgNumber;
    claims['urn:altinn:authenticatemethod'] = 'maskinporten';
    claims['urn:altinn:authlevel'] = 3;
    const scopes = typeof mp.scope === 'string' ? mp.scope.split(' ') : [];
    const orgCode = options.serviceOwners?.[orgNumber];
    if (orgCode && scopes.includes('altinn:serviceowner')) claims['urn:altinn:org'] = orgCode;
    const altinnToken = await altinn.sign(claims, {
      expiresInSeconds: options.ttlSeconds ?? 3600,
      issuedAt: Math.floor(now() / 1000),
    });
    stats.issued += 1;
    if (options.body === 'json-string') sendJson(res, 200, altinnToken);
    else sendText(res, 200, altinnToken);
    return true;
  });

  return {
    exchangeUrl: `${altinn.baseUrl}${EXCHANGE_PATH}`,
    failNext: (count, status) => failures.failNext(count, status),
    stats,
  };
}

/** The 9-digit org of a `consumer` claim (`{authority, ID: "0192:<org>"}`), or undefined when it is not one. */
function consumerOrg(consumer: unknown): string | undefined {
  if (!consumer || typeof consumer !== 'object') return undefined;
  const id = (consumer as { ID?: unknown }).ID;
  if (typeof id !== 'string') return undefined;
  const match = /^(?:0192:)?([0-9]{9})$/.exec(id);
  return match?.[1];
}
