/**
 * Self-tests of what Playwright's main process loads before a worker starts. Everything it imports
 * there (the config, the global setup, every suite to list the tests) is paid once per run, one step
 * after another, before any test: the harness's libraries for checking, signing, sending and parsing
 * (AJV, jose, undici, YAML, JSON5) and the local Broker belong to the workers and to the commands that
 * use them. A module that starts importing one of them again at the top fails here, by name.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, test } from '@playwright/test';
import { playwrightCommand } from '../../src/cli/playwright-command.ts';
import { loadEnvironment } from '../../src/config/index.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/**
 * What the main process must not load (before its workers, or in its global setup). AJV's compiler, not
 * its runtime: a kept environment validator needs only the runtime. The local Broker's server, not its
 * list of mutation names, which the preflight checks.
 */
const WORKER_ONLY = [
  'node_modules/ajv/dist/core.js',
  'node_modules/ajv-formats/dist/index.js',
  'node_modules/yaml/',
  'node_modules/json5/',
  'node_modules/jose/',
  'node_modules/undici/',
  'src/local-broker/index.ts',
  'src/local-broker/server.ts',
  'src/platform/',
  'src/contract/compile.ts',
  'src/auth/',
];

/**
 * A preload that records every module the process resolves (ESM, through a resolve hook) and every
 * CommonJS module in its cache at exit, one file URL a line.
 */
const RECORDER = `
import { register, createRequire } from 'node:module';
import { appendFileSync } from 'node:fs';
const out = process.env.LOADED_OUT;
register('data:text/javascript,' + encodeURIComponent(\`import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(\${JSON.stringify(out)}, r.url + '\\\\n');
  return r;
}\`));
process.on('exit', () => appendFileSync(out, Object.keys(createRequire(import.meta.url).cache).map((k) => 'file://' + k + '\\n').join('')));
`;

/** Runs `command` with the recorder preloaded; returns the project-relative paths of what it loaded. */
function loadedBy(command: [string, string[]], env: NodeJS.ProcessEnv = {}): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'main-imports-'));
  try {
    const recorder = join(dir, 'recorder.mjs');
    const out = join(dir, 'loaded.txt');
    writeFileSync(recorder, RECORDER);
    writeFileSync(out, '');
    const [bin, args] = command;
    const r = spawnSync(bin, args, {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ...env, LOADED_OUT: out, NODE_OPTIONS: `--import ${pathToFileURL(recorder).href}` },
    });
    expect(r.status, `${args.join(' ')} exited ${r.status}: ${r.stderr}`).toBe(0);
    const prefix = pathToFileURL(ROOT).href + '/';
    const loaded = [...new Set(readFileSync(out, 'utf8').split('\n').filter((u) => u.startsWith(prefix)).map((u) => u.slice(prefix.length)))];
    expect(loaded.length, 'the recorder saw the process load modules').toBeGreaterThan(10);
    return loaded;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const workerOnly = (loaded: string[]) => loaded.filter((path) => WORKER_ONLY.some((w) => path.includes(w)));

test('listing the conformance suites loads none of the workers’ libraries nor the local Broker', () => {
  // The list reporter alone: the conformance reporter loads the report builders once tests run, off this path.
  const loaded = loadedBy(playwrightCommand(['test', '--project=local', '--list', '--reporter=list']));
  expect(loaded, 'the suites themselves were listed').toContain('fixtures/index.ts');
  expect(workerOnly(loaded)).toEqual([]);
});

test('the global setup (the configuration half of the preflight) loads none of them either', () => {
  loadEnvironment('local'); // keeps the environment validator, as every run's first process does
  const script = `const setup = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'fixtures/preflight-setup.ts')).href)}); setup.default();`;
  const loaded = loadedBy([process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]], { BROKER_PREFLIGHT_DONE: '', BROKER_NO_PREFLIGHT: '' });
  expect(loaded, 'the preflight ran').toContain('src/preflight/configuration.ts');
  expect(workerOnly(loaded)).toEqual([]);
});

test('the recorder sees what a module loads: the whole preflight (with token checks) loads jose', () => {
  const script = `await import(${JSON.stringify(pathToFileURL(join(ROOT, 'src/preflight/index.ts')).href)});`;
  expect(workerOnly(loadedBy([process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]]))).toContain('node_modules/jose/dist/webapi/index.js');
});
