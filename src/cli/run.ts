/**
 * @module `broker-conformance run`: runs the suites against one environment through Playwright (a
 * child process with the project, grep, workers, contract and run id set), makes sure the run's
 * reports exist afterwards (the reporter builds them; if Playwright died first they are built here
 * from the ledger), prints the verdict and the report path, and exits 0 only on PASS.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinEnvironmentNames, environmentData, loadEnvironment } from '../config/index.ts';
import { readUnreachableMarker, unreachableCause } from '../ledger/reachability.ts';
import { newRunId, runDirectory } from '../ledger/run.ts';
import { allureStagingDir, distributeAllureResults } from '../report/allure.ts';
import { mutationBanner } from '../report/mutation-banner.ts';
import { describeMutations, localMutations } from '../../fixtures/local-mutations.ts';
import { runPreflight } from './doctor.ts';
import { EXIT_NONCONFORMANT, EXIT_OK } from './exit-codes.ts';
import { UsageError } from './usage-error.ts';
import type { BrokerDevSession } from './broker-dev-run.ts';
import { playwrightCommand } from './playwright-command.ts';

export interface RunOptions {
  env: string;
  grep?: string;
  contract?: string;
  servedContract?: string;
  workers?: string;
  /** The Broker to run against, for environments whose brokerBaseUrl is `${BROKER_BASE_URL…}` (broker-dev). */
  brokerUrl?: string;
  /** Failures a known Broker defect explains count as failures (exit 1). */
  strict?: boolean;
  /** false (`--no-preflight`): start the tests without checking configuration, tokens and the Broker first. */
  preflight?: boolean;
}

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A contract given on the command line: a URL as is, a path made absolute and required to exist. */
function contractSource(given: string | undefined): string | undefined {
  if (!given) return undefined;
  const source = /^https?:\/\//i.test(given) ? given : resolve(given);
  if (!source.startsWith('http') && !existsSync(source)) throw new UsageError(`no contract file at ${source}`);
  return source;
}

