/**
 * @module Benchmark of the harness's overhead on the conformance suite: the suite's wall time against
 * the local Broker (a nested `npx playwright test --project=local`, reports to a temporary folder),
 * then the same HTTP exchanges, read back from that run's ledger, replayed raw with undici (no checks,
 * no ledger, no Playwright) against fresh local Brokers started the same way; the ratio of the two.
 *
 * Replay method: one lane per ledger file (one per worker, run concurrently as the workers were);
 * each lane starts its Broker (`startTarget`, as the worker fixture does) and a further fresh one for
 * every other Broker the lane talked to (a test's `ownBroker`, webhook scan when it received scan
 * results), lazily at first use as the test did; exchanges are sent in recorded order with the
 * recorded method, path, query and non-secret headers; bearer tokens come from token providers of the
 * same actors (a forged token becomes the actor's real one); ids returned by a POST (initialize, TUS
 * create, …) are mapped from the recorded to the new ones; bodies are the recorded text when the
 * excerpt is the whole body, else synthesized bytes of the recorded size (binary payloads, multipart
 * forms, streamed bodies sized by content-length). Responses are read in full and discarded; an
 * exchange whose status differs from the recorded one still counts, and is reported as not reproduced.
 *
 * Polls are paced as recorded: a GET that repeats the one before it (a test waiting for the Broker:
 * a purge after a 2 s TTL, a scan, an event delivery) is sent no sooner after the previous answer than
 * it was in the run. Sent back to back, such polls all come too early and answer 200 with the state
 * before the wait, so the replay would skip the waiting that any client of the Broker must do; the time
 * is reported apart (`replayWaitSeconds`).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import type { TokenProvider } from '../auth/index.ts';
import { loadEnvironment, type EnvironmentConfig } from '../config/index.ts';
import type { ExchangeEntry, LedgerEntry, RunStartEntry } from '../ledger/entries.ts';
import { readLedger } from '../ledger/writer.ts';
import { playwrightCommand } from '../cli/playwright-command.ts';
import { runPlaywrightFloor } from './playwright-floor.ts';
import { timedRun } from './timed-run.ts';
import { startTarget, tokenProvidersFor, type BrokerTarget } from '../../fixtures/target.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export interface SuiteRun {
  suiteSeconds: number;
  /** From the first run-start to the last run-end in the ledger: the workers' time, without Playwright's start and the reports. */
  suiteWorkerSeconds: number;
  suiteExitCode: number | null;
  suiteTests: number;
  /** Spec files the tests came from (the floor run has as many). */
  suiteFiles: number;
  /** The workers the run was given (the environment's). */
  suiteWorkers: number | string | undefined;
  suiteExchanges: number;
  /** The exchanges' own durations as the client measured them (sent to response read, checks excluded). */
  suiteExchangeSeconds: number;
  ledgerDir: string;
}

export interface ReplayResult {
  replaySeconds: number;
  /** Of which: starting the fresh Brokers and their platform doubles (the suite's workers pay the same). */
  replayStartSeconds: number;
  /** Of which: the exchanges themselves, request sent to response read (summed over lanes). */
  replayExchangeSeconds: number;
  /** Of which: waiting before repeated polls, as long as the run waited (summed over lanes). */
  replayWaitSeconds: number;
  replayedExchanges: number;
  reproducedExchanges: number;
  synthesizedBodies: number;
}

