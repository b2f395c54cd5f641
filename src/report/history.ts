/**
 * @module Each environment's run history, `reports/<env>/history.ndjson`: one compact line per run
 * (id, time, verdict, counts, every check's verdict as one letter). Appending is idempotent per run
 * id; a corrupt line is skipped with a warning, never fatal. ERROR (the harness, its configuration,
 * an unreachable Broker) is counted apart from FAIL (a Broker requirement not met): a night when
 * the Broker was down shows new errors, not new failures.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Verdict } from '../contract/index.ts';
import type { CheckVerdict, RunSummary, RunVerdict } from './model.ts';

export const HISTORY_FORMAT_VERSION = 1;

const LETTER: Record<CheckVerdict, string> = { PASS: 'P', FAIL: 'F', WARN: 'W', SKIP: 'S', INFO: 'I', ERROR: 'E', KNOWN_DEFECT: 'K', NOT_RUN: 'N' };
const FROM_LETTER = Object.fromEntries(Object.entries(LETTER).map(([v, l]) => [l, v])) as Record<string, CheckVerdict>;

export interface HistoryLine {
  v: number;
  runId: string;
  at: string | null;
  endedAt: string | null;
  verdict: RunVerdict;
  /** Checks per verdict; lines written before KNOWN_DEFECT or NOT_RUN existed lack them. */
  counts: Partial<Record<CheckVerdict, number>> & Record<Verdict, number>;
  /** Check key → verdict letter (P F W S I E, K for a known Broker defect, N for NOT_RUN). */
  checks: Record<string, string>;
}

export function historyLineOf(s: RunSummary): HistoryLine {
  return {
    v: HISTORY_FORMAT_VERSION,
    runId: s.runId,
    at: s.startedAt,
    endedAt: s.endedAt,
    verdict: s.verdict,
    counts: s.counts,
    checks: Object.fromEntries(s.checks.map((c) => [c.key, LETTER[c.verdict]])),
  };
}

export function verdictOfLetter(letter: string | undefined): CheckVerdict | undefined {
  return letter ? FROM_LETTER[letter] : undefined;
}

export function readHistory(path: string, warn: (message: string) => void = (m) => console.warn(m)): HistoryLine[] {
  if (!existsSync(path)) return [];
  const out: HistoryLine[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        const parsed = JSON.parse(line) as HistoryLine;
        if (typeof parsed !== 'object' || parsed === null || typeof parsed.runId !== 'string' || typeof parsed.checks !== 'object' || parsed.checks === null) throw new Error('not a history line');
        out.push({ ...parsed, counts: { ...parsed.counts, KNOWN_DEFECT: parsed.counts?.KNOWN_DEFECT ?? 0 } });
      } catch {
        warn(`broker-conformance: warning: ${path} line ${i + 1} is not a valid history line; skipped`);
      }
    });
  return out;
}

/** Appends the run unless a line with its id is already there. Returns the history including it. */
export function appendHistory(path: string, summary: RunSummary, warn?: (message: string) => void): HistoryLine[] {
  const lines = readHistory(path, warn);
  if (lines.some((l) => l.runId === summary.runId)) return lines;
  const line = historyLineOf(summary);
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, `${JSON.stringify(line)}\n`);
  return [...lines, line];
}

export interface TrendPoint {
  runId: string;
  at: string | null;
  verdict: RunVerdict;
  counts: HistoryLine['counts'];
  /** Checks that FAIL now and did not FAIL the run before (a Broker requirement newly not met). */
  newFailures: string[];
  /** Checks that are ERROR now and were neither FAIL nor ERROR before (harness, configuration, reachability). */
  newErrors: string[];
  /** Checks that pass after failing, or after failing as a known defect (the defect fixed). */
  newPasses: string[];
  /** Checks that now fail as a known defect, having passed or been absent before. */
  newKnownDefects: string[];
}

const failing = (l: string | undefined) => l === 'F' || l === 'E';

/** The last `limit` runs, each with the checks that newly fail, newly error or newly pass against the run before it. */
export function trend(lines: HistoryLine[], limit = 20): TrendPoint[] {
  const ordered = [...lines].sort((a, b) => (a.at ?? '').localeCompare(b.at ?? '') || a.runId.localeCompare(b.runId));
  const points = ordered.map((line, i) => {
    const prev = ordered[i - 1];
    const keys = Object.keys(line.checks);
    return {
      runId: line.runId,
      at: line.at,
      verdict: line.verdict,
      counts: line.counts,
      newFailures: prev ? keys.filter((k) => line.checks[k] === 'F' && prev.checks[k] !== 'F') : [],
      newErrors: prev ? keys.filter((k) => line.checks[k] === 'E' && !failing(prev.checks[k])) : [],
      newPasses: prev ? keys.filter((k) => line.checks[k] === 'P' && (failing(prev.checks[k]) || prev.checks[k] === 'K')) : [],
      newKnownDefects: prev ? keys.filter((k) => line.checks[k] === 'K' && prev.checks[k] !== 'K' && !failing(prev.checks[k])) : [],
    };
  });
  return points.slice(-limit);
}
