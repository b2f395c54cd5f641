/**
 * Issue #8, interruption: a conformance run stopped part-way — Ctrl-C (SIGINT to the CLI's process
 * group, as a terminal sends it), SIGTERM to the CLI alone (as CI cancels a job), or a worker that
 * dies (SIGKILL) in the middle of a test — still leaves a readable summary.json (verdict INCOMPLETE,
 * what ran, what did not), an index.html and a valid history line; a normal run afterwards appends
 * its own valid line to the same history.
 */
import { expect, test } from '@playwright/test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSummary } from '../../src/report/model.ts';
import { playwrightCommand } from '../../src/cli/playwright-command.ts';

const ROOT = process.cwd();
const BIN = join(ROOT, 'src', 'cli', 'bin.js');
const reports = mkdtempSync(join(tmpdir(), 'interruption-'));
const runDir = (id: string) => join(reports, 'local', id);
const historyPath = join(reports, 'local', 'history.ndjson');

/** The environment of a nested run: its own reports folder and run id, nothing inherited from this run. */
function nestedEnv(id: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, BROKER_REPORTS_DIR: reports, BROKER_RUN_ID: id, PLAYWRIGHT_HTML_OPEN: 'never' };
  // The outside contracts (set in CI) add nothing to an interruption drill but their compile time.
  for (const k of ['BROKER_LOCAL_MUTATIONS', 'BROKER_FAULTS', 'BROKER_PUBLISHED_CONTRACT', 'BROKER_SERVED_CONTRACT']) delete env[k];
  delete env.TEST_WORKER_INDEX;
  delete env.TEST_PARALLEL_INDEX;
  return env;
}

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
}

/** Nested runs still going (a failed assertion must not leave one behind). */
const running = new Set<ChildProcess>();
test.afterAll(() => {
  for (const child of running) {
    try {
      process.kill(-child.pid!, 'SIGKILL'); // the group of a detached run; a plain child has no group of its own
    } catch {
      child.kill('SIGKILL');
    }
  }
});

function started(command: string, args: string[], id: string, options: { detached?: boolean } = {}): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(command, args, { cwd: ROOT, env: nestedEnv(id), detached: options.detached ?? false });
  running.add(child);
  child.on('close', () => running.delete(child));
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<Finished>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, out })));
  return { child, done };
}

/** Test-end entries the run's workers have written so far. */
function testEndsWritten(id: string): number {
  const dir = join(runDir(id), 'ledger');
  if (!existsSync(dir)) return 0;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ndjson'))
    .reduce((n, f) => n + (readFileSync(join(dir, f), 'utf8').match(/"type":"test-end"/g)?.length ?? 0), 0);
}

async function untilTestEnds(id: string, count: number, run: Promise<Finished>): Promise<void> {
  let finished = false;
  void run.then(() => (finished = true));
  await expect
    .poll(() => {
      if (finished) throw new Error(`run ${id} ended before ${count} tests did`);
      return testEndsWritten(id);
    }, { timeout: 120_000, intervals: [200] })
    .toBeGreaterThanOrEqual(count);
}

const schema = JSON.parse(readFileSync(join(ROOT, 'src', 'report', 'summary.schema.json'), 'utf8')) as object;
const validateSummary = (addFormatsModule as unknown as (a: Ajv2020) => Ajv2020)(new Ajv2020({ strict: true, allErrors: true })).compile(schema);

function summaryOf(id: string): RunSummary {
  const summary = JSON.parse(readFileSync(join(runDir(id), 'summary.json'), 'utf8')) as RunSummary;
  expect(validateSummary(summary), JSON.stringify(validateSummary.errors)).toBe(true);
  return summary;
}

