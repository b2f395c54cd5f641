/**
 * @module Builds every artefact of a finished (or crashed) run from its ledger: `summary.json`,
 * `index.html`, `junit.xml` in `reports/<env>/<run-id>/`, one line in `reports/<env>/history.ndjson`,
 * and the `latest` pointer (a symlink plus `latest.json`).
 */
import { existsSync, lstatSync, mkdirSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { appendHistory, trend } from './history.ts';
import { renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';
import type { RunSummary } from './model.ts';
import { summarizeRun, type SummarizeOptions } from './summarize.ts';

export interface BuiltReport {
  summary: RunSummary;
  runDir: string;
  files: { summary: string; html: string; junit: string; history: string };
}

/** Points `<env>/latest` (symlink, where the filesystem allows) and `<env>/latest.json` at a run. */
export function updateLatest(envDir: string, runDirName: string, summary?: RunSummary): void {
  writeFileSync(join(envDir, 'latest.json'), `${JSON.stringify({ runId: summary?.runId ?? runDirName, dir: runDirName, verdict: summary?.verdict ?? null, at: summary?.startedAt ?? null })}\n`);
  const link = join(envDir, 'latest');
  try {
    if (existsSync(link) || lstatSync(link, { throwIfNoEntry: false })) unlinkSync(link);
    symlinkSync(runDirName, link, 'dir');
  } catch {
    // latest.json is the portable pointer; the symlink is a convenience.
  }
}

export async function buildRunReport(runDir: string, options: SummarizeOptions & { warn?: (m: string) => void } = {}): Promise<BuiltReport> {
  const summary = await summarizeRun(runDir, options);
  mkdirSync(runDir, { recursive: true });
  const envDir = dirname(runDir);
  const files = {
    summary: join(runDir, 'summary.json'),
    html: join(runDir, 'index.html'),
    junit: join(runDir, 'junit.xml'),
    history: join(envDir, 'history.ndjson'),
  };
  writeFileSync(files.summary, `${JSON.stringify(summary, null, 2)}\n`);
  const history = appendHistory(files.history, summary, options.warn);
  writeFileSync(files.html, renderHtml(summary, trend(history)));
  writeFileSync(files.junit, renderJunit(summary));
  updateLatest(envDir, basename(runDir), summary);
  return { summary, runDir, files };
}
