/**
 * Self-tests of the verdict taxonomy: a FAIL is a Broker requirement not met; a transport error, a
 * timeout or a harness exception is ERROR; a Broker that stops answering ends the run after a few
 * failures with the rest NOT_RUN and the verdict INCOMPLETE ("Broker unreachable since …"); tests
 * a failed serial block never started are NOT_RUN and the verdict stays FAIL; history and diff
 * keep ERROR apart from FAIL. The last test runs the CLI against a closed port end to end.
 */
import { expect, test } from '@playwright/test';
import { closedLoopbackPort, staticTokenEnvironment } from '../../src/config/testing.ts';
import type { Suite, TestCase } from '@playwright/test/reporter';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LedgerEntry } from '../../src/ledger/entries.ts';
import { failureKindOf } from '../../src/ledger/failure-kind.ts';
import { confirmUnreachable, noteExchange, readUnreachableMarker, UNREACHABLE_AFTER } from '../../src/ledger/reachability.ts';
import { serialSkipCauses } from '../../src/report/conformance-reporter.ts';
import { diffSummaries } from '../../src/report/diff.ts';
import { trend, type HistoryLine } from '../../src/report/history.ts';
import type { RunSummary } from '../../src/report/model.ts';
import { summarizeRun } from '../../src/report/summarize.ts';

const schema = JSON.parse(readFileSync(join(process.cwd(), 'src', 'report', 'summary.schema.json'), 'utf8')) as object;
const validate = (addFormatsModule as unknown as (a: Ajv2020) => Ajv2020)(new Ajv2020({ allErrors: true, strict: true })).compile(schema);
const NO_ORACLE = { oracle: {}, skipContracts: true } as const;
const at = (s: number) => new Date(Date.UTC(2026, 11, 6, 2, 30, s)).toISOString();
const title = (t: string) => `specs/x.spec.ts › ${t}`;
const start = (id: string, t: string): LedgerEntry => ({ type: 'test-start', testId: id, title: title(t), file: '/x.spec.ts', tags: [], at: at(1) });
const end = (id: string, t: string, status: string, extra: object = {}): LedgerEntry => ({ type: 'test-end', testId: id, title: title(t), file: '/x.spec.ts', tags: [], status, at: at(5), ...extra });
const runStart: LedgerEntry = { type: 'run-start', formatVersion: 1, runId: 'r', environment: 'handmade', brokerBaseUrl: 'http://127.0.0.1:9', contracts: [], at: at(0), pid: 1 };
const runEnd: LedgerEntry = { type: 'run-end', runId: 'r', at: at(9) };

function writeRun(entries: LedgerEntry[]): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'taxonomy-')), 'handmade', 'r');
  mkdirSync(join(dir, 'ledger'), { recursive: true });
  writeFileSync(join(dir, 'ledger', 'worker-0-1.ndjson'), `${entries.map((e) => JSON.stringify(e)).join('\n')}\n`);
  return dir;
}

test('why a test failed: an assertion about the Broker, or the transport, a timeout, the harness', () => {
  const ansi = '\u001b[2mexpect(\u001b[22m\u001b[31mreceived\u001b[39m\u001b[2m).\u001b[22mtoBe';
  expect(failureKindOf('failed', [{ message: `Error: ${ansi}(expected)` }])).toBe('assertion');
  expect(failureKindOf('failed', [{ message: 'TransportError: connect ECONNREFUSED 127.0.0.1:9' }])).toBe('transport');
  // An assertion that failed before the transport did: still a verdict on the Broker.
  expect(failureKindOf('failed', [{ message: 'Error: CT-STATUS-001\n\nexpect(received).toBe(expected)' }, { message: 'TransportError: socket hang up' }])).toBe('assertion');
  expect(failureKindOf('timedOut', [{ message: 'Test timeout of 60000ms exceeded.' }])).toBe('timeout');
  expect(failureKindOf('failed', [{ message: "TypeError: Cannot read properties of undefined (reading 'id')" }])).toBe('harness');
  expect(failureKindOf('failed', [{ message: 'MissingSecretError: environment variable BROKER_MASKINPORTEN_KID (Maskinporten key id) is not set' }])).toBe('harness');
});

