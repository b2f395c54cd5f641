import { expect, test } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { loadEnvironment, type EnvironmentConfig } from '../config/index.ts';
import { ConfigError } from '../config/errors.ts';
import { checkResponse } from './checks.ts';
import { compileContract } from './compile.ts';
import { prepareContractSet } from './contract-set.ts';
import { ContractLoadError } from './load.ts';
import { obtainServedContract, servedContractPlan, servedNoteIn } from './served-contract.ts';
import { exchange, goodOverview, miniContract } from './testing.ts';

/** The document a Broker serves about itself, by path or URL (CI sets it); the tests that need it skip without it. */
const SERVED = process.env.BROKER_SERVED_CONTRACT ?? '';
const dir = mkdtempSync(join(tmpdir(), 'served-'));

/** What a generator serves for the overview: OpenAPI 3.0, `nullable`, no `required`, a status enum without `Published`. */
function servedLike(): Record<string, unknown> {
  return {
    openapi: '3.0.4',
    info: { title: 'served', version: 'v1' },
    paths: {
      '/broker/api/v1/filetransfer/{fileTransferId}': {
        get: {
          parameters: [{ name: 'fileTransferId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
          responses: { '200': { description: 'OK', content: { 'application/json': { schema: { $ref: '#/components/schemas/FileTransferOverviewExt' } } } } },
        },
      },
    },
    components: {
      schemas: {
        FileTransferOverviewExt: {
          type: 'object',
          properties: {
            fileTransferId: { type: 'string', format: 'uuid' },
            fileTransferStatus: { enum: ['Initialized', 'UploadStarted'], type: 'string' },
            checksum: { type: 'string', nullable: true },
          },
          additionalProperties: false,
        },
      },
    },
  };
}

test('a response the served contract disagrees with is a WARN (drift), while the reference contract passes it', () => {
  const served = compileContract(servedLike(), { name: 'served', role: 'served', source: 'served-like', sha256: '' });
  const byContract = (c: ReturnType<typeof miniContract>) => checkResponse(c, exchange()).find((r) => r.checkId === 'response_schema_conformance')!;
  expect(byContract(miniContract('reference')).verdict).toBe('PASS');
  const drift = byContract(served);
  expect(drift.verdict).toBe('WARN');
  expect(drift.contract).toBe('served');
  // `created` is not in the served schema (additionalProperties false); `Published` is not in its enum.
  expect(drift.findings.map((f) => (f.kind === 'schema' ? f.keyword : f.kind)).sort()).toEqual(['additionalProperties', 'enum']);
});

test('the Broker-served document checks responses: a status value it does not know is a WARN, a good overview passes', async () => {
  test.skip(!SERVED || (!/^https?:/.test(SERVED) && !existsSync(SERVED)), 'BROKER_SERVED_CONTRACT does not name the served contract');
  const set = await prepareContractSet({ served: SERVED, published: '' });
  expect(set.map((c) => [c.compiled.name, c.compiled.role])).toEqual([['reference', 'reference'], ['served', 'served']]);
  const served = set[1]!.compiled;
  const verdict = (json: unknown) => checkResponse(served, exchange({ json })).find((r) => r.checkId === 'response_schema_conformance')!.verdict;
  expect(verdict(goodOverview())).toBe('PASS');
  expect(verdict({ ...goodOverview(), fileTransferStatus: 'Teleported' })).toBe('WARN');
  expect(verdict({ ...goodOverview(), fileTransferSize: 'forty-one' })).toBe('WARN');
});

function env(servedContract?: EnvironmentConfig['servedContract']): EnvironmentConfig {
  return { ...loadEnvironment('local'), ...(servedContract ? { servedContract } : {}) };
}

test('where the served contract comes from: the Broker itself first, then BROKER_SERVED_CONTRACT, then the environment file', () => {
  expect(servedContractPlan(env(), 'http://127.0.0.1:5096', {})).toBeUndefined();
  expect(servedContractPlan(env(), 'http://127.0.0.1:5096', { BROKER_SERVED_CONTRACT: '/x/served.json' })).toEqual({ source: '/x/served.json' });
  expect(servedContractPlan(env({ source: 'saved.json' }), 'http://b', { BROKER_SERVED_CONTRACT: '/x/served.json' })).toEqual({ source: '/x/served.json' });
  expect(servedContractPlan(env({ source: 'saved.json', brokerPath: '/swagger/v1/swagger.json' }), 'https://broker.example/base', {})).toEqual({
    fromBroker: 'https://broker.example/base/swagger/v1/swagger.json',
    source: 'saved.json',
  });
});

test('an environment file names the served contract; a bad brokerPath is named as a configuration error', () => {
  const file = join(dir, 'env.yaml');
  const base = JSON.parse(readFileSync(join(process.cwd(), 'src', 'config', 'environments', 'local.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(file, toYaml({ ...base, name: 'dev', servedContract: { brokerPath: '/swagger/v1/swagger.json', source: '${SAVED:-saved.json}' } }));
  expect(loadEnvironment(file, {}).servedContract).toEqual({ brokerPath: '/swagger/v1/swagger.json', source: 'saved.json' });
  writeFileSync(file, toYaml({ ...base, name: 'dev', servedContract: { brokerPath: 'swagger.json' } }));
  expect(() => loadEnvironment(file, {})).toThrow(ConfigError);
  expect(() => loadEnvironment(file, {})).toThrow(/servedContract\/brokerPath/);
});

async function serve(status: number, body: string): Promise<{ server: Server; url: string; hits: () => number }> {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits++;
    res.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits };
}

test('the run fetches the Broker\'s own document once, keeps it byte for byte in the run folder, and every worker uses that copy', async () => {
  const body = `${JSON.stringify(servedLike(), null, 1)}\n`;
  const broker = await serve(200, body);
  const runDir = join(dir, 'run-1');
  try {
    const plan = servedContractPlan(env({ brokerPath: '/swagger/v1/swagger.json' }), broker.url, {})!;
    const first = await obtainServedContract(plan, runDir);
    expect(first).toEqual({ path: join(runDir, 'served-contract.json'), origin: `${broker.url}/swagger/v1/swagger.json` });
    expect(readFileSync(first.path, 'utf8')).toBe(body);
    const second = await obtainServedContract(plan, runDir);
    expect(second.path).toBe(first.path);
    expect(broker.hits()).toBe(1);
  } finally {
    broker.server.close();
  }
});

test('a Broker that does not serve its document falls back to the saved copy with a note; with no fallback it is a load error', async () => {
  const broker = await serve(404, '');
  const saved = join(dir, 'saved.yaml');
  writeFileSync(saved, toYaml(servedLike()));
  try {
    const got = await obtainServedContract({ fromBroker: `${broker.url}/swagger/v1/swagger.json`, source: saved }, join(dir, 'run-2'));
    expect(got.origin).toBe(saved);
    expect(got.path).toBe(join(dir, 'run-2', 'served-contract.yaml'));
    expect(got.note).toMatch(/could not be fetched \(cannot fetch .* the server answered 404/);
    expect(servedNoteIn(join(dir, 'run-2'))).toMatch(new RegExp(`answered 404.*; used ${saved.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} instead$`));
    await expect(obtainServedContract({ fromBroker: `${broker.url}/swagger/v1/swagger.json` }, join(dir, 'run-3'))).rejects.toThrow(ContractLoadError);
    expect(existsSync(join(dir, 'run-3', 'served-contract.json'))).toBe(false);
    expect(servedNoteIn(join(dir, 'run-3'))).toMatch(/answered 404.*; the run checked against no served contract$/);
  } finally {
    broker.server.close();
  }
});
