/**
 * Self-tests of the run page and its parts, from hand-written ledgers (no Broker): test errors lose
 * the assertion library's wording but keep their values; failing checks group by root cause with
 * the tests that fell with them; long bodies are pretty-printed and cut with a pointer into the
 * ledger; JUnit names do not repeat ids; the diagram draws the oracle's transitions only; unknown
 * verdicts render neutrally. In Debian chromium at 1400 px: a full-size PASS page answers verdict,
 * scope and coverage on its first screen and stays under 5,000 px with its tables collapsed and
 * filterable; the confirm-200 fault is one cause at the top with 204 vs 200 visible unexpanded.
 */
import { chromium, expect, test, type Browser } from '@playwright/test';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REFERENCE_CONTRACT_PATH } from '../../src/contract/index.ts';
import type { LedgerEntry } from '../../src/ledger/entries.ts';
import { ILLEGAL_CELLS, REQUIREMENTS, TRANSITIONS } from '../../src/oracle/index.ts';
import { cleanAssertion } from '../../src/report/assertion-text.ts';
import { groupFailures } from '../../src/report/failure-groups.ts';
import type { TrendPoint } from '../../src/report/history.ts';
import { diagramEdges, readableBody, renderHtml } from '../../src/report/html.ts';
import { caseName, renderJunit } from '../../src/report/junit.ts';
import type { CheckSummary, ExchangeEvidence, RunSummary } from '../../src/report/model.ts';
import { summarizeRun } from '../../src/report/summarize.ts';

const CHROMIUM = '/usr/bin/chromium';
const at = (ms: number) => new Date(Date.UTC(2026, 10, 22, 0, 0, 0, ms)).toISOString();
const root = mkdtempSync(join(tmpdir(), 'report-page-'));

// Three error texts as Playwright reports them (soft assertion with values, toBe, toEqual diff).
const SOFT = 'Error: LC-CONFIRM-002 LastConfirmAnswers204: status 204: status, bodyBytes differ\n  expected: {"status":204,"bodyBytes":0}\n  actual:   {"status":200,"bodyBytes":4}\n\nexpect(received).toBe(expected) // Object.is equality\n';
const TOBE = 'Error: setup: confirm\n\nexpect(received).toBe(expected) // Object.is equality\n\nExpected: 204\nReceived: 200';
const TOEQUAL = 'Error: CT-STATUS-001 status_code_conformance (reference contract)\n\nexpect(received).toEqual(expected) // deep equality\n\n- Expected  - 1\n+ Received  + 3\n\n- Array []\n+ Array [\n+   "status 200 is not documented",\n+ ]';

