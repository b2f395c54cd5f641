/**
 * Mutation proof: the suites catch each deliberate fault of the local Broker. One nested Playwright run
 * (its own reports dir) holds a project per mutation (`BROKER_MUTANT_PROJECTS`, see playwright.config.ts),
 * each running the suites that should notice against a local Broker with that fault: one start-up for
 * all of them. For every mutation its project must have a failed test, and its ledger a FAIL verdict (of
 * a condition, or of a contract check) of the requirement that names the fault. Should the suites for a
 * fault be unable to run on the Broker (every nested test skipped, e.g. events not observable), the case
 * is `fixme` with that reason.
 */
import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { playwrightCommand } from '../../src/cli/playwright-command.ts';

const ROOT = join(import.meta.dirname, '..', '..');

interface Case {
  mutation: string;
  specs: string[];
  grep?: string;
  /** At least one of these requirements must have a FAIL verdict. */
  requirements: string[];
  /** …whose message says this (the fault named, not some other failure of the same requirement). */
  messageIncludes?: string;
}

const CASES: Case[] = [
  { mutation: 'wrong-status-on-confirm', specs: ['specs/lifecycle/transitions.spec.ts'], grep: 'LC-MULTI-001', requirements: ['LC-CONFIRM-001', 'LC-CONFIRM-002', 'LC-CONFIRM-003'] },
  { mutation: 'omit-published-field', specs: ['specs/lifecycle/transitions.spec.ts'], grep: 'LC-PUBLISH-001', requirements: ['LC-PUBLISH-004'] },
  { mutation: 'skip-upload-processing', specs: ['specs/lifecycle/transitions.spec.ts'], grep: 'LC-PUBLISH-002', requirements: ['LC-PUBLISH-002'] },
  { mutation: 'wrong-error-code-on-reupload', specs: ['specs/negative/illegal-moves.spec.ts'], grep: 'NEG-CELL-001 Published:', requirements: ['NEG-UPLOAD-001', 'NEG-UPLOAD-002', 'NEG-CELL-001'] },
  { mutation: 'extra-history-entry', specs: ['specs/lifecycle/transitions.spec.ts'], grep: 'LC-PUBLISH-001', requirements: ['LC-PUBLISH-005'] },
  { mutation: 'drop-published-event', specs: ['specs/events/events.spec.ts'], grep: 'EVT-002', requirements: ['EVT-002'] },
  { mutation: '5xx-on-nul', specs: ['specs/robustness/hostile-input.spec.ts'], grep: 'seeded hostile corpus', requirements: ['ROB-001'], messageIncludes: 'with NUL' },
  { mutation: 'half-created-transfer', specs: ['specs/robustness/hostile-input.spec.ts'], grep: 'seeded hostile corpus', requirements: ['ROB-003'], messageIncludes: 'half-created' },
  { mutation: 'two-winner-race', specs: ['specs/robustness/races.spec.ts'], grep: 'ROB-005', requirements: ['ROB-005'] },
  { mutation: 'status-history-unordered', specs: ['specs/lifecycle/happy-path.spec.ts'], grep: 'LC-HAPPY-001', requirements: ['LC-HISTORY-001'] },
  { mutation: 'tus-upload-expires-24-days', specs: ['specs/lifecycle/tus.spec.ts'], grep: 'LC-TUS-006', requirements: ['LC-TUS-006'] },
  { mutation: 'tus-legacy-partial-url-404', specs: ['specs/lifecycle/tus.spec.ts'], grep: 'LC-TUS-007', requirements: ['LC-TUS-007'] },
  { mutation: 'tus-unknown-partial-500', specs: ['specs/lifecycle/tus.spec.ts'], grep: 'NEG-TUS-002', requirements: ['NEG-TUS-002'] },
  // The blind spots an audit found: each deviation a client would notice, caught naming its requirement.
  { mutation: 'published-subject-is-sender', specs: ['specs/events/events.spec.ts'], grep: 'EVT-009', requirements: ['EVT-009'] },
  { mutation: 'random-published-event-ids', specs: ['specs/events/events.spec.ts'], grep: 'EVT-010', requirements: ['EVT-010'] },
  { mutation: 'no-filepurged-after-confirm', specs: ['specs/events/events.spec.ts'], grep: 'EVT-011', requirements: ['EVT-011'] },
  { mutation: 'ignore-checksum-when-scanned', specs: ['specs/lifecycle/transitions.spec.ts'], grep: 'LC-FAIL-004', requirements: ['LC-FAIL-004'] },
  { mutation: 'wrong-cache-control', specs: ['specs/lifecycle/transitions.spec.ts'], grep: 'LC-PUBLISH-001', requirements: ['HDR-001', 'CT-HEADERS-001'] },
  { mutation: 'content-disposition-without-filename', specs: ['specs/download/ranges.spec.ts'], grep: 'DL-FULL-002', requirements: ['DL-FULL-002'] },
  { mutation: 'no-search-cap', specs: ['specs/search/search.spec.ts'], grep: 'SEARCH-014', requirements: ['SEARCH-014'] },
  { mutation: 'status-changed-is-created', specs: ['specs/lifecycle/transitions.spec.ts'], grep: 'LC-PUBLISH-001', requirements: ['LC-STATE-003'] },
  { mutation: 'code-21-text', specs: ['specs/validation/initialize.spec.ts'], grep: 'VAL-INIT-039', requirements: ['VAL-INIT-039'] },
  { mutation: 'timestamps-with-z', specs: ['specs/lifecycle/transitions.spec.ts'], grep: 'LC-PUBLISH-001', requirements: ['LC-TIME-001'] },
];

