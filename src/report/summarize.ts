/**
 * @module Folds a run's ledger (every `ledger/worker-*.ndjson` of a run directory) into a
 * RunSummary: checks keyed stably across runs, per-verdict counts, INCOMPLETE detection, coverage
 * of transitions, illegal cells, requirements and operations × status codes, and time-to-state.
 */
import { servedNoteIn } from '../contract/served-contract.ts';
import { servedContractSummary } from './served-changes.ts';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { allChecks, describeResponseFinding, prepareContract, type ContractRole, type PreparedContract, type Verdict } from '../contract/index.ts';
import { pacingOf } from './pacing.ts';
import type { ExchangeEntry, FailureKind, LedgerEntry, RunStartEntry, TestBoundaryEntry, VerdictEntry } from '../ledger/entries.ts';
import { readUnreachableMarker, unreachableCause } from '../ledger/reachability.ts';
import { readLedger, type ReadLedger } from '../ledger/writer.ts';
import { redactText } from '../ledger/redact.ts';
import { cleanAssertion, assertionMessage } from './assertion-text.ts';
import { groupFailures } from './failure-groups.ts';
import { KnownDefectLedger } from './known-defects.ts';
import type { KnownDefect } from '../oracle/known-defects.ts';
import { isFailing, SUMMARY_FORMAT_VERSION, VERDICTS, worst, type CheckSummary, type CheckVerdict, type CoverageBlock, type ExchangeEvidence, type OperationCoverage, type RunSummary, type RunVerdict } from './model.ts';
import { loadOracleCatalogue, type OracleCatalogue } from './oracle-catalogue.ts';
import { REFERENCE_TRANSITIONS } from './state-diagram.ts';

export class RunDirectoryError extends Error {
  override name = 'RunDirectoryError';
}

export interface PlannedTest {
  testId: string;
  title: string;
}

export interface SummarizeOptions {
  /** Tests Playwright meant to run for this environment (from the reporter); missing ones are listed as not run. */
  plan?: PlannedTest[];
  /** First error message per test id, from Playwright (redacted here again). */
  testErrors?: Record<string, string>;
  /** Playwright reported the run as interrupted or timed out. */
  interrupted?: boolean;
  /** Planned tests that never started for a known cause (an earlier test of their serial block failed), by test id: NOT_RUN, not a sign of an unfinished run. */
  notRunCauses?: Record<string, string>;
  /** Override the oracle (self-tests); default: load src/oracle when present. */
  oracle?: OracleCatalogue;
  /** Skip re-reading contracts (no findings list, no declared operations). */
  skipContracts?: boolean;
  /** Override the known-defect catalogue (self-tests); default: src/oracle/known-defects.ts. */
  knownDefects?: readonly KnownDefect[];
  /** Count failures a known defect explains as failures; default: what the run recorded (`run --strict`). */
  strict?: boolean;
  /** How a ledger file is read; default `readLedger`. The conformance reporter passes the files it followed during the run. */
  readLedgerFile?: (path: string) => ReadLedger;
}

