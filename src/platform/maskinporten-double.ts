/**
 * @module A double of Maskinporten on loopback: authorization-server metadata, JWKS, and a `POST /token`
 * that checks JWT-bearer grants the way Maskinporten documents (registered client and key, signature,
 * `aud`, lifetime, clock skew, replay, claims, scopes, system-user org) and issues RS256 access tokens.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import {
  compactVerify,
  decodeJwt,
  decodeProtectedHeader,
  importJWK,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import { signingKeyOf, type KeptSigningKey } from './altinn-issuer.ts';
import { closeServer, FailureInjector, listen, readBody, sendJson } from './http.ts';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const ASSERTION_ALGS = ['RS256', 'RS384', 'RS512'];
/** The claims Maskinporten lists for a grant; anything else is refused as "Invalid assertion". */
const KNOWN_CLAIMS = new Set(['aud', 'iss', 'iat', 'exp', 'jti', 'scope', 'resource', 'authorization_details', 'consumer_org']);
/** Claims the double requires (Digdir only recommends `jti`; the double insists, to test replay). */
const REQUIRED_CLAIMS = ['aud', 'iss', 'iat', 'exp', 'jti', 'scope'] as const;
const MAX_LIFETIME_SECONDS = 120;
const CLOCK_SKEW_SECONDS = 10;

export interface ClientRegistration {
  clientId: string;
  /** The organisation owning the client; becomes the token's `consumer` (`0192:` optional). */
  org: string;
  /** Scopes the client may ask for. */
  scopes: string[];
  /** Pre-registered public keys, used with a `kid` header. */
  keys?: Array<{ kid: string; key: CryptoKey | JWK }>;
  /** PEM certificates trusted as `x5c` leaf (business certificates). */
  certificates?: string[];
  /** Organisations whose system users this client may act for (`0192:` optional). */
  systemUserOrgs?: string[];
}

export interface MaskinportenDouble {
  /** `http://127.0.0.1:<port>/` — with the trailing slash, as the real issuer. */
  readonly issuer: string;
  readonly tokenEndpoint: string;
  /** `…/.well-known/oauth-authorization-server`: give it to a Broker as a trusted issuer. */
  readonly metadataUrl: string;
  readonly jwksUri: string;
  readonly publicJwks: { keys: JWK[] };
  registerClient(client: ClientRegistration): void;
  /** The organisation (9 digits) of a system user this double has issued a token for, or undefined. */
  systemUserOrg(systemUserId: string): string | undefined;
  /** The next `count` token requests answer `status` (default 503). */
  failNext(count: number, status?: number): void;
  /** Counts of token requests received and tokens issued. */
  readonly stats: { requests: number; issued: number };
  close(): Promise<void>;
}

export interface MaskinportenDoubleOptions {
  host?: string;
  port?: number;
  /** `expires_in` of issued access tokens (default 120, as in Altinn's system-user example). */
  accessTokenTtlSeconds?: number;
  /** Epoch milliseconds (default Date.now). */
  now?: () => number;
  /** Sign access tokens with this kept key instead of a fresh one. */
  signingKey?: KeptSigningKey;
}

