/** @module Self-tests of token trust: OAuth (Maskinporten-style) discovery documents, several issuers, lifetime switch, nbf, caller org claims. */
import { expect, test } from '@playwright/test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startAltinnIssuer, type AltinnIssuerDouble } from '../platform/altinn-issuer.ts';
import { callerOrg, TokenVerifier, Unauthenticated } from './auth.ts';
import { ManualClock } from './clock.ts';
import { startTestBroker, ORGS } from './testing.ts';

const ZERO = '/broker/api/v1/filetransfer/00000000-0000-0000-0000-000000000000';
let issuer: AltinnIssuerDouble;
test.beforeAll(async () => {
  issuer = await startAltinnIssuer();
});
test.afterAll(async () => issuer.close());

test('an OAuth authorization-server document is trusted alongside an OpenID one', async () => {
  const maskinporten = 'https://test.maskinporten.no/';
  const doc = createServer((req, res) => {
    if (req.url === '/.well-known/oauth-authorization-server') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ issuer: maskinporten, jwks_uri: issuer.jwksUri, token_endpoint: 'x' }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => doc.listen(0, '127.0.0.1', r));
  const docUrl = `http://127.0.0.1:${(doc.address() as AddressInfo).port}/.well-known/oauth-authorization-server`;
  const tb = await startTestBroker({ trustedIssuers: [issuer.openIdConfigurationUrl, docUrl] }, issuer);
  try {
    const raw = await issuer.sign({ iss: maskinporten, scope: 'altinn:broker.read', consumer: { authority: 'iso6523-actorid-upis', ID: `0192:${ORGS.recipient1}` } });
    expect((await tb.call('GET', ZERO, { token: raw })).status).toBe(404);
    const unknownIssuer = await issuer.sign({ iss: 'https://elsewhere/', scope: 'altinn:broker.read' });
    expect((await tb.call('GET', ZERO, { token: unknownIssuer })).status).toBe(401);
  } finally {
    await tb.close();
    await new Promise((r) => doc.close(r));
  }
});

test('lifetime: expired accepted only with the check off; a future nbf is rejected', async () => {
  const old = await issuer.sign({ scope: 'altinn:broker.read', 'urn:altinn:orgNumber': ORGS.recipient1 }, { issuedAt: Math.floor(Date.now() / 1000) - 7200, expiresInSeconds: 60 });
  const lax = await startTestBroker({ validateLifetime: false }, issuer);
  const strict = await startTestBroker({}, issuer);
  try {
    expect((await lax.call('GET', ZERO, { token: old })).status).toBe(404);
    expect((await strict.call('GET', ZERO, { token: old })).status).toBe(401);
    const early = await issuer.sign({ scope: 'altinn:broker.read', nbf: Math.floor(Date.now() / 1000) + 3600 });
    expect((await strict.call('GET', ZERO, { token: early })).status).toBe(401);
  } finally {
    await lax.close();
    await strict.close();
  }
});

test('a token whose signature was checked once: still refused once it expires, and a changed signature is checked again', async () => {
  const clock = new ManualClock();
  const verifier = new TokenVerifier([issuer.openIdConfigurationUrl], clock, true);
  const now = Math.floor(clock.now().getTime() / 1000);
  const token = await issuer.sign({ scope: 'altinn:broker.read', 'urn:altinn:orgNumber': ORGS.recipient1 }, { issuedAt: now, expiresInSeconds: 60 });
  const refusal = (p: Promise<unknown>) => p.then(() => 'accepted', (e: unknown) => (e instanceof Unauthenticated ? e.wwwAuthenticate : `threw ${String(e)}`));
  for (let i = 0; i < 3; i++) expect((await verifier.authenticate(`Bearer ${token}`)).org).toBe(ORGS.recipient1);
  // Same header and claims, another signature: not the remembered token.
  const [header, payload, signature] = token.split('.');
  const other = `${header}.${payload}.${signature!.slice(0, -4)}${signature!.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
  expect(await refusal(verifier.authenticate(`Bearer ${other}`))).toContain('The signature is invalid');
  // Lifetime is decided per request, remembered signature or not.
  clock.advance(61_000);
  expect(await refusal(verifier.authenticate(`Bearer ${token}`))).toContain('The token expired at');
  expect((await verifier.authenticate(`Bearer ${token}`, { ignoreLifetime: true })).org).toBe(ORGS.recipient1);
  // The claims a caller sees cannot be changed for the next caller with the same token.
  const caller = await verifier.authenticate(`Bearer ${token}`, { ignoreLifetime: true });
  expect(() => ((caller.claims as Record<string, unknown>).scope = 'altinn:broker.write')).toThrow(TypeError);
});

test('an unreachable issuer makes tokens invalid (401), not a 500', async () => {
  const tb = await startTestBroker({ trustedIssuers: ['http://127.0.0.1:9/.well-known/openid-configuration'] }, issuer);
  try {
    const token = await issuer.sign({ scope: 'altinn:broker.read' });
    expect((await tb.call('GET', ZERO, { token })).status).toBe(401);
  } finally {
    await tb.close();
  }
});

test('caller org: authorization_details (object, array or JSON string), then urn:altinn:orgNumber, then consumer', () => {
  const details = { type: 'urn:altinn:systemuser', systemuser_org: { authority: 'iso6523-actorid-upis', ID: '0192:111111111' } };
  expect(callerOrg({ authorization_details: details, 'urn:altinn:orgNumber': '222222222' })).toBe('111111111');
  expect(callerOrg({ authorization_details: [details] })).toBe('111111111');
  expect(callerOrg({ authorization_details: JSON.stringify(details) })).toBe('111111111');
  expect(callerOrg({ authorization_details: '{not json', 'urn:altinn:orgNumber': '222222222' })).toBe('222222222');
  expect(callerOrg({ consumer: { authority: 'iso6523-actorid-upis', ID: '0192:333333333' } })).toBe('333333333');
  expect(callerOrg({ consumer: JSON.stringify({ ID: '0192:333333333' }) })).toBe('333333333');
  expect(callerOrg({})).toBeUndefined();
});

test('requireCallerIsParty false: a right on the resource is enough (subject-only policies), for reads and downloads', async () => {
  const seed = {
    serviceOwners: [{ orgNumber: ORGS.sender, name: 'SO' }],
    resourceRegistry: [{ resourceId: 'r', ownerOrgNumber: ORGS.sender }],
    resources: [{ resourceId: 'r', serviceOwner: ORGS.sender }],
    policies: { r: { [ORGS.sender]: { read: true, write: true }, [ORGS.recipient1]: { read: true }, [ORGS.outsider]: { read: true } } },
    requireCallerIsParty: false,
  };
  const tb = await startTestBroker({ seed }, issuer);
  try {
    const id = await tb.initialize({ resourceId: 'r' });
    await tb.upload(id, 'x');
    const outsider = await tb.token(ORGS.outsider, ['altinn:broker.read']);
    expect((await tb.call('GET', `/broker/api/v1/filetransfer/${id}`, { token: outsider })).status).toBe(200);
    expect((await tb.call('GET', `/broker/api/v1/filetransfer/${id}/download`, { token: outsider })).status).toBe(200);
    // The outsider downloaded, so it is now an actor and shows up among the recipients.
    expect((await tb.overview(id)).recipients.map((r: any) => r.recipient)).toContain(`0192:${ORGS.outsider}`);
  } finally {
    await tb.close();
  }
});
