/**
 * Projects are generated from data: one per built-in environment (`local` is the default target),
 * `custom` when BROKER_ENV_FILE names an environment file, and `self-test` for the harness's own tests.
 */
import { defineConfig, type Project } from '@playwright/test';
import { builtinEnvironmentNames } from './src/config/index.ts';
import { runId } from './src/ledger/run.ts';
import { allureStagingDir } from './src/report/allure.ts';

// One id for the whole run; workers inherit it through the environment.
runId();

/**
 * `local` is the default: a bare `npx playwright test` runs it alone. The remote environments (which
 * need their variables) and `self-test` run when named with --project. Workers load every project,
 * since the main process has already chosen which tests they get.
 */
const isWorker = /workerProcessEntry/.test(process.argv[1] ?? '');
const named = process.argv.flatMap((a, i, all) => (a.startsWith('--project=') ? [a.slice('--project='.length)] : a === '--project' && all[i + 1] ? [all[i + 1]!] : []));
const wanted = (name: string) => isWorker || named.length > 0 || name === 'local' || name === 'custom';

const environmentProjects: Project[] = builtinEnvironmentNames().map((name) => ({
  name,
  testDir: './specs',
  testIgnore: ['self-test/**'],
  use: { brokerEnv: name } as Project['use'],
  metadata: { environment: name },
}));

if (process.env.BROKER_ENV_FILE) {
  environmentProjects.push({
    name: 'custom',
    testDir: './specs',
    testIgnore: ['self-test/**'],
    use: { brokerEnv: process.env.BROKER_ENV_FILE } as Project['use'],
    metadata: { environment: process.env.BROKER_ENV_FILE },
  });
}

/**
 * The mutation proof's batch (`BROKER_MUTANT_PROJECTS`, JSON `[{mutation, specs, grep?}]`): one project per
 * local-Broker mutation, each running only the suites that must catch it, so a single Playwright run
 * (one start-up, the workers shared) proves them all. Set, it replaces every other project.
 */
interface MutantCase {
  mutation: string;
  specs: string[];
  grep?: string;
}
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const mutantProjects: Project[] = (JSON.parse(process.env.BROKER_MUTANT_PROJECTS ?? '[]') as MutantCase[]).map((m) => ({
  name: `mutant:${m.mutation}`,
  testDir: '.',
  testMatch: m.specs.map((spec) => new RegExp(`${escapeRegExp(spec)}$`)),
  ...(m.grep ? { grep: new RegExp(escapeRegExp(m.grep)) } : {}),
  use: { brokerEnv: 'local', brokerMutations: [m.mutation] } as Project['use'],
  metadata: { environment: 'local', mutation: m.mutation },
}));

export default defineConfig({
  forbidOnly: !!process.env.CI,
  // A bare `npx playwright test --project=tt02` checks its configuration first (every missing variable at once).
  globalSetup: './fixtures/preflight-setup.ts',
  retries: 0,
  timeout: 60_000,
  // Allure writes into a staging folder per run; the conformance reporter (last, so it runs after
  // Allure's onEnd) moves each result into reports/<env>/<run-id>/allure-results and builds
  // summary.json, index.html, junit.xml, history and latest from the ledger.
  // The harness's own tests (`--project=self-test` alone) are no conformance run: no Allure results for them.
  reporter: [
    ['list'],
    ['./src/report/summary-line.ts'],
    ...(named.length > 0 && named.every((n) => n === 'self-test') ? [] : [['allure-playwright', { resultsDir: allureStagingDir(runId()), detail: true, suiteTitle: true }] as const]),
    ['./src/report/conformance-reporter.ts'],
  ],
  projects: mutantProjects.length > 0 ? mutantProjects : [
    ...environmentProjects,
    {
      name: 'self-test',
      testDir: '.',
      testMatch: ['src/**/*.test.ts', 'specs/self-test/**/*.spec.ts'],
    },
  ].filter((p) => wanted(p.name ?? '')),
});
