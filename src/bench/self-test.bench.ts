/** @module Times the self-tests as CI runs them (`npm test`), reading Playwright's closing counts. */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export async function benchSelfTest(): Promise<{ selfTestSeconds: number; passed: number; failed: number }> {
  const t0 = performance.now();
  const child = spawn('npm', ['test', '--', '--reporter=line'], { cwd: ROOT, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  child.stderr.on('data', () => undefined);
  await new Promise((r) => child.on('close', r));
  const selfTestSeconds = Math.round((performance.now() - t0) / 100) / 10;
  const count = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(out)?.[1] ?? 0);
  return { selfTestSeconds, passed: count('passed'), failed: count('failed') };
}
