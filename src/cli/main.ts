/**
 * @module The `broker-conformance` command line. Every failure of input (missing file, bad URL,
 * unknown option) is one line on stderr and exit 2, never a stack trace.
 */
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/errors.ts';
import { EXIT_USAGE } from './exit-codes.ts';
import { requirementsCommand } from './requirements.ts';
import { UsageError } from './usage-error.ts';

/**
 * Errors that say the input is unusable (exit 2 with their message), by name: each command's modules are
 * imported when that command runs, so `run` does not load the contract differ, nor `--help` anything.
 */
const INPUT_ERRORS = new Set(['ContractLoadError', 'RunDirectoryError', 'UnsupportedFormatError', 'DoublesStateError']);

/** The version in package.json, the one source of it. */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

export async function main(argv: string[], io = { out: (s: string) => console.log(s), err: (s: string) => console.error(s) }): Promise<number> {
  let exitCode = 0;
  const program = new Command()
    .name('broker-conformance')
    .description('Conformance and contract testing for the Altinn 3 Broker (Formidling).')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showHelpAfterError('(run broker-conformance --help for usage)')
    .version(packageVersion(), '-V, --version', 'print the version of broker-conformance');

  const contract = program.command('contract').description('work with OpenAPI contracts of the Broker');
  contract
    .command('lint')
    .description(
      'lint an OpenAPI 3.0/3.1 contract (file path or URL, JSON or YAML): structure, unresolved $refs, nullable in 3.1, ' +
        'error bodies under non-JSON media types, operationIds, security schemes, examples; repairs known defect classes. ' +
        'Exit 0 when no error-severity finding, 1 otherwise, 2 when the input is unusable.',
    )
    .argument('<source>', 'path or http(s) URL of the contract')
    .option('--json', 'print findings as JSON')
    .option('--write-repaired <file>', 'write the repaired document (JSON, or YAML when the name ends in .yaml/.yml)')
    .action(async (source: string, options: { json?: boolean; writeRepaired?: string }) => {
      const { contractLint } = await import('./contract-lint.ts');
      exitCode = await contractLint(source, options, io.out);
    });

  contract
    .command('diff')
    .description(
      'compare two OpenAPI contracts (file paths or URLs, JSON or YAML; each repaired first like lint does): operations, parameters, ' +
        'request bodies, responses (status codes, media types, headers) and schemas down to properties (added, removed, type, format, ' +
        'required, nullable, enum values), each classed breaking for a client of <a> or not, with a JSON pointer on both sides. ' +
        'When <a> is the reference contract, the recorded explanations of its differences from the served document apply. ' +
        'Exit 0 when nothing unexplained is breaking, 1 when something is, 2 when an input is unusable.',
    )
    .argument('<a>', 'before: path or http(s) URL of a contract')
    .argument('<b>', 'after: path or http(s) URL of a contract')
    .option('--json', 'print the differences as JSON')
    .option('--html <file>', 'also write the differences as a self-contained HTML page')
    .option('--explanations <file>', 'mark the differences this explanations file accounts for (YAML or JSON)')
    .option('--no-explanations', 'apply no explanations file, not even the default one')
    .action(async (a: string, b: string, options: { json?: boolean; html?: string; explanations?: string | boolean }) => {
      const { contractDiff } = await import('./contract-diff.ts');
      exitCode = await contractDiff(a, b, { json: options.json, html: options.html, explanations: options.explanations === true ? undefined : options.explanations }, io.out);
    });

  program
    .command('run')
    .description(
      'run the conformance suites against one environment (playwright test --project=<env>, or --project=custom with BROKER_ENV_FILE ' +
        'for a file), then write reports/<env>/<run-id>/ (summary.json, index.html, junit.xml, allure-results), append reports/<env>/history.ndjson ' +
        'and point reports/<env>/latest at the run. Prints the verdict and the report path. Exit 0 on PASS, 1 on FAIL or INCOMPLETE, 2 on bad input. ' +
        'Failures a known Broker defect explains are reported KNOWN_DEFECT and do not fail the run unless --strict; a known defect whose checks pass is reported FIXED. ' +
        'BROKER_REPORTS_DIR moves the reports folder; BROKER_RUN_ID fixes the run id.',
    )
    .requiredOption('--env <name|file>', 'a built-in environment (local, at22, at23, at24, tt02, yt01) or an environment file (JSON/YAML)')
    .option('--grep <regex>', 'only tests whose title matches (passed to playwright --grep)')
    .option('--contract <path|url>', 'also check every response against this (published) contract; sets BROKER_PUBLISHED_CONTRACT')
    .option(
      '--served-contract <path|url>',
      "also check every response against this copy of the document the Broker serves about itself; sets BROKER_SERVED_CONTRACT (an environment's servedContract.brokerPath, fetched from its Broker, comes first)",
    )
    .option('--workers <n>', 'Playwright workers: a number, or a share of the cores such as 100% (default: the environment\'s, else half the cores)')
    .option('--broker-url <url>', 'the Broker to run against, for environments that take one (broker-dev: a Broker built from source, started with the settings `doubles` prints)')
    .option('--strict', 'count failures that a known Broker defect (src/oracle/known-defects.ts) explains as failures: they fail their tests and the run exits 1')
    .option('--no-preflight', 'start the tests without the preflight (configuration, tokens, Broker reachable, clock); see the doctor command')
    .action(async (options: { env: string; grep?: string; contract?: string; servedContract?: string; workers?: string; brokerUrl?: string; strict?: boolean; preflight?: boolean }) => {
      const { conformanceRun } = await import('./run.ts');
      exitCode = await conformanceRun(options, io);
    });

  program
    .command('requirements')
    .description(
      'list the requirement catalogue: each id with one sentence saying what the Broker must do and its public citation ' +
        '(the Broker source file and line at the snapshot the oracle describes). Exit 0; 2 when no id matches.',
    )
    .argument('[prefix...]', 'only ids starting with one of these (case-insensitive), e.g. LC-CONFIRM or AUTH')
    .option('--json', 'print as JSON (id, statement, citation, url, table, skip)')
    .action((prefixes: string[], options: { json?: boolean }) => {
      exitCode = requirementsCommand(prefixes, options, io.out);
    });

  program
    .command('doubles')
    .description(
      "start only the strict doubles of a Broker's platform for a broker-dev environment (OpenID metadata + JWKS, authorization PDP, Resource Registry, " +
        'Register, Events, Maskinporten + Altinn exchange for the Broker\'s own client) on the environment\'s stable ports, with signing keys kept in its ' +
        'state directory; print the settings to start the Broker with and write them to a file there; echo platform drift as it happens. Ctrl-C stops them.',
    )
    .requiredOption('--env <name|file>', 'a broker-dev environment (built-in broker-dev, or a file with a doubles section)')
    .action(async (options: { env: string }) => {
      const { doublesCommand } = await import('./doubles.ts');
      exitCode = await doublesCommand(options, io);
    });

  program
    .command('fuzz')
    .description(
      'send a seeded, bounded sample of the robustness corpus (hostile input over every operation) to one environment and print, per operation, ' +
        'the statuses, the 5xx and the slowest answer; failing requests (5xx, no answer, too slow, invalid input accepted) are written as curl repros ' +
        '(tokens read from $TOKEN). Runs where the robustness capability is on (local, broker-dev, or an environment that opts in). ' +
        'Exit 0 when nothing failed, 1 when something did, 2 on bad input.',
    )
    .requiredOption('--env <name|file>', 'a built-in environment or an environment file (JSON/YAML)')
    .option('--seed <n>', 'seed of the sample (default: the environment\'s, else 17); the same seed sends the same requests')
    .option('--count <n>', 'sampled requests beyond the always-sent sentinel cases (default: the environment\'s, else 300 local / 150 remote; at most 5000)')
    .option('--out <dir>', 'where to write repros.sh, failures.json and the request bodies (default reports/<env>/fuzz-<seed>-<time>)')
    .action(async (options: { env: string; seed?: string; count?: string; out?: string }) => {
      const { fuzz } = await import('./fuzz.ts');
      exitCode = await fuzz(options, io);
    });

  program
    .command('doctor')
    .description(
      'check that an environment is ready for a run, as run does before its first test, and nothing else: every variable it needs is set ' +
        '(all missing ones listed at once), every actor gets a token whose scope, organisation, issuer and lifetime are right, the Broker ' +
        "is reachable and answers like a Broker (/health 200, or 401 without a token), and this machine's clock is within 30 s of the Broker's " +
        'Date header. For the embedded Broker (local) it starts the Broker and its doubles. Writes nothing. Exit 0 when ready, 2 with one line per problem.',
    )
    .requiredOption('--env <name|file>', 'a built-in environment (local, at22, at23, at24, tt02, yt01) or an environment file (JSON/YAML)')
    .action(async (options: { env: string }) => {
      const { doctor } = await import('./doctor.ts');
      exitCode = await doctor(options, io);
    });

  const report = program.command('report').description('find, compare and rebuild run reports under reports/ (or BROKER_REPORTS_DIR)');
  report
    .command('open')
    .description("print the path of a run's index.html: an environment (its latest run), a run id, or a run directory; default: the latest local run")
    .argument('[env|run]', 'environment name, run id or run directory path')
    .option('--open', 'also open it with xdg-open when available')
    .action(async (target: string | undefined, options: { open?: boolean }) => {
      const { reportOpen } = await import('./report.ts');
      exitCode = await reportOpen(target, options, io);
    });
  report
    .command('diff')
    .description(
      'the checks whose verdict differs between two runs, requirement by requirement (new failures, new passes, changes). ' +
        'Each side is an environment (its latest run), a run id or a run directory. Exit 0.',
    )
    .argument('<a>', 'before: environment, run id or run directory')
    .argument('<b>', 'after: environment, run id or run directory')
    .option('--html <file>', 'also write the diff as a self-contained HTML page')
    .option('--json', 'print the diff as JSON')
    .action(async (a: string, b: string, options: { html?: string; json?: boolean }) => {
      const { reportDiff } = await import('./report.ts');
      exitCode = await reportDiff(a, b, options, io);
    });
  report
    .command('summary')
    .description(
      "a run as Markdown for a CI step summary: verdict, counts (FAIL apart from ERROR), why it is INCOMPLETE, an active mutation, " +
        "the checks that newly fail or newly error since the environment's previous run, and where the report is. Exit 0.",
    )
    .argument('<env|run>', 'environment name (its latest run), run id or run directory path')
    .option('--artifact <name>', 'the CI artifact the environment folder is uploaded as; the report is then named by its path inside it')
    .action(async (target: string, options: { artifact?: string }) => {
      const { reportSummary } = await import('./report.ts');
      exitCode = await reportSummary(target, options, io);
    });
  report
    .command('build')
    .description("rebuild a run's summary.json, index.html and junit.xml from its ledger (after a crash, or with a newer harness)")
    .argument('<env|run>', 'environment name, run id or run directory path')
    .action(async (target: string) => {
      const { reportBuild } = await import('./report.ts');
      exitCode = await reportBuild(target, io);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : EXIT_USAGE;
    if (e instanceof ConfigError) {
      for (const problem of e.problems) io.err(`broker-conformance: ${problem}`);
      return EXIT_USAGE;
    }
    if (e instanceof UsageError || (e instanceof Error && INPUT_ERRORS.has(e.name))) {
      io.err(`broker-conformance: ${e.message}`);
      return EXIT_USAGE;
    }
    const err = e as NodeJS.ErrnoException;
    if (err.code && err.path) {
      // A filesystem error (cannot write --html or --write-repaired, cannot read a run).
      io.err(`broker-conformance: cannot write ${err.path}: ${err.code}`);
      return EXIT_USAGE;
    }
    io.err(`broker-conformance: unexpected error: ${err.message ?? String(e)}`);
    return EXIT_USAGE;
  }
}