export async function conformanceRun(options: RunOptions, io: { out: (s: string) => void; err: (s: string) => void }): Promise<number> {
  // Validate before spawning anything: an unknown environment or a bad file is a one-line usage error.
  if (options.workers !== undefined && !/^([1-9]\d*|(100|[1-9]\d?)%)$/.test(options.workers)) throw new UsageError(`--workers must be a positive integer or a share of the cores (e.g. 50%), not '${options.workers}'`);
  const processEnv: NodeJS.ProcessEnv = { ...process.env };
  if (options.brokerUrl !== undefined) {
    if (!/^https?:\/\/[^\s/]+/i.test(options.brokerUrl)) throw new UsageError(`--broker-url must be an http(s) URL, not '${options.brokerUrl}'`);
    processEnv.BROKER_BASE_URL = options.brokerUrl.replace(/\/+$/, '');
  }
  environmentData(options.env); // an unknown environment or a file that does not parse: one line, as for any bad argument
  // The configuration first: every missing variable and schema problem at once, before anything starts.
  const configured = await runPreflight(options.env, io, { env: processEnv, configurationOnly: true });
  if (configured.stop !== undefined) return configured.stop;
  const environment = loadEnvironment(options.env, processEnv);
  if (processEnv.BROKER_BASE_URL && options.brokerUrl !== undefined && environment.brokerBaseUrl !== processEnv.BROKER_BASE_URL) {
    throw new UsageError(`environment ${environment.name} does not take --broker-url (its brokerBaseUrl is ${environment.brokerBaseUrl})`);
  }
  const builtin = builtinEnvironmentNames().includes(options.env);
  const contract = contractSource(options.contract);
  const servedContract = contractSource(options.servedContract);
  const id = process.env.BROKER_RUN_ID || newRunId();
  // The preflight runs here (or is skipped on purpose): Playwright's global setup need not repeat it.
  const env: NodeJS.ProcessEnv = { ...processEnv, BROKER_RUN_ID: id, PLAYWRIGHT_HTML_OPEN: 'never', BROKER_PREFLIGHT_DONE: '1' };
  // broker-dev: the doubles answer (running, or started for this run), the Broker is seeded through its API,
  // and the workers read the same kept keys (an absolute state directory: Playwright runs in the project root).
  let session: BrokerDevSession | undefined;
  // Its modules are imported only for broker-dev, so a local run starts Playwright sooner.
  const brokerDev = environment.doubles ? await import('./broker-dev-run.ts') : undefined;
  if (brokerDev) {
    session = await brokerDev.openBrokerDevSession(environment, options.env, io, processEnv);
    env.BROKER_DEV_STATE_DIR = (await import('../platform/index.ts')).stateDirOf(environment);
    env.BROKER_DEV_CWD = process.env.BROKER_DEV_CWD ?? process.cwd();
    env.BROKER_RUN_STARTED = session.since;
  }
  // Then tokens, the Broker and the clock (for a Broker the harness does not start itself).
  if (options.preflight !== false) {
    const { stop } = await runPreflight(options.env, io, { env });
    if (stop !== undefined) {
      await session?.release();
      return stop;
    }
  }
  if (!builtin) env.BROKER_ENV_FILE = resolve(options.env);
  if (contract) env.BROKER_PUBLISHED_CONTRACT = contract;
  if (servedContract) env.BROKER_SERVED_CONTRACT = servedContract;
  // Read by the verify fixture (a known defect then fails its test) and recorded in the run's ledger.
  if (options.strict) env.BROKER_STRICT = '1';
  else delete env.BROKER_STRICT;
  const args = ['test', `--project=${builtin ? options.env : 'custom'}`];
  if (options.grep) args.push('--grep', options.grep);
  const workers = options.workers ?? (environment.workers ? String(environment.workers) : undefined);
  if (workers) args.push('--workers', workers);

  io.out(`broker-conformance run ${id} against ${environment.name} (playwright ${args.join(' ')})`);
  const banner = mutationBanner(describeMutations(localMutations(environment)));
  if (banner) io.out(banner);
  // Playwright runs in a process group of its own, so exactly one signal reaches it, from here: Ctrl-C
  // at a terminal, `kill -INT <pid>`, or SIGTERM (CI cancelling a job, `timeout`) all become one SIGINT
  // to that group: Playwright stops its workers and its reporter writes an INCOMPLETE report, while
  // this process waits for it. (Playwright itself stops cleanly only on SIGINT.) A second signal kills the group; the reports are then built here from the ledger.
  let child: ReturnType<typeof spawn> | undefined;
  let signals = 0;
  const signalGroup = (signal: NodeJS.Signals) => {
    if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      child.kill(signal);
    }
  };
  const onSignal = () => {
    signals++;
    if (signals === 1) {
      io.err('broker-conformance: interrupted; waiting for Playwright to write what ran (signal again to stop at once)');
      signalGroup('SIGINT');
    } else {
      io.err('broker-conformance: stopping Playwright now; the report is built from the ledger');
      signalGroup('SIGKILL');
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // When the workers find the Broker unreachable, stop Playwright as Ctrl-C would: the tests that did not run are NOT_RUN with the cause.
  const runDir = runDirectory(environment.name, id);
  const watch = setInterval(() => {
    const marker = readUnreachableMarker(runDir);
    if (!marker || signals > 0) return;
    clearInterval(watch);
    signals++;
    io.err(`broker-conformance: ${unreachableCause(marker)}; stopping the run, the tests not yet run are NOT_RUN`);
    signalGroup('SIGINT');
  }, 500);
  // Read while Playwright runs, so they are there when it exits.
  const reportModules = Promise.all([import('../report/summarize.ts'), import('../report/locate.ts'), import('../report/build.ts')]);
  reportModules.catch(() => undefined); // met below
  const code = await new Promise<number | null>((done) => {
    const c = spawn(...playwrightCommand(args), { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child = c;
    c.stdout.on('data', (d: Buffer) => io.out(d.toString().replace(/\n$/, '')));
    c.stderr.on('data', (d: Buffer) => io.err(d.toString().replace(/\n$/, '')));
    c.on('error', () => done(null));
    c.on('close', (exit) => done(exit));
  }).finally(() => {
    clearInterval(watch);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  });
  if (session && brokerDev) {
    const drift = await brokerDev.reportDrift(environment, session.since, io);
    if (drift > 0) io.err(`broker-conformance: ${drift} kind(s) of platform drift: the doubles refused calls from the Broker (ERROR verdicts of PLAT-CALLS-001 in the report)`);
    await session.release();
  }

  const [{ ledgerFiles }, { loadSummary }, { buildRunReport }] = await reportModules;
  if (ledgerFiles(runDir).length === 0) {
    io.out(`conformance ${environment.name}: INCOMPLETE, no test wrote a ledger (playwright exited with ${code ?? 'an error'}); nothing to report in ${runDir}`);
    return EXIT_NONCONFORMANT;
  }
  if (!existsSync(join(runDir, 'summary.json'))) {
    // Playwright's main process died before its reporter ran: build everything from the ledger here.
    distributeAllureResults(allureStagingDir(id), new Map([[builtin ? options.env : 'custom', { runDir, environment: environment.name }]]));
    await buildRunReport(runDir, { interrupted: true, warn: io.err, strict: !!options.strict });
  }
  const summary = await loadSummary(runDir);
  const known = summary.knownDefects?.items.filter((d) => d.status !== 'NOT_EXERCISED') ?? [];
  for (const d of known) io.out(`${d.status === 'FIXED' ? 'FIXED known defect' : options.strict ? 'known defect (strict: counts as a failure)' : 'known defect'} ${d.id}: ${d.title} (${d.checks.length} checks)`);
  if (banner) io.out(banner);
  io.out(`verdict: ${summary.verdict}`);
  io.out(`report: ${join(runDir, 'index.html')}`);
  return summary.verdict === 'PASS' ? EXIT_OK : EXIT_NONCONFORMANT;
}
