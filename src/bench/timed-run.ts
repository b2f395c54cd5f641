/** @module One command of a benchmark, timed: spawn to exit, its output kept only as a tail for the error that explains a failure. */
import { spawn } from 'node:child_process';

export interface TimedRun {
  code: number | null;
  /** Wall time, spawn to exit. */
  seconds: number;
  /** The last few kilobytes of stdout and stderr together. */
  tail: string;
}

export async function timedRun([command, args]: [string, string[]], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<TimedRun> {
  const t0 = performance.now();
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (d: Buffer) => (tail = (tail + d.toString()).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const code = await new Promise<number | null>((r) => child.on('close', r));
  return { code, seconds: (performance.now() - t0) / 1000, tail };
}