/** Runs the whole conformance suite against the local Broker, as `npm run conformance` does (without the CLI and its preflight). */
export async function runSuite(reportsDir: string): Promise<SuiteRun> {
  const id = `bench-suite-${Date.now()}`;
  const env: NodeJS.ProcessEnv = { ...process.env, BROKER_REPORTS_DIR: reportsDir, BROKER_RUN_ID: id, PLAYWRIGHT_HTML_OPEN: 'never' };
  for (const k of ['BROKER_LOCAL_MUTATIONS', 'BROKER_FAULTS', 'BROKER_ENV_FILE', 'BROKER_PUBLISHED_CONTRACT']) delete env[k];
  // The workers `run --env local` would use (the environment's), so the figure is the one users see.
  const workers = loadEnvironment('local').workers;
  const { code, seconds: suiteSeconds, tail } = await timedRun(playwrightCommand(['test', '--project=local', ...(workers ? ['--workers', String(workers)] : [])]), { cwd: ROOT, env });
  const ledgerDir = join(reportsDir, 'local', id, 'ledger');
  const entries = ledgerFilesIn(ledgerDir).flatMap((f) => readLedger(f).entries);
  if (entries.length === 0) throw new Error(`the suite wrote no ledger (exit ${code}): ${tail}`);
  const times = (type: string) => entries.filter((e) => e.type === type).map((e) => Date.parse((e as { at: string }).at));
  return {
    suiteSeconds: round(suiteSeconds, 2),
    suiteWorkerSeconds: round((Math.max(...times('run-end')) - Math.min(...times('run-start'))) / 1000, 2),
    suiteExitCode: code,
    suiteTests: entries.filter((e) => e.type === 'test-end').length,
    suiteFiles: new Set(entries.flatMap((e) => (e.type === 'test-end' ? [e.file] : []))).size,
    suiteWorkers: workers,
    suiteExchanges: entries.filter((e) => e.type === 'exchange').length,
    suiteExchangeSeconds: round(entries.reduce((n, e) => n + (e.type === 'exchange' ? e.durationMs : 0), 0) / 1000, 2),
    ledgerDir,
  };
}

function ledgerFilesIn(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.ndjson')).sort().map((f) => join(dir, f));
  } catch {
    return [];
  }
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const DESCRIBED = /^\[(\d+ bytes.*|streamed)\]$/s;
const DROPPED_HEADERS = new Set(['authorization', 'content-length', 'host', 'connection', 'keep-alive', 'transfer-encoding']);

interface Broker {
  target: BrokerTarget;
  providers: Map<string, TokenProvider>;
}

