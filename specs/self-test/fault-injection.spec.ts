/**
 * Issue #8, faulty targets: through the fault-injection proxy each kind of fault becomes a precise,
 * named outcome on the one road (BrokerClient): timeout, reset, gateway error page, non-JSON body,
 * rate limited; retries happen only where the environment allows, and every attempt is recorded.
 */
import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTokenProvider } from '../../src/auth/index.ts';
import { BrokerClient, TransportError } from '../../src/client/index.ts';
import { loadEnvironment } from '../../src/config/index.ts';
import { allChecks, prepareContract, REFERENCE_CONTRACT_PATH, type CompiledContract } from '../../src/contract/index.ts';
import { MemoryLedger, type ExchangeEntry } from '../../src/ledger/index.ts';
import { startFaultProxy, type Fault, type FaultProxy } from '../../src/reliability/fault-proxy.ts';
import { startTarget, type BrokerTarget } from '../../fixtures/target.ts';
import { playwrightCommand } from '../../src/cli/playwright-command.ts';

const env = loadEnvironment('local');
let target: BrokerTarget;
let proxy: FaultProxy;
let reference: CompiledContract;
let transferId: string;

test.beforeAll(async () => {
  target = await startTarget(env);
  proxy = await startFaultProxy(target.baseUrl);
  reference = (await prepareContract(REFERENCE_CONTRACT_PATH, 'reference', 'reference')).compiled;
});
test.afterAll(async () => {
  await proxy.close();
  await target.close();
});

function client(ledger: MemoryLedger, options: { timeoutMs?: number; retries?: { rateLimited?: number; transient?: number } } = {}) {
  return new BrokerClient({
    baseUrl: proxy.url,
    actor: 'sender',
    tokens: createTokenProvider(env.actors.sender, env, { localChain: target.localChain }),
    contracts: [reference],
    checks: allChecks(),
    ledger,
    timeoutMs: options.timeoutMs ?? 5_000,
    retries: options.retries,
    sleep: async () => undefined,
  });
}

async function withFault<T>(fault: Fault | undefined, body: () => Promise<T>): Promise<T> {
  proxy.setFaults(fault ? [fault] : []);
  try {
    return await body();
  } finally {
    proxy.setFaults([]);
  }
}

test.beforeAll(async () => {
  const res = await client(new MemoryLedger()).initializeFileTransfer({ fileName: 'f.txt', resourceId: env.resources[0]!, sendersFileTransferReference: 'faults', sender: env.actors.sender.org, recipients: [env.actors.recipients[0]!.org] });
  transferId = res.body!.fileTransferId;
});

const exchanges = (ledger: MemoryLedger) => ledger.entries.filter((e): e is ExchangeEntry => e.type === 'exchange');

test('added latency beyond the request timeout is a timeout, recorded before it is thrown', async () => {
  const ledger = new MemoryLedger();
  const error = await withFault({ kind: 'latency', ms: 1500 }, () => client(ledger, { timeoutMs: 300 }).getFileTransferOverview(transferId)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TransportError);
  expect((error as TransportError).kind).toBe('timeout');
  expect(exchanges(ledger)[0]?.error?.kind).toBe('timeout');
});

test('a response that never ends is a timeout', async () => {
  const ledger = new MemoryLedger();
  const error = await withFault({ kind: 'never-ends' }, () => client(ledger, { timeoutMs: 300 }).getFileTransferOverview(transferId)).catch((e: unknown) => e);
  expect((error as TransportError).kind).toBe('timeout');
});

test('a reset in the middle of the body is a reset; an idempotent call is retried only when the environment allows', async () => {
  const ledger = new MemoryLedger();
  const error = await withFault({ kind: 'reset-mid-body', path: /details$/ }, () => client(ledger).getFileTransferDetails(transferId)).catch((e: unknown) => e);
  expect((error as TransportError).kind).toBe('reset');
  const retried = await withFault({ kind: 'reset-mid-body', path: /details$/, times: 1 }, () => client(new MemoryLedger(), { retries: { transient: 1 } }).getFileTransferDetails(transferId));
  expect(retried.status).toBe(200);
  expect(retried.attempts).toBe(2);
});

