/**
 * Known Broker defects, end to end. From hand-written ledgers: a failure a catalogued defect explains
 * is KNOWN_DEFECT (summary schema, JUnit, HTML, history, diff) and the run still PASSes; an unknown
 * failure FAILs; a strict run counts the defect; passing checks in its scope make it FIXED; nothing
 * applies to the embedded local Broker. Then through the CLI, against a local Broker started here and
 * addressed as a remote environment, with a mutation that reproduces the real Broker's TUS
 * Upload-Expires defect: exit 0 with KNOWN_DEFECT, exit 1 with --strict, FIXED without the mutation,
 * and exit 1 when an unknown failure comes with it.
 */
import { expect, test } from '@playwright/test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LedgerEntry } from '../../src/ledger/entries.ts';
import { startAltinnIssuer, type AltinnIssuerDouble } from '../../src/platform/altinn-issuer.ts';
import { ORGS, startTestBroker } from '../../src/local-broker/testing.ts';
import type { KnownDefect } from '../../src/oracle/known-defects.ts';
import { buildRunReport } from '../../src/report/build.ts';
import { diffSummaries, renderDiffText } from '../../src/report/diff.ts';
import { readHistory, trend } from '../../src/report/history.ts';
import type { RunSummary } from '../../src/report/model.ts';
import { summarizeRun } from '../../src/report/summarize.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const validate = addFormats(new Ajv2020({ allErrors: true, strict: true })).compile(JSON.parse(readFileSync(join(ROOT, 'src', 'report', 'summary.schema.json'), 'utf8')) as object);

const DEFECT: KnownDefect = {
  id: 'KD-DRILL-001',
  title: 'history listed newest first',
  requirements: ['LC-HISTORY-001'],
  match: { condition: 'StatusHistoryIsChronological' },
  expected: 'oldest first',
  observed: 'newest first',
  brokerCommit: '161ba1223862bb420022844eed09ff48c83a3840',
  sourceLocation: 'src/Altinn.Broker.Persistence/Repositories/FileTransferStatusRepository.cs#L70',
};
const at = (s: number) => new Date(Date.UTC(2026, 11, 6, 10, 0, s)).toISOString();
const verdict = (testId: string, requirement: string, condition: string, v: 'PASS' | 'FAIL', message: string): LedgerEntry => ({ type: 'verdict', testId, requirement, condition, verdict: v, message, exchangeIds: [], at: at(2) });

function ledgerRun(root: string, runId: string, entries: LedgerEntry[], o: { embedded?: boolean; strict?: boolean } = {}): string {
  const dir = join(root, 'drill', runId);
  mkdirSync(join(dir, 'ledger'), { recursive: true });
  const all: LedgerEntry[] = [
    { type: 'run-start', formatVersion: 1, runId, environment: 'drill', brokerBaseUrl: 'https://broker.example', embeddedBroker: o.embedded ?? false, ...(o.strict ? { strict: true } : {}), contracts: [], at: at(0), pid: 1 },
    { type: 'test-start', testId: 't1', title: 'specs/x.spec.ts › LC-HAPPY-001 happy', file: '/x.spec.ts', tags: [], at: at(1) },
    ...entries,
    { type: 'test-end', testId: 't1', title: 'specs/x.spec.ts › LC-HAPPY-001 happy', file: '/x.spec.ts', tags: [], status: 'passed', at: at(3) },
    { type: 'run-end', runId, at: at(4) },
  ];
  writeFileSync(join(dir, 'ledger', 'worker-0-1.ndjson'), all.map((e) => JSON.stringify(e)).join('\n') + '\n');
  return dir;
}

const OPTIONS = { oracle: {}, skipContracts: true, knownDefects: [DEFECT] } as const;
const outOfOrder = verdict('t1', 'LC-HISTORY-001', 'StatusHistoryIsChronological', 'FAIL', 'history order: fileTransferStatusHistory differs');
const inOrder = verdict('t1', 'LC-HISTORY-001', 'StatusHistoryIsChronological', 'PASS', 'history order: as expected');
const happy = verdict('t1', 'LC-HAPPY-001', 'TransferIsPublished', 'PASS', 'transfer Published: as expected');

