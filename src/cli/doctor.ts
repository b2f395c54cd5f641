/**
 * @module `broker-conformance doctor --env X` (the preflight alone) and the preflight `run` passes
 * before it starts Playwright. Problems are one line each on stderr; exit 2 when there is any.
 */
import { preflight, preflightConfiguration, type PreflightResult } from '../preflight/index.ts';
import { EXIT_OK, EXIT_USAGE } from './exit-codes.ts';

type Io = { out: (s: string) => void; err: (s: string) => void };

export async function doctor(options: { env: string }, io: Io): Promise<number> {
  const result = await preflight(options.env);
  for (const line of result.passed) io.out(`ok       ${line}`);
  for (const line of result.problems) io.err(`problem  ${line}`);
  const name = result.environment?.name ?? options.env;
  io.out(result.problems.length ? `doctor ${name}: ${result.problems.length} problem(s); a run would stop before its first test` : `doctor ${name}: ready for a run`);
  return result.problems.length ? EXIT_USAGE : EXIT_OK;
}

/**
 * The run's preflight: for a remote (or any non-embedded) Broker the whole check; for the embedded
 * Broker only the configuration, since the harness starts that Broker and its doubles itself.
 * Returns the exit code to stop with, or undefined when the run may start.
 */
export async function runPreflight(
  envName: string,
  io: Io,
  options: { env?: NodeJS.ProcessEnv; configurationOnly?: boolean } = {},
): Promise<{ stop?: number; result: PreflightResult }> {
  const configuration = preflightConfiguration(envName, options.env);
  const whole = !options.configurationOnly && configuration.problems.length === 0 && configuration.environment?.brokerBaseUrl !== 'embedded';
  const result = whole ? await preflight(envName, { env: options.env }) : configuration;
  if (result.problems.length === 0) return { result };
  for (const line of result.problems) io.err(`broker-conformance: preflight: ${line}`);
  io.err(`broker-conformance: run not started: ${result.problems.length} preflight problem(s); nothing was written (check again with: broker-conformance doctor --env ${envName})`);
  return { stop: EXIT_USAGE, result };
}
