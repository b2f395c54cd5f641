/**
 * @module How the harness starts Playwright: this Node running the installed `@playwright/test`
 * CLI. Not `npx playwright`, which spends about a second resolving the package before Playwright
 * starts and does not pass SIGTERM on.
 */
import { createRequire } from 'node:module';

const PLAYWRIGHT_CLI = createRequire(import.meta.url).resolve('@playwright/test/cli');

/** Command and arguments for `playwright <args>`, for `spawn`. */
export function playwrightCommand(args: readonly string[]): [string, string[]] {
  return [process.execPath, [PLAYWRIGHT_CLI, ...args]];
}
