/**
 * @module Coverage of the oracle by a run's verdicts: which transitions, illegal cells and
 * requirements got at least one PASS/FAIL/WARN verdict, out of the oracle's full lists.
 */
import type { LedgerEntry, VerdictEntry } from '../ledger/entries.ts';
import { ILLEGAL_CELLS } from './cells.ts';
import { REQUIREMENTS } from './requirements.ts';
import { TRANSITIONS } from './transitions.ts';

export interface CoverageFigure {
  covered: number;
  total: number;
  missing: string[];
}

export interface OracleCoverage {
  transitions: CoverageFigure;
  cells: CoverageFigure;
  requirements: CoverageFigure;
}

function figure(all: readonly string[], seen: Set<string>): CoverageFigure {
  const unique = [...new Set(all)];
  const missing = unique.filter((k) => !seen.has(k));
  return { covered: unique.length - missing.length, total: unique.length, missing };
}

/** Only verdicts that judged something count (SKIP/ERROR do not). */
export function oracleCoverage(entries: readonly LedgerEntry[]): OracleCoverage {
  const judged = entries.filter((e): e is VerdictEntry => e.type === 'verdict' && (e.verdict === 'PASS' || e.verdict === 'FAIL' || e.verdict === 'WARN'));
  return {
    transitions: figure(TRANSITIONS.map((t) => t.key), new Set(judged.flatMap((e) => (e.transition ? [e.transition] : [])))),
    cells: figure(ILLEGAL_CELLS.map((c) => c.key), new Set(judged.flatMap((e) => (e.cell ? [e.cell] : [])))),
    requirements: figure(REQUIREMENTS.map((r) => r.id), new Set(judged.map((e) => e.requirement))),
  };
}
