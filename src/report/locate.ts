/**
 * @module Finds runs on disk: an argument is a run directory path, an environment name (its latest
 * run), or a run id (searched under every environment); loads a run's summary, refusing a newer
 * format version and building it from the ledger when summary.json is missing.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { reportsRoot } from '../ledger/run.ts';
import { SUMMARY_FORMAT_VERSION, type RunSummary } from './model.ts';
import { RunDirectoryError, summarizeRun } from './summarize.ts';

export class UnsupportedFormatError extends Error {
  override name = 'UnsupportedFormatError';
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();
const isRunDir = (p: string) => isDir(p) && (existsSync(join(p, 'summary.json')) || isDir(join(p, 'ledger')));

/** The run `latest` points at in an environment folder. */
export function latestRunDir(envDir: string): string | undefined {
  try {
    const pointer = JSON.parse(readFileSync(join(envDir, 'latest.json'), 'utf8')) as { dir?: string };
    if (pointer.dir && isRunDir(join(envDir, pointer.dir))) return join(envDir, pointer.dir);
  } catch {
    // fall through to the symlink, then to the newest run folder
  }
  const link = join(envDir, 'latest');
  if (isRunDir(link)) return realpathSync(link);
  const runs = isDir(envDir)
    ? readdirSync(envDir)
        .map((n) => join(envDir, n))
        .filter(isRunDir)
        .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs)
    : [];
  return runs.at(-1);
}

export function environmentNames(root = reportsRoot()): string[] {
  return isDir(root) ? readdirSync(root).filter((n) => !n.startsWith('.') && isDir(join(root, n))) : [];
}

/** Resolves `<run dir path | environment | run id>` to a run directory. */
export function resolveRun(arg: string, root = reportsRoot()): string {
  const asPath = resolve(arg);
  if (isRunDir(asPath)) return asPath;
  if (isDir(asPath) && (arg.includes('/') || arg.startsWith('.'))) {
    const latest = latestRunDir(asPath);
    if (latest) return latest;
    throw new RunDirectoryError(`${asPath} is neither a run directory nor an environment folder with runs`);
  }
  const envDir = join(root, arg);
  if (!arg.includes('/') && isDir(envDir)) {
    const latest = latestRunDir(envDir);
    if (latest) return latest;
    throw new RunDirectoryError(`environment ${arg} has no runs under ${root}`);
  }
  for (const env of environmentNames(root)) {
    const candidate = join(root, env, arg);
    if (!arg.includes('/') && isRunDir(candidate)) return candidate;
  }
  throw new RunDirectoryError(`no run directory, environment or run id '${arg}' (looked under ${root})`);
}

export function parseSummary(text: string, where: string): RunSummary {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new RunDirectoryError(`${where} is not valid JSON`);
  }
  const version = (parsed as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version !== 'number' || !Array.isArray((parsed as { checks?: unknown }).checks)) throw new RunDirectoryError(`${where} is not a broker-conformance summary`);
  if (version > SUMMARY_FORMAT_VERSION) throw new UnsupportedFormatError(`${where} has formatVersion ${version}; this version of broker-conformance reads up to ${SUMMARY_FORMAT_VERSION} (upgrade it)`);
  return parsed as RunSummary;
}

export async function loadSummary(runDir: string): Promise<RunSummary> {
  const file = join(runDir, 'summary.json');
  if (existsSync(file)) return parseSummary(readFileSync(file, 'utf8'), file);
  return summarizeRun(runDir, { skipContracts: true });
}