test('a transport error or a harness exception is ERROR, never FAIL; a run with nothing but ERRORs is INCOMPLETE', async () => {
  const dir = writeRun([
    runStart,
    start('t1', 'LC-HAPPY-001 refused'),
    end('t1', 'LC-HAPPY-001 refused', 'failed', { failureKind: 'transport' }),
    start('t2', 'AUTH-001 no secret'),
    end('t2', 'AUTH-001 no secret', 'failed', { failureKind: 'harness' }),
    start('t3', 'LC-CONFIRM-001 ok'),
    end('t3', 'LC-CONFIRM-001 ok', 'passed'),
    runEnd,
  ]);
  const s = await summarizeRun(dir, { ...NO_ORACLE, testErrors: { t1: 'TransportError: connect ECONNREFUSED 127.0.0.1:9' } });
  expect(s.counts.FAIL).toBe(0);
  expect(s.counts.ERROR).toBe(2);
  expect(s.checks.find((c) => c.key === `test:${title('LC-HAPPY-001 refused')}`)?.message).toBe(
    'ERROR, the Broker could not be reached (not a verdict on the Broker): TransportError: connect ECONNREFUSED 127.0.0.1:9',
  );
  expect(s.tests).toMatchObject({ failed: 0, errored: 2, passed: 1 });
  expect(s.verdict).toBe('INCOMPLETE');
  expect(s.incomplete?.reasons).toEqual(['2 check(s) in ERROR (transport, timeout, harness or configuration; not a verdict on the Broker)']);
  expect(validate(s), JSON.stringify(validate.errors)).toBe(true);

  // The same with one assertion failure: FAIL, and the ERRORs still counted apart.
  const failing = writeRun([runStart, start('t1', 'LC-HAPPY-001 refused'), end('t1', 'LC-HAPPY-001 refused', 'failed', { failureKind: 'transport' }), start('t4', 'LC-CONFIRM-002 204'), end('t4', 'LC-CONFIRM-002 204', 'failed', { failureKind: 'assertion' }), runEnd]);
  const f = await summarizeRun(failing, NO_ORACLE);
  expect([f.verdict, f.counts.FAIL, f.counts.ERROR]).toEqual(['FAIL', 1, 1]);
});

test(`after ${UNREACHABLE_AFTER} consecutive transport failures the Broker is marked unreachable; an answer in between restarts the count`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'reachability-'));
  const down = (s: number) => noteExchange(dir, 'http://127.0.0.1:9', { ok: false, at: at(s), cause: 'connect ECONNREFUSED 127.0.0.1:9' });
  expect(down(1)).toBeUndefined();
  expect(down(2)).toBeUndefined();
  noteExchange(dir, 'http://127.0.0.1:9', { ok: true });
  expect(down(3)).toBeUndefined();
  expect(down(4)).toBeUndefined();
  expect(readUnreachableMarker(dir)).toBeUndefined();
  expect(down(5)).toEqual({ since: at(3), baseUrl: 'http://127.0.0.1:9', cause: 'connect ECONNREFUSED 127.0.0.1:9', failures: 3 });
  expect(readUnreachableMarker(dir)?.since).toBe(at(3));
});

