/** @module `broker-conformance report open|diff|build`: find a run's page, compare two runs, rebuild a run's reports from its ledger. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { reportsRoot } from '../ledger/run.ts';
import { buildRunReport } from '../report/build.ts';
import { diffSummaries, renderDiffHtml, renderDiffText } from '../report/diff.ts';
import { readHistory, trend } from '../report/history.ts';
import { renderMarkdown } from '../report/markdown.ts';
import { environmentNames, latestRunDir, loadSummary, resolveRun } from '../report/locate.ts';
import { RunDirectoryError } from '../report/summarize.ts';
import { EXIT_OK } from './exit-codes.ts';

type Io = { out: (s: string) => void; err: (s: string) => void };

function defaultRun(): string {
  const root = reportsRoot();
  const latest = environmentNames(root)
    .map((env) => latestRunDir(join(root, env)))
    .filter((d): d is string => !!d)
    .sort((a, b) => a.localeCompare(b));
  if (latest.length === 0) throw new RunDirectoryError(`no runs under ${root}`);
  return environmentNames(root).includes('local') && latestRunDir(join(root, 'local')) ? latestRunDir(join(root, 'local'))! : latest.at(-1)!;
}

export async function reportOpen(target: string | undefined, options: { open?: boolean }, io: Io): Promise<number> {
  const runDir = target ? resolveRun(target) : defaultRun();
  const html = join(runDir, 'index.html');
  if (!existsSync(html)) throw new RunDirectoryError(`no index.html in ${runDir} (rebuild it with: broker-conformance report build ${runDir})`);
  io.out(html);
  if (options.open) {
    const has = spawnSync('sh', ['-c', 'command -v xdg-open'], { encoding: 'utf8' }).status === 0;
    if (has) spawn('xdg-open', [html], { detached: true, stdio: 'ignore' }).unref();
    else io.err('broker-conformance: xdg-open is not available; open the path above in a browser');
  }
  return EXIT_OK;
}

export async function reportDiff(a: string, b: string, options: { html?: string; json?: boolean }, io: Io): Promise<number> {
  const before = await loadSummary(resolveRun(a));
  const after = await loadSummary(resolveRun(b));
  const diff = diffSummaries(before, after);
  io.out(options.json ? JSON.stringify(diff, null, 2) : renderDiffText(diff));
  if (options.html) {
    writeFileSync(options.html, renderDiffHtml(diff));
    if (!options.json) io.out(`diff written to ${options.html}`);
  }
  return EXIT_OK;
}

export async function reportBuild(target: string, io: Io): Promise<number> {
  const built = await buildRunReport(resolveRun(target), { warn: io.err });
  io.out(`${built.summary.verdict}: ${built.files.html}`);
  return EXIT_OK;
}

/** `report summary`: the run as Markdown for a CI step summary, with the new failures against the environment's previous run. */
export async function reportSummary(target: string, options: { artifact?: string }, io: Io): Promise<number> {
  const runDir = resolveRun(target);
  const summary = await loadSummary(runDir);
  const history = readHistory(join(dirname(runDir), 'history.ndjson'), io.err);
  const point = trend(history, Number.MAX_SAFE_INTEGER).find((p) => p.runId === summary.runId);
  // Inside an artifact of the environment's folder the report sits at <run-id>/index.html.
  const report = options.artifact ? join(basename(runDir), 'index.html') : join(runDir, 'index.html');
  io.out(renderMarkdown(summary, point, { report, ...(options.artifact ? { artifact: options.artifact } : {}) }).trimEnd());
  return EXIT_OK;
}