interface Verdict {
  type: string;
  requirement?: string;
  verdict?: string;
  message?: string;
  status?: string;
  skipReason?: string;
  /** On exchange entries: the contract checks of the response. */
  checks?: { requirement: string; verdict: string }[];
}

/** FAIL verdicts of conditions, and FAILed contract checks of exchanges, by requirement. */
function failuresOf(ledger: Verdict[], requirements: string[]): string[] {
  const conditions = ledger.filter((e) => e.type === 'verdict' && e.verdict === 'FAIL').map((e) => e.requirement ?? '');
  const checks = ledger.filter((e) => e.type === 'exchange').flatMap((e) => (e.checks ?? []).filter((c) => c.verdict === 'FAIL').map((c) => c.requirement));
  return [...conditions, ...checks].filter((r) => requirements.includes(r));
}

/** Every ledger entry of the nested run, by the mutation its worker's Broker ran with (from each file's run-start). */
function ledgersByMutation(reportsDir: string): Map<string, Verdict[]> {
  const byMutation = new Map<string, Verdict[]>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ndjson') && e.name.startsWith('worker-')) {
        const lines = readFileSync(p, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Verdict & { localBroker?: { mutations: { name: string }[] } });
        const mutation = lines.find((l) => l.type === 'run-start')?.localBroker?.mutations[0]?.name ?? '(none)';
        byMutation.set(mutation, [...(byMutation.get(mutation) ?? []), ...lines]);
      }
    }
  };
  walk(reportsDir);
  return byMutation;
}

function nestedRun(cases: Case[], reportsDir: string): Promise<{ code: number | null; output: string }> {
  const projects = cases.map((c) => ({ mutation: c.mutation, specs: c.specs, ...(c.grep ? { grep: c.grep } : {}) }));
  const env: NodeJS.ProcessEnv = { ...process.env, BROKER_MUTANT_PROJECTS: JSON.stringify(projects), BROKER_REPORTS_DIR: reportsDir, BROKER_PREFLIGHT_DONE: '1', FORCE_COLOR: '0' };
  // The outside contracts (set in CI) can only WARN, never FAIL, so they catch no mutation; they would cost
  // their load and compile time in each of the run's ~25 workers.
  for (const k of ['BROKER_RUN_ID', 'BROKER_LOCAL_MUTATIONS', 'TEST_WORKER_INDEX', 'TEST_PARALLEL_INDEX', 'BROKER_PUBLISHED_CONTRACT', 'BROKER_SERVED_CONTRACT']) delete env[k];
  const args = ['test', '--reporter=line', '--workers=2'];
  return new Promise((resolve) => {
    const child = spawn(...playwrightCommand(args), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ code, output }));
  });
}

test.describe('mutation proof @slow', () => {
  let run: { code: number | null; output: string } = { code: null, output: '' };
  let ledgers = new Map<string, Verdict[]>();

  // One nested run for all cases. A failed case restarts the worker, and with it this hook: the result is
  // kept for this outer run (its run id) so that the nested run is not repeated.
  test.beforeAll(async () => {
    test.setTimeout(900_000);
    const kept = join(tmpdir(), `bc-mutation-proof-${process.env.BROKER_RUN_ID ?? process.pid}.json`);
    if (existsSync(kept)) {
      const saved = JSON.parse(readFileSync(kept, 'utf8')) as { run: typeof run; ledgers: [string, Verdict[]][] };
      run = saved.run;
      ledgers = new Map(saved.ledgers);
      return;
    }
    const reportsDir = mkdtempSync(join(tmpdir(), 'bc-mutation-proof-'));
    try {
      run = await nestedRun(CASES, reportsDir);
      ledgers = ledgersByMutation(reportsDir);
    } finally {
      rmSync(reportsDir, { recursive: true, force: true });
    }
    writeFileSync(kept, JSON.stringify({ run, ledgers: [...ledgers] }));
  });

  test('every mutation ran in its own project against its own mutated Broker', () => {
    expect([...ledgers.keys()].sort(), run.output.slice(-2000)).toEqual(CASES.map((c) => c.mutation).sort());
    expect(run.code, 'the nested run fails, as every project in it must').not.toBe(0);
  });

  for (const c of CASES) {
    test(`${c.mutation} is caught by ${c.specs.join(', ')} naming ${c.requirements.join(' / ')}`, () => {
      const ledger = ledgers.get(c.mutation) ?? [];
      const ends = ledger.filter((e) => e.type === 'test-end');
      if (ends.length > 0 && ends.every((e) => e.status === 'skipped')) {
        test.fixme(true, `the suites that would catch ${c.mutation} cannot run on this Broker yet: ${ends[0]?.skipReason ?? 'skipped'}`);
      }
      const failed = c.messageIncludes
        ? ledger.filter((e) => e.type === 'verdict' && e.verdict === 'FAIL' && c.requirements.includes(e.requirement ?? '') && (e.message ?? '').includes(c.messageIncludes!))
        : failuresOf(ledger, c.requirements);
      expect(ends.some((e) => e.status === 'failed' || e.status === 'timedOut'), `a test of the ${c.mutation} project must fail\n${run.output.slice(-2000)}`).toBe(true);
      expect(failed.length, `a FAIL verdict naming ${c.requirements.join(' / ')}`).toBeGreaterThan(0);
      expect(run.output, 'the run output names the requirement').toMatch(new RegExp(c.requirements.join('|')));
    });
  }
});
