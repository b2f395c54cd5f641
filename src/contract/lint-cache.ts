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
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDirectory, keep } from '../cache.ts';
import { lintContract, type LintReport } from './lint.ts';
import { parseContract, readSource } from './load.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

let fingerprint: string | undefined;

/** What made a report: the sources of this folder and the versions of the parsers and the meta-schema validator. */
function codeFingerprint(): string {
  if (fingerprint) return fingerprint;
  const hash = createHash('sha256');
  for (const f of readdirSync(HERE).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts')).sort()) hash.update(f).update(readFileSync(join(HERE, f)));
  const require = createRequire(import.meta.url);
  for (const pkg of ['yaml', 'json5', '@seriousme/openapi-schema-validator', 'ajv']) {
    try {
      hash.update(`${pkg}@${(require(`${pkg}/package.json`) as { version: string }).version}`);
    } catch {
      hash.update(`${pkg}@?`);
    }
  }
  return (fingerprint = hash.digest('hex').slice(0, 16));
}

export interface LintedContract extends LintReport {
  /** SHA-256 of the bytes read. */
  sha256: string;
}

/** The lint report of the contract at `source` (path or URL): kept, when these bytes were linted by this code before. */
export async function lintedContract(source: string, cacheDir: string = cacheDirectory('contracts')): Promise<LintedContract> {
  const bytes = await readSource(source);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const file = join(cacheDir, `${sha256}-${codeFingerprint()}.json`);
  try {
    return { ...(JSON.parse(readFileSync(file, 'utf8')) as LintReport), sha256 };
  } catch {
    // Not kept yet (or unreadable): lint it.
  }
  const report = await lintContract(parseContract(bytes, source));
  keep(file, JSON.stringify(report));
  return { ...report, sha256 };
}
