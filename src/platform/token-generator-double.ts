/**
 * @module A small double of the Altinn test-token generator (AltinnTestTools): Basic authentication,
 * `GET /api/GetEnterpriseToken` and `GET /api/GetSystemUserToken` with the documented parameters,
 * answering tokens signed by the Altinn issuer double.
 */
import { createServer } from 'node:http';
import type { AltinnIssuerDouble } from './altinn-issuer.ts';
import { closeServer, listen, sendJson, sendText } from './http.ts';

export interface TokenGeneratorDouble {
  readonly baseUrl: string;
  close(): Promise<void>;
}

export interface TokenGeneratorOptions {
  altinn: AltinnIssuerDouble;
  /** Accepted Basic credentials. */
  users: Array<{ username: string; password: string }>;
  host?: string;
  port?: number;
}

const REALM = 'Basic realm="AltinnTestTools - TokenGenerator"';
const ORG = /^[0-9]{9}$/;
const SCOPES = /^[a-z0-9:/_\-,. ]{1,500}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function startTokenGeneratorDouble(options: TokenGeneratorOptions): Promise<TokenGeneratorDouble> {
  const { altinn } = options;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://double');
    const fn = url.pathname;
    if (fn !== '/api/GetEnterpriseToken' && fn !== '/api/GetSystemUserToken') return sendJson(res, 404, { error: 'not found' });
    if (req.method !== 'GET') return sendJson(res, 405, { error: 'GET only' });
    if (!authorised(req.headers.authorization, options.users)) return sendText(res, 401, '', { 'www-authenticate': REALM });

    const q = url.searchParams;
    const errors: string[] = [];
    const env = q.get('env');
    if (!env) errors.push('Missing parameter: env');
    const scopes = q.get('scopes') ?? (fn === '/api/GetSystemUserToken' ? 'altinn:enduser' : null);
    if (!scopes) errors.push('Missing parameter: scopes');
    else if (!SCOPES.test(scopes)) errors.push('Invalid parameter: scopes');
    const ttl = q.has('ttl') ? Number(q.get('ttl')) : 1800;
    if (!Number.isInteger(ttl) || ttl <= 0) errors.push('Invalid parameter: ttl');
    for (const name of ['orgNo', 'systemUserOrg', 'supplierOrgNo']) {
      const value = q.get(name);
      if (value !== null && !ORG.test(value)) errors.push(`Invalid parameter: ${name} (9 digits)`);
    }
    const systemUserId = q.get('systemUserId');
    if (fn === '/api/GetSystemUserToken' && (!systemUserId || !UUID.test(systemUserId))) errors.push('Missing or invalid parameter: systemUserId (GUID)');
    if (errors.length > 0) return sendJson(res, 400, errors);

    const scope = (scopes as string).split(/[ ,]+/).filter(Boolean).join(' ');
    const clientId = q.get('clientId') ?? crypto.randomUUID();
    const common = { scope, token_type: 'Bearer', client_id: clientId, actual_iss: 'altinn-test-tools', 'urn:altinn:authenticatemethod': 'maskinporten', 'urn:altinn:authlevel': 3 };
    const orgNo = q.get('orgNo') ?? '991825827';
    const claims =
      fn === '/api/GetEnterpriseToken'
        ? {
            ...common,
            consumer: { authority: 'iso6523-actorid-upis', ID: `0192:${orgNo}` },
            'urn:altinn:orgNumber': orgNo,
            ...(q.get('org') ? { 'urn:altinn:org': q.get('org') as string } : {}),
          }
        : {
            ...common,
            consumer: { authority: 'iso6523-actorid-upis', ID: `0192:${orgNo}` },
            authorization_details: [
              {
                type: 'urn:altinn:systemuser',
                systemuser_id: [systemUserId],
                systemuser_org: { authority: 'iso6523-actorid-upis', ID: `0192:${q.get('systemUserOrg') ?? '991825827'}` },
                system_id: crypto.randomUUID(),
              },
            ],
          };
    void altinn
      .sign({ ...claims, nbf: Math.floor(Date.now() / 1000) }, { expiresInSeconds: ttl })
      .then((token) => sendText(res, 200, token), () => sendJson(res, 500, { error: 'signing failed' }));
  });
  const baseUrl = await listen(server, options);
  return { baseUrl, close: () => closeServer(server) };
}

function authorised(header: string | undefined, users: TokenGeneratorOptions['users']): boolean {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return false;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const [username, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
  return users.some((u) => u.username === username && u.password === password);
}
