/** @module Times the self-tests as CI runs them (`npm test`), reading Playwright's closing counts. */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timedRun } from './timed-run.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export async function benchSelfTest(): Promise<{ selfTestSeconds: number; passed: number; failed: number }> {
  const { seconds, tail } = await timedRun(['npm', ['test', '--', '--reporter=line']], { cwd: ROOT, env: { ...process.env, CI: 'true' } });
  // The closing counts are the last lines Playwright prints.
  const count = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(tail)?.[1] ?? 0);
  return { selfTestSeconds: Math.round(seconds * 10) / 10, passed: count('passed'), failed: count('failed') };
}
