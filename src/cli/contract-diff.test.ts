import { expect, test } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { REFERENCE_CONTRACT_PATH } from '../contract/index.ts';
import { main } from './main.ts';

/** The document a Broker serves about itself, by path or URL (CI sets it); the tests that need it skip without it. */
const SERVED = process.env.BROKER_SERVED_CONTRACT ?? '';
const dir = mkdtempSync(join(tmpdir(), 'cdiff-'));

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function contract(statusEnum: string[]): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    paths: {
      '/things/{id}': {
        get: {
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object', properties: { status: { type: 'string', enum: statusEnum } } } } } } },
        },
      },
    },
  };
}

const before = join(dir, 'before.json');
const afterBreaking = join(dir, 'after.yaml');
const afterFine = join(dir, 'after-fine.json');
writeFileSync(before, JSON.stringify(contract(['Open', 'Closed'])));
writeFileSync(afterBreaking, toYaml(contract(['Open', 'Closed', 'Archived'])));
writeFileSync(afterFine, JSON.stringify(contract(['Open'])));

test('a breaking difference exits 1 and is named with its class and both pointers (JSON against YAML)', async () => {
  const r = await run('contract', 'diff', before, afterBreaking);
  expect(r.code).toBe(1);
  expect(r.out).toMatch(/BREAKING\s+schema\.enum-values-added\s+response 200 application\/json status: new values Archived/);
  expect(r.out).toContain('a /paths/~1things~1{id}/get/responses/200/content/application~1json/schema/properties/status  b /paths/~1things~1{id}/get/responses/200/content/application~1json/schema/properties/status');
  expect(r.out).toContain('1 differences: 1 breaking (1 unexplained), 0 not breaking, 0 explained');
});

test('a non-breaking difference exits 0; --json lists it with its class; --html writes a page', async () => {
  const html = join(dir, 'diff.html');
  const r = await run('contract', 'diff', before, afterFine, '--json', '--html', html);
  expect(r.code).toBe(0);
  const json = JSON.parse(r.out) as { counts: { total: number; breaking: number }; changes: { id: string; breaking: boolean; a: string; b: string }[] };
  expect(json.counts).toMatchObject({ total: 1, breaking: 0 });
  expect(json.changes[0]).toMatchObject({ id: 'schema.enum-values-removed', breaking: false });
  expect(readFileSync(html, 'utf8')).toContain('data-change="schema.enum-values-removed"');
});

test('a URL is read like a file, and a broken document is repaired before it is compared', async () => {
  // The same contract with a trailing comma and its operation outside `paths`: after repair, no difference.
  const broken = JSON.stringify({ ...contract(['Open', 'Closed']), paths: {}, '/things/{id}': (contract(['Open', 'Closed']).paths as Record<string, unknown>)['/things/{id}'] }).replace(/}$/, ',}');
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(broken));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/swagger/v1/swagger.json`;
    const r = await run('contract', 'diff', before, url, '--json');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { counts: { total: number } }).counts.total).toBe(0);
  } finally {
    server.close();
  }
});

test('unusable input is one line and exit 2', async () => {
  const r = await run('contract', 'diff', before, join(dir, 'missing.json'));
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/^broker-conformance: no file at .*missing\.json$/);
  const bad = join(dir, 'bad-explanations.yaml');
  writeFileSync(bad, 'explanations:\n  - id: x\n    match: { change: [schema.renamed] }\n    reason: r\n    citation: c\n');
  const e = await run('contract', 'diff', before, afterFine, '--explanations', bad);
  expect(e.code).toBe(2);
  expect(e.err).toContain('unknown change id schema.renamed');
});

test('reference against served: every difference is either fixed or explained, and no explanation is stale', async () => {
  test.skip(!SERVED || (!/^https?:/.test(SERVED) && !existsSync(SERVED)), 'BROKER_SERVED_CONTRACT does not name the served contract');
  const r = await run('contract', 'diff', REFERENCE_CONTRACT_PATH, SERVED, '--json');
  const json = JSON.parse(r.out) as { counts: { total: number; explained: number }; changes: { id: string; operation: string; location: string; explained?: unknown }[]; unusedExplanations: string[] };
  expect(json.changes.filter((c) => !c.explained).map((c) => `${c.id} ${c.operation} ${c.location}`)).toEqual([]);
  expect(json.unusedExplanations).toEqual([]);
  expect(json.counts.total).toBeGreaterThan(0);
  expect(r.code).toBe(0);
  // Without the explanations the same differences are there, unexplained, and the breaking ones fail the gate.
  const raw = await run('contract', 'diff', REFERENCE_CONTRACT_PATH, SERVED, '--no-explanations', '--json');
  expect((JSON.parse(raw.out) as { counts: { total: number; explained: number } }).counts).toMatchObject({ total: json.counts.total, explained: 0 });
  expect(raw.code).toBe(1);
});
