/** @module The HTTP pipeline on node:http (§1.1): routing, 405/415, security headers, the Accept check, authentication and authorization, then the handler; one place renders every failure. */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hasPolicy, Unauthenticated, type Caller, type Policy } from './auth.ts';
import type { Broker } from './broker.ts';
import { BrokerProblem, FrameworkResponse, ValidationProblem } from './errors.ts';
import {
  brokerProblemBody,
  JSON_CONTENT_TYPE,
  PROBLEM_CONTENT_TYPE,
  unhandledProblemBody,
  validationProblemBody,
} from './problems.ts';

export interface RequestContext {
  b: Broker;
  req: IncomingMessage;
  res: ServerResponse;
  route: Route;
  params: Record<string, string>;
  query: URLSearchParams;
  path: string;
  traceId: string;
  /** Set for every route that is not anonymous. */
  caller: Caller;
  /** Content type for problem bodies on this route (§1.4a). */
  problemContentType: string;
}

export interface Route {
  method: string;
  /** Path with `{param}` segments; matched case-insensitively. */
  pattern: string;
  auth: Policy | 'anonymous';
  /** `[Produces]` media types; enables the Accept check and JSON problem bodies. */
  produces?: string[];
  /** `[Consumes]` media type; a different Content-Type is a 415 with an empty body, before authentication. */
  consumes?: string;
  /**
   * A second authentication scheme for a token that fails only its lifetime check (the TUS upload session, §8.7):
   * the expired token is accepted when this returns true for the caller it names.
   */
  acceptExpiredToken?: (rc: RequestContext, caller: Caller) => boolean;
  handle(rc: RequestContext): Promise<void>;
}

const SECURITY_HEADERS = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' } as const;

/** The first media type of a Content-Type or Accept entry, without parameters (ASP.NET reads no further than the first). */
export function mediaType(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return header.split(',')[0]!.split(';')[0]!.trim().toLowerCase();
}

/** `[Consumes]`: an absent or empty Content-Type passes; otherwise the type must match, or its `+suffix` (`application/offset+octet-stream`). */
export function consumesMatches(contentType: string | undefined, consumes: string): boolean {
  const type = mediaType(contentType);
  if (!type) return true;
  if (type === consumes) return true;
  const [major, minor] = type.split('/');
  const [wantMajor, wantMinor] = consumes.split('/');
  return major === wantMajor && !!minor && minor.includes('+') && minor.slice(minor.lastIndexOf('+') + 1) === wantMinor;
}

function traceIdFor(req: IncomingMessage): string {
  const parent = /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(String(req.headers.traceparent ?? '').trim());
  const trace = parent && !/^0+$/.test(parent[1]!) ? parent[1]! : randomBytes(16).toString('hex');
  return `00-${trace}-${randomBytes(8).toString('hex')}-01`;
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s, i, all) => !(s === '' && (i === 0 || i === all.length - 1)));
}

function match(pattern: string, segments: string[]): Record<string, string> | undefined {
  const parts = splitPath(pattern);
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    const s = segments[i]!;
    if (p.startsWith('{')) {
      if (s === '') return undefined;
      try {
        params[p.slice(1, -1)] = decodeURIComponent(s);
      } catch {
        params[p.slice(1, -1)] = s;
      }
    } else if (p.toLowerCase() !== s.toLowerCase()) return undefined;
  }
  return params;
}

const literalCount = (pattern: string) => splitPath(pattern).filter((p) => !p.startsWith('{')).length;

export function sendJson(rc: RequestContext, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  rc.res.writeHead(status, { 'content-type': JSON_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
  rc.res.end(body);
}

export function sendEmpty(rc: RequestContext, status: number): void {
  sendBare(rc.res, status);
}

/** `Content-Length` for a body of `bytes`, none on 204: Kestrel omits it there (RFC 9110 §8.6 forbids it on 204). */
export function contentLengthHeader(status: number, bytes: number): Record<string, number> {
  return status === 204 ? {} : { 'content-length': bytes };
}

export function sendText(res: ServerResponse, status: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Builds the request listener for a set of routes. */
export function createPipeline(b: Broker, routes: Route[]): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const traceId = traceIdFor(req);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      url = new URL('http://localhost/');
    }
    void run(b, routes, req, res, url, traceId).catch((error) => renderUnhandled(b, req, res, url.pathname, traceId, error));
  };
}

