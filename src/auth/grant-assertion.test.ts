/** @module Self-tests of the grant assertion: exactly the listed claims, a bounded lifetime, a fresh jti, kid or x5c, and the 0192 prefix. */
import { test, expect } from '@playwright/test';
import { decodeJwt, decodeProtectedHeader, generateKeyPair } from 'jose';
import { grantClaims, signGrantAssertion, withOrgPrefix } from './grant-assertion.ts';

const { privateKey } = await generateKeyPair('RS256');
const base = { key: privateKey, audience: 'https://test.maskinporten.no/', clientId: 'client-1', scopes: ['altinn:broker.write', 'altinn:broker.read'] };

test('an enterprise grant has exactly aud, iss, iat, exp, jti and space-joined scope', () => {
  const claims = grantClaims({ ...base, kid: 'k', now: 1_700_000_000_000 });
  expect(Object.keys(claims).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'jti', 'scope']);
  expect(claims).toMatchObject({ aud: 'https://test.maskinporten.no/', iss: 'client-1', iat: 1_700_000_000, exp: 1_700_000_120, scope: 'altinn:broker.write altinn:broker.read' });
});

test('a system-user grant adds authorization_details with the 0192 prefix; resource is added only when given', () => {
  const claims = grantClaims({ ...base, kid: 'k', systemUserOrg: '986252932', resource: ['https://api.example/'] });
  expect(claims.authorization_details).toEqual([{ type: 'urn:altinn:systemuser', systemuser_org: { authority: 'iso6523-actorid-upis', ID: '0192:986252932' } }]);
  expect(claims.resource).toEqual(['https://api.example/']);
  expect(withOrgPrefix('0192:986252932')).toBe('0192:986252932');
});

test('the lifetime never exceeds 120 s and every jti is fresh', () => {
  const long = grantClaims({ ...base, kid: 'k', lifetimeSeconds: 600 });
  expect((long.exp as number) - (long.iat as number)).toBe(120);
  expect(grantClaims({ ...base, kid: 'k' }).jti).not.toBe(grantClaims({ ...base, kid: 'k' }).jti);
});

test('the header is RS256 with kid, or with x5c and then no kid', async () => {
  expect(decodeProtectedHeader(await signGrantAssertion({ ...base, kid: 'k' }))).toEqual({ alg: 'RS256', kid: 'k' });
  expect(decodeProtectedHeader(await signGrantAssertion({ ...base, x5c: ['MIIB'] }))).toEqual({ alg: 'RS256', x5c: ['MIIB'] });
  await expect(signGrantAssertion({ ...base })).rejects.toThrow(/kid and x5c/);
  expect(decodeJwt(await signGrantAssertion({ ...base, kid: 'k' })).iss).toBe('client-1');
});
