/**
 * @module A Playwright reporter (main process) that, when the run ends, builds each environment's
 * reports from the ledger the workers wrote (summary.json, index.html, junit.xml, history, latest),
 * moves the staged Allure results into the run directory, and prints the verdict and report path.
 * It knows the planned tests, so tests that never started are reported too.
 */
import type { Pacing } from './pacing.ts';
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestResult } from '@playwright/test/reporter';
import { join, relative } from 'node:path';
import { LedgerFollower } from '../ledger/follower.ts';
import type { ReadLedger } from '../ledger/writer.ts';
import { reportsRoot, runId } from '../ledger/run.ts';
import { allureStagingDir, distributeAllureResults } from './allure.ts';
import type { PlannedTest } from './summarize.ts';

/**
 * What builds the reports (summaries, contracts, HTML, JUnit): imported when the first test begins, while the
 * workers run, not with the reporter, which Playwright loads before it lists the tests.
 */
let reportModules: Promise<[typeof import('./build.ts'), typeof import('./locate.ts'), typeof import('./summarize.ts'), typeof import('./served-changes.ts'), typeof import('./mutation-banner.ts')]> | undefined;
const loadReportModules = () => (reportModules ??= Promise.all([import('./build.ts'), import('./locate.ts'), import('./summarize.ts'), import('./served-changes.ts'), import('./mutation-banner.ts')]));

