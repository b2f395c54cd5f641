/**
 * @module Coverage of the oracle by a run: which transitions (and their variants: upload road, scan
 * mode), which transitions' events, illegal cells and requirements got at least one PASS/FAIL/WARN
 * verdict, and which catalogued Broker errors the Broker answered, out of the oracle's full lists.
 */
import type { ExchangeEntry, LedgerEntry, VerdictEntry } from '../ledger/entries.ts';
import { ILLEGAL_CELLS } from './cells.ts';
import { ERROR_CODE_KEYS } from './errors.ts';
import { REQUIREMENTS } from './requirements.ts';
import { EVENT_TRANSITION_KEYS, TRANSITION_VARIANT_KEYS, TRANSITIONS, variantKey } from './transitions.ts';

export interface CoverageFigure {
  covered: number;
  total: number;
  missing: string[];
}

export interface OracleCoverage {
  transitions: CoverageFigure;
  /** `key{variant}` for every variant a transition lists. */
  variants: CoverageFigure;
  /** Transitions with expected events whose events a verdict judged. */
  events: CoverageFigure;
  cells: CoverageFigure;
  requirements: CoverageFigure;
  /** `BRO-000NN` answered by the Broker; `unreached` says why each missing one may be (its set-up). */
  errorCodes: CoverageFigure & { unreached: Record<string, string> };
}

function figure(all: readonly string[], seen: Set<string>): CoverageFigure {
  const unique = [...new Set(all)];
  const missing = unique.filter((k) => !seen.has(k));
  return { covered: unique.length - missing.length, total: unique.length, missing };
}

const WIRE_CODE = /"code"\s*:\s*"(BRO-\d{5})"/g;

/** The `BRO-000NN` codes in the responses of the exchanges. */
export function answeredErrorCodes(entries: readonly LedgerEntry[]): Set<string> {
  const codes = new Set<string>();
  for (const e of entries) {
    if (e.type !== 'exchange') continue;
    const body = (e as ExchangeEntry).response?.bodyExcerpt;
    if (body) for (const m of body.matchAll(WIRE_CODE)) codes.add(m[1]!);
  }
  return codes;
}

/** Only verdicts that judged something count (SKIP/ERROR do not). */
export function oracleCoverage(entries: readonly LedgerEntry[]): OracleCoverage {
  const judged = entries.filter((e): e is VerdictEntry => e.type === 'verdict' && (e.verdict === 'PASS' || e.verdict === 'FAIL' || e.verdict === 'WARN'));
  const errorCodes = figure(ERROR_CODE_KEYS.map((e) => e.key), answeredErrorCodes(entries));
  return {
    transitions: figure(TRANSITIONS.map((t) => t.key), new Set(judged.flatMap((e) => (e.transition ? [e.transition] : [])))),
    variants: figure(TRANSITION_VARIANT_KEYS, new Set(judged.flatMap((e) => (e.transition && e.variant ? [variantKey(e.transition, e.variant)] : [])))),
    events: figure(EVENT_TRANSITION_KEYS, new Set(judged.flatMap((e) => e.events ?? []))),
    cells: figure(ILLEGAL_CELLS.map((c) => c.key), new Set(judged.flatMap((e) => (e.cell ? [e.cell] : [])))),
    requirements: figure(REQUIREMENTS.map((r) => r.id), new Set(judged.map((e) => e.requirement))),
    errorCodes: {
      ...errorCodes,
      unreached: Object.fromEntries(errorCodes.missing.map((k) => [k, ERROR_CODE_KEYS.find((e) => e.key === k)?.reach ?? 'not answered in this run'])),
    },
  };
}
