/**
 * @module Night to night: the served contract a run kept in its folder, compared with the copy of
 * the latest earlier run of the same environment that kept one. The summary and the HTML report
 * say what changed, each difference classed as `contract diff` classes it.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { diffDocuments, withCounts, type ContractDiff } from '../contract/diff.ts';
import { lintContract } from '../contract/lint.ts';
import { parseContract } from '../contract/load.ts';
import { servedCopyIn } from '../contract/served-contract.ts';
import { contractDiffSection } from './contract-diff-html.ts';
import { esc } from './html.ts';

export interface ServedContractSummary {
  /** The copy's file name in the run folder. */
  file: string;
  sha256: string;
  /** The latest earlier run of this environment that kept a served contract. */
  previous: { runId: string; sha256: string } | null;
  /** What changed since `previous` (no changes when the bytes are the same); null without a previous run or when unreadable. */
  changes: ContractDiff | null;
  /** Why the comparison could not be made. */
  error?: string;
}

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function previousRunWithCopy(runDir: string): string | undefined {
  const envDir = dirname(runDir);
  const current = basename(runDir);
  let names: string[];
  try {
    names = readdirSync(envDir, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name < current).map((d) => d.name);
  } catch {
    return undefined;
  }
  // Run ids sort by start time.
  return names.sort().reverse().map((n) => join(envDir, n)).find((dir) => servedCopyIn(dir));
}

async function repaired(bytes: Buffer, source: string): Promise<Record<string, unknown>> {
  return (await lintContract(parseContract(bytes, source))).repaired;
}

/** The run's served contract and its change since the previous run; null when the run kept none. */
export async function servedContractSummary(runDir: string): Promise<ServedContractSummary | null> {
  const copy = servedCopyIn(runDir);
  if (!copy) return null;
  const bytes = readFileSync(copy);
  const base: ServedContractSummary = { file: basename(copy), sha256: sha(bytes), previous: null, changes: null };
  const prevDir = previousRunWithCopy(runDir);
  if (!prevDir) return base;
  const prevCopy = servedCopyIn(prevDir)!;
  const prevBytes = readFileSync(prevCopy);
  const previous = { runId: basename(prevDir), sha256: sha(prevBytes) };
  const names = { a: `run ${previous.runId}`, b: `run ${basename(runDir)}` };
  if (previous.sha256 === base.sha256) return { ...base, previous, changes: withCounts({ ...names, changes: [] }) };
  try {
    return { ...base, previous, changes: diffDocuments(await repaired(prevBytes, prevCopy), await repaired(bytes, copy), names) };
  } catch (e) {
    return { ...base, previous, error: `the served contracts could not be compared: ${(e as Error).message.split('\n')[0]}` };
  }
}

/** One line for the console and CI logs; undefined when there is nothing to say. */
export function servedChangeLine(s: ServedContractSummary | null | undefined): string | undefined {
  if (!s?.previous) return undefined;
  if (s.error) return `served contract: ${s.error}`;
  const c = s.changes!.counts;
  if (c.total === 0) return undefined;
  return `served contract changed since run ${s.previous.runId}: ${c.total} differences, ${c.breaking} breaking for clients`;
}

/** The HTML report's section. */
export function servedChangesSection(s: ServedContractSummary | null | undefined): string {
  if (!s) return '';
  const title = 'Served contract: changes since the last run';
  if (!s.previous) return `<section id="served-contract"><h2>${title}</h2><p class="muted">${esc(s.file)} <code>${esc(s.sha256.slice(0, 12))}</code>: no earlier run kept one to compare with.</p></section>`;
  if (s.error || !s.changes) return `<section id="served-contract"><h2>${title}</h2><p>${esc(s.error ?? 'not compared')}</p></section>`;
  if (s.changes.counts.total === 0) return `<section id="served-contract"><h2>${title}</h2><p>Unchanged since run <code>${esc(s.previous.runId)}</code>.</p></section>`;
  return contractDiffSection(s.changes, title, 'served-contract');
}
