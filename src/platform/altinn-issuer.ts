/**
 * @module A double of the Altinn Authentication OIDC issuer: OpenID discovery + JWKS over real HTTP,
 * and a signer for Altinn tokens. The local Broker finds its keys through the discovery URL, exactly
 * as the real Broker finds Altinn's (`AltinnOptions:OpenIdWellKnown`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { keyPairFor } from './key-supply.ts';
import { exportJWK, importJWK, SignJWT, type JWTPayload, type CryptoKey, type JWK } from 'jose';
import { listen, type RouteHandler } from './http.ts';

export interface AltinnIssuerDouble {
  /** `http://127.0.0.1:<port>/authentication/api/v1/openid/` (with trailing slash, as Altinn's). */
  readonly issuer: string;
  /** The discovery document URL to give a Broker as a trusted issuer. */
  readonly openIdConfigurationUrl: string;
  readonly jwksUri: string;
  /** Signs an Altinn token (RS256, `kid`); `iat`/`exp`/`iss`/`jti` are filled unless given. */
  sign(claims: JWTPayload, options?: { expiresInSeconds?: number; issuedAt?: number }): Promise<string>;
  /** The public JWKS served (for tests that want to check what is published). */
  readonly publicJwks: { keys: JWK[] };
  /** `http://127.0.0.1:<port>`: the platform base other Altinn doubles (token exchange) are mounted on. */
  readonly baseUrl: string;
  /** Adds routes to this server (checked before the issuer's own; a handler returns true when it answered). */
  mount(handler: RouteHandler): void;
  close(): Promise<void>;
}

const ISSUER_PATH = '/authentication/api/v1/openid/';

/** A signing key kept between starts (a private RSA JWK and its `kid`), so tokens and a Broker's cached JWKS stay valid. */
export interface KeptSigningKey {
  kid: string;
  privateJwk: JWK;
}

export async function startAltinnIssuer(options: { host?: string; port?: number; signingKey?: KeptSigningKey } = {}): Promise<AltinnIssuerDouble> {
  const { privateKey, publicJwk, kid } = await signingKeyOf(options.signingKey, 'altinn-double');
  const jwk = { ...publicJwk, kid, alg: 'RS256', use: 'sig' };
  const publicJwks = { keys: [jwk] };
  let issuer = '';
  const mounted: RouteHandler[] = [];

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const answerDiscovery = (req: IncomingMessage, res: ServerResponse, path: string) => {
    if (req.method !== 'GET') return send(res, 405, { error: 'method not allowed' });
    if (path === `${ISSUER_PATH}.well-known/openid-configuration`) {
      return send(res, 200, {
        issuer,
        jwks_uri: `${issuer}.well-known/openid-configuration/jwks`,
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['token'],
        subject_types_supported: ['public'],
      });
    }
    if (path === `${ISSUER_PATH}.well-known/openid-configuration/jwks`) return send(res, 200, publicJwks);
    return send(res, 404, { error: 'not found' });
  };

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (mounted.length === 0) return answerDiscovery(req, res, path);
    void (async () => {
      try {
        for (const handler of mounted) if (await handler(req, res, path)) return;
        answerDiscovery(req, res, path);
      } catch {
        if (!res.headersSent) send(res, 500, { error: 'the platform double failed' });
        else res.end();
      }
    })();
  });
  await listen(server, options); // rejects (EADDRINUSE) instead of throwing from an 'error' event
  const { port } = server.address() as AddressInfo;
  issuer = `http://${options.host ?? '127.0.0.1'}:${port}${ISSUER_PATH}`;

  return {
    issuer,
    openIdConfigurationUrl: `${issuer}.well-known/openid-configuration`,
    jwksUri: `${issuer}.well-known/openid-configuration/jwks`,
    publicJwks,
    baseUrl: `http://${options.host ?? '127.0.0.1'}:${port}`,
    mount: (handler) => void mounted.push(handler),
    sign: (claims, o = {}) => signWith(privateKey, kid, issuer, claims, o),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The kept key, or the process's key for `prefix` (see key-supply) under a `kid` of its own, made from `prefix`. */
export async function signingKeyOf(kept: KeptSigningKey | undefined, prefix: string): Promise<{ privateKey: CryptoKey; publicJwk: JWK; kid: string }> {
  if (kept) {
    const { kty, n, e } = kept.privateJwk;
    return { privateKey: (await importJWK(kept.privateJwk, 'RS256')) as CryptoKey, publicJwk: { kty, n, e }, kid: kept.kid };
  }
  const { privateKey, publicKey } = await keyPairFor(prefix);
  return { privateKey, publicJwk: await exportJWK(publicKey), kid: `${prefix}-${crypto.randomUUID().slice(0, 8)}` };
}

/** Signs an Altinn token with a given key (RS256, `kid`); `iat`/`exp`/`iss`/`jti` are filled unless given. */
export async function signWith(
  key: CryptoKey,
  kid: string,
  issuer: string,
  claims: JWTPayload,
  o: { expiresInSeconds?: number; issuedAt?: number },
): Promise<string> {
  const iat = o.issuedAt ?? Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: issuer, jti: crypto.randomUUID(), ...claims })
    .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
    .setIssuedAt(iat)
    .setExpirationTime(iat + (o.expiresInSeconds ?? 3600))
    .sign(key);
}
