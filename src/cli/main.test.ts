import { expect, test } from '@playwright/test';
import { MUTATIONS } from '../local-broker/mutations.ts';
import { closedLoopbackPort, staticTokenEnvironment } from '../config/testing.ts';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

// The texts come from the CLI in-process (the installed command's own --help is run by the test above):
// five more child processes would only repeat its start-up.
test('--help explains every command and its options', async () => {
  const help = async (...args: string[]) => {
    const r = await run(...args, '--help');
    expect(r.code, args.join(' ')).toBe(0);
    return r.out;
  };
  const top = await help();
  for (const command of ['contract', 'run', 'doctor', 'report']) expect(top).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  const runHelp = await help('run');
  for (const option of ['--env <name|file>', '--grep <regex>', '--contract <path|url>', '--workers <n>', '--strict', '--no-preflight']) expect(runHelp).toContain(option);
  expect(runHelp.replace(/\s+/g, " ")).toContain("Exit 0 on PASS, 1 on FAIL or INCOMPLETE, 2 on bad input");
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

/** The installed command in a child process with exactly these variables (plus PATH), reports in a fresh folder. */
function bin(args: string[], vars: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string; reports: string }> {
  const reports = mkdtempSync(join(tmpdir(), 'cli-reports-'));
  return new Promise((resolve) => {
    const child = spawn('node', [join(process.cwd(), 'src', 'cli', 'bin.js'), ...args], { cwd: process.cwd(), env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', BROKER_REPORTS_DIR: reports, ...vars } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, out, err, reports }));
  });
}

test('run --env tt02 with the organisations and resource set but no secrets: exit 2 before Playwright starts, all three Maskinporten variables named, nothing written', async () => {
  const r = await bin(['run', '--env', 'tt02'], { BROKER_SENDER_ORG: '991825827', BROKER_RECIPIENT_ORG: '986252932', BROKER_RESOURCE_ID: 'my-resource' });
  expect(r.code, r.err).toBe(2);
  // Quick because nothing is started: no Playwright, no network (the configuration is checked first).
  expect(r.out).not.toContain('npx playwright');
  const lines = r.err.trim().split('\n');
  for (const variable of ['BROKER_MASKINPORTEN_CLIENT_ID', 'BROKER_MASKINPORTEN_PRIVATE_KEY', 'BROKER_MASKINPORTEN_KID']) {
    expect(lines.filter((l) => l.includes(variable)), variable).toHaveLength(1);
  }
  expect(lines.at(-1)).toBe('broker-conformance: run not started: 3 preflight problem(s); nothing was written (check again with: broker-conformance doctor --env tt02)');
  expect(r.err).not.toMatch(/\n\s+at /);
  expect(readdirSync(r.reports), 'no run directory, no history, no latest').toEqual([]);
});

test('doctor lists every problem at once and exits 2; an unknown mutation stops a run in one line', async () => {
  const doc = await bin(['doctor', '--env', 'tt02']);
  expect(doc.code).toBe(2);
  expect(doc.err.trim().split('\n').filter((l) => l.startsWith('problem  '))).toHaveLength(6);
  expect(doc.out).toContain('doctor tt02: 6 problem(s); a run would stop before its first test');

  const mutated = await bin(['run', '--env', 'local', '--grep', 'LC-HAPPY-001'], { BROKER_LOCAL_MUTATIONS: 'confirm-answers-200' });
  expect(mutated.code).toBe(2);
  expect(mutated.err.trim().split('\n')[0]).toBe(
    `broker-conformance: preflight: unknown local-Broker mutation 'confirm-answers-200' (known: ${Object.keys(MUTATIONS).join(', ')})`,
  );
  expect(readdirSync(mutated.reports)).toEqual([]);
});

test('--version prints the version of package.json and exits 0', async () => {
  const version = (JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { version: string }).version;
  for (const flag of ['--version', '-V']) {
    const r = await run(flag);
    expect(r.code).toBe(0);
    expect(r.out).toBe(version);
  }
});

test('run against a custom environment at a closed loopback port: the preflight says the Broker is unreachable, exit 2, nothing written', async () => {
  const port = await closedLoopbackPort();
  const envFile = staticTokenEnvironment({ name: 'closed-port', description: 'a Broker that is not there', brokerBaseUrl: `http://127.0.0.1:${port}`, tokenEnv: 'CLOSED_PORT_TOKEN', dir });
  const r = await bin(['run', '--env', envFile], { CLOSED_PORT_TOKEN: 'opaque-test-token' });
  expect(r.code, r.err).toBe(2);
  expect(r.err.trim().split('\n')).toEqual([
    `broker-conformance: preflight: the Broker at http://127.0.0.1:${port} is unreachable: connection refused (ECONNREFUSED)`,
    `broker-conformance: run not started: 1 preflight problem(s); nothing was written (check again with: broker-conformance doctor --env ${envFile})`,
  ]);
  expect(r.out).not.toContain('npx playwright');
  expect(readdirSync(r.reports)).toEqual([]);
});

test('a bare `playwright test --project=tt02` without the secrets stops in its global setup: every variable named, exit 2, nothing written', async () => {
  const reports = mkdtempSync(join(tmpdir(), 'bare-'));
  const vars = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', BROKER_REPORTS_DIR: reports, BROKER_SENDER_ORG: '991825827', BROKER_RECIPIENT_ORG: '986252932', BROKER_RESOURCE_ID: 'my-resource' };
  const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
    const child = spawn('npx', ['playwright', 'test', '--project=tt02', '--reporter=line'], { cwd: process.cwd(), env: vars });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, err }));
  });
  expect(r.code, r.err).toBe(2);
  const lines = r.err.trim().split('\n').filter((l) => l.startsWith('broker-conformance: '));
  expect(lines.filter((l) => /BROKER_MASKINPORTEN_(CLIENT_ID|PRIVATE_KEY|KID) is not set/.test(l))).toHaveLength(3);
  expect(lines.at(-1)).toBe('broker-conformance: no test started: 3 preflight problem(s) (check with: npx broker-conformance doctor --env tt02)');
  expect(readdirSync(reports)).toEqual([]);
});

test('run --workers takes a number or a share of the cores; anything else is one line, exit 2, before Playwright starts', async () => {
  for (const workers of ['0', 'lots', '150%', '-1']) {
    const r = await run('run', '--env', 'local', '--workers', workers);
    expect(r.code, workers).toBe(2);
    expect(r.err, workers).toBe(`broker-conformance: --workers must be a positive integer or a share of the cores (e.g. 50%), not '${workers}'`);
  }
});
