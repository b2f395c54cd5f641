/**
 * @module Notices when the Broker stops answering, across the workers of one run: every exchange
 * with the Broker passes through `watchReachability`; a transport failure (refused, reset, timeout,
 * host not found) adds to a streak kept in the run directory, any answer ends it. After
 * UNREACHABLE_AFTER consecutive failures a marker file says since when and why the Broker is
 * unreachable; tests that start after it stop at once as NOT_RUN with that cause, so an outage
 * costs a few seconds and a few ERRORs, not one FAIL per planned test.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { undiciLibrary } from '../deferred.ts';
import type { LedgerEntry } from './entries.ts';
import type { LedgerSink } from './writer.ts';

/** Consecutive transport failures after which the run stops trying the Broker. */
export const UNREACHABLE_AFTER = 3;

export interface UnreachableMarker {
  /** When the streak of failures began (ISO time). */
  since: string;
  baseUrl: string;
  /** The last failure, in one line (`connect ECONNREFUSED 127.0.0.1:9`). */
  cause: string;
  failures: number;
}

interface Streak {
  since: string;
  failures: number;
}

export const unreachableMarkerPath = (runDir: string) => join(runDir, 'broker-unreachable.json');
const streakPath = (runDir: string) => join(runDir, 'broker-transport-streak.json');

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Written whole and renamed into place, so a reader in another worker never sees half a file. */
function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value));
  renameSync(tmp, path);
}

/** The marker of a run, when its Broker was found unreachable. */
export function readUnreachableMarker(runDir: string): UnreachableMarker | undefined {
  return readJson<UnreachableMarker>(unreachableMarkerPath(runDir));
}

/** The one-line cause tests that did not run carry. */
export function unreachableCause(m: UnreachableMarker): string {
  return `Broker unreachable since ${m.since} (${m.failures} consecutive transport failures at ${m.baseUrl}; last: ${m.cause})`;
}

/** Records one exchange's outcome; returns the marker when this failure made the Broker unreachable. */
export function noteExchange(runDir: string, baseUrl: string, outcome: { ok: true } | { ok: false; at: string; cause: string }): UnreachableMarker | undefined {
  const path = streakPath(runDir);
  if (outcome.ok) {
    if (existsSync(path)) rmSync(path, { force: true });
    return undefined;
  }
  const prev = readJson<Streak>(path);
  const streak: Streak = { since: prev?.since ?? outcome.at, failures: (prev?.failures ?? 0) + 1 };
  writeJson(path, streak);
  if (streak.failures < UNREACHABLE_AFTER || existsSync(unreachableMarkerPath(runDir))) return undefined;
  const marker: UnreachableMarker = { since: streak.since, baseUrl, cause: outcome.cause, failures: streak.failures };
  writeJson(unreachableMarkerPath(runDir), marker);
  return marker;
}

/**
 * After a test failed on a transport error: asks the Broker again, a few times half a second apart
 * (any HTTP answer will do), so an outage is confirmed by one failed test instead of one per
 * worker restart. Each failed probe extends the streak; returns the marker when it is reached.
 */
export async function confirmUnreachable(runDir: string, baseUrl: string, options: { timeoutMs?: number; pauseMs?: number } = {}): Promise<UnreachableMarker | undefined> {
  for (let i = 1; i < UNREACHABLE_AFTER; i++) {
    if (readUnreachableMarker(runDir)) return readUnreachableMarker(runDir);
    await new Promise((r) => setTimeout(r, options.pauseMs ?? 500));
    const at = new Date().toISOString();
    try {
      // undici's request, not fetch: fetch refuses some ports outright ("bad port") without trying them.
      const { request } = undiciLibrary();
      const res = await request(new URL('/health', baseUrl), { signal: AbortSignal.timeout(options.timeoutMs ?? 2000) });
      await res.body.dump();
      noteExchange(runDir, baseUrl, { ok: true });
      return undefined;
    } catch (e) {
      const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
      const cause = err.name === 'TimeoutError' || err.name === 'AbortError' ? `no answer within ${options.timeoutMs ?? 2000} ms` : `${err.cause?.message ?? err.message ?? String(e)}`;
      const marker = noteExchange(runDir, baseUrl, { ok: false, at, cause: `${cause} (probe)` });
      if (marker) return marker;
    }
  }
  return readUnreachableMarker(runDir);
}

/** A ledger sink that watches the exchanges with the Broker at `baseUrl` go by (others, such as the events API, do not count). */
export function watchReachability(sink: LedgerSink, runDir: string, baseUrl: string): LedgerSink {
  const origin = new URL(baseUrl).origin;
  return {
    record(entry: LedgerEntry): void {
      sink.record(entry);
      if (entry.type !== 'exchange' || !entry.request.url.startsWith(origin)) return;
      noteExchange(runDir, baseUrl, entry.error ? { ok: false, at: entry.startedAt, cause: entry.error.message.split('\n')[0]! } : { ok: true });
    },
  };
}
