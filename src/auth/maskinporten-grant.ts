/**
 * @module The Maskinporten token request: POST the signed grant (form-encoded, Accept JSON) and read
 * `{access_token, expires_in, scope}`; Maskinporten's `{error, error_description}` becomes a
 * TokenEndpointError naming the code.
 */
import { redactText, registerSecret } from '../ledger/redact.ts';
import { TokenEndpointError } from './errors.ts';
import { reach, sendWithRetryOn503, type RetryOptions } from './http-retry.ts';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export interface MaskinportenToken {
  accessToken: string;
  /** Seconds, as answered by Maskinporten. */
  expiresIn: number | undefined;
  scope: string | undefined;
}

export interface HttpDeps extends RetryOptions {
  fetch?: typeof fetch;
}

export async function requestMaskinportenToken(tokenEndpoint: string, assertion: string, deps: HttpDeps = {}): Promise<MaskinportenToken> {
  const doFetch = deps.fetch ?? fetch;
  const response = await sendWithRetryOn503(
    () =>
      reach(tokenEndpoint, 'the Maskinporten token endpoint', () =>
        doFetch(tokenEndpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion }).toString(),
        }),
      ),
    deps,
  );
  const text = await response.text();
  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const code = typeof body?.error === 'string' ? body.error : undefined;
    const description =
      typeof body?.error_description === 'string'
        ? body.error_description
        : body
          ? undefined
          : `non-JSON body (${text.length} bytes)`;
    throw new TokenEndpointError(tokenEndpoint, response.status, code && redactText(code), description && redactText(description));
  }
  const accessToken = body?.access_token;
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new TokenEndpointError(tokenEndpoint, response.status, undefined, 'the response has no access_token');
  }
  registerSecret(accessToken);
  return {
    accessToken,
    expiresIn: typeof body?.expires_in === 'number' ? body.expires_in : undefined,
    scope: typeof body?.scope === 'string' ? body.scope : undefined,
  };
}
