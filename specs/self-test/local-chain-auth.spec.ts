/**
 * Self-test of the offline token chain end to end: Maskinporten grant → Altinn exchange → the
 * local Broker verifies the exchanged token against the issuer it found through OpenID discovery,
 * and refuses tokens signed by an unknown key, `alg: none` tokens and expired ones.
 */
import { expect, test } from '@playwright/test';
import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { createTokenProvider, signGrantAssertion } from '../../src/auth/index.ts';
import { loadEnvironment } from '../../src/config/index.ts';
import { startTarget, type BrokerTarget } from '../../fixtures/target.ts';

const env = loadEnvironment('local');
const resource = env.resources[0]!;
let target: BrokerTarget;

test.beforeAll(async () => {
  target = await startTarget(env);
});
test.afterAll(async () => target.close());

async function search(baseUrl: string, token: string) {
  const res = await fetch(`${baseUrl}/broker/api/v1/filetransfer?resourceId=${resource}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, wwwAuthenticate: res.headers.get('www-authenticate'), body: await res.text() };
}

const senderClaims = (issuer: string) => ({
  iss: issuer,
  scope: 'altinn:broker.write altinn:broker.read',
  'urn:altinn:orgNumber': '991825827',
  consumer: { authority: 'iso6523-actorid-upis', ID: '0192:991825827' },
});

test('the exchanged token of the local chain is accepted by the local Broker', async () => {
  const provider = createTokenProvider(env.actors.sender, env, { localChain: target.localChain });
  const token = await provider.token();
  expect((await search(target.baseUrl, token)).status).toBe(200);
  expect(provider.description).not.toContain(token);
});

test('a raw (un-exchanged) Maskinporten token is accepted too, as by the real Broker', async () => {
  const chain = target.localChain!;
  const client = chain.clientFor('991825827')!;
  const assertion = await signGrantAssertion({ clientId: client.clientId, kid: client.kid, key: client.privateKey, audience: chain.maskinportenIssuer, scopes: ['altinn:broker.read'] });
  const res = await fetch(chain.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
  });
  expect(res.status).toBe(200);
  const { access_token } = (await res.json()) as { access_token: string };
  expect((await search(target.baseUrl, access_token)).status).toBe(200);
});

test('a token signed by an unknown key is refused with an empty 401', async () => {
  const { privateKey } = await generateKeyPair('RS256');
  const forged = await new SignJWT(senderClaims(target.platform!.altinnIssuer))
    .setProtectedHeader({ alg: 'RS256', kid: target.platform!.altinn.publicJwks.keys[0]!.kid! })
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(privateKey);
  const res = await search(target.baseUrl, forged);
  expect(res.status).toBe(401);
  expect(res.body).toBe('');
  expect(res.wwwAuthenticate).toMatch(/^Bearer/);
});

test('an alg: none token is refused', async () => {
  const none = new UnsecuredJWT(senderClaims(target.platform!.altinnIssuer)).setIssuedAt().setExpirationTime('10m').encode();
  expect((await search(target.baseUrl, none)).status).toBe(401);
});

test('an expired token is refused when lifetime is checked, and accepted when it is not (Development)', async () => {
  const now = Math.floor(Date.now() / 1000);
  const expired = await target.platform!.altinn.sign(senderClaims(target.platform!.altinnIssuer), { issuedAt: now - 7200, expiresInSeconds: 3600 });
  expect((await search(target.baseUrl, expired)).status).toBe(401);
  const lenient = await startTarget(env, { validateLifetime: false });
  try {
    const stillExpired = await lenient.platform!.altinn.sign(senderClaims(lenient.platform!.altinnIssuer), { issuedAt: now - 7200, expiresInSeconds: 3600 });
    expect((await search(lenient.baseUrl, stillExpired)).status).toBe(200);
  } finally {
    await lenient.close();
  }
});
