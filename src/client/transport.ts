/**
 * @module How one request goes on the wire: undici, for every call. Request bodies stream from
 * buffers, streams or files; response bodies are hashed and counted as they pass and only a bounded
 * prefix is kept, so memory does not grow with file size. (Playwright's APIRequestContext was the road
 * for ordinary calls until measured: it buffers, and costs about three times a raw request in stack
 * capture and protocol round trips. The ledger and the `test.step` per call keep the evidence it gave.)
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { undiciLibrary } from '../deferred.ts';

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

function classify(e: unknown): TransportError {
  const err = e as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  const code = err.code ?? err.cause?.code ?? '';
  // Only the first line: a message may go on with a call log (with headers such as `keep-alive: timeout=5`).
  const msg = (err.message ?? String(e)).split('\n')[0]!;
  if (/timeout/i.test(code) || /timeout|timed out/i.test(msg) || err.name === 'TimeoutError') return new TransportError('timeout', msg);
  if (/ECONNRESET|UND_ERR_SOCKET|socket hang up|other side closed|aborted/i.test(`${code} ${msg}`)) return new TransportError('reset', msg);
  if (/ECONNREFUSED/.test(`${code} ${msg}`)) return new TransportError('refused', msg);
  return new TransportError('other', msg);
}

/** Streams through undici: request bodies from buffers, strings, streams or files, response bodies hashed as they pass. */
export class UndiciTransport {
  async send(req: OutgoingRequest, handling: ResponseHandling): Promise<IncomingResponse> {
    const body = req.body && typeof req.body === 'object' && 'filePath' in req.body ? createReadStream(req.body.filePath) : req.body;
    let res;
    try {
      const { request: undiciRequest } = undiciLibrary();
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
