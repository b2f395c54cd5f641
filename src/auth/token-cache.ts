/**
 * @module Keeps one token per provider until shortly before it expires, then fetches a fresh one;
 * concurrent callers share one fetch. Expiry is read from the JWT's `exp` (or the lifetime the
 * issuer announced when the token is opaque).
 */
import { decodeJwt } from 'jose';

export interface FetchedToken {
  token: string;
  /** Lifetime in seconds announced by the issuer, used only when the token has no readable `exp`. */
  expiresIn?: number;
}

export interface TokenCacheOptions {
  /** Refresh this many seconds before `exp` (default 30). */
  marginSeconds?: number;
  /** Epoch milliseconds (default Date.now). */
  now?: () => number;
}

export const DEFAULT_REFRESH_MARGIN_SECONDS = 30;

/** The epoch second a token stops being usable, or undefined when unknown. */
export function tokenExpiry(fetched: FetchedToken, fetchedAtMs: number): number | undefined {
  try {
    const { exp } = decodeJwt(fetched.token);
    if (typeof exp === 'number') return exp;
  } catch {
    // opaque token: fall back to expires_in
  }
  return fetched.expiresIn === undefined ? undefined : Math.floor(fetchedAtMs / 1000) + fetched.expiresIn;
}

/** Returns a `token()` that caches what `fetchToken` yields until `exp − margin`. Unknown expiry = never reused. */
export function cachedToken(fetchToken: () => Promise<FetchedToken>, options: TokenCacheOptions = {}): () => Promise<string> {
  const now = options.now ?? Date.now;
  const margin = options.marginSeconds ?? DEFAULT_REFRESH_MARGIN_SECONDS;
  let current: { token: string; refreshAt: number } | undefined;
  let inFlight: Promise<string> | undefined;

  return async () => {
    if (current && now() < current.refreshAt) return current.token;
    inFlight ??= (async () => {
      try {
        const fetchedAt = now();
        const fetched = await fetchToken();
        const exp = tokenExpiry(fetched, fetchedAt);
        current = { token: fetched.token, refreshAt: exp === undefined ? -Infinity : (exp - margin) * 1000 };
        return fetched.token;
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  };
}