/** Replays one worker's exchanges in order; returns its counts. */
async function replayLane(entries: LedgerEntry[], environment: EnvironmentConfig, started: Broker[]): Promise<Omit<ReplayResult, 'replaySeconds'>> {
  const exchanges = entries.filter((e): e is ExchangeEntry => e.type === 'exchange');
  const home = (entries.find((e) => e.type === 'run-start') as RunStartEntry | undefined)?.brokerBaseUrl;
  const webhookScan = new Set(exchanges.filter((e) => e.operationId === 'receiveMalwareScanResults').map((e) => new URL(e.request.url).origin));
  const brokers = new Map<string, Promise<Broker>>();
  let startMs = 0;
  const brokerFor = (origin: string) => {
    let b = brokers.get(origin);
    if (!b) {
      const ts = performance.now();
      b = startTarget(environment, webhookScan.has(origin) && origin !== home ? { scanDelayMs: null } : {}).then((target) => {
        const broker = { target, providers: tokenProvidersFor(environment, target) };
        started.push(broker);
        startMs += performance.now() - ts;
        return broker;
      });
      brokers.set(origin, b);
    }
    return b;
  };
  if (home) await brokerFor(new URL(home).origin);
  const ids = new Map<string, string>();
  const mapIds = (s: string) => s.replace(UUID, (u) => ids.get(u.toLowerCase()) ?? u);
  const dispatcher = new Agent({ connections: 8 });
  let reproduced = 0;
  let synthesized = 0;
  let exchangeMs = 0;
  let waitMs = 0;
  let previous: { e: ExchangeEntry; answeredAt: number } | undefined;
  try {
    for (const e of exchanges) {
      const recorded = new URL(e.request.url);
      if (previous && e.request.method === 'GET' && previous.e.request.method === 'GET' && previous.e.request.url === e.request.url) {
        const gapMs = Date.parse(e.startedAt) - (Date.parse(previous.e.startedAt) + previous.e.durationMs);
        const due = previous.answeredAt + gapMs - performance.now();
        if (due > 0) {
          waitMs += due;
          await new Promise((r) => setTimeout(r, due));
        }
      }
      const broker = await brokerFor(recorded.origin);
      const url = `${broker.target.baseUrl}${mapIds(recorded.pathname + recorded.search)}`;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(e.request.headers)) if (!DROPPED_HEADERS.has(k) && !v.includes('[REDACTED]')) headers[k] = mapIds(v);
      if (e.request.headers.authorization) {
        const provider = broker.providers.get(e.actor) ?? broker.providers.get(e.actor.split('-')[0]!) ?? broker.providers.get('sender')!;
        headers.authorization = `Bearer ${await provider.token()}`;
      }
      let body: string | Buffer | undefined;
      const excerpt = e.request.bodyExcerpt;
      if (excerpt !== undefined && !DESCRIBED.test(excerpt) && Buffer.byteLength(excerpt) === e.request.bodyBytes) body = mapIds(excerpt);
      else {
        const size = e.request.bodyBytes >= 0 ? e.request.bodyBytes : Number(e.request.headers['content-length'] ?? 0);
        if (size > 0 || excerpt !== undefined) {
          body = Buffer.alloc(size, 0x61);
          synthesized++;
        }
      }
      let status = -1;
      let text = '';
      let location: string | undefined;
      const tq = performance.now();
      try {
        const res = await request(url, { dispatcher, method: e.request.method as 'GET', headers, body });
        status = res.statusCode;
        location = [res.headers.location].flat()[0];
        const bytes = Buffer.from(await res.body.arrayBuffer());
        if (e.request.method === 'POST') text = bytes.subarray(0, 65536).toString('utf8');
      } catch {
        // A raw replay of a fault the harness provoked (none against the local Broker) counts as not reproduced.
      }
      exchangeMs += performance.now() - tq;
      previous = { e, answeredAt: performance.now() };
      if (status === e.response?.status) reproduced++;
      if (e.request.method === 'POST' && e.response) {
        // Ids the recorded response handed out, in order, against the ones the new Broker handed out.
        const before = `${e.response.bodyExcerpt ?? ''} ${e.response.headers.location ?? ''}`.match(UUID) ?? [];
        const after = `${text} ${location ?? ''}`.match(UUID) ?? [];
        if (before.length === after.length) before.forEach((u, i) => u.toLowerCase() !== after[i]!.toLowerCase() && ids.set(u.toLowerCase(), after[i]!));
      }
    }
  } finally {
    await dispatcher.close();
  }
  return { replayedExchanges: exchanges.length, reproducedExchanges: reproduced, synthesizedBodies: synthesized, replayExchangeSeconds: exchangeMs / 1000, replayWaitSeconds: waitMs / 1000, replayStartSeconds: startMs / 1000 };
}

/** Replays a run's ledger raw against fresh local Brokers; the wall time covers starting and closing them. */
export async function replayLedger(ledgerDir: string): Promise<ReplayResult> {
  for (const k of ['BROKER_LOCAL_MUTATIONS', 'BROKER_FAULTS']) delete process.env[k];
  const environment = loadEnvironment('local');
  const lanes = ledgerFilesIn(ledgerDir).map((f) => readLedger(f).entries);
  const started: Broker[] = [];
  const t0 = performance.now();
  let counts: Omit<ReplayResult, 'replaySeconds'>[];
  try {
    counts = await Promise.all(lanes.map((entries) => replayLane(entries, environment, started)));
  } finally {
    await Promise.all(started.map((b) => b.target.close()));
  }
  const replaySeconds = (performance.now() - t0) / 1000;
  const sum = (k: keyof Omit<ReplayResult, 'replaySeconds'>) => counts.reduce((n, c) => n + c[k], 0);
  return {
    replaySeconds: round(replaySeconds, 2),
    replayStartSeconds: round(sum('replayStartSeconds'), 2),
    replayExchangeSeconds: round(sum('replayExchangeSeconds'), 2),
    replayWaitSeconds: round(sum('replayWaitSeconds'), 2),
    replayedExchanges: sum('replayedExchanges'),
    reproducedExchanges: sum('reproducedExchanges'),
    synthesizedBodies: sum('synthesizedBodies'),
  };
}

