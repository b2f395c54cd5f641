/** @module `broker-conformance contract diff`: the differences as text or JSON, optionally an HTML page; exit 1 on an unexplained breaking one. */
import { writeFileSync } from 'node:fs';
import { diffContractSources, isReferenceContract, SERVED_EXPLANATIONS_PATH, type DiffResult } from '../contract/contract-diff.ts';
import type { ContractDiff } from '../contract/diff.ts';
import { REFERENCE_CONTRACT_PATH } from '../contract/index.ts';
import { contractDiffPage } from '../report/contract-diff-html.ts';
import { EXIT_NONCONFORMANT, EXIT_OK } from './exit-codes.ts';

export interface DiffOptions {
  json?: boolean;
  html?: string;
  /** A file path, or `false` (from `--no-explanations`). */
  explanations?: string | false;
}

/** Text: one block per operation, one line per difference with its class, then both pointers. */
export function diffText(diff: ContractDiff, unused: string[] = []): string {
  const lines: string[] = [`a: ${diff.a}`, `b: ${diff.b}`];
  let operation = '';
  for (const c of diff.changes) {
    if (c.operation !== operation) {
      operation = c.operation;
      lines.push('', operation);
    }
    const klass = c.explained ? 'explained' : c.breaking ? 'BREAKING' : 'ok';
    lines.push(`  ${klass.padEnd(9)} ${c.id.padEnd(34)} ${c.location}: ${c.message}`);
    lines.push(`  ${''.padEnd(9)} a ${c.a ?? '—'}  b ${c.b ?? '—'}`);
    if (c.explained) lines.push(`  ${''.padEnd(9)} ${c.explained.rule}: ${c.explained.reason} (${c.explained.citation})`);
  }
  const { counts } = diff;
  lines.push(
    '',
    `${counts.total} differences: ${counts.breaking} breaking (${counts.unexplainedBreaking} unexplained), ${counts.nonBreaking} not breaking, ${counts.explained} explained`,
  );
  if (unused.length > 0) lines.push(`explanations that matched nothing (the difference is gone): ${unused.join(', ')}`);
  return lines.join('\n');
}

export async function contractDiff(a: string, b: string, options: DiffOptions, out: (s: string) => void): Promise<number> {
  // The reconciliation of the reference contract with the served document applies by default when `a` is the reference.
  const explanations = options.explanations === false ? undefined : options.explanations ?? (isReferenceContract(a, REFERENCE_CONTRACT_PATH) ? SERVED_EXPLANATIONS_PATH : undefined);
  const result: DiffResult = await diffContractSources(a, b, { explanations });
  if (options.html) writeFileSync(options.html, contractDiffPage(result.diff));
  if (options.json) {
    out(JSON.stringify({ ...result.diff, sha256: result.sha256, explanations: explanations ?? null, unusedExplanations: result.unusedExplanations }, null, 2));
  } else {
    out(diffText(result.diff, result.unusedExplanations));
    if (options.html) out(`HTML written to ${options.html}`);
  }
  return result.diff.counts.unexplainedBreaking > 0 ? EXIT_NONCONFORMANT : EXIT_OK;
}
