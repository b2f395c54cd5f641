/**
 * @module What a token must say before a run may use it: the scopes the actor is configured with,
 * the actor's organisation (read as the Broker reads it: system-user `authorization_details`,
 * then `urn:altinn:orgNumber`, then `consumer.ID`), an issuer the environment trusts, and a
 * lifetime that covers at least a minute from now. Each mismatch is one line with the reason.
 */
import { decodeJwt, type JWTPayload } from 'jose';

/** A token must live at least this long from now to be useful to a run (tokens are refreshed, but one that dies at once is a setup problem). */
export const MIN_TOKEN_LIFETIME_SECONDS = 60;
/** Issued-at more than this far in the future means the issuer's clock and ours disagree. */
export const MAX_ISSUED_AHEAD_SECONDS = 30;

export interface TokenExpectation {
  /** Scopes the actor asks for; each must be in the token's `scope`. Empty: not checked. */
  scopes: string[];
  /** Bare 9-digit organisation number; undefined: not checked. */
  org?: string;
  /** Issuers the token may come from; empty: not checked. */
  issuers: string[];
  /** Epoch milliseconds of now, on the target's clock. */
  now: number;
}

export interface TokenFacts {
  scopes: string[];
  org?: string;
  issuer?: string;
  expiresInSeconds?: number;
}

const bare = (org: string) => org.replace(/^\d{4}:/, '');
const sameIssuer = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

function jsonClaim(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/** The caller's organisation as the Broker reads it from the claims, prefix removed. */
export function orgOfClaims(claims: JWTPayload): string | undefined {
  let details = jsonClaim(claims.authorization_details);
  if (Array.isArray(details)) details = details.find((d) => d && typeof d === 'object' && 'systemuser_org' in d);
  const systemUserOrg = (details as { systemuser_org?: { ID?: unknown } } | undefined)?.systemuser_org?.ID;
  if (typeof systemUserOrg === 'string' && systemUserOrg) return bare(systemUserOrg);
  const orgNumber = claims['urn:altinn:orgNumber'];
  if (typeof orgNumber === 'string' && orgNumber) return bare(orgNumber);
  const consumer = jsonClaim(claims.consumer) as { ID?: unknown } | undefined;
  if (consumer && typeof consumer.ID === 'string' && consumer.ID) return bare(consumer.ID);
  return undefined;
}

/** Checks one token; returns its facts (for the doctor's report) and the problems, one line each. */
export function checkTokenClaims(token: string, expected: TokenExpectation): { facts: TokenFacts; problems: string[] } {
  let claims: JWTPayload;
  try {
    claims = decodeJwt(token);
  } catch {
    // An opaque token (a static one the user brings) cannot be inspected; the Broker's answer will tell.
    return { facts: { scopes: [] }, problems: [] };
  }
  const raw = claims.scope ?? claims['urn:altinn:scope'];
  const scopes = typeof raw === 'string' ? raw.split(' ').filter(Boolean) : [];
  const org = orgOfClaims(claims);
  const nowSeconds = expected.now / 1000;
  const facts: TokenFacts = {
    scopes,
    ...(org ? { org } : {}),
    ...(typeof claims.iss === 'string' ? { issuer: claims.iss } : {}),
    ...(typeof claims.exp === 'number' ? { expiresInSeconds: Math.round(claims.exp - nowSeconds) } : {}),
  };
  const problems: string[] = [];
  const lacking = expected.scopes.filter((s) => !scopes.includes(s));
  if (lacking.length) problems.push(`token lacks scope ${lacking.join(', ')} (it has ${scopes.length ? scopes.join(' ') : 'no scope claim'}): is the client granted it?`);
  if (expected.org && org !== bare(expected.org)) problems.push(org ? `token is for organisation ${org}, the environment says ${bare(expected.org)}` : `token names no organisation (no authorization_details, urn:altinn:orgNumber or consumer claim)`);
  if (expected.issuers.length && !(typeof claims.iss === 'string' && expected.issuers.some((i) => sameIssuer(i, claims.iss as string)))) {
    problems.push(`token issuer ${typeof claims.iss === 'string' ? claims.iss : '(none)'} is not one the environment trusts (${expected.issuers.join(', ')})`);
  }
  if (typeof claims.exp !== 'number') problems.push('token has no exp claim');
  else if (claims.exp - nowSeconds < MIN_TOKEN_LIFETIME_SECONDS) {
    const left = Math.round(claims.exp - nowSeconds);
    problems.push(left <= 0 ? `token expired ${-left} s ago (exp ${new Date(claims.exp * 1000).toISOString()})` : `token expires in ${left} s, less than the ${MIN_TOKEN_LIFETIME_SECONDS} s a run needs`);
  }
  if (typeof claims.iat === 'number' && claims.iat - nowSeconds > MAX_ISSUED_AHEAD_SECONDS) {
    problems.push(`token was issued ${Math.round(claims.iat - nowSeconds)} s in the future (iat): the issuer's clock and this machine's disagree`);
  }
  if (typeof claims.nbf === 'number' && claims.nbf - nowSeconds > MAX_ISSUED_AHEAD_SECONDS) problems.push(`token is not valid before ${new Date(claims.nbf * 1000).toISOString()} (nbf)`);
  return { facts, problems };
}
