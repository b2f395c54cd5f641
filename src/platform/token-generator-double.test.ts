/** @module Self-tests of the test-token generator double: Basic auth, parameter validation, and tokens shaped like the generator's. */
import { test, expect } from '@playwright/test';
import { decodeJwt } from 'jose';
import { startPlatform, type Platform } from './platform.ts';
import { verifyAltinnToken } from './verify-altinn-token.ts';

let platform: Platform;
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

test.beforeAll(async () => {
  platform = await startPlatform({ tokenGeneratorUsers: [{ username: 'team', password: 'team-password-1' }] });
});
test.afterAll(async () => platform.close());

const call = (query: string, authorization?: string) =>
  fetch(`${platform.tokenGeneratorBaseUrl}/api/${query}`, { headers: authorization ? { authorization } : {} });

test('no or wrong credentials get 401 with the Basic challenge', async () => {
  for (const auth of [undefined, basic('team', 'nope'), 'Bearer x']) {
    const res = await call('GetEnterpriseToken?env=tt02&scopes=altinn:broker.read', auth);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="AltinnTestTools - TokenGenerator"');
  }
});

test('invalid parameters get 400 with the list of problems', async () => {
  const res = await call('GetEnterpriseToken?scopes=BAD%20SCOPE!&orgNo=0192:123', basic('team', 'team-password-1'));
  expect(res.status).toBe(400);
  const errors = (await res.json()) as string[];
  expect(errors).toEqual(expect.arrayContaining([expect.stringMatching(/env/), expect.stringMatching(/scopes/), expect.stringMatching(/orgNo/)]));
  const noId = await call('GetSystemUserToken?env=tt02', basic('team', 'team-password-1'));
  expect(noId.status).toBe(400);
});

test('an enterprise token is signed by the Altinn issuer and carries the generator’s claims', async () => {
  const res = await call('GetEnterpriseToken?env=tt02&scopes=altinn:broker.write,altinn:broker.read&orgNo=986252932&ttl=600', basic('team', 'team-password-1'));
  expect(res.status).toBe(200);
  const token = await res.text();
  const claims = await verifyAltinnToken(token, platform.altinnOpenIdConfigurationUrl);
  expect(claims).toMatchObject({
    scope: 'altinn:broker.write altinn:broker.read',
    consumer: { authority: 'iso6523-actorid-upis', ID: '0192:986252932' },
    'urn:altinn:orgNumber': '986252932',
    'urn:altinn:authlevel': 3,
    actual_iss: 'altinn-test-tools',
  });
  expect((claims.exp as number) - (claims.iat as number)).toBe(600);
});

test('a system-user token has authorization_details and no urn:altinn:orgNumber', async () => {
  const id = '4c3b1f9e-7d55-4c1b-9d7a-1e2f3a4b5c6d';
  const res = await call(`GetSystemUserToken?env=tt02&systemUserId=${id}&systemUserOrg=313725138`, basic('team', 'team-password-1'));
  const claims = decodeJwt(await res.text());
  expect(claims.scope).toBe('altinn:enduser');
  expect(claims['urn:altinn:orgNumber']).toBeUndefined();
  expect(claims.authorization_details).toEqual([
    expect.objectContaining({ type: 'urn:altinn:systemuser', systemuser_id: [id], systemuser_org: { authority: 'iso6523-actorid-upis', ID: '0192:313725138' } }),
  ]);
});