const ANSI = /\u001b\[[0-9;]*m/g;
const FOLLOW_EVERY_MS = 250;

/** The verdict line both this reporter and the CLI print. */
/** The run against its gateway budget: wall time beside the least the limits allow, and any 429. */
export function pacingLine(p: Pacing): string {
  const busiest = Object.entries(p.calls)
    .filter(([op]) => p.rateLimits[op] ?? p.rateLimits.default)
    .sort(([a, x], [b, y]) => y / (p.rateLimits[b] ?? p.rateLimits.default!) - x / (p.rateLimits[a] ?? p.rateLimits.default!))
    .slice(0, 3)
    .map(([op, n]) => `${op} ${n} at ${p.rateLimits[op] ?? p.rateLimits.default}/min`);
  return `pacing: wall ${p.wallSeconds ?? '?'} s, lower bound ${p.lowerBoundSeconds} s from the rate limits (${busiest.join(', ')})${p.ratio !== null ? `, ratio ${p.ratio}` : ''}; ${p.unplanned429} unplanned 429`;
}

export function verdictLine(environment: string, verdict: string, counts: Record<string, number>, indexHtml: string): string {
  const known = counts.KNOWN_DEFECT ? `, ${counts.KNOWN_DEFECT} known Broker defects` : '';
  const notRun = counts.NOT_RUN ? `, ${counts.NOT_RUN} not run` : '';
  return `conformance ${environment}: ${verdict} (${counts.PASS ?? 0} passed, ${counts.FAIL ?? 0} failed, ${counts.ERROR ?? 0} errors${known}, ${counts.WARN ?? 0} warnings, ${counts.SKIP ?? 0} skipped${notRun} checks) report: ${indexHtml}`;
}

/**
 * Tests Playwright skipped without starting them because an earlier test of their serial block
 * failed: each with that cause, so the summary lists them as NOT_RUN instead of calling the run
 * unfinished. (Tests skipped on purpose, `test.skip` or `test.fixme`, expect to be skipped and are
 * not among them.)
 */
export function serialSkipCauses(tests: TestCase[], outcome: (t: TestCase) => TestResult['status'] | undefined): Record<string, string> {
  const causes: Record<string, string> = {};
  for (const test of tests) {
    if (outcome(test) !== 'skipped' || test.expectedStatus === 'skipped') continue;
    for (let suite: Suite | undefined = test.parent; suite && suite.type === 'describe'; suite = suite.parent) {
      const siblings = suite.allTests();
      const failed = siblings.slice(0, siblings.indexOf(test)).find((t) => t.outcome() === 'unexpected');
      if (failed) {
        causes[test.id] = `an earlier test of its serial block failed: ${failed.title}`;
        break;
      }
    }
  }
  return causes;
}

export default class ConformanceReporter implements Reporter {
  private readonly plans = new Map<string, PlannedTest[]>();
  private readonly errors: Record<string, string> = {};
  private readonly tests = new Map<string, TestCase[]>();
  private readonly statuses = new Map<string, TestResult['status']>();
  /** Projects with at least one test that began (none for `--list`). */
  private readonly begun = new Set<string>();
  /** The run's ledgers, parsed as the workers write them, so that onEnd does not read megabytes. */
  private readonly follower = new LedgerFollower();
  private followedAt = 0;

  onBegin(_config: FullConfig, suite: Suite): void {
    for (const projectSuite of suite.suites) {
      const project = projectSuite.project();
      if (!project || project.name === 'self-test') continue;
      this.plans.set(
        project.name,
        projectSuite.allTests().map((t) => ({ testId: t.id, title: t.titlePath().slice(2).join(' › ') })),
      );
      this.tests.set(project.name, projectSuite.allTests());
    }
  }

  onTestBegin(test: TestCase): void {
    void loadReportModules().catch(() => undefined); // met again in onEnd
    const project = test.parent.project()?.name;
    if (project) this.begun.add(project);
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    this.follow();
    this.statuses.set(test.id, result.status);
    const error = result.errors[0]?.message;
    if (error && !this.errors[test.id]) this.errors[test.id] = error.replace(ANSI, '').split('\n').slice(0, 6).join('\n');
  }

  /** Parses what the workers appended to the ledgers since the last time (at most every quarter second; never fails a test). */
  private follow(): void {
    const now = performance.now();
    if (now - this.followedAt < FOLLOW_EVERY_MS) return;
    this.followedAt = now;
    void loadReportModules()
      .then(([, { environmentNames }, { ledgerFiles }]) => {
        const root = reportsRoot();
        for (const env of environmentNames(root)) for (const f of ledgerFiles(join(root, env, runId()))) this.follower.catchUp(f);
      })
      .catch(() => undefined); // onEnd reads whatever is left
  }

  async onEnd(result: FullResult): Promise<void> {
    const [{ buildRunReport }, { environmentNames }, { ledgerFiles }, { servedChangeLine }, { mutationBanner }] = await loadReportModules();
    const root = reportsRoot();
    const id = runId();
    const staging = allureStagingDir(id, root);
    // Each file read once here (the first pass below and the report builder both ask for it).
    const read = new Map<string, ReadLedger>();
    const readLedgerFile = (path: string) => read.get(path) ?? read.set(path, this.follower.read(path)).get(path)!;
    // Which run directory did each project write? Found through the test ids in the ledgers.
    const runDirs = environmentNames(root)
      .map((env) => join(root, env, id))
      .filter((dir) => ledgerFiles(dir).length > 0);
    const byProject = new Map<string, { runDir: string; environment: string }>();
    const ledgerTests = new Map<string, { ids: Set<string>; environment: string }>();
    for (const dir of runDirs) {
      const ids = new Set<string>();
      let environment = '';
      for (const f of ledgerFiles(dir)) {
        for (const e of readLedgerFile(f).entries) {
          if (e.type === 'test-start') ids.add(e.testId);
          if (e.type === 'run-start' && !environment) environment = e.environment;
        }
      }
      ledgerTests.set(dir, { ids, environment: environment || dir.split('/').at(-2)! });
    }
    for (const [project, plan] of this.plans) {
      const hit = [...ledgerTests].find(([, t]) => plan.some((p) => t.ids.has(p.testId)));
      const only = this.plans.size === 1 && runDirs.length === 1 ? [runDirs[0]!, ledgerTests.get(runDirs[0]!)!] as const : undefined;
      const target = hit ?? only;
      if (target) byProject.set(project, { runDir: target[0], environment: target[1].environment });
      else if (plan.length && this.begun.has(project)) console.log(`conformance ${project}: INCOMPLETE, no ledger was written for this project (run ${id})`);
    }
    try {
      distributeAllureResults(staging, byProject);
    } catch (e) {
      console.log(`conformance: Allure results not moved: ${(e as Error).message}`);
    }
    for (const dir of runDirs) {
      const projects = [...byProject].filter(([, t]) => t.runDir === dir).map(([p]) => p);
      const plan = projects.flatMap((p) => this.plans.get(p) ?? []);
      const notRunCauses = serialSkipCauses(projects.flatMap((p) => this.tests.get(p) ?? []), (t) => this.statuses.get(t.id));
      try {
        const built = await buildRunReport(dir, { readLedgerFile, plan, notRunCauses, testErrors: this.errors, interrupted: result.status === 'interrupted' || result.status === 'timedout', warn: (m) => console.log(m) });
        const shown = relative(process.cwd(), built.files.html);
        const banner = mutationBanner(built.summary.localBroker?.mutations);
        if (banner) console.log(banner);
        console.log(verdictLine(built.summary.environment, built.summary.verdict, built.summary.counts, shown.startsWith('..') ? built.files.html : shown));
        if (built.summary.pacing) console.log(pacingLine(built.summary.pacing));
        const served = servedChangeLine(built.summary.servedContract);
        if (served) console.log(served);
      } catch (e) {
        console.log(`conformance: report for ${dir} not built: ${(e as Error).message.split('\n')[0]}`);
      }
    }
  }

  printsToStdio(): boolean {
    return false;
  }
}
