/**
 * @module `broker-conformance fuzz`: sends a seeded sample of the robustness corpus to one environment
 * (the embedded Broker is started for `local`), prints per operation the statuses, the 5xx and the
 * slowest answer, and writes every failing request (5xx, no answer, too slow, invalid input accepted)
 * as a curl repro with its body beside it. Tokens never appear: the repro reads `$TOKEN`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { apimHeaders } from '../auth/index.ts';
import { BrokerClient } from '../client/index.ts';
import { loadEnvironment, robustnessSettings, type EnvironmentConfig } from '../config/index.ts';
import { MemoryLedger, type ExchangeEntry } from '../ledger/index.ts';
import { robustnessCorpus, sampleCorpus } from '../reliability/robustness-corpus.ts';
import { runCorpus, type RunOutcome } from '../reliability/robustness-run.ts';
import { curlFor } from '../report/curl.ts';
import { startTarget, tokenProvidersFor, type BrokerTarget } from '../../fixtures/target.ts';
import { tokenForge } from '../../fixtures/data/tokens.ts';
import { EXIT_NONCONFORMANT, EXIT_OK } from './exit-codes.ts';
import { UsageError } from './usage-error.ts';

export interface FuzzOptions {
  env: string;
  seed?: string;
  count?: string;
  out?: string;
}

type Io = { out: (s: string) => void; err: (s: string) => void };

function nonNegative(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a non-negative integer, not '${value}'`);
  return Number(value);
}

export async function fuzz(options: FuzzOptions, io: Io): Promise<number> {
  const environment = loadEnvironment(options.env);
  const settings = robustnessSettings(environment);
  if (!settings.enabled) throw new UsageError(settings.reason!);
  const seed = nonNegative('seed', options.seed) ?? settings.seed;
  const count = nonNegative('count', options.count) ?? settings.count;
  if (count > 5000) throw new UsageError(`--count is bounded at 5000, not ${count}`);

  const target = await startTarget(environment);
  try {
    return await fuzzTarget(environment, target, { seed, count, out: options.out }, io);
  } finally {
    await target.close();
  }
}

async function fuzzTarget(environment: EnvironmentConfig, target: BrokerTarget, o: { seed: number; count: number; out?: string }, io: Io): Promise<number> {
  const settings = robustnessSettings(environment);
  const ledger = new MemoryLedger();
  const providers = tokenProvidersFor(environment, target);
  const make = (actor: string) =>
    new BrokerClient({
      baseUrl: target.baseUrl,
      actor,
      tokens: providers.get(actor),
      contracts: [],
      checks: [],
      ledger,
      extraHeaders: apimHeaders(environment),
      timeoutMs: settings.answerWithinMs,
      retries: environment.retries,
    });
  const clients = { sender: make('sender'), recipient: make('recipient[0]'), anonymous: make('anonymous'), ...(providers.has('outsider') ? { outsider: make('outsider') } : {}) };

  const marker = `fuzz-${o.seed}-${Date.now()}`;
  const org = environment.actors.sender.org;
  const scan = environment.capabilities.disableVirusScan ? { disableVirusScan: true } : {};
  const body = { fileName: 'fuzz.txt', resourceId: environment.resources[0]!, sendersFileTransferReference: marker, sender: org, recipients: [environment.actors.recipients[0]!.org], ...scan };
  const own = await clients.sender.initializeFileTransfer(body);
  const published = await clients.sender.initializeFileTransfer(body);
  if (own.status !== 200 || published.status !== 200) throw new UsageError(`the sender cannot initialize a transfer on ${environment.name} (answered ${own.status}): ${own.text.slice(0, 200)}`);
  const ids = { own: own.body!.fileTransferId, published: published.body!.fileTransferId };
  await clients.sender.uploadFileTransfer(ids.published, Buffer.from('fuzz payload'));
  await waitForPublished(clients.sender, ids.published, environment);

  const forge = tokenForge(target.platform?.altinnIssuer ?? environment.platform?.altinnIssuer ?? 'https://issuer.invalid/', target.platform);
  const scopes = ['altinn:broker.write', 'altinn:broker.read'];
  const forgedTokens = { 'alg none': forge.algNone(org, scopes), 'unknown key': await forge.unknownKey(org, scopes), 'untrusted issuer': await forge.untrustedIssuer(org, scopes) };
  const corpus = sampleCorpus(
    robustnessCorpus({ resourceId: environment.resources[0]!, sender: org, recipient: environment.actors.recipients[0]!.org, forgedTokens, marker }, { tus: environment.capabilities.tus, malwareWebhook: environment.capabilities.malwareWebhook, manyRecipients: settings.manyRecipients }),
    o.seed,
    o.count,
  );
  io.out(`broker-conformance fuzz: ${corpus.length} requests to ${environment.name} (${target.baseUrl}), seed ${o.seed}${settings.intervalMs ? `, one per ${settings.intervalMs} ms` : ''}`);
  const outcomes = await runCorpus(corpus, clients, ids, { intervalMs: settings.intervalMs });

  io.out(summaryTable(outcomes));
  const failing = outcomes.filter((x) => failure(x, settings.answerWithinMs));
  if (failing.length === 0) {
    io.out(`no failing request (no 5xx, every answer within ${settings.answerWithinMs} ms, invalid input refused)`);
    return EXIT_OK;
  }
  const dir = resolve(o.out ?? join(process.env.BROKER_REPORTS_DIR ?? 'reports', environment.name, `fuzz-${o.seed}-${new Date().toISOString().replace(/[:.]/g, '-')}`));
  writeRepros(dir, failing, ledger, settings.answerWithinMs);
  io.out(`${failing.length} failing request(s); curl repros in ${join(dir, 'repros.sh')}`);
  return EXIT_NONCONFORMANT;
}

async function waitForPublished(sender: BrokerClient, id: string, environment: EnvironmentConfig): Promise<void> {
  const until = performance.now() + environment.polling.budgetMs;
  while (performance.now() < until) {
    const status = (await sender.getFileTransferOverview(id)).body?.fileTransferStatus;
    if (status === 'Published') return;
    if (status === 'Failed') break;
    await new Promise((r) => setTimeout(r, environment.polling.intervalMs));
  }
  throw new UsageError(`the set-up transfer ${id} did not publish on ${environment.name}`);
}

function failure(x: RunOutcome, boundMs: number): string | undefined {
  if (x.status === null) return `no answer (${x.error ?? 'none'})`;
  if (x.status >= 500) return `answered ${x.status}`;
  if (x.durationMs > boundMs) return `answered after ${Math.round(x.durationMs)} ms (bound ${boundMs} ms)`;
  if (x.mustRefuse && x.status < 400) return `invalid input accepted with ${x.status}`;
  return undefined;
}

export function summaryTable(outcomes: RunOutcome[]): string {
  const byOp = new Map<string, RunOutcome[]>();
  for (const x of outcomes) byOp.set(x.operation, [...(byOp.get(x.operation) ?? []), x]);
  const rows = [...byOp.keys()].sort().map((op) => {
    const xs = byOp.get(op)!;
    const counts = new Map<string, number>();
    for (const x of xs) counts.set(String(x.status ?? 'none'), (counts.get(String(x.status ?? 'none')) ?? 0) + 1);
    const statuses = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([s, n]) => `${s}×${n}`).join(' ');
    const slowest = xs.reduce((a, b) => (b.durationMs > a.durationMs ? b : a));
    return [op, String(xs.length), statuses, String(xs.filter((x) => x.status !== null && x.status >= 500).length), `${Math.round(slowest.durationMs)} ms (${slowest.name.slice(0, 50)})`];
  });
  const header = ['operation', 'requests', 'statuses', '5xx', 'slowest'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

function writeRepros(dir: string, failing: RunOutcome[], ledger: MemoryLedger, boundMs: number): void {
  mkdirSync(dir, { recursive: true });
  const exchanges = new Map(ledger.entries.filter((e): e is ExchangeEntry => e.type === 'exchange').map((e) => [e.id, e]));
  const lines = ['#!/bin/sh', '# Failing requests of a broker-conformance fuzz run. Set TOKEN (and APIM_KEY where used) first.', ''];
  const records: unknown[] = [];
  failing.forEach((x, i) => {
    const evidence = x.exchangeId ? exchanges.get(x.exchangeId) : undefined;
    const bodyFile = x.case.body !== undefined ? `case-${i + 1}.body` : undefined;
    if (bodyFile) writeFileSync(join(dir, bodyFile), x.case.body!);
    const why = failure(x, boundMs)!;
    const forged = typeof x.case.as === 'object' ? ' (sent with a forged or malformed token; $TOKEN stands in for it)' : '';
    lines.push(`# ${i + 1}. [${x.case.category}] ${x.case.name.replace(/[\r\n\u0000]/g, '?')}: ${why}${forged}`);
    if (evidence) lines.push(`${curlFor(evidence, bodyFile ? { bodyFile } : {})}`, '');
    else lines.push(`# (no exchange recorded)`, '');
    records.push({ index: i + 1, category: x.case.category, operation: x.operation, name: x.case.name, why, status: x.status, durationMs: Math.round(x.durationMs), bodyFile });
  });
  writeFileSync(join(dir, 'repros.sh'), lines.join('\n'), { mode: 0o755 });
  writeFileSync(join(dir, 'failures.json'), `${JSON.stringify(records, null, 2)}\n`);
}
