/**
 * Issue #8, hostile input: a generated corpus of over 1,000 hostile requests against the embedded
 * local Broker → zero 5xx, zero crashes, and every answer a documented one (checked against the
 * reference contract where the route exists; an empty 4xx where it does not).
 */
import { expect, test } from '@playwright/test';
import { connect } from 'node:net';
import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { request } from 'undici';
import { createTokenProvider, type TokenProvider } from '../../src/auth/index.ts';
import { loadEnvironment } from '../../src/config/index.ts';
import { checkResponse, prepareContract, REFERENCE_CONTRACT_PATH, type CompiledContract } from '../../src/contract/index.ts';
import { describeResponseFinding } from '../../src/contract/findings.ts';
import { hostileCorpus, type HostileCase } from '../../src/reliability/hostile-corpus.ts';
import { startAltinnIssuer } from '../../src/platform/index.ts';
import { startTarget, type BrokerTarget } from '../../fixtures/target.ts';

const env = loadEnvironment('local');
let target: BrokerTarget;
let reference: CompiledContract;
const tokens: Record<string, TokenProvider> = {};
const serverLog: string[] = [];

test.beforeAll(async () => {
  target = await startTarget(env, { log: (line) => serverLog.push(line) });
  reference = (await prepareContract(REFERENCE_CONTRACT_PATH, 'reference', 'reference')).compiled;
  tokens.sender = createTokenProvider(env.actors.sender, env, { localChain: target.localChain });
  tokens.recipient = createTokenProvider(env.actors.recipients[0]!, env, { localChain: target.localChain });
  tokens.outsider = createTokenProvider(env.actors.outsider!, env, { localChain: target.localChain });
});
test.afterAll(async () => target.close());

async function forgedTokens(): Promise<Record<string, string>> {
  const issuer = target.platform!.altinnIssuer;
  const claims = { iss: issuer, scope: 'altinn:broker.write altinn:broker.read altinn:serviceowner', 'urn:altinn:orgNumber': '991825827' };
  const kid = target.platform!.altinn.publicJwks.keys[0]!.kid!;
  const { privateKey } = await generateKeyPair('RS256');
  const stranger = await startAltinnIssuer();
  const now = Math.floor(Date.now() / 1000);
  const forged = {
    'alg none': new UnsecuredJWT(claims).setIssuedAt().setExpirationTime('1h').encode(),
    'unknown key, right kid': await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).setIssuedAt().setExpirationTime('1h').sign(privateKey),
    'HS256 keyed with the public modulus': await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(String(target.platform!.altinn.publicJwks.keys[0]!.n))),
    expired: await target.platform!.altinn.sign(claims, { issuedAt: now - 7200, expiresInSeconds: 60 }),
    'untrusted issuer': await stranger.sign(claims),
    'trusted key, foreign iss': await target.platform!.altinn.sign({ ...claims, iss: 'https://platform.tt02.altinn.no/authentication/api/v1/openid/' }),
    'signature stripped': (await target.platform!.altinn.sign(claims)).split('.').slice(0, 2).join('.') + '.',
  };
  await stranger.close();
  return forged;
}

async function seedTransfers(): Promise<{ own: string; published: string }> {
  const token = await tokens.sender!.token();
  const init = async () => {
    const res = await request(`${target.baseUrl}/broker/api/v1/filetransfer`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ fileName: 'seed.txt', resourceId: env.resources[0], sendersFileTransferReference: 'hostile-seed', sender: env.actors.sender.org, recipients: [env.actors.recipients[0]!.org], disableVirusScan: true }),
    });
    return ((await res.body.json()) as { fileTransferId: string }).fileTransferId;
  };
  const own = await init();
  const published = await init();
  const up = await request(`${target.baseUrl}/broker/api/v1/filetransfer/${published}/upload`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body: 'payload' });
  await up.body.dump();
  expect(up.statusCode).toBe(200);
  return { own, published };
}

interface Answer {
  status: number | null;
  headers: Record<string, string>;
  body: Buffer;
}

function sendRaw(bytes: Buffer): Promise<Answer> {
  const { hostname, port } = new URL(target.baseUrl);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(5_000, () => socket.destroy());
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : null, headers: {}, body: Buffer.alloc(0) });
    });
    socket.write(bytes);
    socket.end();
  });
}

