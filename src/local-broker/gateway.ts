/**
 * @module An API gateway in front of the local Broker: per-operation, per-subscription rate limits
 * answered the way Azure API Management's rate-limit policy answers them (429, `Retry-After` in
 * seconds, a small JSON body). Limits are data (`gateway-profiles/*.json` or an object); the window
 * slides in real time, never on the Broker's movable clock, since the gateway has its own.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

export const GATEWAY_OPERATIONS = ['initialize', 'upload', 'overview', 'details', 'search', 'download', 'confirm', 'default'] as const;
export type GatewayOperation = (typeof GATEWAY_OPERATIONS)[number];

export interface GatewayProfile {
  name: string;
  description?: string;
  /** Length of the sliding window. */
  windowSeconds: number;
  /** Requests per window and subscription; `default` counts every other Broker API call. An operation left out is unlimited. */
  limits: Partial<Record<GatewayOperation, number>>;
}

const BUILT_IN = ['tt02'] as const;
export type BuiltInGatewayProfile = (typeof BUILT_IN)[number];

export function builtInGatewayProfile(name: string): GatewayProfile {
  if (!(BUILT_IN as readonly string[]).includes(name)) {
    throw new Error(`unknown gateway profile '${name}' (built in: ${BUILT_IN.join(', ')})`);
  }
  return JSON.parse(readFileSync(new URL(`./gateway-profiles/${name}.json`, import.meta.url), 'utf8')) as GatewayProfile;
}

/** A profile given by name or as data, checked so a typo cannot silently mean "no limit". */
export function resolveGatewayProfile(profile: string | GatewayProfile): GatewayProfile {
  const p = typeof profile === 'string' ? builtInGatewayProfile(profile) : profile;
  if (!Number.isFinite(p.windowSeconds) || p.windowSeconds <= 0) throw new Error(`gateway profile '${p.name}': windowSeconds must be a positive number`);
  for (const [op, limit] of Object.entries(p.limits)) {
    if (!(GATEWAY_OPERATIONS as readonly string[]).includes(op)) throw new Error(`gateway profile '${p.name}': unknown operation '${op}' (one of ${GATEWAY_OPERATIONS.join(', ')})`);
    if (!Number.isInteger(limit) || limit! < 1) throw new Error(`gateway profile '${p.name}': the limit of '${op}' must be a positive integer`);
  }
  return p;
}

const API = '/broker/api/v1/';

/** The gateway's counter for a request, or undefined outside the Broker API (the emulator's and the Events API's own paths). */
export function gatewayOperation(method: string, url: string): GatewayOperation | undefined {
  const path = url.split('?')[0]!.toLowerCase();
  if (!path.startsWith(API)) return undefined;
  const rest = path.slice(API.length).replace(/\/$/, '').split('/');
  const m = method.toUpperCase();
  if (rest[0] !== 'filetransfer') return 'default';
  if (rest.length === 1) return m === 'POST' ? 'initialize' : m === 'GET' ? 'search' : 'default';
  if (rest.length === 2) return rest[1] === 'upload' && m === 'POST' ? 'upload' : m === 'GET' ? 'overview' : 'default';
  const action = rest[2];
  if (rest.length === 3 && m === 'POST' && action === 'upload') return 'upload';
  if (rest.length === 3 && m === 'GET' && action === 'details') return 'details';
  if (rest.length === 3 && m === 'GET' && action === 'download') return 'download';
  if (rest.length === 3 && m === 'POST' && action === 'confirmdownload') return 'confirm';
  return 'default';
}

export interface GatewayStats {
  /** Requests let through and refused, per operation. */
  passed: Partial<Record<GatewayOperation, number>>;
  refused: Partial<Record<GatewayOperation, number>>;
}

export interface Gateway {
  listener: RequestListener;
  stats(): GatewayStats;
}

/** The subscription a request counts against: its APIM key, or one shared bucket for requests that send none. */
function subscriptionOf(req: IncomingMessage): string {
  const key = req.headers['ocp-apim-subscription-key'];
  return typeof key === 'string' && key !== '' ? `key:${key}` : 'no-subscription-key';
}

export function createGateway(profile: GatewayProfile, inner: RequestListener, now: () => number = () => performance.now()): Gateway {
  const windowMs = profile.windowSeconds * 1000;
  const windows = new Map<string, number[]>();
  const passed: GatewayStats['passed'] = {};
  const refused: GatewayStats['refused'] = {};
  const listener: RequestListener = (req: IncomingMessage, res: ServerResponse) => {
    const op = gatewayOperation(req.method ?? 'GET', req.url ?? '/');
    const limit = op === undefined ? undefined : profile.limits[op];
    if (op === undefined || limit === undefined) return inner(req, res);
    const key = `${subscriptionOf(req)}|${op}`;
    const window = windows.get(key) ?? [];
    windows.set(key, window);
    const t = now();
    while (window.length > 0 && window[0]! <= t - windowMs) window.shift();
    if (window.length >= limit) {
      refused[op] = (refused[op] ?? 0) + 1;
      const retryAfter = Math.max(1, Math.ceil((window[0]! + windowMs - t) / 1000));
      const body = JSON.stringify({ statusCode: 429, message: `Rate limit is exceeded. Try again in ${retryAfter} seconds.` });
      // The body of the refused request is never read: close the connection rather than leave it half-read.
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(retryAfter), 'content-length': Buffer.byteLength(body), connection: 'close' });
      res.end(body);
      req.resume();
      return;
    }
    window.push(t);
    passed[op] = (passed[op] ?? 0) + 1;
    return inner(req, res);
  };
  return { listener, stats: () => ({ passed: { ...passed }, refused: { ...refused } }) };
}