async function run(b: Broker, routes: Route[], req: IncomingMessage, res: ServerResponse, url: URL, traceId: string): Promise<void> {
  const segments = splitPath(url.pathname);
  // 1. Routing: path candidates, then the method.
  const candidates = routes.flatMap((route) => {
    const params = match(route.pattern, segments);
    return params ? [{ route, params }] : [];
  });
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
  if (b.mutated('wrong-cache-control')) res.setHeader('cache-control', 'no-cache');
  if (candidates.length === 0) return void sendBare(res, 404);
  const method = (req.method ?? 'GET').toUpperCase();
  const chosen = candidates
    .filter((c) => c.route.method === method)
    .sort((x, y) => literalCount(y.route.pattern) - literalCount(x.route.pattern))[0];
  if (!chosen) {
    const allow = [...new Set(candidates.map((c) => c.route.method))].join(', ');
    return void sendBare(res, 405, { allow });
  }
  const { route, params } = chosen;
  // [Consumes] mismatch is decided by routing: 415, empty body, before the Accept check and authentication.
  if (route.consumes && !consumesMatches(req.headers['content-type'], route.consumes)) return void sendBare(res, 415);

  const rc: RequestContext = {
    b,
    req,
    res,
    route,
    params,
    query: url.searchParams,
    path: url.pathname,
    traceId,
    caller: { claims: {}, org: undefined, scopes: [] },
    problemContentType: route.produces?.includes('application/json') ? JSON_CONTENT_TYPE : PROBLEM_CONTENT_TYPE,
  };
  try {
    // 4. Accept header validation, before authentication.
    if (route.produces && req.headers.accept !== undefined) {
      const ranges = String(req.headers.accept)
        .split(',')
        .map((r) => mediaType(r))
        .filter((r): r is string => !!r);
      if (!ranges.some((r) => r === '*/*' || route.produces!.includes(r))) {
        const supported = [...route.produces, '*/*'].join(', ');
        const text = `This endpoint does not support the requested Accept header. Supported Accept headers are: ${supported}.`;
        res.writeHead(406, { 'content-length': Buffer.byteLength(text) }); // plain body, no Content-Type
        res.end(text);
        return;
      }
    }
    // 6. Authentication, then the scope policy.
    if (route.auth !== 'anonymous') {
      // Two Authorization headers are read as one comma-joined value: never a valid token.
      if ((req.headersDistinct.authorization?.length ?? 0) > 1) throw new Unauthenticated('Bearer error="invalid_token"');
      try {
        rc.caller = await b.verifier.authenticate(req.headers.authorization);
      } catch (error) {
        if (!(error instanceof Unauthenticated) || !route.acceptExpiredToken) throw error;
        const expired = await b.verifier.authenticate(req.headers.authorization, { ignoreLifetime: true }).catch(() => undefined);
        if (!expired || !route.acceptExpiredToken(rc, expired)) throw error;
        rc.caller = expired;
      }
      if (!hasPolicy(rc.caller, route.auth)) return void sendBare(res, 403);
    }
    await route.handle(rc);
  } catch (error) {
    renderError(rc, error);
  }
}

function sendBare(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, ...contentLengthHeader(status, 0) });
  res.end();
}

/** The one place that turns a thrown value into a response. */
function renderError(rc: RequestContext, error: unknown): void {
  const { res, traceId } = rc;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof Unauthenticated) return void sendBare(res, 401, { 'www-authenticate': error.wwwAuthenticate });
  if (error instanceof BrokerProblem) return void sendText(res, error.error.status, brokerProblemBody(error.error, traceId), rc.problemContentType);
  if (error instanceof ValidationProblem) return void sendText(res, 400, validationProblemBody(error.errors, traceId), rc.problemContentType);
  if (error instanceof FrameworkResponse) {
    res.writeHead(error.status, { ...error.headers, ...contentLengthHeader(error.status, Buffer.byteLength(error.body ?? '')) });
    res.end(error.body ?? '');
    return;
  }
  renderUnhandled(rc.b, rc.req, res, rc.path, traceId, error);
}

/** §1.1 step 5: headers cleared (no security headers), no-cache trio, ProblemDetails unless the Accept header rules it out. */
function renderUnhandled(b: Broker, req: IncomingMessage, res: ServerResponse, path: string, traceId: string, error: unknown): void {
  b.settings.log(`unhandled exception on ${req.method} ${path} (trace ${traceId}): ${(error as Error)?.stack ?? String(error)}`);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  const accept = req.headers.accept;
  const writable =
    accept === undefined ||
    String(accept)
      .split(',')
      .map((r) => mediaType(r))
      .some((r) => r === '*/*' || r === 'application/*' || r === 'application/json' || r === 'application/problem+json' || r === 'text/json');
  const body = writable ? unhandledProblemBody(path, traceId) : '';
  const headers: Record<string, string | number> = {
    'cache-control': 'no-cache,no-store',
    pragma: 'no-cache',
    expires: '-1',
    'content-length': Buffer.byteLength(body),
  };
  if (writable) headers['content-type'] = PROBLEM_CONTENT_TYPE;
  res.writeHead(500, headers);
  res.end(body);
}
