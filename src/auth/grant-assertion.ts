/**
 * @module Builds the Maskinporten JWT-bearer grant assertion: RS256, `kid` or `x5c` in the header, and
 * exactly the claims Maskinporten lists (aud, iss, iat, exp, jti, scope, optional resource and
 * system-user authorization_details) — nothing else, since unknown claims are refused.
 */
import { SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { registerSecret } from '../ledger/redact.ts';

export interface GrantAssertionInput {
  key: CryptoKey;
  /** Exactly one of `kid` and `x5c` (a pre-registered key, or a business-certificate chain). */
  kid?: string;
  x5c?: string[];
  /** The Maskinporten issuer identifier with trailing slash, e.g. `https://test.maskinporten.no/`. */
  audience: string;
  clientId: string;
  scopes: string[];
  resource?: string[];
  /** The organisation owning the system user; `0192:` is added when missing. */
  systemUserOrg?: string;
  /** Lifetime in seconds, at most 120 (default 120). */
  lifetimeSeconds?: number;
  /** Epoch milliseconds; defaults to the wall clock. */
  now?: number;
}

export const MAX_ASSERTION_LIFETIME_SECONDS = 120;

/** Normalises an organisation number to the ISO 6523 form `0192:<9 digits>`. */
export function withOrgPrefix(org: string): string {
  return org.startsWith('0192:') ? org : `0192:${org}`;
}

/** The claim set of a grant, exactly as it will be signed. */
export function grantClaims(input: GrantAssertionInput): JWTPayload {
  const iat = Math.floor((input.now ?? Date.now()) / 1000);
  const lifetime = Math.min(input.lifetimeSeconds ?? MAX_ASSERTION_LIFETIME_SECONDS, MAX_ASSERTION_LIFETIME_SECONDS);
  const claims: JWTPayload = {
    aud: input.audience,
    iss: input.clientId,
    iat,
    exp: iat + lifetime,
    jti: crypto.randomUUID(),
    scope: input.scopes.join(' '),
  };
  if (input.resource && input.resource.length > 0) claims.resource = input.resource;
  if (input.systemUserOrg) {
    claims.authorization_details = [
      {
        type: 'urn:altinn:systemuser',
        systemuser_org: { authority: 'iso6523-actorid-upis', ID: withOrgPrefix(input.systemUserOrg) },
      },
    ];
  }
  return claims;
}

/** Signs the grant; the result is registered as a secret before it is returned. */
export async function signGrantAssertion(input: GrantAssertionInput): Promise<string> {
  if ((input.kid === undefined) === (input.x5c === undefined)) {
    throw new Error('a grant assertion needs exactly one of kid and x5c');
  }
  const header = input.x5c ? { alg: 'RS256', x5c: input.x5c } : { alg: 'RS256', kid: input.kid as string };
  const assertion = await new SignJWT(grantClaims(input)).setProtectedHeader(header).sign(input.key);
  registerSecret(assertion);
  return assertion;
}
