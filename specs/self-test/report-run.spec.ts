/**
 * End-to-end self-tests of `broker-conformance run` against the local Broker: a clean run and a run
 * with one injected fault (confirm answers 200 instead of 204) write summary.json (valid against
 * its schema), index.html, junit.xml, Allure results, history and latest; the diff of the two shows
 * exactly the affected checks as new failures; a real browser (Debian chromium) shows the verdict,
 * the fault as one root cause with expected 204 vs actual 200, its evidence, and the state diagram,
 * without a single network request; JUnit carries real durations and names without repeated ids.
 */
import { chromium, expect, test } from '@playwright/test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunDiff } from '../../src/report/diff.ts';
import type { RunSummary } from '../../src/report/model.ts';

const CHROMIUM = '/usr/bin/chromium';
const BIN = join(process.cwd(), 'src', 'cli', 'bin.js');
const GREP = 'LC-HAPPY-001';
const reports = mkdtempSync(join(tmpdir(), 'report-run-'));
const runDir = (id: string) => join(reports, 'local', id);

function cli(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, BROKER_REPORTS_DIR: reports, ...extraEnv };
    delete env.BROKER_RUN_ID; // the outer self-test run's id must not leak into the nested run
    if (!extraEnv.BROKER_LOCAL_MUTATIONS) delete env.BROKER_LOCAL_MUTATIONS;
    if (extraEnv.BROKER_RUN_ID) env.BROKER_RUN_ID = extraEnv.BROKER_RUN_ID;
    const child = spawn('node', [BIN, ...args], { cwd: process.cwd(), env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

const runs: Record<'clean' | 'mutated', { code: number | null; out: string }> = {} as never;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  runs.clean = await cli(['run', '--env', 'local', '--grep', GREP, '--workers', '1'], { BROKER_RUN_ID: 'clean' });
  runs.mutated = await cli(['run', '--env', 'local', '--grep', GREP, '--workers', '1'], { BROKER_RUN_ID: 'mutated', BROKER_LOCAL_MUTATIONS: 'wrong-status-on-confirm' });
});

test('a clean run against the local Broker: exit 0, the verdict and the report path printed, all four outputs written', () => {
  expect(runs.clean.code, runs.clean.out.slice(-3000)).toBe(0);
  expect(runs.clean.out).toContain('verdict: PASS');
  expect(runs.clean.out).toContain(`report: ${join(runDir('clean'), 'index.html')}`);
  for (const f of ['summary.json', 'index.html', 'junit.xml']) expect(existsSync(join(runDir('clean'), f)), f).toBe(true);

  const summary = JSON.parse(readFileSync(join(runDir('clean'), 'summary.json'), 'utf8')) as RunSummary;
  const schema = JSON.parse(readFileSync(join(process.cwd(), 'src', 'report', 'summary.schema.json'), 'utf8')) as object;
  const validate = (addFormatsModule as unknown as (a: Ajv2020) => Ajv2020)(new Ajv2020({ strict: true, allErrors: true })).compile(schema);
  expect(validate(summary), JSON.stringify(validate.errors)).toBe(true);
  expect(summary).toMatchObject({ verdict: 'PASS', environment: 'local', runId: 'clean' });
  expect(summary.brokerBaseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(summary.contracts[0]).toMatchObject({ name: 'reference', role: 'reference' });
  expect(summary.coverage.operations.items.find((o) => o.operationId === 'confirmDownload')?.seen).toEqual({ '204': 1 });

  const junit = readFileSync(join(runDir('clean'), 'junit.xml'), 'utf8');
  expect(junit).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites /);
  expect(junit).toContain('name="LC-HAPPY-001 ');
  expect(junit).not.toContain('<failure');
  // Real durations, and the requirement id only once in a name.
  const happy = /<testcase classname="local\.test" name="LC-HAPPY-001 [^"]*" time="(\d+\.\d{3})"/.exec(junit);
  expect(Number(happy?.[1])).toBeGreaterThan(0);
  expect(junit).not.toMatch(/name="([A-Z]+-[A-Z0-9-]+) \1 /);
  expect(junit).not.toContain('time="0"');

  const allure = join(runDir('clean'), 'allure-results');
  const results = readdirSync(allure).filter((f) => f.endsWith('-result.json')).map((f) => JSON.parse(readFileSync(join(allure, f), 'utf8')) as { labels: { name: string; value: string }[]; historyId: string; name: string });
  expect(results.length).toBeGreaterThan(0);
  expect(results.every((r) => r.labels.some((l) => l.name === 'environment' && l.value === 'local'))).toBe(true);
  expect(results.find((r) => r.name.startsWith(GREP))?.labels).toContainEqual({ name: 'requirement', value: GREP });
  expect(results.every((r) => /^[0-9a-f]+:[0-9a-f]{32}$/.test(r.historyId))).toBe(true);
  expect(existsSync(join(reports, '.allure')), 'the Allure staging folder is cleaned up').toBe(false);
});