const MAX_EVIDENCE_IDS = 20;
const REQUIREMENT_IN_TITLE = /\b([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*-(?:B\d{2}|\d{3,}))\b/;

export function ledgerFiles(runDir: string): string[] {
  const dir = join(runDir, 'ledger');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ndjson'))
    .sort()
    .map((f) => join(dir, f));
}

export function readRunLedger(runDir: string, read: (path: string) => ReadLedger = readLedger): { files: { path: string; entries: LedgerEntry[]; skippedLines: number }[] } {
  return { files: ledgerFiles(runDir).map((path) => ({ path, ...read(path) })) };
}

function percentile(sorted: number[], p: number): number {
  // Nearest rank.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

function pct(covered: number, total: number | null): number | null {
  return total ? Math.round((covered / total) * 1000) / 10 : null;
}

/** A failed test is a FAIL only when an assertion about the Broker failed; a transport error, a timeout or a harness exception is ERROR. */
function testVerdict(end: TestBoundaryEntry): CheckVerdict {
  if (end.notRun) return 'NOT_RUN';
  if (end.status === 'passed') return 'PASS';
  if (end.status === 'skipped') return 'SKIP';
  if (end.status === 'failed' || end.status === 'timedOut') return end.failureKind && end.failureKind !== 'assertion' ? 'ERROR' : 'FAIL';
  return 'ERROR';
}

const FAILURE_LABEL: Record<FailureKind, string> = {
  assertion: 'failed',
  transport: 'ERROR, the Broker could not be reached (not a verdict on the Broker)',
  timeout: 'ERROR, the test ran out of time',
  harness: 'ERROR in the harness or its configuration (not a verdict on the Broker)',
};

function lastTitle(title: string): string {
  const parts = title.split(' › ');
  return parts[parts.length - 1] ?? title;
}

function requirementOf(title: string, tags: string[]): string {
  const m = REQUIREMENT_IN_TITLE.exec(lastTitle(title)) ?? REQUIREMENT_IN_TITLE.exec(tags.join(' '));
  return m?.[1] ?? 'UNTRACED';
}

function addCapped(list: string[], id: string | undefined): void {
  if (id && list.length < MAX_EVIDENCE_IDS && !list.includes(id)) list.push(id);
}

/** Folds one result into the check with that key: worst verdict wins, its message is kept. */
function fold(checks: Map<string, CheckSummary>, next: Omit<CheckSummary, 'occurrences'>, failingEvidenceOnly = true): void {
  const prev = checks.get(next.key);
  if (!prev) {
    checks.set(next.key, { ...next, occurrences: 1, testIds: [...next.testIds], exchangeIds: [...next.exchangeIds] });
    return;
  }
  prev.occurrences++;
  const worse = worst(prev.verdict, next.verdict) !== prev.verdict;
  if (worse) {
    prev.verdict = next.verdict;
    prev.message = next.message;
    delete prev.expected;
    delete prev.actual;
    if ('expected' in next) prev.expected = next.expected;
    if ('actual' in next) prev.actual = next.actual;
    if (next.knownDefect) prev.knownDefect = next.knownDefect;
    else delete prev.knownDefect;
    if (failingEvidenceOnly && next.verdict !== 'PASS') {
      // Evidence should point at what went wrong, not at the passing occurrences before it.
      prev.exchangeIds = [];
      prev.testIds = [];
    }
  }
  if (!failingEvidenceOnly || next.verdict === prev.verdict) {
    next.testIds.forEach((id) => addCapped(prev.testIds, id));
    next.exchangeIds.forEach((id) => addCapped(prev.exchangeIds, id));
  }
}

async function prepareContracts(starts: RunStartEntry[], warnings: string[], skip: boolean): Promise<Map<string, PreparedContract>> {
  const out = new Map<string, PreparedContract>();
  if (skip) return out;
  const seen = new Map<string, RunStartEntry['contracts'][number]>();
  for (const s of starts) for (const c of s.contracts) if (!seen.has(c.name)) seen.set(c.name, c);
  for (const c of seen.values()) {
    try {
      const prepared = await prepareContract(c.source, c.name, c.role as ContractRole);
      if (prepared.compiled.sha256 !== c.sha256) warnings.push(`contract ${c.name} at ${c.source} changed since the run (sha256 ${prepared.compiled.sha256.slice(0, 12)}… ≠ ${c.sha256.slice(0, 12)}…); findings and declared operations are of the current document`);
      out.set(c.name, prepared);
    } catch (e) {
      warnings.push(`contract ${c.name} could not be re-read from ${c.source}: ${redactText((e as Error).message.split('\n')[0] ?? '')}`);
    }
  }
  return out;
}

function evidenceOf(e: ExchangeEntry, ledgerFile?: string): ExchangeEvidence {
  return {
    ...(ledgerFile ? { ledgerFile } : {}),
    id: e.id,
    ...(e.testId ? { testId: e.testId } : {}),
    actor: e.actor,
    operationId: e.operationId,
    request: e.request,
    ...(e.response ? { response: e.response } : {}),
    ...(e.error ? { error: e.error } : {}),
    durationMs: Math.round(e.durationMs * 10) / 10,
  };
}

export async function summarizeRun(runDir: string, options: SummarizeOptions = {}): Promise<RunSummary> {
  if (!existsSync(runDir) || !statSync(runDir).isDirectory()) throw new RunDirectoryError(`no run directory at ${runDir}`);
  const { files } = readRunLedger(runDir, options.readLedgerFile);
  if (files.length === 0) throw new RunDirectoryError(`no ledger in ${runDir} (expected ledger/worker-*.ndjson)`);
  const warnings: string[] = [];
  for (const f of files) if (f.skippedLines) warnings.push(`${basename(f.path)}: ${f.skippedLines} unreadable ledger line(s) skipped`);

  const entries = files.flatMap((f) => f.entries);
  const ledgerFileOf = new Map<string, string>();
  for (const f of files) for (const e of f.entries) if (e.type === 'exchange') ledgerFileOf.set(e.id, basename(f.path));
  const starts = entries.filter((e): e is RunStartEntry => e.type === 'run-start');
  const ends = entries.filter((e) => e.type === 'run-end');
  const testStarts = new Map<string, TestBoundaryEntry>();
  const testEnds = new Map<string, TestBoundaryEntry>();
  const exchanges = new Map<string, ExchangeEntry>();
  const verdicts: VerdictEntry[] = [];
  for (const e of entries) {
    if (e.type === 'test-start') testStarts.set(e.testId, e);
    else if (e.type === 'test-end') testEnds.set(e.testId, e);
    else if (e.type === 'exchange') exchanges.set(e.id, e);
    else if (e.type === 'verdict') verdicts.push(e);
  }

  // --- completeness
  const reasons: string[] = [];
  const unreachable = readUnreachableMarker(runDir);
  const stoppedBy = unreachable ? unreachableCause(unreachable) : undefined;
  if (starts.length === 0) reasons.push('the ledger has no run-start entry');
  const filesWithoutEnd = files.filter((f) => f.entries.some((e) => e.type === 'run-start') && !f.entries.some((e) => e.type === 'run-end'));
  if (filesWithoutEnd.length) reasons.push(`${filesWithoutEnd.length} worker ledger(s) have no run-end: ${filesWithoutEnd.map((f) => basename(f.path)).join(', ')}`);
  if (starts.length > 0 && ends.length === 0 && filesWithoutEnd.length === 0) reasons.push('the ledger has no run-end entry');
  const notEnded = [...testStarts.values()].filter((t) => !testEnds.has(t.testId)).map((t) => ({ testId: t.testId, title: t.title }));
  // Once the Broker is unreachable the run is stopped on purpose: a test cut off then is NOT_RUN with that cause, not a crash.
  const cutOff = (testId: string) => !!unreachable && (!testEnds.has(testId) || testEnds.get(testId)!.status === 'interrupted');
  if (notEnded.length && !unreachable) reasons.push(`${notEnded.length} test(s) started but never ended`);
  const interruptedTests = [...testEnds.values()].filter((t) => t.status === 'interrupted');
  if (interruptedTests.length && !unreachable) reasons.push(`${interruptedTests.length} test(s) interrupted`);
  // Planned tests that never started: with a known cause they are NOT_RUN checks; without one the run did not finish.
  const notStarted = (options.plan ?? []).filter((p) => !testStarts.has(p.testId));
  const causeOf = (p: PlannedTest) => options.notRunCauses?.[p.testId] ?? stoppedBy;
  const notRun = notStarted.filter((p) => !causeOf(p));
  const notRunWithCause = notStarted.filter((p) => causeOf(p));
  const stoppedTests = [...testEnds.values()].filter((t) => t.notRun).length + [...testStarts.keys()].filter(cutOff).length;
  if (unreachable) reasons.unshift(`${stoppedBy}; ${stoppedTests + notStarted.filter((p) => !options.notRunCauses?.[p.testId]).length} test(s) not run`);
  if (notRun.length) reasons.push(`${notRun.length} planned test(s) never started`);
  // A run stopped because its Broker was unreachable was interrupted on purpose; the reason above says why.
  if (options.interrupted && !unreachable) reasons.push('Playwright reported the run as interrupted');
  if ([...ends].some((e) => e.type === 'run-end' && e.interrupted)) reasons.push('a worker recorded an interrupted run-end');

  // --- checks (a FAIL a catalogued Broker defect explains becomes KNOWN_DEFECT, unless strict)
  const firstStart = starts[0];
  const defects = new KnownDefectLedger({
    environment: firstStart?.environment ?? basename(join(runDir, '..')),
    embedded: firstStart?.embeddedBroker ?? firstStart?.environment === 'local',
    strict: options.strict ?? starts.some((s) => s.strict === true),
    catalogue: options.knownDefects,
  });
  const checks = new Map<string, CheckSummary>();
  const duration = new Map<string, number>();
  const addDuration = (key: string, ids: string[]) => duration.set(key, (duration.get(key) ?? 0) + ids.reduce((sum, id) => sum + (exchanges.get(id)?.durationMs ?? 0), 0));
  for (const t of testStarts.values()) {
    const end = testEnds.get(t.testId);
    const verdict = cutOff(t.testId) ? 'NOT_RUN' : end ? testVerdict(end) : 'ERROR';
    const raw = options.testErrors?.[t.testId];
    const error = raw !== undefined ? cleanAssertion(redactText(raw)) : undefined;
    const message = cutOff(t.testId)
      ? `not run: cut off when the run stopped: ${stoppedBy}`
      : !end
      ? 'started but never ended (run interrupted or crashed)'
      : verdict === 'PASS'
        ? 'passed'
        : verdict === 'NOT_RUN'
          ? `not run: ${end.notRun}`
          : verdict === 'SKIP'
            ? `skipped${end.skipReason ? `: ${end.skipReason}` : ''}`
            : `${end.failureKind ? FAILURE_LABEL[end.failureKind] : end.status}${error ? `: ${assertionMessage(error)}` : ''}`;
    const values = error && verdict !== 'PASS' ? { ...(error.expected !== undefined ? { expected: error.expected } : {}), ...(error.actual !== undefined ? { actual: error.actual } : {}) } : {};
    fold(checks, { key: `test:${t.title}`, kind: 'test', requirement: requirementOf(t.title, t.tags), name: lastTitle(t.title), verdict, message, testIds: [t.testId], exchangeIds: [], ...values });
    if (end) duration.set(`test:${t.title}`, (duration.get(`test:${t.title}`) ?? 0) + Math.max(0, Date.parse(end.at) - Date.parse(t.at)));
  }
  for (const p of notRunWithCause) {
    fold(checks, { key: `test:${p.title}`, kind: 'test', requirement: requirementOf(p.title, []), name: lastTitle(p.title), verdict: 'NOT_RUN', message: `not run: ${causeOf(p)}`, testIds: [p.testId], exchangeIds: [] });
  }
  for (const v of verdicts) {
    const key = `condition:${v.requirement}:${v.condition}`;
    fold(checks, {
      key,
      kind: 'condition',
      requirement: v.requirement,
      name: v.condition,
      ...defects.judge(key, { requirement: v.requirement, condition: v.condition, message: v.message }, v.verdict),
      message: v.message,
      ...('expected' in v ? { expected: v.expected } : {}),
      ...('actual' in v ? { actual: v.actual } : {}),
      testIds: v.testId ? [v.testId] : [],
      exchangeIds: v.exchangeIds,
    });
    addDuration(`condition:${v.requirement}:${v.condition}`, v.exchangeIds);
  }
  for (const x of exchanges.values()) {
    for (const r of x.checks) {
      const message = r.verdict === 'PASS' ? 'conformant' : r.findings.length ? r.findings.map(describeResponseFinding).join('; ') : (r.reason ?? r.verdict.toLowerCase());
      const key = `contract:${r.contract}:${r.checkId}:${x.operationId}`;
      fold(checks, {
        key,
        kind: 'contract',
        requirement: r.requirement,
        name: `${r.checkId} · ${x.operationId}`,
        ...defects.judge(key, { requirement: r.requirement, condition: r.checkId, operationId: x.operationId, message: r.findings.map(describeResponseFinding).join('; ') || (r.reason ?? '') }, r.verdict),
        message: `${x.request.method} → ${x.response?.status ?? x.error?.kind ?? '?'}: ${message}`,
        contract: r.contract,
        operationId: x.operationId,
        testIds: x.testId ? [x.testId] : [],
        exchangeIds: [x.id],
      });
      addDuration(`contract:${r.contract}:${r.checkId}:${x.operationId}`, [x.id]);
    }
  }
  const checkList = [...checks.values()].sort((a, b) => a.key.localeCompare(b.key));
  for (const c of checkList) if (duration.has(c.key)) c.durationMs = Math.round(duration.get(c.key)! * 10) / 10;
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, checkList.filter((c) => c.verdict === v).length])) as Record<CheckVerdict, number>;

  // --- evidence for every non-passing check; a failing test points at the exchange that failed it
  // (a failing condition or contract check of that test), else at its last exchange.
  const evidence: Record<string, ExchangeEvidence> = {};
  const keep = (id: string) => {
    const x = exchanges.get(id);
    if (x) evidence[id] = evidenceOf(x, ledgerFileOf.get(id));
  };
  const failingOfTest = new Map<string, string[]>();
  for (const c of checkList) {
    if (c.kind === 'test' || !isFailing(c.verdict)) continue;
    for (const id of c.exchangeIds) {
      const testId = exchanges.get(id)?.testId;
      if (testId) failingOfTest.set(testId, [...(failingOfTest.get(testId) ?? []), id]);
    }
  }
  const lastExchangeOfTest = new Map<string, string>();
  for (const x of exchanges.values()) if (x.testId) lastExchangeOfTest.set(x.testId, x.id);
  for (const c of checkList) {
    if (c.verdict === 'PASS' || c.verdict === 'INFO' || c.verdict === 'SKIP' || c.verdict === 'NOT_RUN') continue;
    if (c.kind === 'test') {
      const own = c.testIds.flatMap((t) => failingOfTest.get(t) ?? []);
      const ids = own.length ? own : c.testIds.map((t) => lastExchangeOfTest.get(t)).filter((id): id is string => !!id);
      ids.forEach((id) => addCapped(c.exchangeIds, id));
    }
    c.exchangeIds.forEach(keep);
  }

  // --- coverage
  let oracle = options.oracle;
  if (!oracle) {
    const loaded = await loadOracleCatalogue();
    if (loaded.warning) warnings.push(loaded.warning);
    oracle = loaded.catalogue;
  }
  const coverageOf = (keys: (v: VerdictEntry) => string | undefined, declared: string[] | undefined, fallback: string[] | undefined, fallbackSource: 'reference-diagram'): CoverageBlock => {
    const byKey = new Map<string, CheckVerdict>();
    for (const v of verdicts) {
      const k = keys(v);
      const verdict = defects.verdictOf({ requirement: v.requirement, condition: v.condition, message: v.message }, v.verdict);
      if (k && verdict !== 'SKIP') byKey.set(k, byKey.has(k) ? worst(byKey.get(k)!, verdict) : verdict);
    }
    const universe = declared ?? fallback;
    const source = declared ? 'oracle' : fallback ? fallbackSource : 'observed';
    const all = [...new Set([...(universe ?? []), ...byKey.keys()])];
    const items = all.map((key) => ({ key, covered: byKey.has(key), ...(byKey.has(key) ? { verdict: byKey.get(key)! } : {}) }));
    const covered = universe ? universe.filter((k) => byKey.has(k)).length : byKey.size;
    const total = universe ? universe.length : null;
    return { source, covered, total, percent: pct(covered, total), items };
  };
  const transitions = coverageOf((v) => v.transition, oracle.transitions, REFERENCE_TRANSITIONS, 'reference-diagram');
  const illegalCells = coverageOf((v) => v.cell, oracle.illegalCells, undefined, 'reference-diagram');
  const variants = oracle.transitionVariants ? coverageOf((v) => (v.transition && v.variant ? `${v.transition}{${v.variant}}` : undefined), oracle.transitionVariants, undefined, 'reference-diagram') : undefined;
  const eventsBlock = oracle.eventTransitions ? eventsCoverage(verdicts, oracle.eventTransitions) : undefined;
  const errorCodes = oracle.errorCodes ? errorCodeCoverage([...exchanges.values()], oracle.errorCodes) : undefined;

  const contractRequirements = new Map(allChecks().map((c) => [c.requirement, { statement: c.title, citation: undefined as string | undefined }]));
  const reqVerdicts = new Map<string, CheckVerdict>();
  for (const c of checkList) if (c.verdict !== 'SKIP' && c.verdict !== 'NOT_RUN' && c.requirement !== 'UNTRACED') reqVerdicts.set(c.requirement, reqVerdicts.has(c.requirement) ? worst(reqVerdicts.get(c.requirement)!, c.verdict) : c.verdict);
  const catalogue = oracle.requirements?.map((r) => r.id);
  const reqKeys = [...new Set([...(catalogue ?? []), ...reqVerdicts.keys(), ...checkList.filter((c) => c.requirement !== 'UNTRACED').map((c) => c.requirement)])].sort();
  const reqCovered = (catalogue ?? [...reqVerdicts.keys()]).filter((id) => reqVerdicts.has(id)).length;
  const requirements: CoverageBlock = {
    source: catalogue ? 'oracle' : 'observed',
    covered: reqCovered,
    total: catalogue ? catalogue.length : null,
    percent: catalogue ? pct(reqCovered, catalogue.length) : null,
    items: reqKeys.map((key) => {
      // Contract requirements (CT-…) are the response checks; their title is their statement.
      const entry = oracle.requirements?.find((r) => r.id === key) ?? contractRequirements.get(key);
      return {
        key,
        covered: reqVerdicts.has(key),
        ...(reqVerdicts.has(key) ? { verdict: reqVerdicts.get(key)! } : {}),
        ...(entry?.statement ? { statement: entry.statement } : {}),
        ...(entry?.citation ? { citation: entry.citation } : {}),
      };
    }),
  };

  const contracts = await prepareContracts(starts, warnings, !!options.skipContracts);
  const reference = [...contracts.values()].find((c) => c.compiled.role === 'reference');
  const seenByOp = new Map<string, Map<number, number>>();
  for (const x of exchanges.values()) {
    if (!x.response) continue;
    const m = seenByOp.get(x.operationId) ?? new Map<number, number>();
    m.set(x.response.status, (m.get(x.response.status) ?? 0) + 1);
    seenByOp.set(x.operationId, m);
  }
  const opItems: OperationCoverage[] = [];
  let declaredTotal = 0;
  let declaredCovered = 0;
  const matches = (key: string, status: number) => key === String(status) || (/^[1-5]XX$/i.test(key) && key[0] === String(status)[0]);
  for (const op of reference?.compiled.operations ?? []) {
    const declared = [...op.responses.keys()];
    const seen = seenByOp.get(op.id) ?? new Map<number, number>();
    const declaredSeen = declared.filter((k) => k !== 'default' && [...seen.keys()].some((s) => matches(k, s)));
    const undeclaredSeen = [...seen.keys()].filter((s) => !declared.some((k) => matches(k, s))).sort();
    declaredTotal += declared.filter((k) => k !== 'default').length;
    declaredCovered += declaredSeen.length;
    opItems.push({ operationId: op.id, method: op.method.toUpperCase(), path: op.pathTemplate, declared, seen: Object.fromEntries([...seen].sort((a, b) => a[0] - b[0]).map(([s, n]) => [String(s), n])), declaredSeen, undeclaredSeen });
    seenByOp.delete(op.id);
  }
  for (const [opId, seen] of seenByOp) {
    opItems.push({ operationId: opId, method: '', path: '', declared: [], seen: Object.fromEntries([...seen].map(([s, n]) => [String(s), n])), declaredSeen: [], undeclaredSeen: [...seen.keys()].sort() });
  }

  // --- time to state
  const elapsed = new Map<string, number[]>();
  for (const v of verdicts) {
    if (v.transition && typeof v.elapsedMs === 'number' && Number.isFinite(v.elapsedMs)) elapsed.set(v.transition, [...(elapsed.get(v.transition) ?? []), v.elapsedMs]);
  }
  const timeToState = [...elapsed]
    .map(([transition, values]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return { transition, count: sorted.length, p50Ms: Math.round(percentile(sorted, 50)), p95Ms: Math.round(percentile(sorted, 95)) };
    })
    .sort((a, b) => a.transition.localeCompare(b.transition));

  // --- run metadata
  const times = entries.map((e) => ('at' in e ? e.at : undefined)).filter((t): t is string => !!t).sort();
  const startedAt = starts.map((s) => s.at).sort()[0] ?? times[0] ?? null;
  const endedAt = ends.length ? (ends.map((e) => e.at).sort().at(-1) ?? null) : (times.at(-1) ?? null);
  const first = starts[0];
  const contractMeta = new Map<string, RunSummary['contracts'][number]>();
  for (const s of starts) {
    for (const c of s.contracts) {
      if (contractMeta.has(c.name)) continue;
      const f = contracts.get(c.name)?.findings;
      contractMeta.set(c.name, {
        name: c.name,
        role: c.role,
        source: c.source,
        sha256: c.sha256,
        findings: f
          ? { total: f.length, error: f.filter((x) => x.severity === 'error').length, warning: f.filter((x) => x.severity === 'warning').length, info: f.filter((x) => x.severity === 'info').length }
          : { total: c.findings, error: 0, warning: 0, info: 0 },
      });
    }
  }
  const contractFindings = [...contracts.values()].flatMap((c) =>
    c.findings.map((f) => ({ contract: c.compiled.name, id: f.id, severity: f.severity, pointer: f.pointer, message: f.message, ...(f.line !== undefined ? { line: f.line, column: f.column ?? 0 } : {}) })),
  );

  const servedContract = await servedContractSummary(runDir);
  if (servedContract?.error) warnings.push(servedContract.error);
  const servedNote = servedNoteIn(runDir);
  if (servedNote) warnings.push(`served contract: ${servedNote}`);

  const ended = [...testEnds.values()];
  const failing = checkList.some((c) => c.verdict === 'FAIL');
  // ERROR is not held against the Broker: a run whose only problems are ERRORs did not judge the Broker fully, so it is INCOMPLETE, not FAIL.
  const errors = checkList.filter((c) => c.verdict === 'ERROR').length;
  if (errors && !failing && reasons.length === 0) reasons.push(`${errors} check(s) in ERROR (transport, timeout, harness or configuration; not a verdict on the Broker)`);
  const incomplete = reasons.length > 0;
  // An unfinished run is INCOMPLETE even when something already failed: its failures are listed, but the verdict says it did not finish.
  const verdict: RunVerdict = incomplete ? 'INCOMPLETE' : failing ? 'FAIL' : 'PASS';
  const runIdValue = first?.runId ?? basename(runDir);
  return {
    formatVersion: SUMMARY_FORMAT_VERSION,
    runId: runIdValue,
    verdict,
    environment: first?.environment ?? basename(join(runDir, '..')),
    brokerBaseUrl: first?.brokerBaseUrl ?? null,
    startedAt,
    endedAt,
    durationMs: startedAt && endedAt ? Date.parse(endedAt) - Date.parse(startedAt) : null,
    generatedAt: new Date().toISOString(),
    contracts: [...contractMeta.values()],
    counts,
    tests: {
      started: testStarts.size,
      ended: testEnds.size,
      passed: ended.filter((t) => t.status === 'passed').length,
      failed: ended.filter((t) => (t.status === 'failed' || t.status === 'timedOut') && testVerdict(t) === 'FAIL').length,
      errored: ended.filter((t) => (t.status === 'failed' || t.status === 'timedOut') && testVerdict(t) === 'ERROR').length,
      skipped: ended.filter((t) => t.status === 'skipped' && !t.notRun).length,
      interrupted: interruptedTests.length,
      notEnded: notEnded.length,
      notRun: notStarted.length + stoppedTests,
    },
    ...(unreachable ? { unreachable } : {}),
    ...(starts.some((x) => x.localBroker) ? { localBroker: { mutations: [...new Map(starts.flatMap((x) => x.localBroker?.mutations ?? []).map((m) => [m.name, m])).values()] } } : {}),
    incomplete: incomplete ? { reasons, testsNotEnded: notEnded, testsNotRun: notRun.map((p) => ({ testId: p.testId, title: p.title })) } : null,
    coverage: {
      transitions,
      illegalCells,
      requirements,
      ...(variants ? { variants } : {}),
      ...(eventsBlock ? { events: eventsBlock } : {}),
      ...(errorCodes ? { errorCodes } : {}),
      operations: { contract: reference?.compiled.name ?? null, statusCodes: { covered: declaredCovered, total: declaredTotal, percent: pct(declaredCovered, declaredTotal) }, items: opItems },
    },
    timeToState,
    pacing: pacingOf(starts, exchanges.values(), startedAt && endedAt ? Date.parse(endedAt) - Date.parse(startedAt) : null),
    checks: checkList,
    failureGroups: groupFailures(checkList, evidence),
    knownDefects: defects.block(),
    evidence,
    contractFindings,
    warnings,
    servedContract,
  };
}

