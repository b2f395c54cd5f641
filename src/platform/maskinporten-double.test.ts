/** @module Self-tests of the Maskinporten double: a valid grant is answered with a token, each defect with Maskinporten's error. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from '@playwright/test';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { grantClaims } from '../auth/grant-assertion.ts';
import { startMaskinportenDouble, type MaskinportenDouble } from './maskinporten-double.ts';

let mp: MaskinportenDouble;
let key: CryptoKey;
let otherKey: CryptoKey;

test.beforeAll(async () => {
  mp = await startMaskinportenDouble();
  const pair = await generateKeyPair('RS256');
  key = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  mp.registerClient({
    clientId: 'client-a',
    org: '991825827',
    scopes: ['altinn:broker.write', 'altinn:broker.read'],
    keys: [{ kid: 'kid-a', key: await exportJWK(pair.publicKey) }],
    systemUserOrgs: ['0192:986252932'],
  });
});
test.afterAll(async () => mp.close());

function claims(overrides: JWTPayload = {}, systemUserOrg?: string): JWTPayload {
  const base = grantClaims({
    key,
    kid: 'kid-a',
    audience: mp.issuer,
    clientId: 'client-a',
    scopes: ['altinn:broker.write'],
    ...(systemUserOrg ? { systemUserOrg } : {}),
  });
  const merged: JWTPayload = { ...base, ...overrides };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  return merged;
}

async function assertion(payload: JWTPayload, opts: { signWith?: CryptoKey; header?: Record<string, unknown> } = {}): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'kid-a', ...opts.header }).sign(opts.signWith ?? key);
}

async function grant(assertionJwt: string) {
  const res = await fetch(mp.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: assertionJwt }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

test('metadata names the issuer with a trailing slash, the token endpoint and the JWKS', async () => {
  const meta = (await (await fetch(mp.metadataUrl)).json()) as Record<string, string>;
  expect(meta.issuer).toBe(mp.issuer);
  expect(meta.issuer?.endsWith('/')).toBe(true);
  expect(meta.token_endpoint).toBe(mp.tokenEndpoint);
  const jwks = (await (await fetch(meta.jwks_uri as string)).json()) as { keys: unknown[] };
  expect(jwks.keys).toHaveLength(1);
});

test('a valid enterprise grant gets an RS256 access token shaped like Maskinporten’s', async () => {
  const { status, body } = await grant(await assertion(claims()));
  expect(status).toBe(200);
  expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 120, scope: 'altinn:broker.write' });
  const token = body.access_token as string;
  expect(decodeProtectedHeader(token).alg).toBe('RS256');
  const payload = decodeJwt(token);
  expect(payload).toMatchObject({
    iss: mp.issuer,
    scope: 'altinn:broker.write',
    client_id: 'client-a',
    client_amr: 'private_key_jwt',
    consumer: { authority: 'iso6523-actorid-upis', ID: '0192:991825827' },
  });
  expect((payload.exp as number) - (payload.iat as number)).toBe(120);
  expect(payload.authorization_details).toBeUndefined();
});

test('a valid system-user grant carries authorization_details with the system user org', async () => {
  const { status, body } = await grant(await assertion(claims({}, '986252932')));
  expect(status).toBe(200);
  const details = decodeJwt(body.access_token as string).authorization_details as Array<Record<string, unknown>>;
  expect(details).toHaveLength(1);
  expect(details[0]).toMatchObject({
    type: 'urn:altinn:systemuser',
    systemuser_org: { authority: 'iso6523-actorid-upis', ID: '0192:986252932' },
  });
  expect(details[0]?.systemuser_id).toEqual([expect.any(String)]);
  // The double remembers whose system user it is (a PDP double decides for it as that org).
  expect(mp.systemUserOrg((details[0]!.systemuser_id as string[])[0]!)).toBe('986252932');
  expect(mp.systemUserOrg(crypto.randomUUID())).toBeUndefined();
});

const defects: Array<{ name: string; make: () => Promise<string>; error: string; mentions: RegExp }> = [
  { name: 'wrong key', make: () => assertion(claims(), { signWith: otherKey }), error: 'invalid_grant', mentions: /signature.*MP-100/ },
  { name: 'unregistered kid', make: () => assertion(claims(), { header: { kid: 'nope' } }), error: 'invalid_grant', mentions: /nope.*MP-100/ },
  { name: 'unknown client', make: () => assertion(claims({ iss: 'stranger' })), error: 'invalid_client', mentions: /Unknown client/ },
  { name: 'aud is the token URL, not the issuer', make: () => assertion(claims({ aud: mp.tokenEndpoint })), error: 'invalid_grant', mentions: /aud.*MP-110/ },
  { name: 'aud without trailing slash', make: () => assertion(claims({ aud: mp.issuer.slice(0, -1) })), error: 'invalid_grant', mentions: /MP-110/ },
  {
    name: 'exp more than 120 s after iat',
    make: () => {
      const c = claims();
      return assertion({ ...c, exp: (c.iat as number) + 121 });
    },
    error: 'invalid_grant',
    mentions: /120/,
  },
  {
    name: 'iat 60 s in the past',
    make: () => {
      const iat = Math.floor(Date.now() / 1000) - 60;
      return assertion(claims({ iat, exp: iat + 100 }));
    },
    error: 'invalid_grant',
    mentions: /iat/,
  },
  { name: 'scope not granted', make: () => assertion(claims({ scope: 'altinn:broker.write altinn:serviceowner' })), error: 'invalid_scope', mentions: /altinn:serviceowner/ },
  { name: 'missing exp', make: () => assertion(claims({ exp: undefined })), error: 'invalid_grant', mentions: /Missing required claim: exp/ },
  { name: 'missing scope', make: () => assertion(claims({ scope: undefined })), error: 'invalid_grant', mentions: /Missing required claim: scope/ },
  { name: 'missing aud', make: () => assertion(claims({ aud: undefined })), error: 'invalid_grant', mentions: /Missing required claim: aud/ },
  { name: 'extra claim sub', make: () => assertion(claims({ sub: 'client-a' })), error: 'invalid_grant', mentions: /Unknown claim\(s\): sub/ },
  { name: 'extra claim nbf', make: () => assertion(claims({ nbf: Math.floor(Date.now() / 1000) - 5 })), error: 'invalid_grant', mentions: /nbf/ },
  { name: 'neither kid nor x5c', make: () => new SignJWT(claims()).setProtectedHeader({ alg: 'RS256' }).sign(key), error: 'invalid_grant', mentions: /kid or x5c/ },
  {
    name: 'HS256 assertion',
    make: () => new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', kid: 'kid-a' }).sign(new Uint8Array(32)),
    error: 'invalid_grant',
    mentions: /alg/,
  },
  { name: 'system user org not allowed', make: () => assertion(claims({}, '314249879')), error: 'invalid_altinn_customer_configuration', mentions: /MP-303/ },
];

for (const defect of defects) {
  test(`refuses a grant with ${defect.name}`, async () => {
    const { status, body } = await grant(await defect.make());
    expect(status).toBe(400);
    expect(body.error).toBe(defect.error);
    expect(body.error_description).toMatch(defect.mentions);
    expect(body.access_token).toBeUndefined();
  });
}

test('refuses a replayed jti', async () => {
  const jwt = await assertion(claims());
  expect((await grant(jwt)).status).toBe(200);
  const replay = await grant(jwt);
  expect(replay.status).toBe(400);
  expect(replay.body).toMatchObject({ error: 'invalid_grant' });
  expect(replay.body.error_description).toMatch(/jti/);
});

test('refuses a wrong grant_type and a missing assertion', async () => {
  const wrongType = await fetch(mp.tokenEndpoint, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials' }) });
  expect(wrongType.status).toBe(400);
  expect(((await wrongType.json()) as { error: string }).error).toBe('unsupported_grant_type');
  const noAssertion = await fetch(mp.tokenEndpoint, { method: 'POST', body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer' }) });
  expect(noAssertion.status).toBe(400);
  expect(((await noAssertion.json()) as { error: string }).error).toBe('invalid_request');
});

test('answers injected 503s, then recovers', async () => {
  mp.failNext(1);
  expect((await grant(await assertion(claims()))).status).toBe(503);
  expect((await grant(await assertion(claims()))).status).toBe(200);
});

function selfSignedCertificate(): { keyPem: string; certPem: string } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'mp-cert-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=broker-conformance-test', '-days', '2', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      { stdio: 'ignore' },
    );
    return { keyPem: readFileSync(join(dir, 'key.pem'), 'utf8'), certPem: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('accepts an x5c grant signed with a trusted certificate and refuses an untrusted one (MP-120)', async () => {
  const trusted = selfSignedCertificate();
  const untrusted = selfSignedCertificate();
  test.skip(!trusted || !untrusted, 'openssl is not available to make a test certificate');
  const { importPKCS8 } = await import('jose');
  const { certificateChainToX5c } = await import('../auth/signing-key.ts');
  mp.registerClient({ clientId: 'client-cert', org: '991825827', scopes: ['altinn:broker.read'], certificates: [trusted!.certPem] });
  const sign = async (pair: { keyPem: string; certPem: string }) =>
    new SignJWT({ ...claims(), iss: 'client-cert', scope: 'altinn:broker.read' })
      .setProtectedHeader({ alg: 'RS256', x5c: certificateChainToX5c(pair.certPem, 'test') })
      .sign(await importPKCS8(pair.keyPem, 'RS256'));
  const ok = await grant(await sign(trusted!));
  expect(ok.status).toBe(200);
  expect(decodeJwt(ok.body.access_token as string).client_amr).toBe('virksomhetssertifikat');
  const refused = await grant(await sign(untrusted!));
  expect(refused.status).toBe(400);
  expect(refused.body.error_description).toMatch(/MP-120/);
});
