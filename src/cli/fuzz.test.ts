/** Self-tests of `broker-conformance fuzz` against the embedded Broker: a clean run, a run against a mutated Broker (repros written, no token in them), bad input. */
import { expect, test } from '@playwright/test';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from './main.ts';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test.describe.configure({ mode: 'serial', timeout: 120_000 });

test('fuzz against the local Broker: a summary per operation, nothing failing, exit 0', async () => {
  const r = await run('fuzz', '--env', 'local', '--seed', '5', '--count', '40');
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^operation\s+requests\s+statuses\s+5xx\s+slowest$/m);
  expect(r.out).toMatch(/^initialize\s+\d+\s+.*400×\d+/m);
  expect(r.out).toContain('seed 5');
  expect(r.out).toContain('no failing request');
});

test('fuzz against a Broker that answers 500 on NUL: exit 1, each failing request a curl repro with its body, tokens masked', async () => {
  const out = mkdtempSync(join(tmpdir(), 'fuzz-'));
  process.env.BROKER_LOCAL_MUTATIONS = '5xx-on-nul';
  try {
    const r = await run('fuzz', '--env', 'local', '--seed', '5', '--count', '0', '--out', out);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^initialize\s+\d+\s+.*500×\d+\s+[1-9]/m);
    expect(r.out).toContain(`curl repros in ${join(out, 'repros.sh')}`);
  } finally {
    delete process.env.BROKER_LOCAL_MUTATIONS;
  }
  const repros = readFileSync(join(out, 'repros.sh'), 'utf8');
  expect(repros).toContain('[nul-in-strings] initialize fileName with NUL: answered 500');
  expect(repros).toMatch(/curl -i -X POST '.*\/broker\/api\/v1\/filetransfer' .*"Authorization: Bearer \$TOKEN" --data-binary '@case-\d+\.body'$/m);
  const failures = JSON.parse(readFileSync(join(out, 'failures.json'), 'utf8')) as { category: string; status: number }[];
  expect(failures.length).toBeGreaterThan(0);
  expect(failures.every((f) => f.category === 'nul-in-strings' && f.status === 500)).toBe(true);
  const bodies = readdirSync(out).filter((f) => f.endsWith('.body')).map((f) => readFileSync(join(out, f), 'utf8'));
  expect(bodies.length).toBe(failures.length - failures.filter((f) => (f as { bodyFile?: string }).bodyFile === undefined).length);
  expect(bodies.every((b) => b.includes('\\u0000') || b.includes('\u0000'))).toBe(true);
  for (const f of readdirSync(out)) expect(readFileSync(join(out, f), 'utf8'), f).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}/);
});

test('fuzz refuses bad input in one line: a bad count, an environment where robustness is opt-in', async () => {
  const bad = await run('fuzz', '--env', 'local', '--count', 'many');
  expect(bad.code).toBe(2);
  expect(bad.err).toBe("broker-conformance: --count must be a non-negative integer, not 'many'");
  const dir = mkdtempSync(join(tmpdir(), 'fuzz-env-'));
  const env = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'config', 'environments', 'local.json'), 'utf8')) as { name: string; kind: string; brokerBaseUrl: string };
  writeFileSync(join(dir, 'shared.json'), JSON.stringify({ ...env, name: 'shared', kind: 'remote', brokerBaseUrl: 'http://127.0.0.1:9' }));
  const optIn = await run('fuzz', '--env', join(dir, 'shared.json'));
  expect(optIn.code).toBe(2);
  expect(optIn.err).toContain('robustness is opt-in on shared');
});
