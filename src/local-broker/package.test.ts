/**
 * @module Self-test of the local Broker as a library: `npm pack` of the project (which builds dist/ in `prepack`)
 * installs into an empty directory, and the plain-JavaScript examples run there, ESM and CommonJS, through the
 * package's `exports`; the TypeScript example type-checks against the shipped declarations without a loader.
 * Offline: the tarball's dependencies are the project's own node_modules, linked package by package (never `.bin`),
 * and npm installs with `--offline --no-package-lock`.
 */
import { expect, test } from '@playwright/test';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Links every installed package of the project (scoped ones one by one) into `target`, leaving npm's own folders out. */
function linkDependencies(target: string): void {
  const source = realpathSync(join(ROOT, 'node_modules'));
  mkdirSync(target, { recursive: true });
  for (const name of readdirSync(source)) {
    if (name.startsWith('.') || name === 'broker-conformance') continue;
    if (name.startsWith('@')) {
      mkdirSync(join(target, name));
      for (const sub of readdirSync(join(source, name))) symlinkSync(join(source, name, sub), join(target, name, sub), 'dir');
    } else symlinkSync(join(source, name), join(target, name), 'dir');
  }
}

test('npm pack installs into an empty directory; the examples run there as ESM and CommonJS, and type-check as TypeScript', async () => {
  test.setTimeout(300_000);
  const work = mkdtempSync(join(tmpdir(), 'local-broker-pack-'));
  try {
    const tarball = execFileSync(NPM, ['pack', '--silent', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      .trim()
      .split('\n')
      .at(-1)!;
    expect(tarball).toMatch(/^broker-conformance-.*\.tgz$/);

    const app = join(work, 'app');
    mkdirSync(app);
    // A TypeScript consumer brings its own compiler and Node types.
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'local-broker-consumer', private: true, devDependencies: { '@types/node': '*', typescript: '*' } }));
    linkDependencies(join(app, 'node_modules'));
    const install = spawnSync(
      NPM,
      ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', '--no-save', join(work, tarball)],
      { cwd: app, encoding: 'utf8' },
    );
    expect(install.status, install.stderr).toBe(0);
    const installed = join(app, 'node_modules', 'broker-conformance', 'dist', 'local-broker');
    for (const file of ['index.js', 'index.d.ts', 'index.cjs', 'index.d.cts', 'default-seed.json']) expect(existsSync(join(installed, file)), file).toBe(true);

    cpSync(join(ROOT, 'examples', 'local-broker'), app, { recursive: true });
    const run = spawnSync(process.execPath, ['--test', 'upload-download.test.mjs', 'upload-download.test.cjs'], { cwd: app, encoding: 'utf8' });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/# pass 2\b/);
    expect(run.stderr).not.toMatch(/ExperimentalWarning/);

    const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc');
    const check = spawnSync(
      process.execPath,
      [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', 'typed-options.example.ts'],
      { cwd: app, encoding: 'utf8' },
    );
    expect(check.status, check.stdout).toBe(0);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
