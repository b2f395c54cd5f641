/**
 * Self-tests of the report layer from hand-written ledgers (no Broker): INCOMPLETE runs, FAIL and
 * PASS verdicts, coverage and time-to-state, the summary schema, history that survives a corrupt
 * line, the diff, the curl repro, Allure enrichment, and the CLI's exit 2 on bad input.
 */
import { expect, test } from '@playwright/test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import type { LedgerEntry } from '../../src/ledger/entries.ts';
import { enrichResult } from '../../src/report/allure.ts';
import { buildRunReport } from '../../src/report/build.ts';
import { curlFor } from '../../src/report/curl.ts';
import { diffSummaries } from '../../src/report/diff.ts';
import { readHistory, trend } from '../../src/report/history.ts';
import type { ExchangeEvidence, RunSummary } from '../../src/report/model.ts';
import { catalogueFrom } from '../../src/report/oracle-catalogue.ts';
import { summarizeRun } from '../../src/report/summarize.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const schema = JSON.parse(readFileSync(join(process.cwd(), 'src', 'report', 'summary.schema.json'), 'utf8')) as object;
const validate = addFormats(new Ajv2020({ allErrors: true, strict: true })).compile(schema);

const NO_ORACLE = { oracle: {}, skipContracts: true } as const;
const at = (s: number) => new Date(Date.UTC(2026, 10, 22, 0, 0, s)).toISOString();

function runStart(runId: string): LedgerEntry {
  return { type: 'run-start', formatVersion: 1, runId, environment: 'handmade', brokerBaseUrl: 'http://127.0.0.1:1', contracts: [], at: at(0), pid: 1 };
}
const testStart = (testId: string, title: string): LedgerEntry => ({ type: 'test-start', testId, title: `specs/x.spec.ts › ${title}`, file: '/x.spec.ts', tags: [], at: at(1) });
const testEnd = (testId: string, title: string, status: string): LedgerEntry => ({ type: 'test-end', testId, title: `specs/x.spec.ts › ${title}`, file: '/x.spec.ts', tags: [], status, at: at(5) });
const exchange = (id: string, testId: string, status: number, verdict: 'PASS' | 'FAIL'): LedgerEntry => ({
  type: 'exchange',
  id,
  testId,
  actor: 'recipient',
  operationId: 'confirmDownload',
  request: { method: 'POST', url: 'http://127.0.0.1:1/broker/api/v1/filetransfer/t1/confirmdownload', headers: { authorization: 'Bearer [REDACTED]', accept: 'application/json' }, bodyBytes: 0 },
  response: { status, headers: { 'content-type': 'application/json' }, bodyExcerpt: 'null', bodyBytes: 4 },
  startedAt: at(2),
  durationMs: 3,
  checks: [{ checkId: 'status_code_conformance', requirement: 'CT-STATUS-001', contract: 'reference', verdict, findings: verdict === 'FAIL' ? [{ kind: 'undocumented-status', received: status, documented: ['204'] }] : [] }],
});

function writeRun(root: string, runId: string, entries: LedgerEntry[]): string {
  const dir = join(root, 'handmade', runId);
  mkdirSync(join(dir, 'ledger'), { recursive: true });
  writeFileSync(join(dir, 'ledger', 'worker-0-1.ndjson'), entries.map((e) => JSON.stringify(e)).join('\n') + '\n');
  return dir;
}

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('a ledger with a test started but never ended and no run-end is INCOMPLETE, listing what did not finish', async () => {
  const root = mkdtempSync(join(tmpdir(), 'report-incomplete-'));
  const dir = writeRun(root, 'crashed', [runStart('crashed'), testStart('t1', 'LC-HAPPY-001 ok'), testEnd('t1', 'LC-HAPPY-001 ok', 'passed'), testStart('t2', 'LC-CONFIRM-001 crashed here')]);
  const s = await summarizeRun(dir, { ...NO_ORACLE, plan: [{ testId: 't1', title: 'a' }, { testId: 't2', title: 'b' }, { testId: 't3', title: 'LC-NEVER-001 never started' }] });
  expect(s.verdict).toBe('INCOMPLETE');
  expect(s.incomplete?.testsNotEnded).toEqual([{ testId: 't2', title: 'specs/x.spec.ts › LC-CONFIRM-001 crashed here' }]);
  expect(s.incomplete?.testsNotRun.map((t) => t.title)).toEqual(['LC-NEVER-001 never started']);
  expect(s.incomplete?.reasons.join('\n')).toMatch(/no run-end/);
  expect(validate(s), JSON.stringify(validate.errors)).toBe(true);
});

