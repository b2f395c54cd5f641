import { expect, test } from '@playwright/test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import addFormatsModule from 'ajv-formats';
import { recordServedNote } from '../contract/served-contract.ts';
import { servedChangeLine, servedChangesSection, servedContractSummary } from './served-changes.ts';
import { summarizeRun } from './summarize.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

function served(statusValues: string[], withSize = true): string {
  return JSON.stringify({
    openapi: '3.0.4',
    info: { title: 'served', version: 'v1' },
    paths: {
      '/broker/api/v1/filetransfer/{fileTransferId}': {
        get: {
          responses: {
            '200': { description: 'OK', content: { 'application/json': { schema: { $ref: '#/components/schemas/Overview' } } } },
            '404': { description: 'Not Found' },
          },
        },
      },
    },
    components: {
      schemas: {
        Overview: {
          type: 'object',
          properties: { status: { type: 'string', enum: statusValues }, ...(withSize ? { fileTransferSize: { type: 'integer', format: 'int64' } } : {}) },
        },
      },
    },
  });
}

/** reports/<env>/ with runs in id order; a run with `undefined` kept no served contract. */
function envWithRuns(runs: [string, string | undefined][]): string {
  const envDir = mkdtempSync(join(tmpdir(), 'served-nights-'));
  for (const [id, doc] of runs) {
    mkdirSync(join(envDir, id));
    if (doc !== undefined) writeFileSync(join(envDir, id, 'served-contract.json'), doc);
  }
  return envDir;
}

const schema = JSON.parse(readFileSync(join(process.cwd(), 'src', 'report', 'summary.schema.json'), 'utf8')) as Record<string, unknown>;
const ajv = new Ajv2020({ allErrors: true, strict: false, logger: false });
ajv.addSchema(schema, 'summary');
const validServed = ajv.compile({ $ref: 'summary#/properties/servedContract' });

test('tonight against the last run that kept one: what changed, classed, with pointers on both sides', async () => {
  const envDir = envWithRuns([
    ['2026-12-01T00-00-00Z-aaaa', served(['Initialized', 'Published'])],
    ['2026-12-02T00-00-00Z-bbbb', undefined],
    ['2026-12-03T00-00-00Z-cccc', served(['Initialized', 'Published', 'Purged'], false)],
  ]);
  const s = (await servedContractSummary(join(envDir, '2026-12-03T00-00-00Z-cccc')))!;
  expect(s.previous?.runId).toBe('2026-12-01T00-00-00Z-aaaa');
  expect(s.changes?.changes.map((c) => [c.id, c.breaking, c.a, c.b])).toEqual([
    ['schema.enum-values-added', true, '/components/schemas/Overview/properties/status', '/components/schemas/Overview/properties/status'],
    ['schema.property-removed', true, '/components/schemas/Overview/properties/fileTransferSize', '/components/schemas/Overview'],
  ]);
  expect(servedChangeLine(s)).toBe('served contract changed since run 2026-12-01T00-00-00Z-aaaa: 2 differences, 2 breaking for clients');
  const html = servedChangesSection(s);
  expect(html).toContain('<section id="served-contract"');
  expect(html).toContain('data-change="schema.property-removed" data-breaking="true"');
  expect(validServed(s), JSON.stringify(validServed.errors)).toBe(true);
});

test('an unchanged document, a first run, and a run that kept none each say so', async () => {
  const same = served(['Initialized']);
  const envDir = envWithRuns([
    ['2026-12-01T00-00-00Z-aaaa', same],
    ['2026-12-02T00-00-00Z-bbbb', same],
    ['2026-12-03T00-00-00Z-cccc', undefined],
  ]);
  const unchanged = (await servedContractSummary(join(envDir, '2026-12-02T00-00-00Z-bbbb')))!;
  expect(unchanged.changes?.counts.total).toBe(0);
  expect(servedChangeLine(unchanged)).toBeUndefined();
  expect(servedChangesSection(unchanged)).toContain('Unchanged since run <code>2026-12-01T00-00-00Z-aaaa</code>');
  const first = (await servedContractSummary(join(envDir, '2026-12-01T00-00-00Z-aaaa')))!;
  expect(first).toMatchObject({ previous: null, changes: null });
  expect(servedChangesSection(first)).toContain('no earlier run kept one');
  expect(await servedContractSummary(join(envDir, '2026-12-03T00-00-00Z-cccc'))).toBeNull();
  for (const s of [unchanged, first, null]) expect(validServed(s), JSON.stringify(validServed.errors)).toBe(true);
});

test('a copy that cannot be read is an error in the summary, not a crash', async () => {
  const envDir = envWithRuns([
    ['2026-12-01T00-00-00Z-aaaa', served(['Initialized'])],
    ['2026-12-02T00-00-00Z-bbbb', '<html>gateway error</html>'],
  ]);
  const s = (await servedContractSummary(join(envDir, '2026-12-02T00-00-00Z-bbbb')))!;
  expect(s.error).toMatch(/could not be compared: .* is an HTML or XML page/);
  expect(servedChangeLine(s)).toMatch(/^served contract: the served contracts could not be compared/);
  expect(validServed(s)).toBe(true);
});

test('the run summary carries the served contract, its change since the last run and any note, and still matches its schema', async () => {
  const envDir = envWithRuns([
    ['2026-12-01T00-00-00Z-aaaa', served(['Initialized'])],
    ['2026-12-02T00-00-00Z-bbbb', served(['Initialized', 'Published'])],
  ]);
  const runDir = join(envDir, '2026-12-02T00-00-00Z-bbbb');
  const at = '2026-12-02T00:00:00.000Z';
  mkdirSync(join(runDir, 'ledger'));
  const entries = [
    { type: 'run-start', formatVersion: 1, runId: '2026-12-02T00-00-00Z-bbbb', environment: 'nightly', brokerBaseUrl: 'http://127.0.0.1:1', contracts: [], at, pid: 1 },
    { type: 'run-end', runId: '2026-12-02T00-00-00Z-bbbb', at },
  ];
  writeFileSync(join(runDir, 'ledger', 'worker-0-1.ndjson'), `${entries.map((e) => JSON.stringify(e)).join('\n')}\n`);
  recordServedNote(runDir, "the Broker's own document could not be fetched (the server answered 404); used saved.json instead");
  const summary = await summarizeRun(runDir, { oracle: {}, skipContracts: true });
  expect(summary.servedContract?.changes?.changes.map((c) => [c.id, c.breaking])).toEqual([['schema.enum-values-added', true]]);
  expect(summary.warnings).toContain("served contract: the Broker's own document could not be fetched (the server answered 404); used saved.json instead");
  const strict = addFormats(new Ajv2020({ allErrors: true, strict: true }));
  const validate = strict.compile(schema);
  expect(validate(JSON.parse(JSON.stringify(summary))), JSON.stringify(validate.errors)).toBe(true);
});
