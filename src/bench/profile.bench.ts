/**
 * @module Benchmark of a tt02-shaped night: the whole conformance run against the local Broker behind
 * the tt02 gateway profile (`--env local-tt02-profile`: tt02's rate limits and polling budget), through
 * the CLI as a nightly job runs it. Reports the wall time beside the lower bound the rate limits allow
 * for the calls it made, and every 429 it met (the harness plans none).
 */
import { timedRun } from './timed-run.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunSummary } from '../report/model.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const ENVIRONMENT = 'local-tt02-profile';

export interface ProfileRun {
  /** The CLI's wall time, start to exit, reports included. */
  profileSeconds: number;
  profileLowerBoundSeconds: number;
  unplanned429: number;
  profileVerdict: string;
  profileCalls: Record<string, number>;
}

export async function benchProfile(): Promise<ProfileRun> {
  const reportsDir = mkdtempSync(join(tmpdir(), 'bench-profile-'));
  const id = `bench-profile-${Date.now()}`;
  const env: NodeJS.ProcessEnv = { ...process.env, BROKER_REPORTS_DIR: reportsDir, BROKER_RUN_ID: id };
  for (const k of ['BROKER_LOCAL_MUTATIONS', 'BROKER_FAULTS', 'BROKER_ENV_FILE']) delete env[k];
  try {
    const { code, seconds, tail } = await timedRun([process.execPath, ['src/cli/bin.js', 'run', '--env', ENVIRONMENT]], { cwd: ROOT, env });
    const profileSeconds = Math.round(seconds * 10) / 10;
    let summary: RunSummary;
    try {
      summary = JSON.parse(readFileSync(join(reportsDir, ENVIRONMENT, id, 'summary.json'), 'utf8')) as RunSummary;
    } catch {
      throw new Error(`the profile run wrote no summary (exit ${code}): ${tail}`);
    }
    if (!summary.pacing) throw new Error(`the profile run's summary has no pacing block (exit ${code})`);
    return {
      profileSeconds,
      profileLowerBoundSeconds: summary.pacing.lowerBoundSeconds,
      unplanned429: summary.pacing.unplanned429,
      profileVerdict: summary.verdict,
      profileCalls: summary.pacing.calls,
    };
  } finally {
    rmSync(reportsDir, { recursive: true, force: true });
  }
}
