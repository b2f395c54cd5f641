import { expect, test } from '@playwright/test';
import { MUTATIONS } from '../local-broker/mutations.ts';
import { staticTokenEnvironment } from '../config/testing.ts';
import { UnsecuredJWT } from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkTokenClaims, MAX_CLOCK_SKEW_SECONDS, orgOfClaims, preflight, preflightConfiguration, probeBroker } from './index.ts';

const NOW = Date.parse('2026-12-06T10:00:00Z');
const token = (claims: Record<string, unknown>) => new UnsecuredJWT(claims).encode();
const good = { iss: 'https://issuer.example/', scope: 'altinn:broker.write altinn:broker.read', 'urn:altinn:orgNumber': '991825827', iat: NOW / 1000, exp: NOW / 1000 + 3600 };
const expectation = { scopes: ['altinn:broker.write', 'altinn:broker.read'], org: '0192:991825827', issuers: ['https://issuer.example'], now: NOW };

test('a token with the right scope, organisation, issuer and lifetime passes', () => {
  const { facts, problems } = checkTokenClaims(token(good), expectation);
  expect(problems).toEqual([]);
  expect(facts).toEqual({ scopes: ['altinn:broker.write', 'altinn:broker.read'], org: '991825827', issuer: 'https://issuer.example/', expiresInSeconds: 3600 });
});

test('each wrong claim is named with the reason', () => {
  const problemsOf = (claims: Record<string, unknown>) => checkTokenClaims(token({ ...good, ...claims }), expectation).problems;
  expect(problemsOf({ scope: 'altinn:broker.read' })).toEqual(['token lacks scope altinn:broker.write (it has altinn:broker.read): is the client granted it?']);
  expect(problemsOf({ 'urn:altinn:orgNumber': '986252932' })).toEqual(['token is for organisation 986252932, the environment says 991825827']);
  expect(problemsOf({ iss: 'https://test.maskinporten.no/' })).toEqual(['token issuer https://test.maskinporten.no/ is not one the environment trusts (https://issuer.example)']);
  expect(problemsOf({ exp: NOW / 1000 - 5 })).toEqual(['token expired 5 s ago (exp 2026-12-06T09:59:55.000Z)']);
  expect(problemsOf({ exp: NOW / 1000 + 20 })).toEqual(['token expires in 20 s, less than the 60 s a run needs']);
  expect(problemsOf({ iat: NOW / 1000 + 600 })).toEqual(["token was issued 600 s in the future (iat): the issuer's clock and this machine's disagree"]);
  expect(problemsOf({ exp: undefined })).toEqual(['token has no exp claim']);
});

test('the organisation is read as the Broker reads it: system user first, then orgNumber, then consumer', () => {
  expect(orgOfClaims({ authorization_details: [{ type: 'urn:altinn:systemuser', systemuser_org: { ID: '0192:313725138' } }], 'urn:altinn:orgNumber': '991825827' })).toBe('313725138');
  expect(orgOfClaims({ 'urn:altinn:orgNumber': '991825827', consumer: { ID: '0192:986252932' } })).toBe('991825827');
  expect(orgOfClaims({ consumer: JSON.stringify({ authority: 'iso6523-actorid-upis', ID: '0192:986252932' }) })).toBe('986252932');
  expect(orgOfClaims({})).toBeUndefined();
  expect(checkTokenClaims(token({ ...good, 'urn:altinn:orgNumber': undefined }), expectation).problems).toEqual(['token names no organisation (no authorization_details, urn:altinn:orgNumber or consumer claim)']);
});

