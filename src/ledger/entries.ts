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
  contracts: { name: string; role: string; source: string; sha256: string; findings: number }[];
  at: string;
  pid: number;
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
  at: string;
}

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