/** A stable system user id per client and organisation (stable across restarts, so kept tokens keep mapping to their org). */
function systemUserIdOf(clientId: string, org: string): string {
  const h = createHash('sha256').update(`systemuser:${clientId}:${org}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A refusal in Maskinporten's shape. */
class GrantRefused extends Error {
  constructor(readonly status: number, readonly error: string, readonly description: string) {
    super(description);
  }
}
const invalidGrant = (d: string) => new GrantRefused(400, 'invalid_grant', d);
const invalidClient = (d: string) => new GrantRefused(400, 'invalid_client', d);

const isJwk = (key: CryptoKey | JWK): key is JWK => typeof (key as JWK).kty === 'string';
const withPrefix = (org: string) => (org.startsWith('0192:') ? org : `0192:${org}`);

interface RegisteredClient extends ClientRegistration {
  certificateDer: Map<string, X509Certificate>;
  systemUserIds: Map<string, string>;
}

export async function startMaskinportenDouble(options: MaskinportenDoubleOptions = {}): Promise<MaskinportenDouble> {
  const now = options.now ?? Date.now;
  const ttl = options.accessTokenTtlSeconds ?? 120;
  const { privateKey, publicJwk, kid } = await signingKeyOf(options.signingKey, 'mp-double');
  const publicJwks = { keys: [{ ...publicJwk, kid, alg: 'RS256', use: 'sig' }] };
  const clients = new Map<string, RegisteredClient>();
  /** System user id → its organisation (9 digits), for a PDP double deciding for system users. */
  const systemUserOrgs = new Map<string, string>();
  const usedJti = new Map<string, number>();
  const failures = new FailureInjector();
  const stats = { requests: 0, issued: 0 };
  let issuer = '';

  async function handleToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.requests += 1;
    const injected = failures.take();
    if (injected) return sendJson(res, injected, { error: 'temporarily_unavailable', error_description: 'injected failure' });
    const form = new URLSearchParams(await readBody(req));
    const grantType = form.get('grant_type');
    if (!grantType) throw new GrantRefused(400, 'invalid_request', 'Missing grant_type');
    if (grantType !== JWT_BEARER_GRANT) throw new GrantRefused(400, 'unsupported_grant_type', `Unsupported grant_type: ${grantType}`);
    const assertion = form.get('assertion');
    if (!assertion) throw new GrantRefused(400, 'invalid_request', 'Missing assertion');

    let header: ReturnType<typeof decodeProtectedHeader>;
    let claims: JWTPayload;
    try {
      header = decodeProtectedHeader(assertion);
      claims = decodeJwt(assertion);
    } catch {
      throw invalidGrant('Invalid assertion. Client authentication failed. The assertion is not a signed JWT (MP-100)');
    }
    if (!header.alg || !ASSERTION_ALGS.includes(header.alg)) throw invalidGrant(`Invalid assertion. Unsupported alg ${String(header.alg)} (MP-100)`);
    for (const name of REQUIRED_CLAIMS) {
      if (claims[name] === undefined) throw invalidGrant(`Invalid assertion. Missing required claim: ${name}`);
    }
    const unknown = Object.keys(claims).filter((k) => !KNOWN_CLAIMS.has(k));
    if (unknown.length > 0) throw invalidGrant(`Invalid assertion. Unknown claim(s): ${unknown.join(', ')}`);

    const client = typeof claims.iss === 'string' ? clients.get(claims.iss) : undefined;
    if (!client) throw invalidClient(`Client authentication failed. Unknown client: ${String(claims.iss)} (MP-100)`);
    const verificationKey = await keyFor(client, header);
    try {
      await compactVerify(assertion, verificationKey, { algorithms: ASSERTION_ALGS });
    } catch {
      throw invalidGrant('Invalid assertion. Client authentication failed. Invalid signature (MP-100)');
    }

    if (claims.aud !== issuer) {
      throw invalidGrant(`Invalid assertion. Client authentication failed. Invalid aud claim, expected ${issuer} (MP-110)`);
    }
    const { iat, exp } = claims;
    if (typeof iat !== 'number' || typeof exp !== 'number') throw invalidGrant('Invalid assertion. iat and exp must be numbers');
    const nowSeconds = now() / 1000;
    if (exp - iat > MAX_LIFETIME_SECONDS) throw invalidGrant(`Invalid assertion. exp - iat is ${exp - iat} s; at most ${MAX_LIFETIME_SECONDS} s is allowed`);
    if (Math.abs(iat - nowSeconds) > CLOCK_SKEW_SECONDS) throw invalidGrant(`Invalid assertion. iat is more than ${CLOCK_SKEW_SECONDS} s from the server clock`);
    if (exp <= nowSeconds - CLOCK_SKEW_SECONDS) throw invalidGrant('Invalid assertion. The assertion has expired');
    if (typeof claims.jti !== 'string' || claims.jti === '') throw invalidGrant('Invalid assertion. jti must be a non-empty string');
    for (const [jti, until] of usedJti) if (until < nowSeconds) usedJti.delete(jti);
    if (usedJti.has(`${client.clientId} ${claims.jti}`)) throw invalidGrant('Invalid assertion. The jti has already been used');
    usedJti.set(`${client.clientId} ${claims.jti}`, exp + CLOCK_SKEW_SECONDS);

    if (typeof claims.scope !== 'string' || claims.scope.trim() === '') throw new GrantRefused(400, 'invalid_scope', 'Invalid scope: empty');
    const requested = claims.scope.split(' ').filter(Boolean);
    const refused = requested.filter((s) => !client.scopes.includes(s));
    if (refused.length > 0) throw new GrantRefused(400, 'invalid_scope', `Scope not granted to client ${client.clientId}: ${refused.join(' ')}`);

    const systemUser = claims.authorization_details === undefined ? undefined : systemUserOf(client, claims.authorization_details);
    const resource = claims.resource;
    const issuedAt = Math.floor(nowSeconds);
    const token: JWTPayload = {
      iss: issuer,
      client_amr: header.x5c ? 'virksomhetssertifikat' : 'private_key_jwt',
      token_type: 'Bearer',
      scope: requested.join(' '),
      client_id: client.clientId,
      consumer: { authority: 'iso6523-actorid-upis', ID: withPrefix(client.org) },
      ...(systemUser ? { authorization_details: [systemUser] } : {}),
      ...(resource !== undefined ? { aud: resource as string | string[] } : {}),
      jti: crypto.randomUUID(),
    };
    const accessToken = await new SignJWT(token)
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ttl)
      .sign(privateKey);
    stats.issued += 1;
    sendJson(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: ttl, scope: requested.join(' ') });
  }

  async function keyFor(client: RegisteredClient, header: ReturnType<typeof decodeProtectedHeader>): Promise<CryptoKey | KeyObject> {
    if (header.kid) {
      const registered = client.keys?.find((k) => k.kid === header.kid);
      if (!registered) throw invalidGrant(`Invalid assertion. Client authentication failed. Key ${header.kid} is not registered for the client (MP-100)`);
      const key = registered.key;
      return isJwk(key) ? ((await importJWK(key, header.alg)) as CryptoKey) : key;
    }
    if (header.x5c && header.x5c.length > 0) {
      const leaf = client.certificateDer.get(header.x5c[0] as string);
      if (!leaf) throw invalidGrant('Invalid assertion. Client authentication failed. Signed with an invalid certificate (MP-120)');
      const validTo = Date.parse(leaf.validTo);
      if (validTo < now()) throw invalidGrant('Invalid assertion. Client authentication failed. The certificate has expired (MP-121)');
      return leaf.publicKey;
    }
    throw invalidGrant('Invalid assertion. Client authentication failed. The header needs kid or x5c (MP-100)');
  }

  function systemUserOf(client: RegisteredClient, details: unknown): JWTPayload {
    const first = Array.isArray(details) && details.length === 1 ? (details[0] as Record<string, unknown>) : undefined;
    const org = first?.systemuser_org as Record<string, unknown> | undefined;
    if (!first || first.type !== 'urn:altinn:systemuser' || !org || org.authority !== 'iso6523-actorid-upis' || typeof org.ID !== 'string') {
      throw new GrantRefused(400, 'invalid_request', 'Invalid authorization_details: expected one urn:altinn:systemuser object with systemuser_org {authority, ID}');
    }
    if (!/^(0192:)?[0-9]{9}$/.test(org.ID)) throw new GrantRefused(400, 'invalid_request', `Invalid authorization_details: systemuser_org.ID ${org.ID}`);
    const id = withPrefix(org.ID);
    const allowed = (client.systemUserOrgs ?? []).map(withPrefix);
    if (!allowed.includes(id)) {
      throw new GrantRefused(
        400,
        'invalid_altinn_customer_configuration',
        `No system user for client ${client.clientId} in organisation ${id} (MP-303)`,
      );
    }
    let systemUserId = client.systemUserIds.get(id);
    if (!systemUserId) {
      systemUserId = systemUserIdOf(client.clientId, id);
      client.systemUserIds.set(id, systemUserId);
      systemUserOrgs.set(systemUserId, id.slice('0192:'.length));
    }
    return {
      type: 'urn:altinn:systemuser',
      systemuser_id: [systemUserId],
      systemuser_org: { authority: 'iso6523-actorid-upis', ID: id },
      system_id: `${client.clientId}_system`,
    };
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    void (async () => {
      try {
        if (req.method === 'GET' && path === '/.well-known/oauth-authorization-server') {
          return sendJson(res, 200, {
            issuer,
            token_endpoint: `${issuer}token`,
            jwks_uri: `${issuer}jwk`,
            token_endpoint_auth_methods_supported: ['private_key_jwt'],
            grant_types_supported: [JWT_BEARER_GRANT],
            token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGS,
            authorization_details_types_supported: ['urn:altinn:systemuser'],
          });
        }
        if (req.method === 'GET' && path === '/jwk') return sendJson(res, 200, publicJwks);
        if (path === '/token') {
          if (req.method !== 'POST') return sendJson(res, 405, { error: 'invalid_request', error_description: 'POST only' });
          return await handleToken(req, res);
        }
        return sendJson(res, 404, { error: 'not_found' });
      } catch (error) {
        if (error instanceof GrantRefused) return sendJson(res, error.status, { error: error.error, error_description: error.description });
        return sendJson(res, 500, { error: 'server_error', error_description: 'the Maskinporten double failed' });
      }
    })();
  });
  const base = await listen(server, options);
  issuer = `${base}/`;

  return {
    issuer,
    tokenEndpoint: `${issuer}token`,
    metadataUrl: `${issuer}.well-known/oauth-authorization-server`,
    jwksUri: `${issuer}jwk`,
    publicJwks,
    stats,
    registerClient(registration) {
      const certificateDer = new Map<string, X509Certificate>();
      for (const pem of registration.certificates ?? []) {
        const cert = new X509Certificate(pem);
        certificateDer.set(Buffer.from(cert.raw).toString('base64'), cert);
      }
      clients.set(registration.clientId, { ...registration, certificateDer, systemUserIds: new Map() });
    },
    failNext: (count, status) => failures.failNext(count, status),
    systemUserOrg: (systemUserId) => systemUserOrgs.get(systemUserId.toLowerCase()),
    close: () => closeServer(server),
  };
}
