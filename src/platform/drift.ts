/**
 * @module Platform drift: a call from the Broker that the strict doubles refused because it is not
 * shaped the way the Broker is known to call its platform. Each refusal is one line (what call, what
 * was wrong), kept in memory, optionally appended to a file, and served to the run so its report
 * shows it. Lines never hold headers or bodies, so no token can leak through them.
 */
import { appendFileSync } from 'node:fs';
import type { VerdictEntry } from '../ledger/entries.ts';

export interface DriftLine {
  at: string;
  /** The platform call as the Broker makes it, e.g. `PDP decision`, `Events ingest`. */
  call: string;
  method: string;
  /** Request path without the query. */
  path: string;
  /** What was not as expected, one sentence. */
  problem: string;
}

export interface DriftLog {
  record(line: Omit<DriftLine, 'at'>): DriftLine;
  /** Lines recorded at or after `since` (ISO time), oldest first; all when omitted. */
  lines(since?: string): DriftLine[];
}

export function driftLog(options: { file?: string; now?: () => number; echo?: (line: string) => void } = {}): DriftLog {
  const kept: DriftLine[] = [];
  const now = options.now ?? Date.now;
  return {
    record(line) {
      const full: DriftLine = { at: new Date(now()).toISOString(), ...line };
      kept.push(full);
      if (options.file) appendFileSync(options.file, `${JSON.stringify(full)}\n`, { mode: 0o600 });
      options.echo?.(describeDrift(full));
      return full;
    },
    lines: (since) => (since ? kept.filter((l) => l.at >= since) : [...kept]),
  };
}

export function describeDrift(line: DriftLine): string {
  return `platform drift: ${line.call} ${line.method} ${line.path}: ${line.problem}`;
}

/** A request that is not shaped as the Broker sends it; the double answers 400 and records the problem. */
export class DriftError extends Error {}

/** The drift lines a doubles server recorded since `since` (`GET /_doubles/drift`); throws when the doubles do not answer. */
export async function fetchDrift(platformOrigin: string, since: string): Promise<DriftLine[]> {
  const res = await fetch(`${platformOrigin}/_doubles/drift?since=${encodeURIComponent(since)}`, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`the doubles answered ${res.status} for their drift log`);
  return (await res.json()) as DriftLine[];
}

/**
 * Each distinct (call, problem) once, as an ERROR verdict of PLAT-CALLS-001: the double refused the
 * call, so whatever the Broker did next says nothing about the Broker (the harness's model of its
 * platform is out of date, or the Broker changed how it calls it).
 */
export function driftVerdicts(lines: DriftLine[]): VerdictEntry[] {
  const distinct = new Map<string, { line: DriftLine; count: number }>();
  for (const line of lines) {
    const key = `${line.call}: ${line.problem}`;
    const seen = distinct.get(key);
    if (seen) seen.count += 1;
    else distinct.set(key, { line, count: 1 });
  }
  return [...distinct.entries()].map(([key, { line, count }]) => ({
    type: 'verdict',
    requirement: 'PLAT-CALLS-001',
    condition: `PlatformDrift: ${key}`,
    verdict: 'ERROR',
    message: `${describeDrift(line)} (${count}x; the double refused the call, so what the Broker did next is no evidence about it)`,
    exchangeIds: [],
    at: line.at,
  }));
}