test('a test error keeps its message and values, never the assertion library text', () => {
  expect(cleanAssertion(SOFT)).toEqual({ headline: 'LC-CONFIRM-002 LastConfirmAnswers204: status 204: status, bodyBytes differ', expected: '{"status":204,"bodyBytes":0}', actual: '{"status":200,"bodyBytes":4}' });
  expect(cleanAssertion(TOBE)).toEqual({ headline: 'setup: confirm', expected: '204', actual: '200' });
  const diff = cleanAssertion(TOEQUAL);
  expect(diff.headline).toBe('CT-STATUS-001 status_code_conformance (reference contract)');
  expect(JSON.stringify(diff)).not.toMatch(/expect\(|Expected {2}-|Object\.is/);
  expect(diff.detail).toContain('status 200 is not documented');
});

const ex = (id: string, testId: string, operationId: string, status: number, body = 'null'): ExchangeEvidence => ({
  id,
  testId,
  actor: 'recipient',
  operationId,
  request: { method: 'POST', url: `http://127.0.0.1:1/x/${id}`, headers: {}, bodyBytes: 0 },
  response: { status, headers: {}, bodyExcerpt: body, bodyBytes: body.length },
  durationMs: 2,
});
const check = (c: Partial<CheckSummary> & Pick<CheckSummary, 'key' | 'kind' | 'requirement' | 'name'>): CheckSummary => ({ verdict: 'FAIL', message: 'm', occurrences: 1, testIds: [], exchangeIds: [], ...c });

test('failing checks group by the exchange that failed; tests join the group they fell with; the biggest group comes first', () => {
  const evidence = { e1: ex('e1', 't1', 'confirmDownload', 200), e2: ex('e2', 't2', 'confirmDownload', 200), e9: ex('e9', 't9', 'getFileTransferOverview', 500) };
  const checks = [
    check({ key: 'condition:LC-CONFIRM-002:LastConfirmAnswers204', kind: 'condition', requirement: 'LC-CONFIRM-002', name: 'LastConfirmAnswers204', expected: { status: 204, bodyBytes: 0 }, actual: { status: 200, bodyBytes: 4 }, testIds: ['t1'], exchangeIds: ['e1'] }),
    check({ key: 'contract:reference:status_code_conformance:confirmDownload', kind: 'contract', requirement: 'CT-STATUS-001', name: 'status_code_conformance · confirmDownload', contract: 'reference', message: 'POST → 200: status 200 is not documented', testIds: ['t1', 't2'], exchangeIds: ['e1', 'e2'] }),
    check({ key: 'test:a › LC-CONFIRM-002 x', kind: 'test', requirement: 'LC-CONFIRM-002', name: 'LC-CONFIRM-002 x', testIds: ['t1'], exchangeIds: ['e1'] }),
    check({ key: 'test:a › SEARCH-002 y', kind: 'test', requirement: 'SEARCH-002', name: 'SEARCH-002 y', testIds: ['t2'], exchangeIds: ['e2'] }),
    check({ key: 'test:a › LC-STATE-001 z', kind: 'test', requirement: 'LC-STATE-001', name: 'LC-STATE-001 z', message: 'failed: overview broke (expected 200, actual 500)', expected: '200', actual: '500', testIds: ['t9'], exchangeIds: ['e9'] }),
    check({ key: 'test:a › LC-HAPPY-001 ok', kind: 'test', requirement: 'LC-HAPPY-001', name: 'LC-HAPPY-001 ok', verdict: 'PASS', testIds: ['t3'] }),
  ];
  const groups = groupFailures(checks, evidence);
  expect(groups.map((g) => g.id)).toEqual(['confirmDownload 200', 'test:a › LC-STATE-001 z']);
  const [confirm, own] = groups;
  expect(confirm!.headline).toBe('confirmDownload answered 200 where 204 is expected');
  expect(confirm!.differences.slice(0, 2)).toEqual([
    { field: 'status', expected: 204, actual: 200 },
    { field: 'bodyBytes', expected: 0, actual: 4 },
  ]);
  expect(confirm!.checkKeys).toEqual(['condition:LC-CONFIRM-002:LastConfirmAnswers204', 'contract:reference:status_code_conformance:confirmDownload']);
  expect(confirm!.testKeys).toEqual(['test:a › LC-CONFIRM-002 x', 'test:a › SEARCH-002 y']);
  expect(confirm!.exchangeIds).toEqual(['e1', 'e2']);
  expect(own!.differences).toEqual([{ field: 'value', expected: '200', actual: '500' }]);
  expect(own!.headline).toBe('LC-STATE-001 z: overview broke (expected 200, actual 500)');
});

test('a body is pretty-printed and cut to a screenful, with a pointer to the ledger', () => {
  const events = JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ id: `e${i}`, type: 'no.altinn.broker.published', subject: `/organisation/${i}` })));
  const b = readableBody(events, events.length, 'ledger/worker-0.ndjson, exchange x1');
  expect(b.text.split('\n').length).toBe(24);
  expect(b.text.split('\n')[1]).toBe('  {');
  expect(b.cut).toMatch(/^… cut: \d+ more characters — whole excerpt in ledger\/worker-0\.ndjson, exchange x1$/);
  expect(readableBody('{"a":1}', 7, 'w')).toEqual({ text: '{\n  "a": 1\n}', cut: null });
  expect(readableBody('{"a":', 9000, 'w').cut).toContain('the body had 9000 bytes, the ledger keeps the first 5');
  // A cut excerpt of a JSON array (events) does not parse: it still reads one element per line.
  const partial = events.slice(0, 300);
  expect(readableBody(partial, 14_000, 'w').text.split('\n')[1]).toMatch(/^\{"id":"e1",/);
});

