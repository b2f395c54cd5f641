/**
 * @module The identity and place of a run: one run id shared by the Playwright main process and its
 * workers (set once in playwright.config.ts, inherited through the environment), and the folder
 * `reports/<env>/<run-id>/` its artefacts go to.
 */
import { join, resolve } from 'node:path';

const REPORTS_ROOT = resolve(process.env.BROKER_REPORTS_DIR ?? 'reports');

/** A sortable, filesystem-safe id: `2026-11-22T00-05-32Z-ab12`. */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}-${Math.random().toString(16).slice(2, 6)}`;
}

export function runId(): string {
  process.env.BROKER_RUN_ID ??= newRunId();
  return process.env.BROKER_RUN_ID;
}

export function reportsRoot(): string {
  return REPORTS_ROOT;
}

export function runDirectory(environment: string, id = runId()): string {
  return join(REPORTS_ROOT, environment.replace(/[^a-zA-Z0-9_-]/g, '_'), id);
}
