/**
 * @module Prepares the contracts a run checks against: always the reference contract, plus the
 * published one (BROKER_PUBLISHED_CONTRACT or an explicit path/URL) and the one the Broker serves
 * about itself (BROKER_SERVED_CONTRACT or an explicit path/URL) when configured. Each is loaded,
 * linted and repaired (or its kept lint report read, see lint-cache), then compiled.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileContract, type CompiledContract, type ContractRole } from './compile.ts';
import type { ContractFinding } from './findings.ts';
import type { LintReport } from './lint.ts';
import { keptCompileFindings, lintedContract } from './lint-cache.ts';

export const REFERENCE_CONTRACT_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'contracts', 'broker.openapi.yaml');

export interface PreparedContract {
  compiled: CompiledContract;
  lint: LintReport;
  /** Lint findings plus compile findings. */
  findings: ContractFinding[];
}

/**
 * `eager` (default): the findings are those of every schema the contract declares: compiled now, or
 * kept from a process that compiled these bytes before (the validators then compile on first use).
 * false: validators compile on first use and the findings are those of the schemas used (a test worker).
 */
export async function prepareContract(source: string, name: string, role: ContractRole, options: { eager?: boolean } = {}): Promise<PreparedContract> {
  const { sha256, ...lint } = await lintedContract(source);
  const how = { name, role, source, sha256 };
  if (options.eager === false) {
    const compiled = compileContract(lint.repaired, { ...how, eager: false });
    return { compiled, lint, findings: [...lint.findings, ...compiled.findings] };
  }
  let compiled: CompiledContract | undefined;
  const compileFindings = keptCompileFindings(sha256, role, () => (compiled = compileContract(lint.repaired, how)).findings);
  compiled ??= compileContract(lint.repaired, { ...how, eager: false });
  return { compiled, lint, findings: [...lint.findings, ...compileFindings] };
}

export interface ContractSetOptions {
  /** Path or URL of the published contract; defaults to BROKER_PUBLISHED_CONTRACT when set. */
  published?: string;
  /** Path or URL of the served contract; defaults to BROKER_SERVED_CONTRACT when set; null = none. */
  served?: string | null;
  reference?: string;
  /** false: validators compile on first use (a test worker), so its findings are those of the schemas it used; the summary re-reads every contract whole. */
  eager?: boolean;
}

export async function prepareContractSet(options: ContractSetOptions = {}): Promise<PreparedContract[]> {
  const how = { eager: options.eager };
  const set = [await prepareContract(options.reference ?? REFERENCE_CONTRACT_PATH, 'reference', 'reference', how)];
  const published = options.published ?? process.env.BROKER_PUBLISHED_CONTRACT;
  if (published) set.push(await prepareContract(published, 'published', 'published', how));
  const served = options.served === undefined ? process.env.BROKER_SERVED_CONTRACT : options.served;
  if (served) set.push(await prepareContract(served, 'served', 'served', how));
  return set;
}