test('the same ledger with its test-end and run-end is complete: PASS', async () => {
  const root = mkdtempSync(join(tmpdir(), 'report-complete-'));
  const dir = writeRun(root, 'done', [runStart('done'), testStart('t1', 'LC-HAPPY-001 ok'), testEnd('t1', 'LC-HAPPY-001 ok', 'passed'), { type: 'run-end', runId: 'done', at: at(9) }]);
  const s = await summarizeRun(dir, NO_ORACLE);
  expect(s.verdict).toBe('PASS');
  expect(s.incomplete).toBeNull();
});

test('a failing contract check makes the run FAIL; verdict transitions give coverage and time-to-state p50/p95', async () => {
  const root = mkdtempSync(join(tmpdir(), 'report-fail-'));
  const verdict = (transition: string, elapsedMs: number, v: 'PASS' | 'FAIL' = 'PASS'): LedgerEntry => ({
    type: 'verdict',
    testId: 't1',
    requirement: 'LC-PUBLISH-001',
    condition: 'UploadPublishes',
    verdict: v,
    message: 'published',
    exchangeIds: ['x1'],
    transition,
    elapsedMs,
    at: at(3),
  });
  const dir = writeRun(root, 'failing', [
    runStart('failing'),
    testStart('t1', 'LC-CONFIRM-002 confirm answers 204'),
    exchange('x1', 't1', 204, 'PASS'),
    exchange('x2', 't1', 200, 'FAIL'),
    ...[10, 20, 30, 40, 100].map((ms) => verdict('UploadStarted->Published[upload-no-scan]', ms)),
    testEnd('t1', 'LC-CONFIRM-002 confirm answers 204', 'failed'),
    { type: 'run-end', runId: 'failing', at: at(9) },
  ]);
  const s = await summarizeRun(dir, { skipContracts: true, oracle: { transitions: ['UploadStarted->Published[upload-no-scan]', 'Published->AllConfirmedDownloaded[confirm-last]'] } });
  expect(s.verdict).toBe('FAIL');
  const check = s.checks.find((c) => c.key === 'contract:reference:status_code_conformance:confirmDownload')!;
  expect(check.verdict).toBe('FAIL');
  expect(check.exchangeIds).toEqual(['x2']); // evidence points at the failing exchange, not the passing one
  expect(s.evidence.x2?.response?.status).toBe(200);
  expect(s.coverage.transitions).toMatchObject({ source: 'oracle', covered: 1, total: 2, percent: 50 });
  expect(s.timeToState).toEqual([{ transition: 'UploadStarted->Published[upload-no-scan]', count: 5, p50Ms: 30, p95Ms: 100 }]);
  expect(validate(s), JSON.stringify(validate.errors)).toBe(true);
});

test('without an oracle the transition total comes from the reference diagram, and the summary says so', async () => {
  const root = mkdtempSync(join(tmpdir(), 'report-diagram-'));
  const dir = writeRun(root, 'r', [runStart('r'), { type: 'run-end', runId: 'r', at: at(2) }]);
  const s = await summarizeRun(dir, NO_ORACLE);
  expect(s.coverage.transitions.source).toBe('reference-diagram');
  expect(s.coverage.transitions.total).toBe(13);
});

test('the schema rejects a summary that breaks the format', async () => {
  const root = mkdtempSync(join(tmpdir(), 'report-schema-'));
  const s = await summarizeRun(writeRun(root, 'r', [runStart('r'), { type: 'run-end', runId: 'r', at: at(2) }]), NO_ORACLE);
  expect(validate(s)).toBe(true);
  expect(validate({ ...s, verdict: 'MAYBE' })).toBe(false);
  expect(validate({ ...s, formatVersion: 2 })).toBe(false);
  const { counts: _, ...withoutCounts } = s;
  expect(validate(withoutCounts)).toBe(false);
});