test('JUnit case names carry the requirement id once and no tags; times are seconds from the check', () => {
  expect(caseName({ requirement: 'LC-HAPPY-001', name: 'LC-HAPPY-001 a transfer goes through @lifecycle' })).toBe('LC-HAPPY-001 a transfer goes through');
  expect(caseName({ requirement: 'LC-CONFIRM-002', name: 'LastConfirmAnswers204' })).toBe('LC-CONFIRM-002 LastConfirmAnswers204');
  expect(caseName({ requirement: 'UNTRACED', name: 'helper works' })).toBe('helper works');
});

/** A run as big as the real local one: every oracle transition, cell and requirement exercised, and ~450 checks. */
function fullRun(runId: string, fault: boolean): { dir: string; errors: Record<string, string> } {
  const entries: LedgerEntry[] = [{ type: 'run-start', formatVersion: 1, runId, environment: 'local', brokerBaseUrl: 'http://127.0.0.1:5096', contracts: [{ name: 'reference', role: 'reference', source: REFERENCE_CONTRACT_PATH, sha256: 'x', findings: 0 }], at: at(0) , pid: 1 }];
  const errors: Record<string, string> = {};
  let n = 0;
  const confirm = (testId: string, id: string, ok: boolean): LedgerEntry => ({
    type: 'exchange',
    id,
    testId,
    actor: 'recipient',
    operationId: 'confirmDownload',
    request: { method: 'POST', url: `http://127.0.0.1:5096/broker/api/v1/filetransfer/${id}/confirmdownload`, headers: { authorization: 'Bearer [REDACTED]' }, bodyBytes: 0 },
    response: ok ? { status: 204, headers: {}, bodyBytes: 0 } : { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, bodyExcerpt: 'null', bodyBytes: 4 },
    startedAt: at(n),
    durationMs: 3,
    checks: [{ checkId: 'status_code_conformance', requirement: 'CT-STATUS-001', contract: 'reference', verdict: ok ? 'PASS' : 'FAIL', findings: ok ? [] : [{ kind: 'undocumented-status', received: 200, documented: ['204'] }] }],
  });
  REQUIREMENTS.forEach((r, i) => {
    const testId = `t${i}`;
    const title = `specs/x.spec.ts › ${r.id} ${r.statement} @suite`;
    const broken = fault && i % 12 === 0;
    entries.push({ type: 'test-start', testId, title, file: '/x.spec.ts', tags: ['@suite'], at: at((n += 10)) });
    entries.push(confirm(testId, `x${i}`, !broken));
    entries.push({ type: 'verdict', testId, requirement: r.id, condition: broken ? 'LastConfirmAnswers204' : `Holds_${i}`, verdict: broken ? 'FAIL' : 'PASS', message: broken ? 'status 204: status, bodyBytes differ' : 'ok', expected: { status: 204, bodyBytes: 0 }, actual: broken ? { status: 200, bodyBytes: 4 } : { status: 204, bodyBytes: 0 }, exchangeIds: [`x${i}`], at: at(n + 5) });
    entries.push({ type: 'test-end', testId, title, file: '/x.spec.ts', tags: ['@suite'], status: broken ? 'failed' : 'passed', at: at((n += 40)) });
    if (broken) errors[testId] = i % 24 === 0 ? SOFT : TOBE;
  });
  TRANSITIONS.forEach((t, i) => entries.push({ type: 'verdict', testId: 't1', requirement: t.requirement, condition: `Transition_${i}`, verdict: 'PASS', message: 'ok', exchangeIds: [], transition: t.key, elapsedMs: 5 + i, at: at(n) }));
  ILLEGAL_CELLS.forEach((c, i) => entries.push({ type: 'verdict', testId: 't2', requirement: c.requirement, condition: `Cell_${i}`, verdict: 'PASS', message: 'ok', exchangeIds: [], cell: c.key, at: at(n) }));
  if (fault) {
    // An unrelated, smaller failure: it must come after the confirm fault.
    entries.push({ type: 'test-start', testId: 'late', title: 'specs/y.spec.ts › DL-RANGE-005 timed out', file: '/y.spec.ts', tags: [], at: at(n) });
    entries.push({ type: 'test-end', testId: 'late', title: 'specs/y.spec.ts › DL-RANGE-005 timed out', file: '/y.spec.ts', tags: [], status: 'timedOut', at: at((n += 100)) });
  }
  entries.push({ type: 'run-end', runId, at: at(n + 1) });
  const dir = join(root, 'local', runId);
  mkdirSync(join(dir, 'ledger'), { recursive: true });
  writeFileSync(join(dir, 'ledger', 'worker-0.ndjson'), entries.map((e) => JSON.stringify(e)).join('\n') + '\n');
  return { dir, errors };
}

