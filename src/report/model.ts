/**
 * @module The summary of one conformance run (`summary.json`, format version 1): the data every
 * other report (HTML, JUnit, history, diff) is rendered from. Published as `summary.schema.json`.
 */
import type { ServedContractSummary } from './served-changes.ts';
import type { Verdict } from '../contract/index.ts';
import type { Pacing } from './pacing.ts';

export const SUMMARY_FORMAT_VERSION = 1;

export type RunVerdict = 'PASS' | 'FAIL' | 'INCOMPLETE';

/** Where a coverage total comes from: the oracle's catalogue, our reference state diagram, or only what the run observed. */
export type CoverageSource = 'oracle' | 'reference-diagram' | 'observed';

export type CheckKind = 'test' | 'condition' | 'contract';

/**
 * A check's verdict in the summary: a response check's or condition's verdict; KNOWN_DEFECT for a FAIL
 * a catalogued Broker defect explains; or NOT_RUN for a test that never ran its body, with the cause in
 * its message (the Broker unreachable, an earlier test of its serial block failed).
 */
export type CheckVerdict = Verdict | 'KNOWN_DEFECT' | 'NOT_RUN';

/** How a catalogued Broker defect showed in this run. */
export type KnownDefectStatus = 'OBSERVED' | 'FIXED' | 'NOT_EXERCISED';

export interface KnownDefectItem {
  id: string;
  title: string;
  requirements: string[];
  expected: string;
  observed: string;
  brokerCommit: string;
  sourceLocation: string;
  status: KnownDefectStatus;
  /** The checks it explains (OBSERVED) or that passed in its scope (FIXED). */
  checks: string[];
}

export interface CheckSummary {
  /** Stable across runs and environments: `test:<title path>`, `condition:<req>:<condition>`, `contract:<contract>:<check>:<operation>`. */
  key: string;
  kind: CheckKind;
  requirement: string;
  name: string;
  verdict: CheckVerdict;
  message: string;
  /** The catalogued defect that explains its failure (verdict KNOWN_DEFECT, or FAIL in a strict run). */
  knownDefect?: string;
  contract?: string;
  operationId?: string;
  /** How many results were folded into this check (exchanges, verdict entries). */
  occurrences: number;
  /** Evidence references: ledger test ids and exchange ids (capped). */
  testIds: string[];
  exchangeIds: string[];
  /** The values the failing (or worst) result compared: from the condition's verdict entry, or parsed from a test's assertion. */
  expected?: unknown;
  actual?: unknown;
  /** Time spent: a test's start to end; for a condition or contract check, the summed duration of the exchanges it judged. */
  durationMs?: number;
}

/** One difference between what the Broker should have answered and what it did. */
export interface Difference {
  field: string;
  expected: unknown;
  actual: unknown;
}

/**
 * Failing checks that share one cause — the same operation answering the same way — with the tests
 * that fell with them. The report shows one card per group, biggest first.
 */
export interface FailureGroup {
  /** Stable: `<operationId> <status or transport error>` of the failing exchange, or the check key when there is no exchange. */
  id: string;
  headline: string;
  operationId?: string;
  /** The failing exchange's status, or null when it had no response. */
  status?: number | null;
  differences: Difference[];
  requirements: string[];
  /** Condition and contract checks (and tests without a failed condition of their own) in the group. */
  checkKeys: string[];
  /** Tests that failed with it. */
  testKeys: string[];
  /** The failing exchanges, first is the one shown. */
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
  /** Ledger file holding the whole exchange (its body excerpt may be cut in the page), e.g. `worker-0.ndjson`. */
  ledgerFile?: string;
}

export interface CoverageItem {
  key: string;
  covered: boolean;
  verdict?: CheckVerdict;
  /** For requirements: what must hold, and where the Broker does it (from the oracle's catalogue). */
  statement?: string;
  citation?: string;
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
  /** Checks per verdict. FAIL is a Broker requirement not met; ERROR is the harness, its configuration or the Broker's reachability. */
  counts: Record<CheckVerdict, number>;
  /** `failed`: an assertion about the Broker failed; `errored`: stopped by a transport error, a timeout or the harness; `notRun`: never ran (planned and not started, or stopped before its body). */
  tests: { started: number; ended: number; passed: number; failed: number; errored: number; skipped: number; interrupted: number; notEnded: number; notRun: number };
  /** Present when the run used the embedded local Broker; `mutations` are the deliberate faults it ran with (see the banner). */
  localBroker?: { mutations: { name: string; description: string }[] };
  /** Present when the run stopped trying the Broker after consecutive transport failures. */
  unreachable?: { since: string; baseUrl: string; cause: string; failures: number };
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
  /** How the run paced itself against the environment's gateway limits; null when it has none. */
  pacing?: Pacing | null;
  checks: CheckSummary[];
  /** Failing checks grouped by cause, biggest group first (empty when nothing failed). */
  failureGroups: FailureGroup[];
  /** The known Broker defects applied to this run (never to the embedded local Broker). */
  knownDefects: { applicable: boolean; strict: boolean; reason?: string; items: KnownDefectItem[] };
  /** Evidence for every non-passing check (redacted in the ledger already), keyed by exchange id. */
  evidence: Record<string, ExchangeEvidence>;
  contractFindings: { contract: string; id: string; severity: 'error' | 'warning' | 'info'; pointer: string; message: string; line?: number; column?: number }[];
  /** Things the summariser noticed but did not stop for (skipped ledger lines, unreadable contracts). */
  warnings: string[];
  /** The served contract the run kept, and what changed in it since the previous run (absent in older summaries). */
  servedContract?: ServedContractSummary | null;
}

export const VERDICTS: CheckVerdict[] = ['FAIL', 'ERROR', 'KNOWN_DEFECT', 'WARN', 'NOT_RUN', 'PASS', 'INFO', 'SKIP'];

/** Worst-first rank: the verdict of a group of results is the worst of them. */
export function verdictRank(v: CheckVerdict): number {
  return VERDICTS.indexOf(v);
}

export function worst<V extends CheckVerdict>(a: V, b: V): V {
  return verdictRank(a) <= verdictRank(b) ? a : b;
}

/** FAIL or ERROR: something went wrong (ERROR is not held against the Broker; see `counts`). */
export function isFailing(v: CheckVerdict | undefined): boolean {
  return v === 'FAIL' || v === 'ERROR';
}
