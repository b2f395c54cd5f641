/**
 * @module Playwright's own floor: the wall time of a Playwright run of as many tests, in as many files and
 * workers, as the conformance suite had, each test empty, on the suites' base test (Playwright's test
 * without the browser set-up they drop, fixtures/api-test.ts). No harness, no Broker, no reports of ours:
 * what any API suite Playwright runs pays (start-up, listing, workers, a test's bookkeeping, its list
 * reporter). Against the replay it gives the lowest overhead ratio a Playwright-run suite could reach here.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { playwrightCommand } from '../cli/playwright-command.ts';
import { timedRun } from './timed-run.ts';

export interface FloorShape {
  tests: number;
  files: number;
  workers: number | string | undefined;
}

/** Runs the empty suite of that shape once; returns its wall time in seconds (spawn to exit), or throws with its output. */
export async function runPlaywrightFloor(shape: FloorShape): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-floor-'));
  try {
    // By path: the folder is outside the project, and the project's one copy of @playwright/test must be loaded.
    const entry = fileURLToPath(new URL('../../fixtures/api-test.ts', import.meta.url));
    const files = Math.max(1, shape.files);
    for (let f = 0; f < files; f++) {
      const lines = [`import { apiTest as test } from ${JSON.stringify(entry)};`];
      for (let t = f; t < shape.tests; t += files) lines.push(`test('empty ${t}', () => {});`);
      writeFileSync(join(dir, `empty-${f}.spec.ts`), `${lines.join('\n')}\n`);
    }
    const config = join(dir, 'playwright.config.mjs');
    writeFileSync(config, "export default { testDir: '.', reporter: 'list', retries: 0 };\n");
    const args = ['test', '-c', config, ...(shape.workers ? ['--workers', String(shape.workers)] : [])];
    const { code, seconds, tail } = await timedRun(playwrightCommand(args), { cwd: dir, env: { ...process.env, CI: '' } });
    if (code !== 0) throw new Error(`the empty Playwright suite exited ${code}: ${tail}`);
    return Math.round(seconds * 100) / 100;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
