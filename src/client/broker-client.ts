/**
 * @module BrokerClient: the only road from a suite to a Broker. Each call is sent (through undici,
 * payloads streamed), then checked against every configured
 * contract, then recorded with redacted evidence in the ledger. 4xx/5xx come back as data, never
 * as exceptions; only transport failures (timeout, reset) throw, and they are recorded first.
 */
import { randomUUID } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import type { TokenProvider } from '../auth/index.ts';
import { checkResponse, type CheckResult, type CompiledContract, type ResponseCheck } from '../contract/index.ts';
import { EXCERPT_BYTES, type ExchangeEntry, type LedgerSink } from '../ledger/index.ts';
import { redactHeaders, redactText, redactUrl } from '../ledger/redact.ts';
import type {
  FileTransferDetails,
  FileTransferIdResponse,
  FileTransferInitialize,
  FileTransferOverview,
  ProblemBody,
  ResourceConfiguration,
  SearchQuery,
  ServiceOwnerOverview,
} from './models.ts';
import { rateClassOf, type RateLimitedOperation, type RateLimiter } from './rate-limit.ts';
import { TransportError, UndiciTransport, type IncomingResponse, type OutgoingBody } from './transport.ts';

const API = '/broker/api/v1';

/** The result of one call: status, parsed body or problem, and what the contract checks said. */
export interface Checked<T> {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON body of a 2xx response. */
  body?: T;
  /** Parsed problem body of an error response. */
  problem?: ProblemBody;
  /** The kept body as text (the whole body for ordinary calls). */
  text: string;
  bodyBytes: number;
  /** MD5 of the whole response body (downloads). */
  md5: string;
  exchangeId: string;
  checks: CheckResult[];
  /** How many times the request was sent (retries after 429 or gateway errors, when the environment allows). */
  attempts: number;
  /** Why the answer is not the Broker's own, when that can be told: the gateway, a rate limit, a non-JSON body. */
  cause?: 'rate-limited' | 'gateway-error' | 'non-json-body';
}

export interface BrokerClientOptions {
  baseUrl: string;
  /** The actor's name in evidence: `sender`, `recipient[0]`, `serviceOwner`… */
  actor: string;
  /** Absent: requests go without Authorization (for unauthenticated probes). */
  tokens?: TokenProvider;
  contracts: readonly CompiledContract[];
  checks: readonly ResponseCheck[];
  ledger: LedgerSink;
  extraHeaders?: Record<string, string>;
  timeoutMs: number;
  rateLimiter?: RateLimiter;
  /** Retries the environment allows (see EnvironmentConfig.retries); default none. */
  retries?: { rateLimited?: number; transient?: number };
  /** Waits between attempts (tests replace it). */
  sleep?: (ms: number) => Promise<void>;
  /** Which test the exchange belongs to (fixtures pass the current test id). */
  testId?: () => string | undefined;
  /** Wraps each call (fixtures use `test.step`); titles name the operation and ids, never tokens. */
  step?: <R>(title: string, body: () => Promise<R>) => Promise<R>;
  /** Told about every check result that is not PASS/SKIP (fixtures turn FAILs into soft assertions). */
  onCheckResults?: (exchangeId: string, operationId: string, results: CheckResult[]) => void;
}

export interface RawRequest {
  method: string;
  /** Path below the base URL, e.g. `/broker/api/v1/filetransfer`; may carry a query. */
  path: string;
  headers?: Record<string, string>;
  body?: OutgoingBody;
  /** Send without the actor's token even though it has one. */
  anonymous?: boolean;
  /** Replace the bearer token (forged, expired, foreign tokens in negative tests). */
  bearer?: string;
  rateLimit?: RateLimitedOperation;
  /** Stream the body of a 2xx response here instead of keeping it. */
  sink?: Writable;
  /** Keep at most this many bytes of the response body (default: all for ordinary calls). */
  keepBytes?: number;
  operationHint?: string;
  /** Response checks not to run on this exchange (hostile requests to routes no contract has skip `operation_documented`). */
  skipChecks?: readonly string[];
}

const KEEP_ALL = 8 * 1024 * 1024;
const WIRE = new UndiciTransport();
/** Sent with every request unless the call names its own: who is calling (gateways log it) and that any answer will do. */
const DEFAULT_HEADERS: Record<string, string> = { 'user-agent': 'broker-conformance', accept: '*/*' };
const KEEP_PAYLOAD = 64 * 1024;