test('after a transport failure the Broker is asked again at once: a closed port confirms the outage, any answer clears it', async () => {
  const closed = await closedLoopbackPort();
  const dir = mkdtempSync(join(tmpdir(), 'confirm-'));
  noteExchange(dir, `http://127.0.0.1:${closed}`, { ok: false, at: at(1), cause: 'connect ECONNREFUSED' });
  expect(await confirmUnreachable(dir, `http://127.0.0.1:${closed}`, { pauseMs: 10 })).toMatchObject({ since: at(1), failures: UNREACHABLE_AFTER, cause: expect.stringMatching(/ECONNREFUSED.*\(probe\)$/) });

  const up = createHttpServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((r) => up.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(up.address() as { port: number }).port}`;
  const other = mkdtempSync(join(tmpdir(), 'confirm-'));
  noteExchange(other, base, { ok: false, at: at(1), cause: 'socket hang up' });
  expect(await confirmUnreachable(other, base, { pauseMs: 10 })).toBeUndefined();
  // The answer ended the streak: two more failures are not yet an outage.
  noteExchange(other, base, { ok: false, at: at(2), cause: 'x' });
  expect(noteExchange(other, base, { ok: false, at: at(3), cause: 'x' })).toBeUndefined();
  up.close();
});

test('a run that lost its Broker: INCOMPLETE, "Broker unreachable since …", the rest NOT_RUN with the cause, no FAIL', async () => {
  const dir = writeRun([
    runStart,
    start('t1', 'LC-HAPPY-001 a'),
    end('t1', 'LC-HAPPY-001 a', 'failed', { failureKind: 'transport' }),
    start('t2', 'LC-CONFIRM-001 b'),
    end('t2', 'LC-CONFIRM-001 b', 'skipped', { notRun: 'Broker unreachable since x' }),
    runEnd,
  ]);
  for (let i = 0; i < UNREACHABLE_AFTER; i++) noteExchange(dir, 'http://127.0.0.1:9', { ok: false, at: at(2), cause: 'connect ECONNREFUSED 127.0.0.1:9' });
  const s = await summarizeRun(dir, { ...NO_ORACLE, plan: [{ testId: 't1', title: title('LC-HAPPY-001 a') }, { testId: 't2', title: title('LC-CONFIRM-001 b') }, { testId: 't3', title: title('SEARCH-001 c') }] });
  expect(s.verdict).toBe('INCOMPLETE');
  expect(s.counts).toMatchObject({ FAIL: 0, ERROR: 1, NOT_RUN: 2 });
  expect(s.incomplete?.reasons[0]).toBe(`Broker unreachable since ${at(2)} (3 consecutive transport failures at http://127.0.0.1:9; last: connect ECONNREFUSED 127.0.0.1:9); 2 test(s) not run`);
  expect(s.checks.find((c) => c.key === `test:${title('SEARCH-001 c')}`)).toMatchObject({ verdict: 'NOT_RUN', message: expect.stringMatching(/^not run: Broker unreachable since /) });
  expect(s.unreachable).toMatchObject({ since: at(2), failures: 3 });
  expect(s.tests.notRun).toBe(2);
  expect(validate(s), JSON.stringify(validate.errors)).toBe(true);
});

test('tests a failed serial block never started are NOT_RUN with that cause, and the verdict is FAIL, not INCOMPLETE', async () => {
  const dir = writeRun([runStart, start('t1', 'ADMIN-001 configure'), end('t1', 'ADMIN-001 configure', 'failed', { failureKind: 'assertion' }), runEnd]);
  const plan = [{ testId: 't1', title: title('ADMIN-001 configure') }, { testId: 't2', title: title('ADMIN-002 read back') }];
  const s = await summarizeRun(dir, { ...NO_ORACLE, plan, notRunCauses: { t2: 'an earlier test of its serial block failed: ADMIN-001 configure' } });
  expect(s.verdict).toBe('FAIL');
  expect(s.incomplete).toBeNull();
  expect(s.checks.find((c) => c.key === `test:${title('ADMIN-002 read back')}`)).toMatchObject({ verdict: 'NOT_RUN', message: 'not run: an earlier test of its serial block failed: ADMIN-001 configure' });
  expect(validate(s), JSON.stringify(validate.errors)).toBe(true);
  // Without the cause the same ledger is an unfinished run.
  expect((await summarizeRun(dir, { ...NO_ORACLE, plan })).verdict).toBe('INCOMPLETE');
});

test('the reporter names the serial cause only for tests skipped after a failure in their block, not for tests skipped on purpose', () => {
  const block = { type: 'describe', allTests: () => tests } as unknown as Suite;
  const test_ = (id: string, outcome: string, expectedStatus = 'passed') => ({ id, title: id, parent: block, expectedStatus, outcome: () => outcome }) as unknown as TestCase;
  const tests = [test_('configure', 'unexpected'), test_('read back', 'skipped'), test_('fixme', 'skipped', 'skipped')];
  const status: Record<string, 'failed' | 'skipped'> = { configure: 'failed', 'read back': 'skipped', fixme: 'skipped' };
  expect(serialSkipCauses(tests, (t) => status[t.id])).toEqual({ 'read back': 'an earlier test of its serial block failed: configure' });
});

test('history and diff keep ERROR apart from FAIL: an outage is new errors, not new failures', () => {
  const counts = { PASS: 0, FAIL: 0, WARN: 0, SKIP: 0, INFO: 0, ERROR: 0 };
  const line = (runId: string, s: number, checks: Record<string, string>): HistoryLine => ({ v: 1, runId, at: at(s), endedAt: null, verdict: 'PASS', counts, checks });
  const [, outage, broken] = trend([line('n1', 1, { a: 'P', b: 'P' }), line('n2', 2, { a: 'E', b: 'E' }), line('n3', 3, { a: 'F', b: 'E' })]);
  expect(outage).toMatchObject({ newFailures: [], newErrors: ['a', 'b'] });
  // ERROR → FAIL is a new failure: now the Broker answered, and wrongly.
  expect(broken).toMatchObject({ newFailures: ['a'], newErrors: [] });

  const summary = (verdicts: Record<string, 'PASS' | 'FAIL' | 'ERROR'>) =>
    ({ runId: 'x', environment: 'e', verdict: 'PASS', checks: Object.entries(verdicts).map(([key, verdict]) => ({ key, kind: 'test', requirement: 'REQ-A-001', name: key, verdict, message: '', occurrences: 1, testIds: [], exchangeIds: [] })) }) as unknown as RunSummary;
  const d = diffSummaries(summary({ a: 'PASS', b: 'PASS', c: 'ERROR' }), summary({ a: 'ERROR', b: 'FAIL', c: 'FAIL' }));
  expect(d.changes.map((c) => [c.key, c.category])).toEqual([
    ['b', 'new-failure'],
    ['c', 'new-failure'],
    ['a', 'new-error'],
  ]);
});


test('the CLI against a closed loopback port (preflight off): one failed test confirms the outage, the run is stopped, counts.FAIL 0, INCOMPLETE because the Broker is unreachable', async () => {
  test.setTimeout(180_000);
  const port = await closedLoopbackPort();
  const root = mkdtempSync(join(tmpdir(), 'unreachable-'));
  const envFile = staticTokenEnvironment({ name: 'closed-port', description: 'a Broker that is not there', brokerBaseUrl: `http://127.0.0.1:${port}`, tokenEnv: 'CLOSED_PORT_TOKEN', dir: root });
  const reports = join(root, 'reports');
  const env: NodeJS.ProcessEnv = { ...process.env, BROKER_REPORTS_DIR: reports, BROKER_RUN_ID: 'closed', CLOSED_PORT_TOKEN: 'opaque-test-token' };
  // No response reaches a contract here; the outside contracts (set in CI) would only add their load time.
  for (const k of ['BROKER_LOCAL_MUTATIONS', 'BROKER_PUBLISHED_CONTRACT', 'BROKER_SERVED_CONTRACT']) delete env[k];
  const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn('node', [join(process.cwd(), 'src', 'cli', 'bin.js'), 'run', '--env', envFile, '--workers', '1', '--no-preflight'], { cwd: process.cwd(), env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
  expect(r.code, r.out.slice(-3000)).toBe(1);
  // What makes it quick (timings belong to benchmarks, not tests): the CLI stops Playwright once the outage is confirmed.
  expect(r.out).toMatch(/broker-conformance: Broker unreachable since .*; stopping the run, the tests not yet run are NOT_RUN/);
  const runDir = join(reports, 'closed-port', 'closed');
  const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as RunSummary;
  expect(summary.verdict).toBe('INCOMPLETE');
  expect(summary.counts.FAIL).toBe(0);
  expect(summary.counts.ERROR).toBeGreaterThan(0);
  expect(summary.counts.ERROR).toBeLessThanOrEqual(2);
  expect(summary.counts.NOT_RUN).toBeGreaterThan(50);
  expect(summary.incomplete?.reasons[0]).toMatch(new RegExp(`^Broker unreachable since \\S+ \\(${UNREACHABLE_AFTER} consecutive transport failures at http://127\\.0\\.0\\.1:${port}; last: .*ECONNREFUSED`));
  expect(readdirSync(join(runDir, 'ledger')).length, 'one failed test confirms the outage: two workers at most, not one per planned test').toBeLessThanOrEqual(2);
  const history = readFileSync(join(reports, 'closed-port', 'history.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as HistoryLine);
  expect(Object.values(history[0]!.checks)).not.toContain('F');
  expect(existsSync(join(runDir, 'index.html'))).toBe(true);
  expect(readFileSync(join(runDir, 'index.html'), 'utf8')).toContain('Broker unreachable since');
  expect(validate(summary), JSON.stringify(validate.errors)).toBe(true);
});

test('JUnit shows a NOT_RUN test as skipped with its cause, not as passed', async () => {
  const { renderJunit } = await import('../../src/report/junit.ts');
  const dir = writeRun([runStart, start('t1', 'ADMIN-001 configure'), end('t1', 'ADMIN-001 configure', 'failed', { failureKind: 'assertion' }), runEnd]);
  const s = await summarizeRun(dir, { ...NO_ORACLE, plan: [{ testId: 't1', title: title('ADMIN-001 configure') }, { testId: 't2', title: title('ADMIN-002 read back') }], notRunCauses: { t2: 'an earlier test of its serial block failed: ADMIN-001 configure' } });
  const xml = renderJunit(s);
  expect(xml).toContain('<property name="verdict" value="NOT_RUN"/></properties><skipped message="not run: an earlier test of its serial block failed: ADMIN-001 configure"/>');
});
