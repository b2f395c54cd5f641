/**
 * @module Two ways to put one request on the wire, behind one interface: Playwright's
 * APIRequestContext (buffers whole bodies; used for ordinary calls) and undici (streams; used for
 * payload uploads and downloads, so memory does not grow with file size). Both hash and count the
 * response body and keep only a bounded prefix of it.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import type { APIRequestContext } from '@playwright/test';
import { request as undiciRequest } from 'undici';

export type OutgoingBody = Buffer | string | Readable | { filePath: string };

export interface OutgoingRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: OutgoingBody;
  timeoutMs: number;
}

export interface ResponseHandling {
  /** Keep at most this many bytes of the body (all of it for JSON calls, a bounded prefix for payloads). */
  keepBytes: number;
  /** Also write the whole body here (only for 2xx; error bodies are always just kept). */
  sink?: Writable;
}

export interface IncomingResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** The kept prefix (or all) of the body. */
  body: Buffer;
  bodyBytes: number;
  /** True when bodyBytes > body.length. */
  truncated: boolean;
  md5: string;
}

export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly kind: 'timeout' | 'reset' | 'refused' | 'other',
    message: string,
  ) {
    super(message);
  }
}

export interface Transport {
  send(request: OutgoingRequest, handling: ResponseHandling): Promise<IncomingResponse>;
}

function classify(e: unknown): TransportError {
  const err = e as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  const code = err.code ?? err.cause?.code ?? '';
  // Only the first line: Playwright appends a call log (with headers such as `keep-alive: timeout=5`).
  const msg = (err.message ?? String(e)).split('\n')[0]!;
  if (/timeout/i.test(code) || /timeout|timed out/i.test(msg) || err.name === 'TimeoutError') return new TransportError('timeout', msg);
  if (/ECONNRESET|UND_ERR_SOCKET|socket hang up|other side closed|aborted/i.test(`${code} ${msg}`)) return new TransportError('reset', msg);
  if (/ECONNREFUSED/.test(`${code} ${msg}`)) return new TransportError('refused', msg);
  return new TransportError('other', msg);
}

/** Buffers through Playwright: every call shows in Playwright's own traces. */
export class PlaywrightTransport implements Transport {
  constructor(private readonly http: APIRequestContext) {}

  async send(req: OutgoingRequest, handling: ResponseHandling): Promise<IncomingResponse> {
    if (req.body instanceof Readable || (req.body && typeof req.body === 'object' && 'filePath' in req.body)) {
      throw new Error('PlaywrightTransport buffers bodies; stream payloads through StreamingTransport');
    }
    let res;
    try {
      res = await this.http.fetch(req.url, {
        method: req.method,
        headers: req.headers,
        // Always bytes: Playwright JSON-encodes a string body under a JSON content type ('' would become '""').
        data: typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : (req.body as Buffer | undefined),
        timeout: req.timeoutMs,
        failOnStatusCode: false,
        maxRedirects: 0,
      });
    } catch (e) {
      throw classify(e);
    }
    const body = await res.body().catch((e: unknown) => {
      throw classify(e);
    });
    if (handling.sink && res.status() < 300) handling.sink.end(body);
    return {
      status: res.status(),
      headers: res.headers(),
      body: body.subarray(0, handling.keepBytes),
      bodyBytes: body.length,
      truncated: body.length > handling.keepBytes,
      md5: createHash('md5').update(body).digest('hex'),
    };
  }
}

/** Streams through undici: request bodies from streams or files, response bodies hashed as they pass. */
export class StreamingTransport implements Transport {
  async send(req: OutgoingRequest, handling: ResponseHandling): Promise<IncomingResponse> {
    const body = req.body && typeof req.body === 'object' && 'filePath' in req.body ? createReadStream(req.body.filePath) : req.body;
    let res;
    try {
      res = await undiciRequest(req.url, {
        method: req.method as 'GET',
        headers: req.headers,
        body,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
      });
    } catch (e) {
      throw classify(e);
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    const hash = createHash('md5');
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let total = 0;
    const sink = res.statusCode < 300 ? handling.sink : undefined;
    try {
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        hash.update(chunk);
        total += chunk.length;
        if (keptBytes < handling.keepBytes) {
          const part = chunk.subarray(0, handling.keepBytes - keptBytes);
          kept.push(part);
          keptBytes += part.length;
        }
        if (sink && !sink.write(chunk)) await new Promise((r) => sink.once('drain', r));
      }
    } catch (e) {
      sink?.destroy();
      throw classify(e);
    }
    if (sink) await new Promise<void>((resolve, reject) => sink.end((err?: Error | null) => (err ? reject(err) : resolve())));
    return { status: res.statusCode, headers, body: Buffer.concat(kept), bodyBytes: total, truncated: total > keptBytes, md5: hash.digest('hex') };
  }
}
