/**
 * @module Sends a robustness corpus through BrokerClient (so every exchange is checked against the
 * contracts and recorded, redacted, in the ledger), paced and bounded, and groups what came back
 * for the robustness conditions and the `fuzz` summary; finds transfers refused requests left behind.
 */
import type { BrokerClient, Checked } from '../client/index.ts';
import type { HostileGroup, HostileOutcome } from '../oracle/conditions/robustness.ts';
import type { HostileCase } from './hostile-corpus.ts';
import { createsTransfer, operationOf } from './robustness-corpus.ts';

export interface CorpusClients {
  sender: BrokerClient;
  recipient: BrokerClient;
  outsider?: BrokerClient;
  anonymous: BrokerClient;
}

/** Transfers the corpus's `{own}` (Initialized) and `{published}` placeholders stand for. */
export interface Placeholders {
  own: string;
  published: string;
}

export interface RunOutcome extends HostileOutcome {
  case: HostileCase;
  operation: string;
  exchangeId?: string;
  /** Set when a creating request was accepted. */
  fileTransferId?: string;
}

export function resolvePath(c: HostileCase, ids: Placeholders): string {
  return c.path.replaceAll('{own}', ids.own).replaceAll('{published}', ids.published);
}

function clientFor(c: HostileCase, clients: CorpusClients): BrokerClient {
  if (typeof c.as === 'object') return clients.sender;
  if (c.as === 'none') return clients.anonymous;
  if (c.as === 'outsider') return clients.outsider ?? clients.sender;
  return clients[c.as];
}

/** Sends each case in order, at most one per `intervalMs`; a transport failure is an outcome, not an exception. */
export async function runCorpus(cases: HostileCase[], clients: CorpusClients, ids: Placeholders, o: { intervalMs: number; onOutcome?: (x: RunOutcome) => void }): Promise<RunOutcome[]> {
  const outcomes: RunOutcome[] = [];
  let next = 0;
  for (const c of cases) {
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    next = performance.now() + o.intervalMs;
    const t0 = performance.now();
    let outcome: RunOutcome;
    try {
      const res: Checked<unknown> = await clientFor(c, clients).call({
        method: c.method,
        path: resolvePath(c, ids),
        headers: c.headers,
        ...(c.body !== undefined ? { body: c.body } : {}),
        ...(typeof c.as === 'object' ? { bearer: c.as.bearer } : {}),
        // A hostile request to a route no contract has (PUT /health) is judged by its status alone.
        skipChecks: ['operation_documented'],
      });
      const created = createsTransfer(c) && res.status === 200 ? (res.body as { fileTransferId?: unknown } | undefined)?.fileTransferId : undefined;
      outcome = { case: c, name: c.name, operation: operationOf(c), status: res.status, durationMs: performance.now() - t0, exchangeId: res.exchangeId, ...(c.mustRefuse ? { mustRefuse: true } : {}), ...(typeof created === 'string' ? { fileTransferId: created } : {}) };
    } catch (e) {
      outcome = { case: c, name: c.name, operation: operationOf(c), status: null, durationMs: performance.now() - t0, error: (e as Error).message.slice(0, 200), ...(c.mustRefuse ? { mustRefuse: true } : {}) };
    }
    outcomes.push(outcome);
    o.onOutcome?.(outcome);
  }
  return outcomes;
}

/** One group per corpus category and operation, in a stable order. */
export function groupOutcomes(outcomes: RunOutcome[], boundMs: number): (HostileGroup & { outcomes: RunOutcome[] })[] {
  const groups = new Map<string, RunOutcome[]>();
  for (const o of outcomes) {
    const label = `[${o.case.category}] ${o.operation}`;
    groups.set(label, [...(groups.get(label) ?? []), o]);
  }
  return [...groups.keys()].sort().map((label) => ({ label, outcomes: groups.get(label)!, boundMs }));
}

/** Exchange ids of the outcomes a condition would name (5xx, late, unanswered, accepted invalid input), for the report's repros. */
export function failingExchangeIds(outcomes: RunOutcome[], boundMs: number): string[] {
  return outcomes
    .filter((o) => o.status === null || o.status >= 500 || o.durationMs > boundMs || (o.mustRefuse && o.status < 400))
    .flatMap((o) => (o.exchangeId ? [o.exchangeId] : []));
}

/**
 * Transfers created since `since` that no accepted request of the corpus created: listed by search (as
 * each searcher), then read by GET. One counts as left behind when GET answers 5xx (a transfer without a
 * state) or when it carries the run's marker (our refused request made it).
 */
export async function findLeftovers(o: { searchers: BrokerClient[]; reader: BrokerClient; resourceId: string; since: Date; known: Set<string>; marker: string }): Promise<{ id: string; why: string }[]> {
  const candidates = new Set<string>();
  for (const s of o.searchers) {
    const res = await s.searchFileTransfers({ resourceId: o.resourceId, from: o.since.toISOString() });
    if (res.status === 200 && Array.isArray(res.body)) for (const id of res.body) if (!o.known.has(id)) candidates.add(id);
  }
  const found: { id: string; why: string }[] = [];
  for (const id of candidates) {
    const res = await o.reader.getFileTransferOverview(id);
    if (res.status >= 500) found.push({ id, why: `listed by search, GET answers ${res.status}` });
    else if (res.status === 200 && (res.body?.sendersFileTransferReference === o.marker || res.body?.propertyList?.marker === o.marker)) {
      found.push({ id, why: `carries this run's marker, status ${res.body.fileTransferStatus}` });
    }
  }
  return found;
}

/**
 * Writes raw bytes to the Broker (TLS for https) and reads the status line: for requests no client
 * builds, such as a chunked body with a malformed chunk. Null when no status line came within `timeoutMs`.
 */
export async function sendRawRequest(baseUrl: string, build: (host: string) => Buffer, timeoutMs: number): Promise<{ status: number | null; durationMs: number }> {
  const { connect } = await import('node:net');
  const tls = await import('node:tls');
  const url = new URL(baseUrl);
  const secure = url.protocol === 'https:';
  const port = Number(url.port || (secure ? 443 : 80));
  const t0 = performance.now();
  return new Promise((resolve) => {
    const socket = secure ? tls.connect({ host: url.hostname, port, servername: url.hostname }) : connect(port, url.hostname);
    const chunks: Buffer[] = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      socket.destroy();
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(Buffer.concat(chunks).toString('latin1'));
      resolve({ status: m ? Number(m[1]) : null, durationMs: performance.now() - t0 });
    };
    socket.setTimeout(timeoutMs, finish);
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      if (/\r\n\r\n/.test(Buffer.concat(chunks).toString('latin1'))) finish();
    });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.write(build(url.host));
  });
}
