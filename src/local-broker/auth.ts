/** @module Bearer authentication (§1.2): tokens from trusted OIDC/OAuth issuers found by discovery, caller org and scopes read from claims (§4.1). */
import { compactVerify, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import type { Clock } from './clock.ts';
import { bareOrg } from './seed.ts';

export type Policy = 'Sender' | 'Recipient' | 'SenderOrRecipient' | 'ServiceOwner' | 'Maintenance' | 'EventsConsumer';

const POLICY_SCOPES: Record<Policy, string[]> = {
  Sender: ['altinn:broker.write'],
  Recipient: ['altinn:broker.read'],
  SenderOrRecipient: ['altinn:broker.write', 'altinn:broker.read'],
  ServiceOwner: ['altinn:serviceowner'],
  Maintenance: ['altinn:broker.maintenance'],
  /** The Altinn Events API of the emulated platform: its own scope, or any Broker scope. */
  EventsConsumer: ['altinn:events.subscribe', 'altinn:broker.write', 'altinn:broker.read', 'altinn:serviceowner'],
};

const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];

export interface Caller {
  claims: JWTPayload;
  /** Bare 9-digit organization number, or undefined when no claim names one. */
  org: string | undefined;
  scopes: string[];
}

/** Why a request was not authenticated; rendered as a 401 with an empty body and `WWW-Authenticate`. */
export class Unauthenticated extends Error {
  constructor(readonly wwwAuthenticate: string) {
    super('unauthenticated');
    this.name = 'Unauthenticated';
  }
}

interface ResolvedIssuer {
  issuer: string;
  jwks: ReturnType<typeof createRemoteJWKSet>;
}

/** Signatures already checked, at most this many (a suite's workers reuse a handful of tokens thousands of times). */
const VERIFIED_LIMIT = 2048;

export class TokenVerifier {
  private resolved = new Map<string, Promise<ResolvedIssuer>>();
  /**
   * Token → its claims, for tokens whose signature this verifier has checked against that issuer's keys.
   * An RSA verification costs ~0.3 ms and a suite sends the same token hundreds of times; the answer for the
   * same bytes against the same key set cannot change, so it is remembered. Everything else (issuer, expiry,
   * not-before, scopes) is still decided on every request. Tokens that fail are never remembered.
   */
  private verified = new Map<string, { jwks: ResolvedIssuer['jwks']; claims: JWTPayload }>();

  constructor(
    private readonly discoveryUrls: string[],
    private readonly clock: Clock,
    private readonly validateLifetime: boolean,
  ) {}

  /** Verifies the `Authorization` header; throws `Unauthenticated`. `ignoreLifetime` serves the TUS upload-session scheme (§8.7). */
  async authenticate(authorization: string | undefined, o: { ignoreLifetime?: boolean } = {}): Promise<Caller> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) throw new Unauthenticated('Bearer');
    const token = match[1]!;
    const invalid = (description: string) =>
      new Unauthenticated(`Bearer error="invalid_token", error_description="${description}"`);
    let unverified: JWTPayload;
    try {
      const header = decodeProtectedHeader(token);
      if (typeof header.alg !== 'string' || !ALGORITHMS.includes(header.alg)) throw new Error('alg');
      unverified = decodeJwt(token);
    } catch {
      throw invalid('The token is malformed or uses an unsupported algorithm');
    }
    const issuers = await this.issuers();
    const issuer = issuers.find((i) => i.issuer === unverified.iss);
    if (!issuer) throw invalid('The issuer is invalid');
    let claims: JWTPayload;
    const known = this.verified.get(token);
    if (known && known.jwks === issuer.jwks) {
      claims = known.claims;
    } else {
      try {
        const { payload } = await compactVerify(token, issuer.jwks, { algorithms: ALGORITHMS });
        // Frozen: the same object now answers every later request with this token.
        claims = Object.freeze(JSON.parse(new TextDecoder().decode(payload)) as JWTPayload);
      } catch {
        throw invalid('The signature is invalid');
      }
      if (this.verified.size >= VERIFIED_LIMIT) this.verified.clear();
      this.verified.set(token, { jwks: issuer.jwks, claims });
    }
    if (typeof claims.exp !== 'number') throw invalid('The token has no expiration');
    if (this.validateLifetime && !o.ignoreLifetime) {
      const now = this.clock.now().getTime() / 1000; // zero clock skew
      if (claims.exp < now) throw invalid(`The token expired at '${new Date(claims.exp * 1000).toISOString()}'`);
      if (typeof claims.nbf === 'number' && claims.nbf > now) throw invalid('The token is not valid yet');
    }
    return { claims, org: callerOrg(claims), scopes: scopesOf(claims) };
  }

  private async issuers(): Promise<ResolvedIssuer[]> {
    const settled = await Promise.allSettled(this.discoveryUrls.map((url) => this.resolve(url)));
    return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  }

  private resolve(url: string): Promise<ResolvedIssuer> {
    let p = this.resolved.get(url);
    if (!p) {
      p = (async () => {
        const res = await fetch(url, { headers: { accept: 'application/json' } });
        if (!res.ok) throw new Error(`discovery ${url} answered ${res.status}`);
        const doc = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
        if (typeof doc.issuer !== 'string' || typeof doc.jwks_uri !== 'string') throw new Error(`discovery ${url} lacks issuer/jwks_uri`);
        return { issuer: doc.issuer, jwks: createRemoteJWKSet(new URL(doc.jwks_uri)) };
      })();
      // A failed discovery is retried on the next request rather than remembered.
      p.catch(() => this.resolved.delete(url));
      this.resolved.set(url, p);
    }
    return p;
  }
}

export function scopesOf(claims: JWTPayload): string[] {
  const raw = claims.scope ?? claims['urn:altinn:scope'];
  return typeof raw === 'string' ? raw.split(' ').filter(Boolean) : [];
}

export function hasPolicy(caller: Caller, policy: Policy): boolean {
  return POLICY_SCOPES[policy].some((s) => caller.scopes.includes(s));
}

function parseJsonClaim(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/** §4.1: `authorization_details` (systemuser_org.ID), then `urn:altinn:orgNumber`, then `consumer.ID`; prefix removed. */
export function callerOrg(claims: JWTPayload): string | undefined {
  let details = parseJsonClaim(claims.authorization_details);
  if (Array.isArray(details)) details = details[0];
  if (details && typeof details === 'object') {
    const org = (details as { systemuser_org?: { ID?: unknown; id?: unknown } }).systemuser_org;
    const id = org?.ID ?? org?.id;
    if (typeof id === 'string' && id) return bareOrg(id);
  }
  const orgNumber = claims['urn:altinn:orgNumber'];
  if (typeof orgNumber === 'string' && orgNumber) return bareOrg(orgNumber);
  const consumer = parseJsonClaim(claims.consumer) as { ID?: unknown } | undefined;
  if (consumer && typeof consumer.ID === 'string' && consumer.ID) return bareOrg(consumer.ID);
  return undefined;
}