test('a corrupt history line is skipped with a warning, never fatal; appending is idempotent per run', async () => {
  const root = mkdtempSync(join(tmpdir(), 'report-history-'));
  const dir = writeRun(root, 'r2', [runStart('r2'), { type: 'run-end', runId: 'r2', at: at(2) }]);
  const history = join(root, 'handmade', 'history.ndjson');
  writeFileSync(history, `${JSON.stringify({ v: 1, runId: 'r1', at: at(0), endedAt: at(1), verdict: 'PASS', counts: {}, checks: {} })}\n{"torn line\nnot json at all\n`);
  const warnings: string[] = [];
  await buildRunReport(dir, { ...NO_ORACLE, warn: (m) => warnings.push(m) });
  expect(warnings).toHaveLength(2);
  expect(warnings[0]).toMatch(/history\.ndjson line 2 is not a valid history line; skipped/);
  const lines = readHistory(history, () => {});
  expect(lines.map((l) => l.runId)).toEqual(['r1', 'r2']);
  await buildRunReport(dir, { ...NO_ORACLE, warn: () => {} });
  expect(readHistory(history, () => {}).map((l) => l.runId)).toEqual(['r1', 'r2']);
});

function summaryWith(runId: string, checks: [string, RunSummary['checks'][number]['verdict']][]): RunSummary {
  return {
    runId,
    environment: 'e',
    verdict: 'PASS',
    checks: checks.map(([key, verdict]) => ({ key, kind: 'test', requirement: key.split(':')[1]!, name: key, verdict, message: '', occurrences: 1, testIds: [], exchangeIds: [] })),
  } as unknown as RunSummary;
}

test('diff: new failures, new errors apart from them, new passes, changes, and checks present on one side only', () => {
  const a = summaryWith('a', [['t:REQ-A-001', 'PASS'], ['t:REQ-B-001', 'FAIL'], ['t:REQ-C-001', 'PASS'], ['t:REQ-D-001', 'PASS'], ['t:REQ-E-001', 'PASS']]);
  const b = summaryWith('b', [['t:REQ-A-001', 'FAIL'], ['t:REQ-B-001', 'PASS'], ['t:REQ-C-001', 'SKIP'], ['t:REQ-E-001', 'PASS'], ['t:REQ-F-001', 'ERROR']]);
  const d = diffSummaries(a, b);
  expect(d.changes.map((c) => [c.key, c.category])).toEqual([
    ['t:REQ-A-001', 'new-failure'],
    ['t:REQ-B-001', 'new-pass'],
    ['t:REQ-C-001', 'changed'],
    ['t:REQ-D-001', 'gone'],
    ['t:REQ-F-001', 'new-error'],
  ]);
  expect(d.unchanged).toBe(1);
});

test('trend marks new failures and new passes against the run before', () => {
  const base = { v: 1, endedAt: null, verdict: 'PASS' as const, counts: { PASS: 0, FAIL: 0, WARN: 0, SKIP: 0, INFO: 0, ERROR: 0, KNOWN_DEFECT: 0 } };
  const points = trend([
    { ...base, runId: 'r1', at: at(1), checks: { a: 'P', b: 'F' } },
    { ...base, runId: 'r2', at: at(2), checks: { a: 'F', b: 'P' } },
  ]);
  expect(points[1]).toMatchObject({ runId: 'r2', newFailures: ['a'], newPasses: ['b'] });
  expect(points[0]).toMatchObject({ newFailures: [], newPasses: [] });
});

test('the curl repro carries a $TOKEN placeholder, never a masked or real credential', () => {
  const x: ExchangeEvidence = {
    id: 'x',
    actor: 'sender',
    operationId: 'initializeFileTransfer',
    request: { method: 'POST', url: 'https://broker.example/broker/api/v1/filetransfer', headers: { Authorization: 'Bearer [REDACTED]', 'Ocp-Apim-Subscription-Key': '[REDACTED]', 'content-type': 'application/json', 'content-length': '13' }, bodyExcerpt: `{"a":"it's"}`, bodyBytes: 12 },
    durationMs: 1,
  };
  const curl = curlFor(x);
  expect(curl).toBe(`curl -i -X POST 'https://broker.example/broker/api/v1/filetransfer' -H "Authorization: Bearer $TOKEN" -H "Ocp-Apim-Subscription-Key: $APIM_KEY" -H 'content-type: application/json' --data-binary '{"a":"it'\\''s"}'`);
  expect(curl).not.toContain('REDACTED');
});

test('Allure results get the environment as label and parameter, requirement labels, and a per-environment historyId', () => {
  const result = { name: 'LC-HAPPY-001 a transfer', testCaseId: 'abc', labels: [{ name: 'tag', value: 'lifecycle' }], parameters: [{ name: 'Project', value: 'local' }] };
  const local = enrichResult(result, 'local');
  const tt02 = enrichResult(result, 'tt02');
  expect(local.labels).toContainEqual({ name: 'environment', value: 'local' });
  expect(local.labels).toContainEqual({ name: 'requirement', value: 'LC-HAPPY-001' });
  expect(local.parameters).toContainEqual({ name: 'environment', value: 'local' });
  expect(local.historyId).toMatch(/^abc:/);
  expect(local.historyId).not.toBe(tt02.historyId);
});