/** Every history line parses and is a history line; one line per run id. */
function historyLines(): { runId: string; verdict: string; checks: Record<string, string> }[] {
  const raw = readFileSync(historyPath, 'utf8');
  expect(raw.endsWith('\n'), 'history ends with a complete line').toBe(true);
  const lines = raw.trimEnd().split('\n').map((l) => JSON.parse(l) as { v: number; runId: string; verdict: string; checks: Record<string, string> });
  for (const l of lines) {
    expect(l.v).toBe(1);
    expect(typeof l.runId).toBe('string');
    expect(['PASS', 'FAIL', 'INCOMPLETE']).toContain(l.verdict);
    expect(typeof l.checks).toBe('object');
  }
  expect(new Set(lines.map((l) => l.runId)).size, 'one line per run').toBe(lines.length);
  return lines;
}

/** What an interrupted CLI run must leave behind. */
function expectInterruptedReport(id: string, finished: Finished, minEnded: number): RunSummary {
  expect(finished.code, finished.out.slice(-3000)).toBe(1);
  expect(finished.out).toContain('verdict: INCOMPLETE');
  expect(finished.out).toContain(`report: ${join(runDir(id), 'index.html')}`);
  const summary = summaryOf(id);
  expect(summary).toMatchObject({ verdict: 'INCOMPLETE', runId: id, environment: 'local' });
  // What ran: the tests that ended before the signal, each with its own check.
  expect(summary.tests.ended).toBeGreaterThanOrEqual(minEnded);
  expect(summary.tests.passed).toBeGreaterThanOrEqual(minEnded - 1);
  expect(summary.checks.filter((c) => c.kind === 'test' && c.verdict === 'PASS').length).toBeGreaterThanOrEqual(minEnded - 1);
  // What did not: the planned tests that never started, named, and why the run is incomplete.
  expect(summary.incomplete).not.toBeNull();
  expect(summary.tests.notRun).toBeGreaterThan(0);
  expect(summary.incomplete!.testsNotRun).toHaveLength(summary.tests.notRun);
  expect(summary.incomplete!.testsNotRun[0]!.title).toMatch(/^specs\//);
  expect(summary.incomplete!.reasons.join('\n')).toMatch(/never started/);
  expect(summary.incomplete!.reasons.join('\n')).toMatch(/interrupted/);
  const html = readFileSync(join(runDir(id), 'index.html'), 'utf8');
  expect(html).toContain('INCOMPLETE');
  expect(historyLines().filter((l) => l.runId === id)).toEqual([expect.objectContaining({ runId: id, verdict: 'INCOMPLETE' })]);
  return summary;
}

test.describe.configure({ mode: 'serial' });
test.setTimeout(240_000);

test('Ctrl-C (SIGINT to the CLI process group) mid-run: INCOMPLETE summary with what ran and what did not, index.html, a valid history line', async () => {
  const id = 'sigint';
  // Its own process group, like a shell job: the signal goes to the whole group, as a terminal's Ctrl-C does.
  const run = started('node', [BIN, 'run', '--env', 'local', '--workers', '1'], id, { detached: true });
  await untilTestEnds(id, 3, run.done);
  process.kill(-run.child.pid!, 'SIGINT');
  expectInterruptedReport(id, await run.done, 3);
});

test('SIGTERM to the CLI alone mid-run: the CLI stops Playwright cleanly and the same INCOMPLETE report is written', async () => {
  const id = 'sigterm';
  const run = started('node', [BIN, 'run', '--env', 'local', '--workers', '1'], id);
  await untilTestEnds(id, 3, run.done);
  run.child.kill('SIGTERM');
  const finished = await run.done;
  expect(finished.out).toContain('interrupted; waiting for Playwright');
  expectInterruptedReport(id, finished, 3);
});

test('a worker killed (SIGKILL) inside its second test: INCOMPLETE, the crashed test listed as started and never ended, index.html, history intact', async () => {
  const id = 'worker-crash';
  // A project of our own beside the real ones: the project's config (reporters, runner options) plus a
  // temporary test folder whose spec uses the real fixtures and kills its own worker in its second test.
  const dir = mkdtempSync(join(tmpdir(), 'interruption-crash-'));
  const specs = join(dir, 'specs');
  mkdirSync(specs);
  // ES modules like the repository, so the config and the spec load the repository's modules the same way.
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    join(specs, 'crash.spec.ts'),
    [
      `import { test, expect } from ${JSON.stringify(join(ROOT, 'fixtures', 'index.ts'))};`,
      `test.describe.configure({ mode: 'serial' });`,
      `test('CRASH-001 a test that passes', async ({ sender }) => { expect(sender).toBeTruthy(); });`,
      `test('CRASH-002 a test whose worker dies', async ({ sender }) => { expect(sender).toBeTruthy(); process.kill(process.pid, 'SIGKILL'); });`,
      `test('CRASH-003 a test after the crash', async ({ sender }) => { expect(sender).toBeTruthy(); });`,
      '',
    ].join('\n'),
  );
  const config = join(dir, 'crash.config.ts');
  writeFileSync(
    config,
    [
      `import { createRequire } from 'node:module';`,
      `import { isAbsolute, join } from 'node:path';`,
      `import base from ${JSON.stringify(join(ROOT, 'playwright.config.ts'))};`,
      `const root = ${JSON.stringify(ROOT)};`,
      `const resolveFromRoot = createRequire(join(root, 'package.json')).resolve;`,
      `// Reporter paths of the project's config are relative to the repository: make them absolute.`,
      `const reporter = (base.reporter as [string, unknown?][]).map(([name, options]) =>`,
      `  [name.startsWith('.') ? join(root, name) : isAbsolute(name) || ['list', 'line', 'dot', 'json', 'junit', 'html', 'null', 'blob', 'github'].includes(name) ? name : resolveFromRoot(name), options]);`,
      `const globalSetup = typeof base.globalSetup === 'string' ? join(root, base.globalSetup) : base.globalSetup;`,
      `export default { ...base, globalSetup, reporter, projects: [{ name: 'local', testDir: ${JSON.stringify(specs)}, use: { brokerEnv: 'local' }, metadata: { environment: 'local' } }] };`,
      '',
    ].join('\n'),
  );
  const run = started(...playwrightCommand(['test', '-c', config, '--project=local', '--workers', '1', '--retries', '0']), id);
  const finished = await run.done;
  expect(finished.code, finished.out.slice(-3000)).toBe(1);
  expect(finished.out).toContain('conformance local: INCOMPLETE');
  const summary = summaryOf(id);
  expect(summary).toMatchObject({ verdict: 'INCOMPLETE', runId: id, environment: 'local' });
  expect(summary.incomplete!.testsNotEnded.map((t) => t.title)).toEqual([expect.stringMatching(/CRASH-002 a test whose worker dies$/)]);
  expect(summary.incomplete!.reasons.join('\n')).toMatch(/started but never ended/);
  const testChecks = Object.fromEntries(summary.checks.filter((c) => c.kind === 'test').map((c) => [c.name.replace(/^.*(CRASH-\d+).*$/, '$1'), c.verdict]));
  expect(testChecks['CRASH-001']).toBe('PASS');
  expect(testChecks['CRASH-002']).toMatch(/^(ERROR|FAIL)$/);
  expect(existsSync(join(runDir(id), 'index.html'))).toBe(true);
  expect(readFileSync(join(runDir(id), 'index.html'), 'utf8')).toContain('CRASH-002');
  expect(historyLines().filter((l) => l.runId === id)).toEqual([expect.objectContaining({ verdict: 'INCOMPLETE' })]);
});

test('a normal run after the interrupted ones appends its own valid history line; the earlier lines are untouched', async () => {
  const before = readFileSync(historyPath, 'utf8');
  const id = 'after';
  const run = started('node', [BIN, 'run', '--env', 'local', '--workers', '1', '--grep', 'LC-HAPPY-001'], id);
  const finished = await run.done;
  expect(finished.code, finished.out.slice(-3000)).toBe(0);
  expect(summaryOf(id).verdict).toBe('PASS');
  const after = readFileSync(historyPath, 'utf8');
  expect(after.startsWith(before), 'earlier lines unchanged').toBe(true);
  const lines = historyLines();
  expect(lines.at(-1)).toMatchObject({ runId: id, verdict: 'PASS' });
  expect(lines.filter((l) => l.verdict === 'INCOMPLETE').length).toBe(lines.length - 1);
});
