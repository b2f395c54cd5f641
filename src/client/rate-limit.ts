/**
 * @module Paces calls per operation to stay under a gateway's per-minute limits (tt02: details 15,
 * search 10, 120 elsewhere), so a nightly run is never the cause of its own 429s.
 */
import type { RateLimits } from '../config/types.ts';

export type RateLimitedOperation = keyof RateLimits;

const API = '/broker/api/v1/';

/**
 * The gateway counter a Broker API call counts against, from its method and path (the gateway counts
 * each operation apart; every other call of the Broker API shares `default`). Undefined outside the
 * Broker API (the Events API, the emulator's endpoints), which the Broker's gateway does not count.
 */
export function rateClassOf(method: string, path: string): RateLimitedOperation | undefined {
  const p = path.split('?')[0]!.toLowerCase();
  const at = p.indexOf(API);
  if (at < 0) return undefined;
  const rest = p.slice(at + API.length).replace(/\/$/, '').split('/');
  const m = method.toUpperCase();
  if (rest[0] !== 'filetransfer') return 'default';
  if (rest.length === 1) return m === 'POST' ? 'initialize' : m === 'GET' ? 'search' : 'default';
  if (rest.length === 2) return rest[1] === 'upload' && m === 'POST' ? 'upload' : m === 'GET' ? 'overview' : 'default';
  if (rest.length === 3) {
    const action = `${m} ${rest[2]}`;
    if (action === 'POST upload') return 'upload';
    if (action === 'GET details') return 'details';
    if (action === 'GET download') return 'download';
    if (action === 'POST confirmdownload') return 'confirm';
  }
  return 'default';
}

/** The least wall time a gateway allows for `calls` per class under `limits` per `windowMs`: the busiest class's full windows. */
export function rateLowerBoundMs(calls: Partial<Record<string, number>>, limits: RateLimits, windowMs = 60_000): number {
  let bound = 0;
  for (const [op, n] of Object.entries(calls)) {
    const limit = limits[op as RateLimitedOperation] ?? limits.default;
    if (!limit || !n) continue;
    bound = Math.max(bound, Math.floor((n - 1) / limit) * windowMs);
  }
  return bound;
}

/** Frees a slot's time: the call is counted from when its answer came, the latest the gateway can have counted it. */
export type Settle = () => void;

export class RateLimiter {
  /** Per operation, the times its calls in the current window count from, oldest first. */
  private readonly calls = new Map<string, { at: number }[]>();

  constructor(
    private readonly limits: RateLimits,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    private readonly windowMs = 60_000,
  ) {}

  /**
   * Waits until one more call of `operation` fits in the last window, then counts it. Call the returned
   * `settle` when the answer arrives: the slot is then dated by the answer, so the window never frees
   * before the gateway's does, whatever the call's latency.
   */
  async acquire(operation: RateLimitedOperation): Promise<Settle> {
    const limit = this.limits[operation] ?? this.limits.default;
    if (!limit) return () => undefined;
    const window = this.calls.get(operation) ?? [];
    this.calls.set(operation, window);
    for (;;) {
      const t = this.now();
      while (window.length > 0 && window[0]!.at <= t - this.windowMs) window.shift();
      if (window.length < limit) {
        const slot = { at: t };
        window.push(slot);
        return () => {
          slot.at = Math.max(slot.at, this.now());
          window.sort((a, b) => a.at - b.at);
        };
      }
      await this.sleep(window[0]!.at + this.windowMs - t + 5);
    }
  }
}
