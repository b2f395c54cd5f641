/**
 * @module Verifies a token the way a Broker trusts an issuer: fetch the discovery document, take its
 * `issuer` and `jwks_uri`, and check signature (RS256 only, so `alg: none` fails), issuer and `exp`.
 */
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';

/** Verifies `token` against the issuer behind `discoveryUrl` (OpenID configuration or OAuth AS metadata); returns the claims or throws. */
export async function verifyAltinnToken(token: string, discoveryUrl: string): Promise<JWTPayload> {
  const response = await fetch(discoveryUrl, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`discovery document ${discoveryUrl} answered HTTP ${response.status}`);
  const discovery = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
  if (typeof discovery.issuer !== 'string' || typeof discovery.jwks_uri !== 'string') {
    throw new Error(`discovery document ${discoveryUrl} lacks issuer or jwks_uri`);
  }
  const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(discovery.jwks_uri)), {
    issuer: discovery.issuer,
    algorithms: ['RS256'],
    requiredClaims: ['exp'],
  });
  return payload;
}