test('the oracle catalogue is read from its exports: transition keys, requirements with statement and citation, illegal cells', () => {
  const c = catalogueFrom({
    TRANSITIONS: [{ key: 'A->B[x]', from: 'A', to: 'B' }],
    REQUIREMENTS: [{ id: 'LC-X-001', statement: '…', citation: 'https://docs.altinn.studio/' }],
    ILLEGAL_CELLS: [{ key: 'Published|upload|sender' }],
    transition: () => undefined,
  });
  expect(c).toEqual({ transitions: ['A->B[x]'], requirements: [{ id: 'LC-X-001', statement: '…', citation: 'https://docs.altinn.studio/' }], illegalCells: ['Published|upload|sender'] });
});

test('CLI: unknown environment, missing run directory, corrupt or newer summary are one line and exit 2', async () => {
  const root = mkdtempSync(join(tmpdir(), 'report-cli-'));
  const newer = join(root, 'env', 'newer');
  mkdirSync(newer, { recursive: true });
  writeFileSync(join(newer, 'summary.json'), JSON.stringify({ formatVersion: 99, checks: [] }));
  const corrupt = join(root, 'env', 'corrupt');
  mkdirSync(corrupt, { recursive: true });
  writeFileSync(join(corrupt, 'summary.json'), '{ not json');
  // `report build <env>` takes the newest run folder by mtime; both were written within the same few ms, so
  // the clock tick decided which one that was. Make it `newer`, the folder the expected message names.
  const later = new Date(Date.now() + 60_000);
  utimesSync(newer, later, later);
  const cases: [string[], RegExp][] = [
    [['run', '--env', 'no-such-env'], /unknown environment 'no-such-env'/],
    [['run', '--env', 'local', '--workers', 'many'], /--workers must be a positive integer/],
    [['report', 'open', join(root, 'missing')], /no run directory, environment or run id/],
    [['report', 'diff', join(root, 'missing'), newer], /no run directory, environment or run id/],
    [['report', 'diff', newer, newer], /formatVersion 99; this version of broker-conformance reads up to 1/],
    [['report', 'diff', corrupt, corrupt], /summary\.json is not valid JSON/],
    [['report', 'build', join(root, 'env')], /no ledger in .*newer \(expected ledger\/worker-\*\.ndjson\)/],
  ];
  for (const [argv, message] of cases) {
    const r = await cli(...argv);
    expect(r.code, argv.join(' ')).toBe(2);
    expect(r.err, argv.join(' ')).toMatch(message);
    expect(r.err.split('\n'), argv.join(' ')).toHaveLength(1);
    // Known bad input, told by its error's name: never the catch-all for a harness fault.
    expect(r.err, argv.join(' ')).not.toContain('unexpected error');
  }
});

test('CLI: report build turns a crashed run into an INCOMPLETE report; report diff of two run directories exits 0', async () => {
  const root = mkdtempSync(join(tmpdir(), 'report-cli-build-'));
  const crashed = writeRun(root, 'crashed', [runStart('crashed'), testStart('t1', 'LC-HAPPY-001 never ends')]);
  const built = await cli('report', 'build', crashed);
  expect(built.code).toBe(0);
  expect(built.out).toMatch(/^INCOMPLETE: .*index\.html$/);
  const summary = JSON.parse(readFileSync(join(crashed, 'summary.json'), 'utf8')) as RunSummary;
  expect(validate(summary), JSON.stringify(validate.errors)).toBe(true);
  expect(readFileSync(join(crashed, 'junit.xml'), 'utf8')).toContain('<error message="INCOMPLETE"');
  const other = writeRun(root, 'other', [runStart('other'), testStart('t1', 'LC-HAPPY-001 never ends'), testEnd('t1', 'LC-HAPPY-001 never ends', 'passed'), { type: 'run-end', runId: 'other', at: at(3) }]);
  const diff = await cli('report', 'diff', crashed, other);
  expect(diff.code).toBe(0);
  expect(diff.out).toContain('NEW PASS');
  const html = join(root, 'diff.html');
  expect((await cli('report', 'diff', crashed, other, '--html', html)).code).toBe(0);
  expect(readFileSync(html, 'utf8')).toContain('new pass'.toUpperCase());
});