/** Transitions whose events were judged: a verdict names them in `events`. */
function eventsCoverage(verdicts: readonly VerdictEntry[], universe: readonly string[]): CoverageBlock {
  const byKey = new Map<string, Verdict>();
  for (const v of verdicts) {
    if (v.verdict === 'SKIP' || v.verdict === 'ERROR') continue;
    for (const k of v.events ?? []) byKey.set(k, byKey.has(k) ? worst(byKey.get(k)!, v.verdict) : v.verdict);
  }
  const covered = universe.filter((k) => byKey.has(k)).length;
  return { source: 'oracle', covered, total: universe.length, percent: pct(covered, universe.length), items: universe.map((key) => ({ key, covered: byKey.has(key), ...(byKey.has(key) ? { verdict: byKey.get(key)! } : {}) })) };
}

/** Catalogued `BRO-000NN` codes the Broker answered in this run; each unanswered one with the set-up it needs. */
function errorCodeCoverage(exchanges: readonly ExchangeEntry[], universe: readonly { key: string; reach?: string }[]): CoverageBlock {
  const seen = new Set<string>();
  for (const x of exchanges) for (const m of (x.response?.bodyExcerpt ?? '').matchAll(/"code"\s*:\s*"(BRO-\d{5})"/g)) seen.add(m[1]!);
  const covered = universe.filter((e) => seen.has(e.key)).length;
  return {
    source: 'oracle',
    covered,
    total: universe.length,
    percent: pct(covered, universe.length),
    items: universe.map((e) => (seen.has(e.key) ? { key: e.key, covered: true } : { key: e.key, covered: false, reason: e.reach ?? 'not answered in this run' })),
  };
}
