/**
 * @module Tokens from the Altinn test-token generator (AltinnTestTools): GetEnterpriseToken or
 * GetSystemUserToken with Basic credentials, parameters as the generator documents them.
 */
import { redactText, registerSecret } from '../ledger/redact.ts';
import { parseTokenBody } from './altinn-exchange.ts';
import { AuthConfigError, TokenGeneratorError } from './errors.ts';
import { reach, sendWithRetryOn503 } from './http-retry.ts';
import type { HttpDeps } from './maskinporten-grant.ts';

export const DEFAULT_GENERATOR_BASE_URL = 'https://altinn-testtools-token-generator.azurewebsites.net';

export interface GeneratorRequest {
  tokenKind: 'enterprise' | 'systemuser';
  /** The generator's `env` parameter (`tt02`, `at24` …). */
  env: string;
  scopes: string[];
  /** Enterprise: the organisation; system user: the consumer (vendor). 9 digits, no prefix. */
  orgNo: string;
  /** System user only: the organisation owning the system user (9 digits; default orgNo). */
  systemUserOrg?: string;
  systemUserId?: string;
  ttlSeconds?: number;
  baseUrl?: string;
}

const stripPrefix = (org: string) => org.replace(/^0192:/, '');

/** The URL the generator is called with (no credentials in it). */
export function generatorUrl(request: GeneratorRequest): string {
  const base = (request.baseUrl ?? DEFAULT_GENERATOR_BASE_URL).replace(/\/+$/, '');
  const params = new URLSearchParams({ env: request.env, scopes: request.scopes.join(',') });
  if (request.tokenKind === 'enterprise') {
    params.set('orgNo', stripPrefix(request.orgNo));
  } else {
    if (!request.systemUserId) throw new AuthConfigError('a test-token-generator system-user token needs systemUserId');
    params.set('systemUserId', request.systemUserId);
    params.set('orgNo', stripPrefix(request.orgNo));
    params.set('systemUserOrg', stripPrefix(request.systemUserOrg ?? request.orgNo));
  }
  if (request.ttlSeconds !== undefined) params.set('ttl', String(request.ttlSeconds));
  const fn = request.tokenKind === 'enterprise' ? 'GetEnterpriseToken' : 'GetSystemUserToken';
  return `${base}/api/${fn}?${params.toString()}`;
}

export async function fetchGeneratorToken(
  request: GeneratorRequest,
  credentials: { username: string; password: string },
  deps: HttpDeps = {},
): Promise<string> {
  const url = generatorUrl(request);
  const endpoint = url.split('?')[0] as string;
  const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
  registerSecret(basic);
  const doFetch = deps.fetch ?? fetch;
  const response = await sendWithRetryOn503(
    () => reach(endpoint, 'the Altinn test-token generator', () => doFetch(url, { headers: { authorization: `Basic ${basic}` } })),
    deps,
  );
  const text = await response.text();
  if (response.status === 401) throw new TokenGeneratorError(endpoint, 401, 'the Basic credentials were refused');
  if (response.status === 403) throw new TokenGeneratorError(endpoint, 403, 'the credentials lack the scope this endpoint needs');
  if (!response.ok) {
    throw new TokenGeneratorError(endpoint, response.status, text.trim() ? redactText(text.trim().slice(0, 500)) : 'empty body');
  }
  const token = parseTokenBody(text);
  if (!token) throw new TokenGeneratorError(endpoint, response.status, 'the body holds no JWT');
  registerSecret(token);
  return token;
}