async function send(c: HostileCase, ids: { own: string; published: string }): Promise<Answer> {
  if (c.raw) return sendRaw(c.raw(new URL(target.baseUrl).host));
  const headers: Record<string, string> = { ...c.headers };
  if (typeof c.as === 'object') headers.authorization = `Bearer ${c.as.bearer}`;
  else if (c.as !== 'none') headers.authorization = `Bearer ${await tokens[c.as]!.token()}`;
  const path = c.path.replaceAll('{own}', ids.own).replaceAll('{published}', ids.published);
  const res = await request(`${target.baseUrl}${path}`, { method: c.method as 'GET', headers, body: c.body, headersTimeout: 10_000, bodyTimeout: 10_000 });
  const body = Buffer.from(await res.body.arrayBuffer());
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
  return { status: res.statusCode, headers: flat, body };
}

/** What is wrong with an answer, or undefined when it is a documented error (or a documented success). */
function judge(c: HostileCase, a: Answer, path: string): string | undefined {
  if (a.status !== null && a.status >= 500) return `answered ${a.status}: ${a.body.toString('utf8').slice(0, 200)}`;
  if (c.raw) return a.status === null || (a.status >= 400 && a.status < 500) ? undefined : `raw request answered ${a.status}`;
  const operation = reference.findOperation(c.method, path);
  if (!operation) return a.status === 404 || a.status === 405 || a.status === 400 || a.status === 431 ? undefined : `undocumented route answered ${a.status}`;
  const results = checkResponse(reference, { method: c.method, url: path, status: a.status!, headers: a.headers, body: a.body, bodyBytes: a.body.length });
  const failures = results.filter((r) => r.verdict === 'FAIL' || r.verdict === 'ERROR');
  return failures.length === 0 ? undefined : failures.map((f) => `${f.checkId}: ${f.findings.map(describeResponseFinding).join('; ')}`).join(' | ');
}

test('over 1,000 hostile requests: no 5xx, no crash, every answer documented', async () => {
  test.setTimeout(180_000);
  const ids = await seedTransfers();
  const corpus = hostileCorpus({ resourceId: env.resources[0]!, sender: env.actors.sender.org, recipient: env.actors.recipients[0]!.org, forgedTokens: await forgedTokens() });
  expect(corpus.length).toBeGreaterThanOrEqual(1000);
  const problems: string[] = [];
  const byCategory = new Map<string, number>();
  for (const c of corpus) {
    byCategory.set(c.category, (byCategory.get(c.category) ?? 0) + 1);
    const path = c.path.replaceAll('{own}', ids.own).replaceAll('{published}', ids.published);
    let answer: Answer;
    try {
      answer = await send(c, ids);
    } catch (e) {
      problems.push(`[${c.category}] ${c.name}: no answer (${(e as Error).message})`);
      continue;
    }
    const wrong = judge(c, answer, path);
    if (wrong) problems.push(`[${c.category}] ${c.name}: ${wrong}`);
  }
  // Still alive, and nothing reached the unhandled-exception path.
  const health = await request(`${target.baseUrl}/health`);
  expect(health.statusCode).toBe(200);
  await health.body.dump();
  expect(serverLog.filter((l) => /unhandled|exception|TypeError|RangeError/i.test(l))).toEqual([]);
  expect(problems.slice(0, 40), `${problems.length} of ${corpus.length} cases misbehaved`).toEqual([]);
  expect([...byCategory.keys()].sort()).toEqual(['deep-nesting', 'foreign-or-bad-id', 'forged-token', 'header-fuzz', 'header-injection', 'huge-strings', 'invalid-utf8', 'malformed-json', 'method-fuzz', 'multipart-garbage', 'path-traversal', 'query-fuzz', 'wrong-types']);
});

test('the judge catches what it exists for: a 500, an undocumented status, an undocumented body', () => {
  const c: HostileCase = { name: 'x', category: 'x', method: 'GET', path: '/broker/api/v1/filetransfer/6f1c2d8e-3b7a-4c1e-9a52-0d4f7e8b9c10', headers: {}, as: 'sender' };
  const empty = Buffer.alloc(0);
  expect(judge(c, { status: 500, headers: {}, body: empty }, c.path)).toMatch(/answered 500/);
  expect(judge(c, { status: 418, headers: {}, body: empty }, c.path)).toMatch(/status_code_conformance/);
  expect(judge(c, { status: 404, headers: { 'content-type': 'text/html' }, body: Buffer.from('<html>') }, c.path)).toMatch(/content_type_conformance/);
  expect(judge({ ...c, raw: () => Buffer.alloc(0) }, { status: 200, headers: {}, body: empty }, '')).toMatch(/raw request answered 200/);
});
