/** @module Test support for the local Broker's own tests: a broker plus an issuer double, actor tokens, and a raw HTTP caller. */
import { request } from 'node:http';
import { startAltinnIssuer, type AltinnIssuerDouble } from '../platform/altinn-issuer.ts';
import { startLocalBroker, type LocalBrokerHandle, type LocalBrokerOptions } from './index.ts';

export const ORGS = {
  sender: '991825827',
  recipient1: '986252932',
  recipient2: '313725138',
  outsider: '314249879',
} as const;

export const RESOURCE_1 = 'altinn-broker-test-resource-1';
export const RESOURCE_2 = 'altinn-broker-test-resource-2';

export interface CallResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
  json<T = any>(): T;
}

export interface CallOptions {
  token?: string;
  headers?: Record<string, string>;
  /** JSON value (sent with application/json unless a content-type header is given) or raw bytes/text. */
  json?: unknown;
  body?: Buffer | string;
}

export function call(baseUrl: string, method: string, path: string, o: CallOptions = {}): Promise<CallResult> {
  const url = new URL(path, baseUrl);
  const headers: Record<string, string> = { ...o.headers };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  let body: Buffer | undefined;
  if (o.json !== undefined) {
    body = Buffer.from(JSON.stringify(o.json));
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  } else if (o.body !== undefined) body = Buffer.from(o.body);
  if (body) headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const all = Buffer.concat(chunks);
        const text = all.toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: all, text, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export interface TestBroker {
  broker: LocalBrokerHandle;
  issuer: AltinnIssuerDouble;
  url: string;
  tokens: { sender: string; recipient1: string; recipient2: string; outsider: string; serviceOwner: string; readOnlySender: string };
  token(org: string, scopes: string[], extra?: Record<string, unknown>, o?: { expiresInSeconds?: number; issuedAt?: number }): Promise<string>;
  call(method: string, path: string, o?: CallOptions): Promise<CallResult>;
  /** Initializes a transfer on resource 1 from the sender to the given recipients; returns its id. */
  initialize(overrides?: Record<string, unknown>): Promise<string>;
  upload(id: string, payload: Buffer | string, headers?: Record<string, string>): Promise<CallResult>;
  overview(id: string): Promise<any>;
  details(id: string): Promise<any>;
  close(): Promise<void>;
}

export async function startTestBroker(options: LocalBrokerOptions = {}, existingIssuer?: AltinnIssuerDouble): Promise<TestBroker> {
  const issuer = existingIssuer ?? (await startAltinnIssuer());
  const broker = await startLocalBroker({ port: 0, trustedIssuers: [issuer.openIdConfigurationUrl], log: () => {}, ...options });
  const token: TestBroker['token'] = (org, scopes, extra = {}, o = {}) =>
    issuer.sign(
      { scope: scopes.join(' '), 'urn:altinn:orgNumber': org, consumer: { authority: 'iso6523-actorid-upis', ID: `0192:${org}` }, ...extra },
      o,
    );
  const rw = ['altinn:broker.write', 'altinn:broker.read'];
  const tokens = {
    sender: await token(ORGS.sender, rw),
    recipient1: await token(ORGS.recipient1, ['altinn:broker.read']),
    recipient2: await token(ORGS.recipient2, ['altinn:broker.read']),
    outsider: await token(ORGS.outsider, rw),
    serviceOwner: await token(ORGS.sender, ['altinn:serviceowner']),
    readOnlySender: await token(ORGS.sender, ['altinn:broker.read']),
  };
  const c = (method: string, path: string, o?: CallOptions) => call(broker.url, method, path, o);
  const t: TestBroker = {
    broker,
    issuer,
    url: broker.url,
    tokens,
    token,
    call: c,
    async initialize(overrides = {}) {
      const res = await c('POST', '/broker/api/v1/filetransfer', {
        token: tokens.sender,
        json: {
          fileName: 'input.txt',
          resourceId: RESOURCE_1,
          sendersFileTransferReference: 'test-data',
          sender: `0192:${ORGS.sender}`,
          recipients: [`0192:${ORGS.recipient1}`],
          ...overrides,
        },
      });
      if (res.status !== 200) throw new Error(`initialize failed: ${res.status} ${res.text}`);
      return res.json().fileTransferId as string;
    },
    upload: (id, payload, headers = {}) =>
      c('POST', `/broker/api/v1/filetransfer/${id}/upload`, {
        token: tokens.sender,
        body: payload,
        headers: { 'content-type': 'application/octet-stream', ...headers },
      }),
    overview: async (id) => (await c('GET', `/broker/api/v1/filetransfer/${id}`, { token: tokens.sender })).json(),
    details: async (id) => (await c('GET', `/broker/api/v1/filetransfer/${id}/details`, { token: tokens.sender })).json(),
    async close() {
      await broker.close();
      if (!existingIssuer) await issuer.close();
    },
  };
  return t;
}

/** Polls until `check` returns a value (no timed assertions: bounded by the test timeout). */
export async function eventually<T>(check: () => Promise<T | undefined>, intervalMs = 10): Promise<T> {
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
