/**
 * @module The Altinn token exchange: `GET {platform}/authentication/api/v1/exchange/maskinporten` with the
 * Maskinporten token; the Altinn JWT comes back as text/plain, parsed defensively (raw text, a
 * JSON-quoted string, or `{access_token}`).
 */
import { redactText, registerSecret } from '../ledger/redact.ts';
import { TokenExchangeError } from './errors.ts';
import { reach, sendWithRetryOn503 } from './http-retry.ts';
import type { HttpDeps } from './maskinporten-grant.ts';

/** Finds the JWT in a token response body of any of the shapes Altinn services use; undefined when none. */
export function parseTokenBody(text: string): string | undefined {
  const trimmed = text.trim();
  let candidate: unknown = trimmed;
  if (trimmed.startsWith('"') || trimmed.startsWith('{')) {
    try {
      candidate = JSON.parse(trimmed);
    } catch {
      return undefined;
    }
    if (candidate && typeof candidate === 'object') candidate = (candidate as { access_token?: unknown }).access_token;
  }
  if (typeof candidate !== 'string') return undefined;
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(candidate) ? candidate : undefined;
}

export async function exchangeForAltinnToken(
  exchangeUrl: string,
  maskinportenToken: string,
  deps: HttpDeps & { extraHeaders?: Record<string, string> } = {},
): Promise<string> {
  const doFetch = deps.fetch ?? fetch;
  const response = await sendWithRetryOn503(
    () =>
      reach(exchangeUrl, 'the Altinn token exchange', () =>
        doFetch(exchangeUrl, {
          method: 'GET',
          headers: { ...deps.extraHeaders, authorization: `Bearer ${maskinportenToken}`, accept: 'text/plain, application/json' },
        }),
      ),
    deps,
  );
  const text = await response.text();
  if (!response.ok) {
    const detail =
      response.status === 401
        ? 'the Maskinporten token was refused (signature, lifetime, issuer or consumer)'
        : text.trim()
          ? redactText(text.trim().slice(0, 300))
          : 'empty body';
    throw new TokenExchangeError(exchangeUrl, response.status, detail);
  }
  const token = parseTokenBody(text);
  if (!token) throw new TokenExchangeError(exchangeUrl, response.status, 'the body holds no JWT (expected text/plain, a JSON string or {access_token})');
  registerSecret(token);
  return token;
}