test.describe('known defects in the reports', () => {
  test('a failure the catalogue explains is KNOWN_DEFECT everywhere, and the run PASSes', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kd-observed-'));
    const built = await buildRunReport(ledgerRun(root, 'r1', [happy, outOfOrder]), OPTIONS);
    const s = built.summary;
    expect(validate(s), JSON.stringify(validate.errors)).toBe(true);
    expect(s.verdict).toBe('PASS');
    expect(s.counts).toMatchObject({ KNOWN_DEFECT: 1, FAIL: 0 });
    expect(s.checks.find((c) => c.requirement === 'LC-HISTORY-001')).toMatchObject({ verdict: 'KNOWN_DEFECT', knownDefect: 'KD-DRILL-001' });
    expect(s.knownDefects).toMatchObject({ applicable: true, strict: false, items: [{ id: 'KD-DRILL-001', status: 'OBSERVED', checks: ['condition:LC-HISTORY-001:StatusHistoryIsChronological'] }] });
    expect(s.coverage.requirements.items.find((i) => i.key === 'LC-HISTORY-001')).toMatchObject({ covered: true, verdict: 'KNOWN_DEFECT' });
    const junit = readFileSync(built.files.junit, 'utf8');
    expect(junit).toContain('<skipped message="KNOWN DEFECT KD-DRILL-001: history order: fileTransferStatusHistory differs"/>');
    expect(junit).toContain('<property name="known-defect" value="KD-DRILL-001"/>');
    expect(junit).toMatch(/<testsuite name="drill known Broker defects" tests="1" failures="0" errors="0" skipped="1">/);
    expect(junit).toMatch(/<testsuites [^>]*failures="0"/);
    const html = readFileSync(built.files.html, 'utf8');
    expect(html).toContain('id="known-defects"');
    expect(html).toContain('<tr data-defect="KD-DRILL-001">');
    expect(html).toContain('1 checks fail on known Broker defects');
    expect(readHistory(built.files.history)[0]!.checks['condition:LC-HISTORY-001:StatusHistoryIsChronological']).toBe('K');
  });

  test('an unknown failure still FAILs beside a known defect; a strict run counts the defect', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kd-unknown-'));
    const unknown = await summarizeRun(ledgerRun(root, 'r1', [outOfOrder, verdict('t1', 'LC-HAPPY-001', 'TransferIsPublished', 'FAIL', 'transfer Published: fileTransferStatus differs')]), OPTIONS);
    expect(unknown.verdict).toBe('FAIL');
    expect(unknown.counts).toMatchObject({ KNOWN_DEFECT: 1, FAIL: 1 });
    const sameConditionOtherFailure = await summarizeRun(ledgerRun(root, 'r2', [verdict('t1', 'LC-HISTORY-001', 'SomeOtherCondition', 'FAIL', 'x')]), OPTIONS);
    expect(sameConditionOtherFailure.verdict).toBe('FAIL');
    const strict = await summarizeRun(ledgerRun(root, 'r3', [outOfOrder], { strict: true }), OPTIONS);
    expect(strict.verdict).toBe('FAIL');
    expect(strict.checks.find((c) => c.requirement === 'LC-HISTORY-001')).toMatchObject({ verdict: 'FAIL', knownDefect: 'KD-DRILL-001' });
    expect(strict.knownDefects).toMatchObject({ strict: true, items: [{ status: 'OBSERVED' }] });
    expect(validate(strict), JSON.stringify(validate.errors)).toBe(true);
  });

  test('checks in its scope that pass make a defect FIXED; none make it NOT_EXERCISED; the embedded local Broker gets none', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kd-fixed-'));
    const fixed = await summarizeRun(ledgerRun(root, 'r1', [happy, inOrder]), OPTIONS);
    expect(fixed.knownDefects.items).toMatchObject([{ id: 'KD-DRILL-001', status: 'FIXED', checks: ['condition:LC-HISTORY-001:StatusHistoryIsChronological'] }]);
    const unexercised = await summarizeRun(ledgerRun(root, 'r2', [happy]), OPTIONS);
    expect(unexercised.knownDefects.items).toMatchObject([{ status: 'NOT_EXERCISED', checks: [] }]);
    const embedded = await summarizeRun(ledgerRun(root, 'r3', [outOfOrder], { embedded: true }), OPTIONS);
    expect(embedded.verdict).toBe('FAIL');
    expect(embedded.knownDefects).toMatchObject({ applicable: false, items: [] });
    expect(validate(embedded), JSON.stringify(validate.errors)).toBe(true);
  });

  test('history and report diff show a defect appearing and then fixed', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kd-trend-'));
    const before = (await buildRunReport(ledgerRun(root, 'r1', [inOrder]), OPTIONS)).summary;
    const observed = (await buildRunReport(ledgerRun(root, 'r2', [outOfOrder]), OPTIONS)).summary;
    const after = (await buildRunReport(ledgerRun(root, 'r3', [inOrder]), OPTIONS)).summary;
    const key = 'condition:LC-HISTORY-001:StatusHistoryIsChronological';
    expect(diffSummaries(before, observed).changes).toMatchObject([{ key, category: 'known-defect', before: 'PASS', after: 'KNOWN_DEFECT' }]);
    expect(diffSummaries(observed, after).changes).toMatchObject([{ key, category: 'fixed', before: 'KNOWN_DEFECT', after: 'PASS' }]);
    expect(renderDiffText(diffSummaries(observed, after))).toContain('1 known defects fixed');
    const points = trend(readHistory(join(root, 'drill', 'history.ndjson')));
    expect(points.map((p) => [p.newKnownDefects, p.newPasses])).toEqual([[[], []], [[key], []], [[], [key]]]);
  });
});