test('an opaque token (a static one) is not inspected', () => {
  expect(checkTokenClaims('not-a-jwt', expectation).problems).toEqual([]);
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function closedPort(): Promise<string> {
  const { url, server } = await serve(() => undefined);
  await new Promise((r) => server.close(r));
  return url;
}

test('the Broker probe: unreachable, not a Broker, a Broker, and a clock out of step', async () => {
  const closed = await closedPort();
  const down = await probeBroker(closed, { timeoutMs: 2000 });
  expect(down.problem).toBe(`the Broker at ${closed} is unreachable: connection refused (ECONNREFUSED)`);

  const login = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>'));
  const notBroker = await probeBroker(login.url);
  expect(notBroker.problem).toBe(
    `${login.url} answers, but not like a Broker (GET /health → 200 text/html, GET /broker/api/v1/filetransfer → 200 text/html; expected /health 200 or 401 for a call without a token): is brokerBaseUrl right?`,
  );
  login.server.close();

  // A Broker behind a gateway that does not route /health: the anonymous call's 401 is enough. Its clock is 2 minutes ahead.
  const skewed = await serve((req, res) => {
    res.sendDate = false;
    res.setHeader('date', new Date(Date.now() + 120_000).toUTCString());
    res.writeHead(req.url === '/health' ? 404 : 401).end();
  });
  const ahead = await probeBroker(skewed.url);
  expect(ahead.problem).toBeUndefined();
  expect(ahead.clockProblem).toMatch(new RegExp(`^this machine's clock is 1(19|20|21) s behind the Broker's \\(its Date header\\); more than ${MAX_CLOCK_SKEW_SECONDS} s breaks`));
  skewed.server.close();

  const broker = await serve((req, res) => res.writeHead(req.url === '/health' ? 200 : 401).end());
  const fine = await probeBroker(broker.url);
  expect(fine.problem).toBeUndefined();
  expect(fine.clockProblem).toBeUndefined();
  expect(fine.summary).toMatch(/^GET \/health → 200, GET \/broker\/api\/v1\/filetransfer → 401; clock (in step with|1 s (behind|ahead of)) the Broker's Date header$/);
  broker.server.close();
});

const orgs = { BROKER_SENDER_ORG: '991825827', BROKER_RECIPIENT_ORG: '986252932', BROKER_RESOURCE_ID: 'my-resource' };

test('tt02 with the organisations and resource set but no secrets: all three Maskinporten variables at once, no network', () => {
  const r = preflightConfiguration('tt02', orgs);
  expect(r.problems).toEqual([
    "environment 'tt02': environment variable BROKER_MASKINPORTEN_CLIENT_ID is not set (Maskinporten client id, for sender, recipient[0])",
    "environment 'tt02': environment variable BROKER_MASKINPORTEN_PRIVATE_KEY is not set (Maskinporten signing key, for sender, recipient[0])",
    "environment 'tt02': environment variable BROKER_MASKINPORTEN_KID is not set (Maskinporten key id (kid) or certificate chain, for sender, recipient[0])",
  ]);
  // Nothing set at all: the placeholders and the secrets, six lines in one go.
  expect(preflightConfiguration('tt02', {}).problems).toHaveLength(6);
  // A JWK key carrying its own kid makes the kid variable unnecessary.
  const jwk = JSON.stringify({ kty: 'RSA', kid: 'k1', n: 'x', e: 'AQAB', d: 'y' });
  expect(preflightConfiguration('tt02', { ...orgs, BROKER_MASKINPORTEN_CLIENT_ID: 'c', BROKER_MASKINPORTEN_PRIVATE_KEY: jwk }).problems).toEqual([]);
});

test('an unknown local-Broker mutation is one problem naming the known ones', () => {
  expect(preflightConfiguration('local', { BROKER_LOCAL_MUTATIONS: 'wrong-status-on-confirm,no-such-fault' }).problems).toEqual([
    `unknown local-Broker mutation 'no-such-fault' (known: ${Object.keys(MUTATIONS).join(', ')})`,
  ]);
});

const customEnvironment = (brokerBaseUrl: string) =>
  staticTokenEnvironment({ name: 'custom-preflight', description: 'a static-token environment for the preflight self-test', brokerBaseUrl, tokenEnv: 'PREFLIGHT_TOKEN', withPlatform: true });

test('a whole preflight: the unreachable Broker and each actor whose token is wrong, one line each', async () => {
  const closed = await closedPort();
  const r = await preflight(customEnvironment(closed), { env: { PREFLIGHT_TOKEN: token({ ...good, iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 3600 }) }, timeoutMs: 3000 });
  expect(r.problems).toEqual([
    `the Broker at ${closed} is unreachable: connection refused (ECONNREFUSED)`,
    // One token for both actors: it names the sender's organisation, so the recipient's check fails.
    'recipient[0]: token is for organisation 991825827, the environment says 986252932',
  ]);
  expect(r.problems.join('\n')).not.toContain('eyJ');
});

test('doctor on the embedded Broker: every actor gets a good token, the Broker answers, nothing is wrong', async () => {
  test.setTimeout(120_000);
  const r = await preflight('local');
  expect(r.problems).toEqual([]);
  expect(r.passed.find((p) => p.startsWith('Broker '))).toMatch(/GET \/health → 200 text\/plain, GET \/broker\/api\/v1\/filetransfer → 401/);
  for (const actor of ['sender', 'recipient[0]', 'recipient[1]', 'serviceOwner', 'outsider']) expect(r.passed.some((p) => p.startsWith(`${actor}: token obtained (scope `))).toBe(true);
});