function isTextual(contentType: string | undefined): boolean {
  return !!contentType && /json|text|xml|csv|problem/i.test(contentType);
}

export class BrokerClient {
  constructor(private readonly options: BrokerClientOptions) {}

  get actor(): string {
    return this.options.actor;
  }

  /** A copy of this client acting as someone else (or anonymously), on the same road. */
  as(actor: string, tokens: TokenProvider | undefined): BrokerClient {
    return new BrokerClient({ ...this.options, actor, tokens });
  }

  // --- file transfers -------------------------------------------------------------------------

  initializeFileTransfer(body: FileTransferInitialize | string): Promise<Checked<FileTransferIdResponse>> {
    return this.json('POST', `${API}/filetransfer`, body, 'initialize');
  }

  /** Streams the payload: a Buffer, a string, a Readable or a file path. */
  uploadFileTransfer(id: string, payload: OutgoingBody, headers: Record<string, string> = {}): Promise<Checked<FileTransferIdResponse>> {
    return this.call({
      method: 'POST',
      path: `${API}/filetransfer/${id}/upload`,
      headers: { 'content-type': 'application/octet-stream', ...headers },
      body: payload,
      rateLimit: 'upload',
    });
  }

  /** Multipart initialize-and-upload; `form` is a complete multipart body with its boundary. */
  initializeAndUploadFileTransfer(form: { contentType: string; body: OutgoingBody }): Promise<Checked<FileTransferIdResponse>> {
    return this.call({ method: 'POST', path: `${API}/filetransfer/upload`, headers: { 'content-type': form.contentType }, body: form.body, rateLimit: 'upload' });
  }

  getFileTransferOverview(id: string): Promise<Checked<FileTransferOverview>> {
    return this.call({ method: 'GET', path: `${API}/filetransfer/${id}`, rateLimit: 'overview' });
  }

  getFileTransferDetails(id: string): Promise<Checked<FileTransferDetails>> {
    return this.call({ method: 'GET', path: `${API}/filetransfer/${id}/details`, rateLimit: 'details' });
  }