test('a 502 HTML page from the gateway is a FAIL named gateway-error: undocumented status and content type', async () => {
  const res = await withFault({ kind: 'html-502' }, () => client(new MemoryLedger()).getFileTransferOverview(transferId));
  expect(res.status).toBe(502);
  expect(res.cause).toBe('gateway-error');
  const failed = res.checks.filter((c) => c.verdict === 'FAIL').map((c) => c.checkId);
  expect(failed).toEqual(['status_code_conformance']);
});

test('a 503 page on an idempotent call is retried where allowed; a POST is never retried', async () => {
  const ledger = new MemoryLedger();
  const get = await withFault({ kind: 'html-503', times: 1 }, () => client(ledger, { retries: { transient: 1 } }).getFileTransferOverview(transferId));
  expect([get.status, get.attempts]).toEqual([200, 2]);
  expect(exchanges(ledger).map((e) => e.response?.status)).toEqual([503, 200]);
  const post = await withFault({ kind: 'html-503', times: 1 }, () => client(new MemoryLedger(), { retries: { transient: 1 } }).confirmDownload(transferId));
  expect([post.status, post.attempts]).toEqual([503, 1]);
});

test('truncated JSON is a FAIL naming the non-JSON body', async () => {
  const res = await withFault({ kind: 'truncated-json', path: /details$/ }, () => client(new MemoryLedger()).getFileTransferDetails(transferId));
  expect(res.cause).toBe('non-json-body');
  const schema = res.checks.find((c) => c.checkId === 'response_schema_conformance')!;
  expect(schema.verdict).toBe('FAIL');
  expect(schema.findings[0]).toMatchObject({ kind: 'unparseable-body' });
});

test('429 with Retry-After: retried where the environment allows, otherwise reported as rate limited', async () => {
  const ledger = new MemoryLedger();
  const retried = await withFault({ kind: 'rate-limited', retryAfterSeconds: 1, times: 2 }, () => client(ledger, { retries: { rateLimited: 3 } }).getFileTransferOverview(transferId));
  expect([retried.status, retried.attempts]).toEqual([200, 3]);
  expect(exchanges(ledger).map((e) => e.response?.status)).toEqual([429, 429, 200]);
  const refused = await withFault({ kind: 'rate-limited' }, () => client(new MemoryLedger()).getFileTransferOverview(transferId));
  expect([refused.status, refused.cause, refused.attempts]).toEqual([429, 'rate-limited', 1]);
});

test('a suite run through a faulty gateway completes, fails, and names the cause', async () => {
  test.setTimeout(180_000);
  const reports = mkdtempSync(join(tmpdir(), 'faulty-run-'));
  const child = spawn(...playwrightCommand(['test', '--project=local', 'specs/lifecycle/happy-path.spec.ts', '--reporter=list']), {
    // The outside contracts (set in CI) only WARN; the cause must be named by the reference contract, and
    // every worker the failing tests restart would load them again.
    env: { ...process.env, BROKER_FAULTS: JSON.stringify([{ kind: 'html-502', path: '/details$' }]), BROKER_REPORTS_DIR: reports, BROKER_RUN_ID: 'faulty', BROKER_PUBLISHED_CONTRACT: '', BROKER_SERVED_CONTRACT: '' },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  expect(code, out.slice(-1500)).toBe(1);
  expect(out).toMatch(/CT-STATUS-001 status_code_conformance/);
  expect(out).toMatch(/status 502 is not documented/);
  // The run completed: every test ended and the ledger holds the 502 exchange.
  const ledgerDir = join(reports, 'local', 'faulty', 'ledger');
  const lines = readdirSync(ledgerDir).flatMap((f) => readFileSync(join(ledgerDir, f), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; response?: { status: number } }));
  expect(lines.some((l) => l.type === 'exchange' && l.response?.status === 502)).toBe(true);
  expect(lines.filter((l) => l.type === 'test-end').length).toBe(lines.filter((l) => l.type === 'test-start').length);
  expect(lines.at(-1)?.type).toBe('run-end');
});
