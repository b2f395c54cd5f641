/** @module Self-tests of the token-exchange double and of verifyAltinnToken: what is accepted, what is refused, which claims come out. */
import { test, expect } from '@playwright/test';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { signGrantAssertion } from '../auth/grant-assertion.ts';
import { startPlatform, type Platform } from './platform.ts';
import { verifyAltinnToken } from './verify-altinn-token.ts';

let platform: Platform;
let clientKey: CryptoKey;

test.beforeAll(async () => {
  platform = await startPlatform();
  const pair = await generateKeyPair('RS256');
  clientKey = pair.privateKey;
  platform.registerClient({
    clientId: 'vendor',
    org: '991825827',
    scopes: ['altinn:broker.write', 'altinn:serviceowner'],
    keys: [{ kid: 'k1', key: await exportJWK(pair.publicKey) }],
    systemUserOrgs: ['986252932'],
  });
});
test.afterAll(async () => platform.close());

async function maskinportenToken(scopes: string[], systemUserOrg?: string): Promise<string> {
  const assertion = await signGrantAssertion({
    key: clientKey,
    kid: 'k1',
    audience: platform.maskinportenIssuer,
    clientId: 'vendor',
    scopes,
    ...(systemUserOrg ? { systemUserOrg } : {}),
  });
  const res = await fetch(platform.maskinportenTokenEndpoint, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

const exchange = (token: string | undefined) =>
  fetch(platform.exchangeUrl, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

test('the exchange lives on the platform base URL, beside the Altinn issuer', () => {
  expect(platform.exchangeUrl).toBe(`${platform.platformBaseUrl}/authentication/api/v1/exchange/maskinporten`);
  expect(platform.altinnIssuer).toBe(`${platform.platformBaseUrl}/authentication/api/v1/openid/`);
});

test('a system-user Maskinporten token is exchanged for an Altinn token with the claims Altinn adds', async () => {
  const mpToken = await maskinportenToken(['altinn:broker.write'], '986252932');
  const mp = decodeJwt(mpToken);
  const res = await exchange(mpToken);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  const altinnToken = await res.text();
  const claims = await verifyAltinnToken(altinnToken, platform.altinnOpenIdConfigurationUrl);
  expect(claims).toMatchObject({
    iss: platform.altinnIssuer,
    scope: 'altinn:broker.write',
    client_id: 'vendor',
    consumer: { authority: 'iso6523-actorid-upis', ID: '0192:991825827' },
    authorization_details: mp.authorization_details,
    token_type: 'Bearer',
    'urn:altinn:orgNumber': '991825827',
    'urn:altinn:authenticatemethod': 'maskinporten',
    'urn:altinn:authlevel': 3,
  });
  expect(claims.client_amr).toBeUndefined();
  expect(claims.aud).toBeUndefined();
  expect(claims.jti).not.toBe(mp.jti);
  expect(claims['urn:altinn:org']).toBeUndefined();
});

test('urn:altinn:org is added only for a service owner asking for altinn:serviceowner', async () => {
  const claims = decodeJwt(await (await exchange(await maskinportenToken(['altinn:serviceowner']))).text());
  expect(claims['urn:altinn:org']).toBe('digdir');
});

test('refuses a missing token, a token signed by another key, and an alg:none token with 401', async () => {
  expect((await exchange(undefined)).status).toBe(401);
  const valid = decodeJwt(await maskinportenToken(['altinn:broker.write']));
  const stranger = (await generateKeyPair('RS256')).privateKey;
  const forged = await new SignJWT(valid).setProtectedHeader({ alg: 'RS256', kid: platform.maskinporten.publicJwks.keys[0]?.kid as string }).sign(stranger);
  expect((await exchange(forged)).status).toBe(401);
  const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(valid)).toString('base64url')}.`;
  expect((await exchange(unsigned)).status).toBe(401);
});

test('checks the Maskinporten token’s lifetime with 10 s of skew', async () => {
  let offsetMs = 0;
  const clocked = await startPlatform({ now: () => Date.now() + offsetMs });
  try {
    const local = await clocked.prepareLocalEnvironment({
      actors: { sender: { org: '0192:991825827', token: { kind: 'local-chain', scopes: ['altinn:broker.write'] } }, recipients: [] },
    } as unknown as Parameters<Platform['prepareLocalEnvironment']>[0]);
    const client = local.clientFor('991825827')!;
    const assertion = await signGrantAssertion({ key: client.privateKey, kid: client.kid, audience: local.maskinportenIssuer, clientId: client.clientId, scopes: ['altinn:broker.write'] });
    const res = await fetch(local.tokenEndpoint, { method: 'POST', body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }) });
    const mpToken = ((await res.json()) as { access_token: string }).access_token;
    const exp = decodeJwt(mpToken).exp as number;
    const at = (epochSeconds: number) => (offsetMs = epochSeconds * 1000 - Date.now());
    const call = () => fetch(local.exchangeUrl, { headers: { authorization: `Bearer ${mpToken}` } });
    at(exp + 5);
    expect((await call()).status).toBe(200);
    at(exp + 30);
    expect((await call()).status).toBe(401);
  } finally {
    await clocked.close();
  }
});

test('refuses an Altinn token offered in place of a Maskinporten token', async () => {
  // An Altinn token (signed by the Altinn double, iss = Altinn) is not a Maskinporten token.
  const altinnToken = await (await exchange(await maskinportenToken(['altinn:broker.write']))).text();
  expect((await exchange(altinnToken)).status).toBe(401);
});

test('verifyAltinnToken refuses a token signed by an unknown key and an alg:none token', async () => {
  const good = await (await exchange(await maskinportenToken(['altinn:broker.write']))).text();
  const claims = decodeJwt(good);
  const stranger = (await generateKeyPair('RS256')).privateKey;
  const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: platform.altinn.publicJwks.keys[0]?.kid as string }).sign(stranger);
  await expect(verifyAltinnToken(forged, platform.altinnOpenIdConfigurationUrl)).rejects.toThrow();
  const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
  await expect(verifyAltinnToken(unsigned, platform.altinnOpenIdConfigurationUrl)).rejects.toThrow();
  await expect(verifyAltinnToken(good, platform.altinnOpenIdConfigurationUrl)).resolves.toMatchObject({ iss: platform.altinnIssuer });
});

test('the issuer discovery still answers beside the mounted exchange', async () => {
  const discovery = (await (await fetch(platform.altinnOpenIdConfigurationUrl)).json()) as { issuer: string };
  expect(discovery.issuer).toBe(platform.altinnIssuer);
  expect((await fetch(`${platform.platformBaseUrl}/nowhere`)).status).toBe(404);
});
