/** @module Self-tests of startPlatform: both trusted-issuer URLs lead, by discovery, to the keys that verify the tokens the doubles issue. */
import { test, expect } from '@playwright/test';
import { decodeJwt } from 'jose';
import { loadEnvironment } from '../config/load.ts';
import { signGrantAssertion } from '../auth/grant-assertion.ts';
import { loadSeed } from '../local-broker/seed.ts';
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

test('with brokerPlatform, the platform base URL also takes a Broker\'s CloudEvents and serves them to the poller', async () => {
  const platform = await startPlatform({ brokerPlatform: { seed: loadSeed(undefined) } });
  try {
    const token = await platform.altinn.sign({ scope: 'altinn:events.publish' });
    const event = {
      specversion: '1.0',
      id: crypto.randomUUID(),
      type: 'no.altinn.broker.filetransferinitialized',
      time: '2026-12-06T07:49:04.1875301+00:00',
      resource: 'urn:altinn:resource:altinn-broker-test-resource-1',
      resourceinstance: crypto.randomUUID(),
      subject: 'urn:altinn:organization:identifier-no:991825827',
      source: `${platform.platformBaseUrl}/broker/api/v1/filetransfer`,
      data: { Role: 'Sender' },
    };
    const posted = await fetch(`${platform.platformBaseUrl}/events/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(event) });
    expect(posted.status).toBe(200);
    const read = await fetch(`${platform.platformBaseUrl}/events/api/v1/events?resource=${event.resource}&after=0`, { headers: { authorization: `Bearer ${token}` } });
    expect(await read.json()).toEqual([event]);
    expect(platform.drift?.lines()).toEqual([]);
  } finally {
    await platform.close();
  }
});