  searchFileTransfers(query: SearchQuery): Promise<Checked<string[]>> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    return this.call({ method: 'GET', path: `${API}/filetransfer?${params}`, rateLimit: 'search' });
  }

  /** Streams the download; the body is hashed (md5) and counted, kept only up to a bounded prefix unless small. */
  downloadFileTransfer(id: string, options: { range?: string; sink?: Writable; keepBytes?: number } = {}): Promise<Checked<never>> {
    return this.call({
      method: 'GET',
      path: `${API}/filetransfer/${id}/download`,
      headers: options.range ? { range: options.range } : {},
      sink: options.sink,
      keepBytes: options.keepBytes ?? KEEP_PAYLOAD,
      rateLimit: 'download',
    });
  }

  confirmDownload(id: string): Promise<Checked<never>> {
    return this.call({ method: 'POST', path: `${API}/filetransfer/${id}/confirmdownload`, rateLimit: 'confirm' });
  }

  // --- service owner and resources ------------------------------------------------------------

  initializeServiceOwner(body: { name?: unknown } | string): Promise<Checked<never>> {
    return this.json('POST', `${API}/serviceowner`, body);
  }

  getServiceOwner(): Promise<Checked<ServiceOwnerOverview>> {
    return this.call({ method: 'GET', path: `${API}/serviceowner` });
  }

  configureResource(resourceId: string, body: ResourceConfiguration | string): Promise<Checked<never>> {
    return this.json('PUT', `${API}/resource/${encodeURIComponent(resourceId)}`, body);
  }

  getResource(resourceId: string): Promise<Checked<ResourceConfiguration>> {
    return this.call({ method: 'GET', path: `${API}/resource/${encodeURIComponent(resourceId)}` });
  }

  getHealth(): Promise<Checked<never>> {
    return this.call({ method: 'GET', path: '/health', anonymous: true });
  }

  // --- TUS ----------------------------------------------------------------------

  tus(method: 'OPTIONS' | 'POST' | 'HEAD' | 'PATCH' | 'DELETE', id: string, options: { partial?: string; headers?: Record<string, string>; body?: OutgoingBody } = {}): Promise<Checked<never>> {
    const path = `${API}/filetransfer/upload/tus/${id}${options.partial ? `/partial/${options.partial}` : ''}`;
    const headers = method === 'OPTIONS' ? { ...options.headers } : { 'tus-resumable': '1.0.0', ...options.headers };
    return this.call({ method, path, headers, body: options.body, rateLimit: 'upload' });
  }

  // --- the road itself ---------------------------------------------------------------------------

  private json<T>(method: string, path: string, body: unknown, rateLimit?: RateLimitedOperation): Promise<Checked<T>> {
    return this.call({
      method,
      path,
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      rateLimit,
    });
  }

  /** Any request on the same road: checked and recorded like the typed calls (negative tests use it). */
  async call<T = unknown>(req: RawRequest): Promise<Checked<T>> {
    const operationId = req.operationHint ?? this.operationId(req.method, req.path);
    const run = () => this.send<T>(req, operationId);
    return this.options.step ? this.options.step(`${this.options.actor}: ${operationId} ${req.method} ${req.path.split('?')[0]}`, run) : run();
  }

  private operationId(method: string, path: string): string {
    const reference = this.options.contracts[0];
    return reference?.findOperation(method, path)?.id ?? `${method.toUpperCase()} ${path.split('?')[0]}`;
  }

  /** Sends, and resends where the environment allows: after a 429 (honouring Retry-After) and, for idempotent requests, after a gateway error or a reset. */
  private async send<T>(req: RawRequest, operationId: string): Promise<Checked<T>> {
    const o = this.options;
    const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const idempotent = ['GET', 'HEAD', 'OPTIONS'].includes(req.method.toUpperCase()) && !isStream(req.body);
    let rateLimitedLeft = o.retries?.rateLimited ?? 0;
    let transientLeft = idempotent ? (o.retries?.transient ?? 0) : 0;
    for (let attempt = 1; ; attempt++) {
      let result: Checked<T>;
      try {
        result = { ...(await this.sendOnce<T>(req, operationId)), attempts: attempt };
      } catch (e) {
        if (e instanceof TransportError && e.kind === 'reset' && transientLeft-- > 0) {
          await sleep(250 * attempt);
          continue;
        }
        throw e;
      }
      if (result.status === 429 && rateLimitedLeft-- > 0) {
        await sleep(retryAfterMs(result.headers['retry-after']));
        continue;
      }
      if ([502, 503, 504].includes(result.status) && result.cause === 'gateway-error' && transientLeft-- > 0) {
        await sleep(500 * attempt);
        continue;
      }
      return result;
    }
  }

  private async sendOnce<T>(req: RawRequest, operationId: string): Promise<Omit<Checked<T>, 'attempts'>> {
    const o = this.options;
    const rateClass = req.rateLimit ?? rateClassOf(req.method, req.path);
    const settle = rateClass && o.rateLimiter ? await o.rateLimiter.acquire(rateClass) : undefined;
    const headers = withDefaults({ ...o.extraHeaders, ...req.headers });
    const bearer = req.bearer ?? (!req.anonymous && o.tokens ? await o.tokens.token() : undefined);
    if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`;
    const url = `${o.baseUrl.replace(/\/$/, '')}${req.path}`;
    const exchangeId = randomUUID();
    const startedAt = new Date();
    const t0 = performance.now();
    const requestEvidence = {
      method: req.method,
      url: redactUrl(url),
      headers: redactHeaders(headers),
      ...bodyEvidence(req.body, headers['content-type']),
    };
    let res: IncomingResponse;
    try {
      res = await WIRE.send({ method: req.method, url, headers, body: req.body, timeoutMs: o.timeoutMs }, { keepBytes: req.keepBytes ?? KEEP_ALL, sink: req.sink });
      await settle?.();
    } catch (e) {
      await settle?.();
      const error = e instanceof TransportError ? { kind: e.kind, message: redactText(e.message) } : { kind: 'other', message: redactText(String(e)) };
      this.record({ type: 'exchange', id: exchangeId, testId: o.testId?.(), actor: o.actor, operationId, ...(rateClass ? { rateClass } : {}), request: requestEvidence, error, startedAt: startedAt.toISOString(), durationMs: performance.now() - t0, checks: [] });
      throw e;
    }
    const durationMs = performance.now() - t0;
    const contentType = res.headers['content-type'];
    const text = isTextual(contentType) || res.bodyBytes === 0 ? res.body.toString('utf8') : '';
    // Parsed once here and shared by every contract's checks and by the caller.
    const parsed = /json/i.test(contentType ?? '') && text && !res.truncated ? safeJson(text) : undefined;
    const view = { method: req.method, url: req.path, status: res.status, headers: res.headers, body: res.truncated ? undefined : res.body, bodyBytes: res.bodyBytes, json: parsed };
    const enabled = req.skipChecks ? o.checks.filter((k) => !req.skipChecks!.includes(k.id)) : o.checks;
    const checks = o.contracts.flatMap((c) => checkResponse(c, view, enabled));
    this.record({
      type: 'exchange',
      id: exchangeId,
      testId: o.testId?.(),
      actor: o.actor,
      operationId,
      ...(rateClass ? { rateClass } : {}),
      request: requestEvidence,
      response: {
        status: res.status,
        headers: redactHeaders(res.headers),
        bodyExcerpt: isTextual(contentType) ? text.slice(0, EXCERPT_BYTES) : res.bodyBytes > 0 ? `[${res.bodyBytes} bytes of ${contentType ?? 'unknown type'}, md5 ${res.md5}]` : undefined,
        bodyBytes: res.bodyBytes,
      },
      startedAt: startedAt.toISOString(),
      durationMs,
      checks,
    });
    o.onCheckResults?.(exchangeId, operationId, checks);
    return {
      status: res.status,
      headers: res.headers,
      body: res.status < 300 ? (parsed as T | undefined) : undefined,
      problem: res.status >= 400 && parsed && typeof parsed === 'object' ? (parsed as ProblemBody) : undefined,
      text,
      bodyBytes: res.bodyBytes,
      md5: res.md5,
      exchangeId,
      checks,
      ...(causeOf(res.status, contentType, text, parsed) ? { cause: causeOf(res.status, contentType, text, parsed) } : {}),
    };
  }

  private record(entry: ExchangeEntry): void {
    this.options.ledger.record(entry);
  }
}

function withDefaults(headers: Record<string, string>): Record<string, string> {
  const named = new Set(Object.keys(headers).map((k) => k.toLowerCase()));
  const defaults = Object.entries(DEFAULT_HEADERS).filter(([k]) => !named.has(k));
  return { ...Object.fromEntries(defaults), ...headers };
}

function isStream(body: OutgoingBody | undefined): boolean {
  return !!body && typeof body === 'object' && !Buffer.isBuffer(body) && (('filePath' in body) || typeof (body as Readable).pipe === 'function');
}

function bodyEvidence(body: OutgoingBody | undefined, contentType: string | undefined): { bodyExcerpt?: string; bodyBytes: number } {
  if (body === undefined) return { bodyBytes: 0 };
  if (typeof body === 'string') return { bodyExcerpt: isTextual(contentType) ? body.slice(0, EXCERPT_BYTES) : `[${Buffer.byteLength(body)} bytes]`, bodyBytes: Buffer.byteLength(body) };
  if (Buffer.isBuffer(body)) return { bodyExcerpt: isTextual(contentType) ? body.subarray(0, EXCERPT_BYTES).toString('utf8') : `[${body.length} bytes of ${contentType ?? 'unknown type'}]`, bodyBytes: body.length };
  return { bodyExcerpt: '[streamed]', bodyBytes: -1 };
}

/** Tells the gateway's answers from the Broker's: an HTML error page, a 429, a JSON content type with a body that is not JSON. */
function causeOf(status: number, contentType: string | undefined, text: string, parsed: unknown): Checked<unknown>['cause'] {
  if (status === 429) return 'rate-limited';
  if (status >= 500 && !/json/i.test(contentType ?? '')) return 'gateway-error';
  if (/json/i.test(contentType ?? '') && text !== '' && parsed === undefined) return 'non-json-body';
  return undefined;
}

/** Retry-After in seconds or as an HTTP date; capped at a minute, at least 100 ms. */
function retryAfterMs(value: string | undefined): number {
  if (!value) return 1000;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
  return Math.min(60_000, Math.max(100, Number.isFinite(ms) ? ms : 1000));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