test.describe('known defects through the CLI @slow', () => {
  test.describe.configure({ timeout: 300_000 });
  let issuer: AltinnIssuerDouble;
  test.beforeAll(async () => {
    issuer = await startAltinnIssuer();
  });
  test.afterAll(async () => issuer.close());

  /** Runs `broker-conformance run` against a local Broker addressed as a remote environment (the catalogue applies). */
  async function drill(mutations: string[], grep: string, strict = false): Promise<{ code: number | null; output: string; summary: RunSummary; junit: string }> {
    const tb = await startTestBroker({ mutations }, issuer);
    const dir = mkdtempSync(join(tmpdir(), 'kd-cli-'));
    try {
      const actor = (org: string, tokenEnv: string) => ({ org: `0192:${org}`, token: { kind: 'static', tokenEnv } });
      const envFile = join(dir, 'drill.json');
      writeFileSync(envFile, JSON.stringify({
        name: 'defect-drill',
        description: 'a local Broker addressed as a remote Broker, so the known-defect catalogue applies',
        kind: 'remote',
        brokerBaseUrl: tb.url,
        actors: { sender: actor(ORGS.sender, 'DRILL_SENDER_TOKEN'), recipients: [actor(ORGS.recipient1, 'DRILL_RECIPIENT_TOKEN')] },
        resources: ['altinn-broker-test-resource-1'],
        capabilities: { configureResources: false, serviceOwnerAdmin: false, clock: false, events: 'none', disableVirusScan: true, malwareWebhook: false, tus: true, faultInjection: false },
        polling: { budgetMs: 10000, intervalMs: 20, maxIntervalMs: 200 },
        rateLimits: {},
        timeouts: { requestMs: 15000 },
      }));
      const env: NodeJS.ProcessEnv = { ...process.env, BROKER_REPORTS_DIR: join(dir, 'reports'), DRILL_SENDER_TOKEN: tb.tokens.sender, DRILL_RECIPIENT_TOKEN: tb.tokens.recipient1, FORCE_COLOR: '0' };
      // The outside contracts (set in CI) add nothing to these drills but their compile time.
      delete env.BROKER_PUBLISHED_CONTRACT;
      delete env.BROKER_SERVED_CONTRACT;
      for (const k of ['BROKER_RUN_ID', 'BROKER_STRICT', 'TEST_WORKER_INDEX', 'TEST_PARALLEL_INDEX', 'BROKER_PUBLISHED_CONTRACT']) delete env[k];
      const args = ['src/cli/bin.js', 'run', '--env', envFile, '--grep', grep, '--workers', '1', ...(strict ? ['--strict'] : [])];
      const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = spawn('node', args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('close', (c) => resolve({ code: c, output: out }));
      });
      const runDir = join(dir, 'reports', 'defect-drill', 'latest');
      return { code, output, summary: JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as RunSummary, junit: readFileSync(join(runDir, 'junit.xml'), 'utf8') };
    } finally {
      await tb.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const item = (s: RunSummary) => s.knownDefects.items.find((d) => d.id === 'KD-TUS-001');

  test('a Broker with the Upload-Expires defect: KNOWN_DEFECT and exit 0; with --strict exit 1', async () => {
    const loose = await drill(['tus-upload-expires-24-days'], 'LC-TUS-006');
    expect(loose.code, loose.output.slice(-3000)).toBe(0);
    expect(loose.summary.verdict).toBe('PASS');
    expect(item(loose.summary)?.status).toBe('OBSERVED');
    expect(loose.summary.checks.find((c) => c.requirement === 'LC-TUS-006')).toMatchObject({ verdict: 'KNOWN_DEFECT', knownDefect: 'KD-TUS-001' });
    expect(loose.output).toContain('known defect KD-TUS-001');
    expect(loose.junit).toContain('KNOWN DEFECT KD-TUS-001');

    const strict = await drill(['tus-upload-expires-24-days'], 'LC-TUS-006', true);
    expect(strict.code, strict.output.slice(-3000)).toBe(1);
    expect(strict.summary.verdict).toBe('FAIL');
    expect(strict.summary.checks.find((c) => c.requirement === 'LC-TUS-006')).toMatchObject({ verdict: 'FAIL', knownDefect: 'KD-TUS-001' });
  });

  test('the same Broker without the defect reports it FIXED; an unknown failure beside it still FAILs', async () => {
    const fixed = await drill([], 'LC-TUS-006');
    expect(fixed.code, fixed.output.slice(-3000)).toBe(0);
    expect(item(fixed.summary)?.status).toBe('FIXED');
    expect(fixed.output).toContain('FIXED known defect KD-TUS-001');

    const unknown = await drill(['tus-upload-expires-24-days', 'wrong-status-on-confirm'], 'LC-TUS-006|LC-HAPPY-001');
    expect(unknown.code, unknown.output.slice(-3000)).toBe(1);
    expect(unknown.summary.verdict).toBe('FAIL');
    expect(item(unknown.summary)?.status).toBe('OBSERVED');
    expect(unknown.summary.checks.filter((c) => c.verdict === 'FAIL').map((c) => c.requirement)).toContain('LC-HAPPY-001');
  });
});