// The last point is this run; a passing run after a failing one has new passes and no new failures.
const trendOf = (runId: string, s: RunSummary): TrendPoint[] =>
  Array.from({ length: 20 }, (_, i) => ({ runId: i === 19 ? runId : `r${i}`, at: at(i), verdict: i === 18 ? 'FAIL' : 'PASS', counts: s.counts, newFailures: [], newErrors: [], newKnownDefects: [], newPasses: i === 19 && s.verdict === 'PASS' ? ['test:x › LC-HAPPY-001'] : [] }));

async function page(file: string, browser: Browser) {
  const p = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await p.goto(`file://${file}`);
  return p;
}

test.describe('the page in a browser', () => {
  let browser: Browser;
  const pages: Record<'pass' | 'fail', { file: string; summary: RunSummary }> = {} as never;

  test.beforeAll(async () => {
    for (const [name, fault] of [['pass', false], ['fail', true]] as const) {
      const { dir, errors } = fullRun(name, fault);
      const summary = await summarizeRun(dir, { testErrors: errors });
      const file = join(dir, 'index.html');
      writeFileSync(file, renderHtml(summary, trendOf(name, summary)));
      pages[name] = { file, summary };
    }
  });
  test.beforeEach(async () => {
    test.skip(!existsSync(CHROMIUM), `Debian chromium not installed at ${CHROMIUM} (apt-get install -y chromium)`);
    browser ??= await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  });
  test.afterAll(async () => {
    await browser?.close();
  });

  test('a full-size PASS page: verdict, scope and coverage on the first screen; under 5,000 px; tables collapsed and filterable', async () => {
    const { file, summary } = pages.pass;
    expect(summary.verdict).toBe('PASS');
    expect(summary.checks.length).toBeGreaterThan(400);
    expect(summary.coverage.transitions.percent).toBe(100);
    const p = await page(file, browser);
    await expect(p.locator('#verdict')).toHaveText('PASS');
    for (const sel of ['#verdict', '#scope', '[data-card="transitions"]', '[data-card="illegal cells"]', '[data-card="requirements"]', '[data-card="status codes"]']) {
      const box = await p.locator(sel).boundingBox();
      expect(box && box.y + box.height <= 900, `${sel} on the first screen`).toBe(true);
    }
    await expect(p.locator('[data-card="transitions"]')).toContainText(`${TRANSITIONS.length} / ${TRANSITIONS.length} (100%)`);
    const height = await p.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollHeight: number } } }).document.documentElement.scrollHeight);
    expect(height).toBeLessThan(5000);
    // Every long table starts collapsed.
    for (const id of ['transitions-table', 'cells-table', 'requirements-table', 'checks-table']) await expect(p.locator(`#${id}`)).toBeHidden();
    // The diagram agrees with the table: every edge drawn is an exercised oracle transition.
    await expect(p.locator('#state-diagram path[data-covered="false"]')).toHaveCount(0);
    await expect(p.locator('#diagram-note')).toContainText('11 of 11 drawn edges exercised');
    // Requirements open with their statement and citation, and filter by text.
    await p.locator('#requirements-table-fold > summary').click();
    await p.locator('input[data-filter="requirements-table"]').fill('LC-CONFIRM-003');
    const rows = p.locator('#requirements-table tr[data-verdict]:visible');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('a repeated confirm while still Published is a 204 no-op');
    await expect(rows.first()).toContainText('Altinn/altinn-broker@161ba122:src/Altinn.Broker.Application/ConfirmDownload/ConfirmDownloadHandler.cs#L');
    // No red badge anywhere in a passing run, even right after a failing one.
    await expect(p.locator('#since')).toHaveText('Since the previous run: 1 new passes');
    await expect(p.locator('.v-FAIL:visible, .v-ERROR:visible, .new:visible')).toHaveCount(0);
    await p.close();
  });

  test('the confirm-200 fault: one cause at the top, expected 204 vs actual 200 visible without expanding anything', async () => {
    const { file, summary } = pages.fail;
    expect(summary.failureGroups[0]!.id).toBe('confirmDownload 200');
    expect(summary.failureGroups).toHaveLength(2);
    const p = await page(file, browser);
    const first = p.locator('section.cause').first();
    await expect(first).toHaveAttribute('data-cause', 'confirmDownload 200');
    await expect(first.locator('h3')).toHaveText(/confirmDownload answered 200 where 204 is expected/);
    const status = first.locator('table.diff tr', { hasText: 'status' }).first();
    await expect(status.locator('td.expected')).toHaveText('204');
    await expect(status.locator('td.actual')).toHaveText('200');
    await expect(status).toBeInViewport();
    // Each failed requirement with its statement: the catalogue's, or a contract check's title.
    await expect(first.locator('.req', { hasText: 'LC-' }).first()).toContainText('—');
    await expect(first.locator('.req', { hasText: 'CT-STATUS-001' })).toContainText('The status code is documented for the operation');
    await expect(first.locator('.exchange .response').first()).toContainText('HTTP 200');
    // No assertion-library text anywhere on the page.
    expect(await p.content()).not.toMatch(/expect\(received\)|Object\.is equality/);
    await expect(p.locator('section.cause').nth(1)).toHaveAttribute('data-cause', /DL-RANGE-005/);
    await p.close();
  });
});

