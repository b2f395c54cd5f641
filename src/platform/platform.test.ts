/** @module Self-tests of startPlatform: both trusted-issuer URLs lead, by discovery, to the keys that verify the tokens the doubles issue. */
import { test, expect } from '@playwright/test';
import { decodeJwt } from 'jose';
import { loadEnvironment } from '../config/load.ts';
import { signGrantAssertion } from '../auth/grant-assertion.ts';
import { startPlatform } from './platform.ts';
import { verifyAltinnToken } from './verify-altinn-token.ts';

test('a local environment is wired with one client per organisation and both issuers verify by discovery', async () => {
  const platform = await startPlatform();
  try {
    const env = loadEnvironment('local', {});
    const local = await platform.prepareLocalEnvironment(env);
    expect(local.clientFor('0192:991825827')).toBeDefined();
    expect(local.clientFor('986252932')).toBeDefined();
    expect(local.clientFor('0192:123456789')).toBeUndefined();
    // The sender and the service owner share 991825827: one client holds the union of their scopes.
    const client = local.clientFor('991825827')!;
    const assertion = await signGrantAssertion({
      key: client.privateKey,
      kid: client.kid,
      audience: local.maskinportenIssuer,
      clientId: client.clientId,
      scopes: ['altinn:broker.write', 'altinn:serviceowner'],
    });
    const res = await fetch(local.tokenEndpoint, { method: 'POST', body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }) });
    expect(res.status).toBe(200);
    const mpToken = ((await res.json()) as { access_token: string }).access_token;
    await expect(verifyAltinnToken(mpToken, platform.maskinportenMetadataUrl)).resolves.toMatchObject({ iss: platform.maskinportenIssuer });
    // A Maskinporten token is not an Altinn token, and the other way round.
    await expect(verifyAltinnToken(mpToken, platform.altinnOpenIdConfigurationUrl)).rejects.toThrow();
    const altinnToken = await (await fetch(local.exchangeUrl, { headers: { authorization: `Bearer ${mpToken}` } })).text();
    await expect(verifyAltinnToken(altinnToken, platform.maskinportenMetadataUrl)).rejects.toThrow();
    expect(decodeJwt(altinnToken).iss).toBe(platform.altinnIssuer);
  } finally {
    await platform.close();
  }
});

test('close() frees every port', async () => {
  const platform = await startPlatform();
  const urls = [platform.altinnOpenIdConfigurationUrl, platform.maskinportenMetadataUrl, `${platform.tokenGeneratorBaseUrl}/api/GetEnterpriseToken`];
  await platform.close();
  for (const url of urls) await expect(fetch(url)).rejects.toThrow();
});
