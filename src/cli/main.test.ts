import { expect, test } from '@playwright/test';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REFERENCE_CONTRACT_PATH } from '../contract/index.ts';
import { main } from './main.ts';

const PUBLISHED = process.env.BROKER_PUBLISHED_CONTRACT ?? join(process.cwd(), '..', 'shared', 'contracts', 'altinn-broker-v1.published.json');
const dir = mkdtempSync(join(tmpdir(), 'cli-'));

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('the reference contract lints clean: exit 0', async () => {
  const r = await run('contract', 'lint', REFERENCE_CONTRACT_PATH);
  expect(r.code).toBe(0);
  expect(r.out).toContain('0 errors, 0 warnings, 0 repairs');
});

test('the published contract has error findings: exit 1, JSON lists them, the repaired document is written', async () => {
  test.skip(!existsSync(PUBLISHED), `published contract not found at ${PUBLISHED}`);
  const repaired = join(dir, 'repaired.json');
  const r = await run('contract', 'lint', PUBLISHED, '--json', '--write-repaired', repaired);
  expect(r.code).toBe(1);
  const json = JSON.parse(r.out) as { stats: { operationsAfterRepair: number }; findings: { id: string; line?: number }[] };
  expect(json.stats.operationsAfterRepair).toBe(12);
  expect(json.findings.find((f) => f.id === 'json.trailing-comma')?.line).toBe(1096);
  // The repaired document is strict JSON and lints without structural defects.
  const again = await run('contract', 'lint', repaired, '--json');
  const ids = (JSON.parse(again.out) as { findings: { id: string }[] }).findings.map((f) => f.id);
  expect(ids.filter((id) => id.startsWith('structure.') || id === 'ref.unresolved' || id === 'json.trailing-comma')).toEqual([]);
  expect(JSON.parse(readFileSync(repaired, 'utf8')).paths).toBeDefined();
});

test('unusable input: one line on stderr, exit 2, no stack trace', async () => {
  const html = join(dir, 'page.html');
  writeFileSync(html, '<html><body>login</body></html>');
  for (const args of [
    ['contract', 'lint', join(dir, 'missing.yaml')],
    ['contract', 'lint', html],
    ['contract', 'lint', 'http://127.0.0.1:9/openapi.json'],
    ['contract', 'lint'],
    ['contract', 'lint', 'x', '--bogus'],
    ['no-such-command'],
  ]) {
    const r = await run(...args);
    expect(r.code, args.join(' ')).toBe(2);
    expect(r.err, args.join(' ')).not.toMatch(/\n\s+at /);
  }
  expect((await run('contract', 'lint', join(dir, 'missing.yaml'))).err).toBe(`broker-conformance: no file at ${join(dir, 'missing.yaml')}`);
});

test('the installed command runs and explains itself', async () => {
  const { stdout } = await promisify(execFile)('node', [join(process.cwd(), 'src', 'cli', 'bin.js'), '--help']);
  expect(stdout).toContain('contract');
  const lint = await promisify(execFile)('node', [join(process.cwd(), 'src', 'cli', 'bin.js'), 'contract', 'lint', '--help']);
  expect(lint.stdout).toContain('--write-repaired <file>');
});

test('--help explains every command and its options', async () => {
  const help = async (...args: string[]) => (await promisify(execFile)('node', [join(process.cwd(), 'src', 'cli', 'bin.js'), ...args, '--help'])).stdout;
  const top = await help();
  for (const command of ['contract', 'run', 'report']) expect(top).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  const run = await help('run');
  for (const option of ['--env <name|file>', '--grep <regex>', '--contract <path|url>', '--workers <n>', '--strict']) expect(run).toContain(option);
  expect(run.replace(/\s+/g, " ")).toContain("Exit 0 on PASS, 1 on FAIL or INCOMPLETE, 2 on bad input");
  const report = await help('report');
  for (const command of ['open', 'diff', 'build']) expect(report).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  expect(await help('report', 'diff')).toContain('--html <file>');
  expect(await help('report', 'open')).toContain('--open');
});

test('requirements lists the catalogue with statements and citations, filtered by id prefix; --json adds the source link', async () => {
  const text = await run('requirements', 'lc-confirm');
  expect(text.code).toBe(0);
  expect(text.out).toMatch(/^LC-CONFIRM-003 +a repeated confirm while still Published is a 204 no-op\n +Altinn\/altinn-broker@161ba122:src\/Altinn\.Broker\.Application\/ConfirmDownload\/ConfirmDownloadHandler\.cs#L\d+$/m);
  expect(text.out).not.toContain('LC-HAPPY-001');
  const json = await run('requirements', 'AUTH-001', 'EVT', '--json');
  const list = JSON.parse(json.out) as { id: string; statement: string; citation: string; url: string }[];
  expect(list.map((r) => r.id)).toEqual(expect.arrayContaining(['AUTH-001', 'EVT-001', 'EVT-008']));
  expect(list.every((r) => r.id === 'AUTH-001' || r.id.startsWith('EVT'))).toBe(true);
  expect(list.find((r) => r.id === 'AUTH-001')?.url).toMatch(/^https:\/\/github\.com\/Altinn\/altinn-broker\/blob\/161ba1223862bb420022844eed09ff48c83a3840\/src\/.+#L\d+$/);
});

test('requirements with a prefix no id has: one line naming the areas, exit 2', async () => {
  const r = await run('requirements', 'NOPE');
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/^broker-conformance: no requirement id starts with 'NOPE' \(areas: LC, .*\bEVT\b.*\)$/);
});
