/**
 * @module Paces calls per operation to stay under a gateway's per-minute limits (tt02: details 15,
 * search 10), so a nightly run is never the cause of its own 429s.
 */
import type { RateLimits } from '../config/types.ts';

export type RateLimitedOperation = keyof RateLimits;

export class RateLimiter {
  private readonly calls = new Map<string, number[]>();

  constructor(
    private readonly limits: RateLimits,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Waits until one more call of `operation` fits in the last 60 s, then counts it. */
  async acquire(operation: RateLimitedOperation): Promise<void> {
    const limit = this.limits[operation] ?? this.limits.default;
    if (!limit) return;
    const window = this.calls.get(operation) ?? [];
    this.calls.set(operation, window);
    for (;;) {
      const t = this.now();
      while (window.length > 0 && window[0]! <= t - 60_000) window.shift();
      if (window.length < limit) {
        window.push(t);
        return;
      }
      await this.sleep(window[0]! + 60_000 - t + 5);
    }
  }
}
