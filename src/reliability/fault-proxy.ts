/**
 * @module A fault-injection proxy (test utility) between the harness and a Broker: forwards every
 * request, unless a matching fault says otherwise — added latency, a reset in the middle of the
 * body, a 502/503 with an HTML page, truncated JSON, a 429 with Retry-After, or a response that
 * never ends. Faults match by method and path and can be limited to the first N matches.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FaultKind = 'latency' | 'reset-mid-body' | 'html-502' | 'html-503' | 'truncated-json' | 'rate-limited' | 'never-ends';

export interface Fault {
  kind: FaultKind;
  /** Which requests: a method (default any) and a path pattern (default any). */
  method?: string;
  path?: RegExp;
  /** Apply to this many matching requests, then pass through (default: every one). */
  times?: number;
  /** latency: added delay; rate-limited: the Retry-After value (seconds). */
  ms?: number;
  retryAfterSeconds?: number;
}

const KINDS: readonly FaultKind[] = ['latency', 'reset-mid-body', 'html-502', 'html-503', 'truncated-json', 'rate-limited', 'never-ends'];

/** Reads faults from JSON (`[{"kind":"html-502","path":"/details$","times":1}]`); `path` is a regular expression. */
export function parseFaults(json: string): Fault[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new Error(`BROKER_FAULTS is not JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(raw)) throw new Error('BROKER_FAULTS must be a JSON array of faults');
  return raw.map((f: Record<string, unknown>, i) => {
    if (!KINDS.includes(f.kind as FaultKind)) throw new Error(`BROKER_FAULTS[${i}].kind must be one of ${KINDS.join(', ')}`);
    return { ...(f as unknown as Fault), ...(typeof f.path === 'string' ? { path: new RegExp(f.path) } : {}) };
  });
}

export interface FaultProxy {
  readonly url: string;
  /** Replaces the active faults. */
  setFaults(faults: Fault[]): void;
  /** How many requests each fault has hit so far (by index in the last setFaults). */
  hits(): number[];
  close(): Promise<void>;
}

const HTML = (status: number, text: string) => `<!DOCTYPE html><html><head><title>${status} ${text}</title></head><body><h1>${status} ${text}</h1><p>The gateway could not serve this request.</p></body></html>`;

export async function startFaultProxy(targetUrl: string): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  let faults: { fault: Fault; hits: number }[] = [];
  const sockets = new Set<Socket>();

  const pick = (req: IncomingMessage) =>
    faults.find(({ fault, hits }) => (!fault.method || fault.method.toUpperCase() === req.method) && (!fault.path || fault.path.test(req.url ?? '')) && (fault.times === undefined || hits < fault.times));

  const forward = (req: IncomingMessage, res: ServerResponse, onResponse?: (upstream: IncomingMessage) => void) => {
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (up) => {
        if (onResponse) return onResponse(up);
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };

  const server: Server = createServer((req, res) => {
    const match = pick(req);
    if (!match) return forward(req, res);
    match.hits++;
    const { fault } = match;
    switch (fault.kind) {
      case 'latency':
        return void setTimeout(() => forward(req, res), fault.ms ?? 1000);
      case 'html-502':
      case 'html-503': {
        req.resume();
        const status = fault.kind === 'html-502' ? 502 : 503;
        res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
        return void res.end(HTML(status, status === 502 ? 'Bad Gateway' : 'Service Unavailable'));
      }
      case 'rate-limited':
        req.resume();
        res.writeHead(429, { 'retry-after': String(fault.retryAfterSeconds ?? 1), 'content-type': 'application/json' });
        return void res.end('{"statusCode":429,"message":"Rate limit is exceeded."}');
      case 'never-ends':
        req.resume();
        // Headers and a first byte, then silence: only a client-side timeout ends this.
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.write('{');
      case 'reset-mid-body':
      case 'truncated-json':
        return forward(req, res, (up) => {
          const chunks: Buffer[] = [];
          up.on('data', (c: Buffer) => chunks.push(c));
          up.on('end', () => {
            const body = Buffer.concat(chunks);
            const half = body.subarray(0, Math.max(1, Math.floor(body.length / 2)));
            const headers = { ...up.headers };
            delete headers['content-length'];
            delete headers['transfer-encoding'];
            if (fault.kind === 'truncated-json') {
              // A complete HTTP response whose JSON body is cut short.
              res.writeHead(up.statusCode ?? 200, { ...headers, 'content-length': String(half.length) });
              return void res.end(half);
            }
            // Promise the whole body, send half, then reset the connection.
            res.writeHead(up.statusCode ?? 200, { ...headers, 'content-length': String(body.length) });
            res.write(half, () => res.socket?.resetAndDestroy());
          });
        });
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setFaults(next) {
      faults = next.map((fault) => ({ fault, hits: 0 }));
    },
    hits: () => faults.map((f) => f.hits),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
