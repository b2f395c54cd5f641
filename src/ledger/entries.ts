/**
 * @module The run's record, one JSON object per line: run events, exchanges with their check
 * results, verdicts of conditions, and everything the run created. Reports are built from these.
 */
import type { CheckResult, Verdict } from '../contract/index.ts';

export const LEDGER_FORMAT_VERSION = 1;

export interface RunStartEntry {
  type: 'run-start';
  formatVersion: number;
  runId: string;
  environment: string;
  brokerBaseUrl: string;
  /** The harness started the Broker itself (the embedded local Broker): no known Broker defect applies. */
  embeddedBroker?: boolean;
  /** `run --strict`: failures a known defect explains count as failures. */
  strict?: boolean;
  contracts: { name: string; role: string; source: string; sha256: string; findings: number }[];
  /** The gateway limits the run paced itself by (per minute and operation), when the environment has any. */
  rateLimits?: Record<string, number>;
  at: string;
  pid: number;
  /** Present when the harness started the embedded local Broker: the deliberate faults it runs with (none in a real conformance run). */
  localBroker?: { mutations: { name: string; description: string }[] };
}

export interface TestBoundaryEntry {
  type: 'test-start' | 'test-end';
  testId: string;
  title: string;
  file: string;
  tags: string[];
  /** On test-end: Playwright's status (passed, failed, skipped, timedOut, interrupted). */
  status?: string;
  skipReason?: string;
  /**
   * On test-end of a failed or timed-out test: what stopped it. `assertion`: a check about the
   * Broker failed (a FAIL); `transport`: the Broker could not be reached (refused, reset, timeout);
   * `timeout`: the test ran out of time; `harness`: the harness or its configuration threw. Only
   * `assertion` is a FAIL against a Broker requirement; the others are ERROR.
   */
  failureKind?: FailureKind;
  /** On test-end: the test was stopped before its body ran, for this cause (the Broker unreachable). */
  notRun?: string;
  at: string;
}

export type FailureKind = 'assertion' | 'transport' | 'timeout' | 'harness';

export interface HttpEvidence {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** At most EXCERPT_BYTES of text; binary bodies are described, not copied. */
  bodyExcerpt?: string;
  bodyBytes: number;
}

export interface ExchangeEntry {
  type: 'exchange';
  id: string;
  testId?: string;
  actor: string;
  /** The operation as the reference contract names it, or `METHOD path` when it has none. */
  operationId: string;
  /** The gateway counter the call counts against (`details`, `search`, `default`…); absent outside the Broker API. */
  rateClass?: string;
  request: HttpEvidence;
  response?: { status: number; headers: Record<string, string>; bodyExcerpt?: string; bodyBytes: number };
  /** Transport failure (timeout, reset): no response. */
  error?: { kind: string; message: string };
  startedAt: string;
  durationMs: number;
  checks: CheckResult[];
}

export interface VerdictEntry {
  type: 'verdict';
  testId?: string;
  requirement: string;
  /** Condition name (a sentence: `ConfirmBeforeUploadIsRejected`). */
  condition: string;
  verdict: Verdict;
  message: string;
  expected?: unknown;
  actual?: unknown;
  exchangeIds: string[];
  /** The requirement's public citation (Altinn/altinn-broker@<commit>:<path>#Lnn or an https page). */
  source?: string;
  /** Coverage keys this verdict exercises: a state transition (`Initialized->UploadStarted`), an illegal cell (`Published|upload|sender`). */
  transition?: string;
  /** The road of the transition taken (`binary`, `multipart+scan`…), a coverage key of its own with `transition`. */
  variant?: string;
  /** Transitions whose emitted events this verdict judged. */
  events?: string[];
  cell?: string;
  /** Time from the triggering call to the observed state, for time-to-state figures (ms). */
  elapsedMs?: number;
  at: string;
}

export interface CreatedEntry {
  type: 'created';
  testId?: string;
  kind: 'fileTransfer' | 'serviceOwner' | 'resourceConfiguration';
  id: string;
  actor: string;
  at: string;
}

export interface RunEndEntry {
  type: 'run-end';
  runId: string;
  at: string;
  interrupted?: boolean;
}

export type LedgerEntry = RunStartEntry | TestBoundaryEntry | ExchangeEntry | VerdictEntry | CreatedEntry | RunEndEntry;

export const EXCERPT_BYTES = 4096;
