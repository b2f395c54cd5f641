/**
 * @module How a run paced itself against the gateway's rate limits: the calls it made per gateway
 * counter, the least wall time those limits allow for them, and every 429 it met. The harness plans
 * no 429, so each one counts as unplanned.
 */
import { rateLowerBoundMs } from '../client/rate-limit.ts';
import type { ExchangeEntry, RunStartEntry } from '../ledger/index.ts';

export interface Pacing {
  /** Per-minute limits the run paced itself by. */
  rateLimits: Record<string, number>;
  /** Calls sent per gateway counter (every attempt, retries included). */
  calls: Record<string, number>;
  /** The least wall time the limits allow for those calls: the busiest counter's full windows. */
  lowerBoundSeconds: number;
  /** The run's wall time (first worker start to last worker end), when known. */
  wallSeconds: number | null;
  /** wallSeconds / lowerBoundSeconds; null when the limits bind nothing (bound 0). */
  ratio: number | null;
  /** 429 answers met: none is planned. */
  unplanned429: number;
  unplanned429ExchangeIds: string[];
}

export function pacingOf(starts: RunStartEntry[], exchanges: Iterable<ExchangeEntry>, durationMs: number | null): Pacing | null {
  const rateLimits = starts.find((s) => s.rateLimits)?.rateLimits;
  if (!rateLimits || Object.keys(rateLimits).length === 0) return null;
  const calls: Record<string, number> = {};
  const refused: string[] = [];
  for (const e of exchanges) {
    if (e.rateClass) calls[e.rateClass] = (calls[e.rateClass] ?? 0) + 1;
    if (e.response?.status === 429) refused.push(e.id);
  }
  const lowerBoundSeconds = Math.round(rateLowerBoundMs(calls, rateLimits) / 100) / 10;
  const wallSeconds = durationMs === null ? null : Math.round(durationMs / 100) / 10;
  return {
    rateLimits,
    calls,
    lowerBoundSeconds,
    wallSeconds,
    ratio: wallSeconds !== null && lowerBoundSeconds > 0 ? Math.round((wallSeconds / lowerBoundSeconds) * 100) / 100 : null,
    unplanned429: refused.length,
    unplanned429ExchangeIds: refused.slice(0, 50),
  };
}