export interface SuiteBench extends SuiteRun, ReplayResult {
  overheadRatio: number;
  workerOverheadRatio: number;
  /** An empty suite of the same shape run by Playwright alone (see playwright-floor.ts). */
  playwrightFloorSeconds: number;
  /** (floor + replay) / replay: the lowest `overheadRatio` a Playwright-run suite could show on this machine. */
  overheadFloorRatio: number;
  /** What is left for the harness itself: suite − floor − replay. */
  harnessSeconds: number;
  /** (suite − floor) / replay: the suite's time beside the raw exchanges once Playwright's own cost is set apart. */
  harnessOverheadRatio: number;
  /** Rounds measured; every figure is the median of its rounds. */
  rounds: number;
  /** The lowest and highest `harnessOverheadRatio` of the rounds: how much this machine varied. */
  harnessOverheadRatioMin: number;
  harnessOverheadRatioMax: number;
}

/** One round: the suite, the raw replay of its exchanges, Playwright's floor of the same shape, back to back so they meet the same machine. */
async function benchRound(): Promise<Omit<SuiteBench, 'rounds' | 'harnessOverheadRatioMin' | 'harnessOverheadRatioMax'>> {
  const reportsDir = mkdtempSync(join(tmpdir(), 'bench-suite-'));
  try {
    const suite = await runSuite(reportsDir);
    const replay = await replayLedger(suite.ledgerDir);
    const floor = await runPlaywrightFloor({ tests: suite.suiteTests, files: suite.suiteFiles, workers: suite.suiteWorkers });
    return {
      ...suite,
      ...replay,
      overheadRatio: round(suite.suiteSeconds / replay.replaySeconds, 2),
      workerOverheadRatio: round(suite.suiteWorkerSeconds / replay.replaySeconds, 2),
      playwrightFloorSeconds: floor,
      overheadFloorRatio: round((floor + replay.replaySeconds) / replay.replaySeconds, 2),
      harnessSeconds: round(suite.suiteSeconds - floor - replay.replaySeconds, 2),
      harnessOverheadRatio: round((suite.suiteSeconds - floor) / replay.replaySeconds, 2),
    };
  } finally {
    rmSync(reportsDir, { recursive: true, force: true });
  }
}

/** The middle value (the lower middle of an even count: a figure some round really showed). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/**
 * `rounds` rounds (default 3; BENCH_ROUNDS); each numeric figure is the median of its rounds, ratios
 * included (each computed within its round, so a slow moment of the machine weighs on both sides of it).
 * A single run varies by 10–20 % on this machine.
 */
export async function benchSuite(rounds = Number(process.env.BENCH_ROUNDS ?? 3)): Promise<SuiteBench> {
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`BENCH_ROUNDS must be a whole number of at least 1, not ${process.env.BENCH_ROUNDS}`);
  const results = [];
  for (let r = 0; r < rounds; r++) results.push(await benchRound());
  const first = results[0]!;
  const merged = { ...first } as Record<string, unknown>;
  for (const [k, v] of Object.entries(first)) if (typeof v === 'number') merged[k] = median(results.map((x) => (x as unknown as Record<string, number>)[k]!));
  const ratios = results.map((x) => x.harnessOverheadRatio);
  // An exit code is no figure to take the middle of: any round's failure shows.
  merged.suiteExitCode = results.find((x) => x.suiteExitCode !== 0)?.suiteExitCode ?? 0;
  return { ...(merged as unknown as SuiteBench), rounds, harnessOverheadRatioMin: Math.min(...ratios), harnessOverheadRatioMax: Math.max(...ratios) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv[2]) console.log(JSON.stringify(await replayLedger(process.argv[2])));
  else console.log(JSON.stringify({ ...(await benchSuite()), ledgerDir: undefined }));
}
