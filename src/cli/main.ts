/**
 * @module The `broker-conformance` command line. Every failure of input (missing file, bad URL,
 * unknown option) is one line on stderr and exit 2, never a stack trace.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/errors.ts';
import { ContractLoadError } from '../contract/index.ts';
import { contractLint } from './contract-lint.ts';
import { EXIT_USAGE } from './exit-codes.ts';

export async function main(argv: string[], io = { out: (s: string) => console.log(s), err: (s: string) => console.error(s) }): Promise<number> {
  let exitCode = 0;
  const program = new Command()
    .name('broker-conformance')
    .description('Conformance and contract testing for the Altinn 3 Broker (Formidling).')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showHelpAfterError('(run broker-conformance --help for usage)');

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
      exitCode = await contractLint(source, options, io.out);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : EXIT_USAGE;
    if (e instanceof ContractLoadError || e instanceof ConfigError) {
      io.err(`broker-conformance: ${e.message}`);
      return EXIT_USAGE;
    }
    const err = e as NodeJS.ErrnoException;
    if (err.code && err.path) {
      io.err(`broker-conformance: cannot write ${err.path}: ${err.code}`);
      return EXIT_USAGE;
    }
    io.err(`broker-conformance: unexpected error: ${err.message ?? String(e)}`);
    return EXIT_USAGE;
  }
}
