/**
 * @module Paces calls per operation to stay under a gateway's per-minute limits (tt02: details 15,
 * search 10, 120 elsewhere), so a nightly run is never the cause of its own 429s.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

/** Dates a slot by the answer: the call is counted from when its answer came, the latest the gateway can have counted it. */
export type Settle = () => Promise<void>;

interface Slot {
  id: string;
  at: number;
}

/** Where the slots of the current window live: in this process, or in files every worker of a run shares. */
export interface RateWindowStore {
  /** Runs `change` on the slots of `operation` (oldest first) with exclusive access; what it leaves is kept. */
  update<T>(operation: string, change: (slots: Slot[]) => T): Promise<T>;
}

export class MemoryWindowStore implements RateWindowStore {
  private readonly windows = new Map<string, Slot[]>();

  async update<T>(operation: string, change: (slots: Slot[]) => T): Promise<T> {
    const slots = this.windows.get(operation) ?? [];
    this.windows.set(operation, slots);
    return change(slots);
  }
}

/**
 * Slots in a folder that every worker of a run shares (a gateway counts per subscription, and the
 * workers share one), each operation in a JSON file guarded by a lock directory. A lock older than
 * STALE_LOCK_MS is taken to be left by a killed worker and broken.
 */
export class FileWindowStore implements RateWindowStore {
  private static readonly STALE_LOCK_MS = 10_000;

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  async update<T>(operation: string, change: (slots: Slot[]) => T): Promise<T> {
    const lock = join(this.dir, `${operation}.lock`);
    const file = join(this.dir, `${operation}.json`);
    for (let tries = 0; ; tries++) {
      try {
        mkdirSync(lock);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        try {
          if (Date.now() - statSync(lock).mtimeMs > FileWindowStore.STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
        } catch {
          // Released meanwhile.
        }
        await new Promise((r) => setTimeout(r, Math.min(2 + tries, 20)));
      }
    }
    try {
      const slots: Slot[] = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Slot[]) : [];
      const result = change(slots);
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify(slots));
      renameSync(temp, file);
      return result;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

export class RateLimiter {
  constructor(
    private readonly limits: RateLimits,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    private readonly windowMs = 60_000,
    private readonly store: RateWindowStore = new MemoryWindowStore(),
  ) {}

  /**
   * Waits until one more call of `operation` fits in the last window, then counts it. Call the returned
   * `settle` when the answer arrives: the slot is then dated by the answer, so the window never frees
   * before the gateway's does, whatever the call's latency.
   */
  async acquire(operation: RateLimitedOperation): Promise<Settle> {
    const limit = this.limits[operation] ?? this.limits.default;
    if (!limit) return async () => undefined;
    for (;;) {
      const t = this.now();
      const got = await this.store.update(operation, (slots) => {
        while (slots.length > 0 && slots[0]!.at <= t - this.windowMs) slots.shift();
        if (slots.length >= limit) return { waitMs: slots[0]!.at + this.windowMs - t + 5 };
        const slot = { id: randomUUID(), at: t };
        slots.push(slot);
        return { id: slot.id };
      });
      if ('id' in got) {
        return () =>
          this.store.update(operation, (slots) => {
            const slot = slots.find((s) => s.id === got.id);
            if (slot) slot.at = Math.max(slot.at, this.now());
            slots.sort((a, b) => a.at - b.at);
          });
      }
      await this.sleep(got.waitMs);
    }
  }
}
