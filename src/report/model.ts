/**
 * @module The summary of one conformance run (`summary.json`, format version 1): the data every
 * other report (HTML, JUnit, history, diff) is rendered from. Published as `summary.schema.json`.
 */
import type { Verdict } from '../contract/index.ts';

export const SUMMARY_FORMAT_VERSION = 1;

export type RunVerdict = 'PASS' | 'FAIL' | 'INCOMPLETE';

/** Where a coverage total comes from: the oracle's catalogue, our reference state diagram, or only what the run observed. */
export type CoverageSource = 'oracle' | 'reference-diagram' | 'observed';

export type CheckKind = 'test' | 'condition' | 'contract';

export interface CheckSummary {
  /** Stable across runs and environments: `test:<title path>`, `condition:<req>:<condition>`, `contract:<contract>:<check>:<operation>`. */
  key: string;
  kind: CheckKind;
  requirement: string;
  name: string;
  verdict: Verdict;
  message: string;
  contract?: string;
  operationId?: string;
  /** How many results were folded into this check (exchanges, verdict entries). */
  occurrences: number;
  /** Evidence references: ledger test ids and exchange ids (capped). */
  testIds: string[];
  exchangeIds: string[];
}

export interface ExchangeEvidence {
  id: string;
  testId?: string;
  actor: string;
  operationId: string;
  request: { method: string; url: string; headers: Record<string, string>; bodyExcerpt?: string; bodyBytes: number };
  response?: { status: number; headers: Record<string, string>; bodyExcerpt?: string; bodyBytes: number };
  error?: { kind: string; message: string };
  durationMs: number;
}

export interface CoverageItem {
  key: string;
  covered: boolean;
  verdict?: Verdict;
  /** Why an item was not covered, when the oracle knows (an error code's set-up). */
  reason?: string;
}

export interface CoverageBlock {
  source: CoverageSource;
  covered: number;
  /** Null when nothing declares the total (only observed items are known). */
  total: number | null;
  percent: number | null;
  items: CoverageItem[];
}

export interface OperationCoverage {
  operationId: string;
  method: string;
  path: string;
  /** Response keys the reference contract declares (`200`, `4XX`, `default`). */
  declared: string[];
  /** Status codes seen in this run, with counts. */
  seen: Record<string, number>;
  declaredSeen: string[];
  undeclaredSeen: number[];
}

export interface RunSummary {
  formatVersion: typeof SUMMARY_FORMAT_VERSION;
  runId: string;
  verdict: RunVerdict;
  environment: string;
  brokerBaseUrl: string | null;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  generatedAt: string;
  contracts: {
    name: string;
    role: string;
    source: string;
    sha256: string;
    findings: { total: number; error: number; warning: number; info: number };
  }[];
  /** Checks per verdict. */
  counts: Record<Verdict, number>;
  tests: { started: number; ended: number; passed: number; failed: number; skipped: number; interrupted: number; notEnded: number; notRun: number };
  incomplete: null | {
    reasons: string[];
    testsNotEnded: { testId: string; title: string }[];
    testsNotRun: { testId: string; title: string }[];
  };
  coverage: {
    transitions: CoverageBlock;
    illegalCells: CoverageBlock;
    requirements: CoverageBlock;
    /** Transition variants (`key{binary+scan}`), when the oracle lists them. */
    variants?: CoverageBlock;
    /** Transitions whose events a verdict judged. */
    events?: CoverageBlock;
    /** Catalogued Broker error codes the Broker answered; an unanswered one carries the reason it may be. */
    errorCodes?: CoverageBlock;
    operations: {
      contract: string | null;
      statusCodes: { covered: number; total: number; percent: number | null };
      items: OperationCoverage[];
    };
  };
  timeToState: { transition: string; count: number; p50Ms: number; p95Ms: number }[];
  checks: CheckSummary[];
  /** Evidence for every non-passing check (redacted in the ledger already), keyed by exchange id. */
  evidence: Record<string, ExchangeEvidence>;
  contractFindings: { contract: string; id: string; severity: 'error' | 'warning' | 'info'; pointer: string; message: string; line?: number; column?: number }[];
  /** Things the summariser noticed but did not stop for (skipped ledger lines, unreadable contracts). */
  warnings: string[];
}

export const VERDICTS: Verdict[] = ['FAIL', 'ERROR', 'WARN', 'PASS', 'INFO', 'SKIP'];

/** Worst-first rank: the verdict of a group of results is the worst of them. */
export function verdictRank(v: Verdict): number {
  return VERDICTS.indexOf(v);
}

export function worst(a: Verdict, b: Verdict): Verdict {
  return verdictRank(a) <= verdictRank(b) ? a : b;
}

export function isFailing(v: Verdict | undefined): boolean {
  return v === 'FAIL' || v === 'ERROR';
}
