/**
 * @module Lint reports kept between processes, by the contract's bytes. Reading and linting a
 * contract (YAML parse, the OpenAPI meta-schema check, the repair) costs most of a second, and every
 * Playwright worker, every nested run and every report build did it again for the same few documents.
 * A report is kept in the harness's cache (`contracts/`, see src/cache.ts), named by the SHA-256 of
 * the bytes and a fingerprint of the code that made it (this folder's sources and the parsers'
 * versions), so a changed document or changed lint code is linted afresh. A cache that cannot be read
 * or written is passed by: the contract is then linted as before.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDirectory, installedVersions, keep, readKeptJson } from '../cache.ts';
import type { ContractFinding } from './findings.ts';
import { lintContract, type LintReport } from './lint.ts';
import { parseContract, readSource } from './load.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

let fingerprint: string | undefined;

/** What made a report: the sources of this folder and the versions of the parsers and the meta-schema validator. */
function codeFingerprint(): string {
  if (fingerprint) return fingerprint;
  const hash = createHash('sha256');
  for (const f of readdirSync(HERE).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts')).sort()) hash.update(f).update(readFileSync(join(HERE, f)));
  hash.update(installedVersions(['yaml', 'json5', '@seriousme/openapi-schema-validator', 'ajv']));
  return (fingerprint = hash.digest('hex').slice(0, 16));
}

export interface LintedContract extends LintReport {
  /** SHA-256 of the bytes read. */
  sha256: string;
}

/** What this code made of these bytes before, under `what` (a lint report, compile findings), or undefined. */
function keptFile(cacheDir: string, sha256: string, what: string): string {
  return join(cacheDir, `${sha256}-${codeFingerprint()}${what ? `-${what}` : ''}.json`);
}

/**
 * The findings of compiling every schema of a contract in `role` (the reference compiles strict), as
 * kept; `compileAll` makes them when they are not, and they are kept for the next process.
 */
export function keptCompileFindings(sha256: string, role: string, compileAll: () => ContractFinding[], cacheDir: string = cacheDirectory('contracts')): ContractFinding[] {
  const file = keptFile(cacheDir, sha256, `compiled-${role}`);
  const kept = readKeptJson<ContractFinding[]>(file);
  if (kept) return kept;
  const findings = compileAll();
  keep(file, JSON.stringify(findings));
  return findings;
}

/** The lint report of the contract at `source` (path or URL): kept, when these bytes were linted by this code before. */
export async function lintedContract(source: string, cacheDir: string = cacheDirectory('contracts')): Promise<LintedContract> {
  const bytes = await readSource(source);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const file = keptFile(cacheDir, sha256, '');
  const kept = readKeptJson<LintReport>(file);
  if (kept) return { ...kept, sha256 };
  const report = await lintContract(parseContract(bytes, source));
  keep(file, JSON.stringify(report));
  return { ...report, sha256 };
}