test('the diagram draws only the oracle transitions when the oracle declares them', () => {
  const s = { coverage: { transitions: { source: 'oracle', covered: 1, total: 1, percent: 100, items: [{ key: 'Initialized->UploadStarted[upload]', covered: true, verdict: 'PASS' }] } } } as unknown as RunSummary;
  expect(diagramEdges(s).transitions).toEqual(['Initialized->UploadStarted']);
  const fallback = { coverage: { transitions: { ...s.coverage.transitions, source: 'reference-diagram' } } } as unknown as RunSummary;
  expect(diagramEdges(fallback).transitions.length).toBeGreaterThan(10);
});

test('verdicts the page does not know (KNOWN_DEFECT, NOT_RUN) render neutrally in their own section; JUnit skips NOT_RUN and KNOWN_DEFECT, the latter with its defect', async () => {
  const { dir } = fullRun('unknown-verdicts', false);
  const s = await summarizeRun(dir, { skipContracts: true });
  const loose = s as unknown as { counts: Record<string, number>; checks: { verdict: string; knownDefect?: string }[] };
  loose.checks[0]!.verdict = 'KNOWN_DEFECT';
  loose.checks[0]!.knownDefect = 'KD-TUS-001';
  loose.checks[1]!.verdict = 'NOT_RUN';
  loose.counts.KNOWN_DEFECT = 1;
  loose.counts.NOT_RUN = 1;
  const html = renderHtml(s, []);
  expect(html).toContain('<span class="v v-KNOWN_DEFECT">KNOWN_DEFECT</span>');
  expect(html).toContain('<span class="v v-NOT_RUN">NOT_RUN</span>');
  expect(html).toMatch(/data-card="checks KNOWN_DEFECT"/);
  expect(html).toContain('id="other-verdicts"');
  const junit = renderJunit(s);
  expect(junit).toMatch(/value="KNOWN_DEFECT"\/><property name="known-defect" value="KD-TUS-001"\/><\/properties><skipped message="KNOWN DEFECT KD-TUS-001: /);
  expect(junit).toMatch(/value="NOT_RUN"\/><\/properties><skipped /);
  expect(junit).not.toContain('<failure');
});