test('the faulty run: exit 1, FAIL; history has both runs and latest points at the newer one', () => {
  expect(runs.mutated.code, runs.mutated.out.slice(-3000)).toBe(1);
  expect(runs.mutated.out).toContain('verdict: FAIL');
  const history = readFileSync(join(reports, 'local', 'history.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { runId: string; verdict: string; checks: Record<string, string> });
  expect(history.map((h) => [h.runId, h.verdict])).toEqual([
    ['clean', 'PASS'],
    ['mutated', 'FAIL'],
  ]);
  expect(history[1]!.checks['contract:reference:status_code_conformance:confirmDownload']).toBe('F');
  expect(readlinkSync(join(reports, 'local', 'latest'))).toBe('mutated');
  expect(JSON.parse(readFileSync(join(reports, 'local', 'latest.json'), 'utf8'))).toMatchObject({ runId: 'mutated', verdict: 'FAIL' });
  expect(readFileSync(join(runDir('mutated'), 'junit.xml'), 'utf8')).toContain('<failure');
});

test('diff clean → faulty: exactly the checks the fault touches are new failures, nothing newly passes', async () => {
  const r = await cli(['report', 'diff', 'clean', 'mutated', '--json']);
  expect(r.code, r.out).toBe(0);
  const diff = JSON.parse(r.out.slice(r.out.indexOf('{'))) as RunDiff;
  const newFailures = diff.changes.filter((c) => c.category === 'new-failure').map((c) => c.key);
  // The confirm answers 200: the reference contract documents only 204 for it, and the happy path expects 204.
  expect(newFailures).toContain('contract:reference:status_code_conformance:confirmDownload');
  expect(newFailures.some((k) => k.startsWith('test:') && k.includes(GREP))).toBe(true);
  const unrelated = newFailures.filter((k) => !k.endsWith(':confirmDownload') && !k.includes(GREP));
  expect(unrelated, 'no check unrelated to the confirm fault may newly fail').toEqual([]);
  expect(diff.changes.filter((c) => c.category === 'new-pass')).toEqual([]);

  const text = await cli(['report', 'diff', 'clean', 'mutated']);
  expect(text.out).toMatch(/CT-STATUS-001\n\s+NEW FAILURE PASS\s+→ FAIL\s+contract:reference:status_code_conformance:confirmDownload/);
  // Environment against environment resolves each to its latest run.
  const same = await cli(['report', 'diff', 'local', 'local']);
  expect(same.out).toContain('no check differs');
});

test('report open prints the path of the latest run page of an environment', async () => {
  const r = await cli(['report', 'open', 'local']);
  expect(r.code).toBe(0);
  expect(r.out.trim().split('\n').at(-1)).toBe(join(runDir('mutated'), 'index.html'));
});

test('a real browser shows the verdict, a failure with its evidence and curl repro, and the state diagram, with no network request', async () => {
  test.skip(!existsSync(CHROMIUM), `Debian chromium not installed at ${CHROMIUM} (apt-get install -y chromium)`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (req) => requests.push(req.url()));
    const url = `file://${join(runDir('mutated'), 'index.html')}`;
    await page.goto(url);
    await expect(page.locator('#verdict')).toHaveText('FAIL');
    await expect(page.locator('#verdict')).toBeVisible();

    // One cause at the top for the injected fault, its values visible without expanding anything.
    const failure = page.locator('section.cause').first();
    await expect(failure).toHaveAttribute('data-cause', 'confirmDownload 200');
    await expect(page.locator('section.cause')).toHaveCount(1);
    await expect(failure.locator('td.expected').first()).toHaveText('204');
    await expect(failure.locator('td.actual').first()).toHaveText('200');
    await expect(failure.locator('td.actual').first()).toBeInViewport();
    await expect(failure.locator('tr[data-check="contract:reference:status_code_conformance:confirmDownload"]')).toHaveCount(1);
    await expect(failure.locator('.response').first()).toContainText('HTTP 200');
    await expect(failure.locator('.request').first()).toContainText('confirmdownload');
    await expect(failure.locator('.curl').first()).toContainText('"Authorization: Bearer $TOKEN"');
    expect(await page.content()).not.toMatch(/expect\(received\)|Object\.is equality/);

    const diagram = page.locator('#state-diagram');
    await expect(diagram).toBeVisible();
    for (const state of ['Initialized', 'UploadStarted', 'UploadProcessing', 'Published', 'AllConfirmedDownloaded', 'Purged', 'Failed', 'Cancelled']) {
      await expect(diagram.locator(`[data-state="${state}"]`)).toBeVisible();
    }
    await expect(diagram.locator('path[data-transition]')).not.toHaveCount(0);

    // The trend marks the failure that is new since the clean run.
    await expect(page.locator('#trend .new').first()).toContainText('new failure');

    expect(requests, 'the page must load nothing but itself').toEqual([url]);
    // A Content-Security-Policy could hide a blocked request from the listener: the page must not even reference one.
    const html = readFileSync(join(runDir('mutated'), 'index.html'), 'utf8');
    expect(html).not.toMatch(/(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(\s*["']?(?:https?:)?\/\//i);
  } finally {
    await browser.close();
  }
});

test('the faulty run names its mutation in the console; the clean run does not', () => {
  expect(runs.mutated.out).toContain('MUTATION ACTIVE: the local Broker runs with deliberate faults (wrong-status-on-confirm: confirm download answers 200 instead of 204)');
  expect(runs.clean.out).not.toContain('MUTATION ACTIVE');
  const summary = JSON.parse(readFileSync(join(runDir('mutated'), 'summary.json'), 'utf8')) as RunSummary;
  expect(summary.localBroker?.mutations.map((m) => m.name)).toEqual(['wrong-status-on-confirm']);
  expect(readFileSync(join(runDir('mutated'), 'index.html'), 'utf8')).toContain('npm run broker:local -- --port ');
});
