/** @module One HTTP call with the Broker clients' transient-failure rule: a 503 is retried once after a pause, then surfaces. */
import { AuthError } from './errors.ts';

export interface RetryOptions {
  /** Pause before the single retry (default 1000 ms, as the Broker team's clients do). */
  retryDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Calls `send`; when it answers 503, waits and calls it exactly once more, returning that answer. */
export async function sendWithRetryOn503(send: () => Promise<Response>, options: RetryOptions = {}): Promise<Response> {
  const first = await send();
  if (first.status !== 503) return first;
  await first.body?.cancel();
  await (options.sleep ?? defaultSleep)(options.retryDelayMs ?? 1000);
  return send();
}

/** Wraps a fetch so that a network failure becomes an AuthError naming the endpoint (fetch's own error has no secrets, but no context either). */
export async function reach(endpoint: string, what: string, send: () => Promise<Response>): Promise<Response> {
  try {
    return await send();
  } catch (error) {
    const cause = error as { cause?: { code?: string }; message?: string };
    throw new AuthError(`could not reach ${what} at ${endpoint}: ${cause.cause?.code ?? cause.message ?? 'network error'}`);
  }
}
