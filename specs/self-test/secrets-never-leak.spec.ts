/**
 * Self-test of DESIGN principle 5: after a full conformance run with known fake secrets set, nothing
 * under reports/ and nothing on the console contains them, nor any bearer token (JWT) issued.
 */
import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEnvironment } from '../../src/config/index.ts';
import { playwrightCommand } from '../../src/cli/playwright-command.ts';

const FAKE_APIM_KEY = 'fake-apim-subscription-key-5ecret-7Q2x';
const FAKE_PRIVATE_KEY = '-----BEGIN PRIVATE KEY-----\nMIIFAKEFAKEFAKEkeymaterialthatmustneverappear0123456789\n-----END PRIVATE KEY-----';
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/;

/** Every place a secret or a token shows up: `[where, what]`. */
function leaks(artefacts: { f: string; text: string }[]): [string, string][] {
  return artefacts.flatMap(({ f, text }) => [
    ...(text.includes(FAKE_APIM_KEY) ? [[f, 'APIM key'] as [string, string]] : []),
    ...(text.includes('MIIFAKEFAKEFAKE') ? [[f, 'private key'] as [string, string]] : []),
    ...(JWT.test(text) ? [[f, 'bearer token'] as [string, string]] : []),
  ]);
}

test('the leak scan itself finds a planted key, token or APIM key', () => {
  const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzY29wZSI6ImFsdGlubjpicm9rZXIucmVhZCJ9.c2lnbmF0dXJl';
  expect(leaks([{ f: 'a', text: `x ${FAKE_APIM_KEY} y` }, { f: 'b', text: FAKE_PRIVATE_KEY }, { f: 'c', text: `Bearer ${token}` }, { f: 'd', text: 'clean' }])).toEqual([
    ['a', 'APIM key'],
    ['b', 'private key'],
    ['c', 'bearer token'],
  ]);
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

test('a full local run leaves no secret in reports or console output', async () => {
  test.setTimeout(240_000);
  const work = mkdtempSync(join(tmpdir(), 'leak-scan-'));
  const reports = join(work, 'reports');
  const envFile = join(work, 'leaky.json');
  // The local environment, plus an APIM key (sent on every request) read from a variable.
  writeFileSync(envFile, JSON.stringify({ ...loadEnvironment('local'), name: 'leak-scan', apimSubscriptionKeyEnv: 'BROKER_APIM_SUBSCRIPTION_KEY' }));
  // The project's own reporters (no --reporter, which would replace them): the report files are what is scanned.
  const child = spawn(...playwrightCommand(['test', '--project=custom']), {
    cwd: process.cwd(),
    env: {
      ...process.env,
      BROKER_ENV_FILE: envFile,
      BROKER_REPORTS_DIR: reports,
      BROKER_RUN_ID: 'leak-scan',
      BROKER_APIM_SUBSCRIPTION_KEY: FAKE_APIM_KEY,
      BROKER_MASKINPORTEN_PRIVATE_KEY: FAKE_PRIVATE_KEY,
      PLAYWRIGHT_HTML_OPEN: 'never',
      // The outside contracts (set in CI) hold no secret; only the harness's own artefacts are scanned.
      BROKER_PUBLISHED_CONTRACT: '',
      BROKER_SERVED_CONTRACT: '',
    },
  });
  let console = '';
  child.stdout.on('data', (d: Buffer) => (console += d.toString()));
  child.stderr.on('data', (d: Buffer) => (console += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(console, 'the nested run must have run tests').toMatch(/\d+ passed/);
  expect(code, console.slice(-2000)).toBe(0);

  const files = filesUnder(reports);
  // Every kind of artefact a run leaves must be among the scanned, or the scan proves less than it says.
  for (const kind of [/\/ledger\/worker-[^/]+\.ndjson$/, /\/summary\.json$/, /\/index\.html$/, /\/junit\.xml$/, /\/allure-results\/[^/]+-result\.json$/, /history/]) {
    expect(files.some((f) => kind.test(f)), `the run wrote no file matching ${kind}`).toBe(true);
  }
  const artefacts = files.map((f) => ({ f, text: readFileSync(f, 'utf8') }));
  // The APIM key really was used (masked) — otherwise this test would prove nothing.
  expect(artefacts.some(({ text }) => /ocp-apim-subscription-key":"\[REDACTED\]"/i.test(text))).toBe(true);
  expect(leaks([...artefacts, { f: 'console', text: console }])).toEqual([]);
});
