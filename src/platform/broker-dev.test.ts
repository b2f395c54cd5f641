/**
 * @module Self-tests of the broker-dev doubles as a whole: the printed settings are complete (a Broker
 * following them, step by step as it does, gets its own token and reaches every double without
 * drift), the keys survive a restart, and the actors' token chain works from the kept keys alone.
 */
import { test, expect } from '@playwright/test';
import { readFileSync, statSync } from 'node:fs';
import { decodeJwt, importJWK, SignJWT, type JWK } from 'jose';
import { createTokenProvider } from '../auth/index.ts';
import { brokerDevEndpoints, brokerDevIssuerSigner, brokerDevLocalChain, printableSettings, startBrokerDevDoubles } from './broker-dev.ts';
import { brokerDevEnvironment } from './broker-dev-testing.ts';
import { verifyAltinnToken } from './verify-altinn-token.ts';

/** What a Broker must be given: every key whose absence stops it or sends a call elsewhere than the doubles. */
const REQUIRED = [
  'ASPNETCORE_ENVIRONMENT',
  'ASPNETCORE_URLS',
  'AltinnOptions__PlatformGatewayUrl',
  'AltinnOptions__OpenIdWellKnown',
  'Authentication__Schemes__Bearer__RequireHttpsMetadata',
  'MaskinportenSettings__ClientId',
  'MaskinportenSettings__EncodedJwk',
  'MaskinportenSettings__Scope',
  'MaskinportenSettings__ExhangeToAltinnToken',
  'MaskinportenSettings__TokenEndpoint',
  'MaskinportenSettings__AssertionAudience',
  'MaskinportenSettings__TokenExchangeEndpoint',
];

test('the settings are complete: a Broker following them gets its own token and reaches the doubles without drift', async () => {
  const env = await brokerDevEnvironment();
  const doubles = await startBrokerDevDoubles(env);
  try {
    const settings = Object.fromEntries(doubles.settings.map((s) => [s.name, s.value]));
    expect(REQUIRED.filter((k) => !settings[k])).toEqual([]);
    const gateway = settings.AltinnOptions__PlatformGatewayUrl!;
    expect(gateway.endsWith('/')).toBe(true);

    // Call 2a/2b: the metadata names the issuer of the actors' tokens and a JWKS that verifies them.
    const metadata = (await (await fetch(settings.AltinnOptions__OpenIdWellKnown!)).json()) as { issuer: string; jwks_uri: string };
    expect(metadata.issuer).toBe(env.platform!.altinnIssuer);

    // Call 7a: the grant as the Maskinporten client library signs it, with the key from EncodedJwk.
    const jwk = JSON.parse(Buffer.from(settings.MaskinportenSettings__EncodedJwk!, 'base64').toString('utf8')) as JWK;
    for (const member of ['kty', 'n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi', 'kid']) expect(jwk, member).toHaveProperty(member);
    const iat = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({ aud: settings.MaskinportenSettings__AssertionAudience, scope: settings.MaskinportenSettings__Scope, iss: settings.MaskinportenSettings__ClientId, jti: crypto.randomUUID() })
      .setProtectedHeader({ alg: 'RS256', kid: settings.MaskinportenSettings__Kid ?? jwk.kid!, typ: 'JWT' })
      .setIssuedAt(iat)
      .setExpirationTime(iat + 10)
      .sign(await importJWK(jwk, 'RS256'));
    const grant = await fetch(settings.MaskinportenSettings__TokenEndpoint!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
    });
    expect(grant.status).toBe(200);
    const { access_token: mpToken, expires_in } = (await grant.json()) as { access_token: string; expires_in: number };
    expect(expires_in).toBeGreaterThan(5);

    // Call 7b: the exchange answers a JSON string, which is how the library reads it.
    const exchanged = await fetch(settings.MaskinportenSettings__TokenExchangeEndpoint!, { headers: { authorization: `Bearer ${mpToken}` } });
    expect(exchanged.status).toBe(200);
    expect(exchanged.headers.get('content-type')).toContain('application/json');
    const altinnToken = JSON.parse(await exchanged.text()) as string;
    await expect(verifyAltinnToken(altinnToken, settings.AltinnOptions__OpenIdWellKnown!)).resolves.toMatchObject({ iss: metadata.issuer });

    // Calls 3–6 relative to PlatformGatewayUrl, with that token: answered, no drift.
    const auth = { authorization: `Bearer ${altinnToken}` };
    const registry = await fetch(new URL('resourceregistry/api/v1/resource/altinn-broker-test-resource-1', gateway), { headers: auth });
    expect(registry.status).toBe(200);
    const lookup = await fetch(new URL('register/api/v1/parties/lookup', gateway), {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json; charset=utf-8', 'ocp-apim-subscription-key': settings.AltinnOptions__PlatformSubscriptionKey ?? '' },
      body: JSON.stringify({ ssn: null, orgNo: '991825827' }),
    });
    expect(lookup.status).toBe(200);
    const event = {
      specversion: '1.0',
      id: crypto.randomUUID(),
      type: 'no.altinn.broker.published',
      time: '2026-12-06T07:49:04.1875301+00:00',
      resource: 'urn:altinn:resource:altinn-broker-test-resource-1',
      resourceinstance: crypto.randomUUID(),
      subject: 'urn:altinn:organization:identifier-no:991825827',
      source: `${gateway}broker/api/v1/filetransfer`,
      data: { Role: 'Sender' },
    };
    const posted = await fetch(new URL('events/api/v1/events', gateway), { method: 'POST', headers: { ...auth, 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(event) });
    expect(posted.status).toBe(200);
    expect(doubles.drift.lines()).toEqual([]);

    // The file holds every setting and only its owner may read it; the printed lines never show the private key.
    const file = readFileSync(doubles.settingsFile, 'utf8');
    for (const s of doubles.settings) expect(file).toContain(`${s.name}=${s.value}\n`);
    expect(statSync(doubles.settingsFile).mode & 0o077).toBe(0);
    const printed = printableSettings(doubles.settings, doubles.settingsFile).join('\n');
    expect(printed).not.toContain(settings.MaskinportenSettings__EncodedJwk);
    expect(printed).not.toContain(jwk.d);
  } finally {
    await doubles.close();
  }
});

test('keys are kept: after a restart on the same state directory, tokens minted before still verify', async () => {
  const env = await brokerDevEnvironment();
  let doubles = await startBrokerDevDoubles(env);
  const sender = createTokenProvider(env.actors.sender, env, { localChain: await brokerDevLocalChain(env) });
  let token: string;
  try {
    token = await sender.token();
    expect(decodeJwt(token)['urn:altinn:orgNumber']).toBe('991825827');
  } finally {
    await doubles.close();
  }
  doubles = await startBrokerDevDoubles(env);
  try {
    await expect(verifyAltinnToken(token, env.platform!.openIdConfigurationUrl)).resolves.toMatchObject({ iss: env.platform!.altinnIssuer });
    // A new process of the run mints its actors' tokens from the kept keys alone.
    const outsider = createTokenProvider(env.actors.outsider!, env, { localChain: await brokerDevLocalChain(env) });
    await expect(verifyAltinnToken(await outsider.token(), env.platform!.openIdConfigurationUrl)).resolves.toMatchObject({ 'urn:altinn:orgNumber': '314249879' });
    // …and forges tokens the Broker trusts (chosen org and scopes) with the kept issuer key.
    const forged = await (await brokerDevIssuerSigner(env)).sign({ scope: 'altinn:serviceowner', 'urn:altinn:orgNumber': '314249879' });
    await expect(verifyAltinnToken(forged, env.platform!.openIdConfigurationUrl)).resolves.toMatchObject({ scope: 'altinn:serviceowner', iss: env.platform!.altinnIssuer });
  } finally {
    await doubles.close();
  }
});

test('the actors\' chain before the doubles ever started is a clear error, not a crash', async () => {
  const env = await brokerDevEnvironment();
  await expect(brokerDevLocalChain(env)).rejects.toThrow(/no doubles keys at .*: start the doubles first/);
});

test('the environment file is the one source of the doubles\' addresses: an inconsistent one is refused with the field named', async () => {
  const env = await brokerDevEnvironment();
  expect(brokerDevEndpoints(env).platformUrl.origin).toBe(new URL(env.platform!.openIdConfigurationUrl).origin);
  const wrongEvents = { ...env, platform: { ...env.platform!, eventsBaseUrl: 'https://platform.tt02.altinn.no/events/api/v1' } };
  expect(() => brokerDevEndpoints(wrongEvents)).toThrow(/platform.eventsBaseUrl must be http:\/\/127\.0\.0\.1:\d+\/events\/api\/v1/);
  const remote = { ...env, maskinporten: { issuer: 'https://test.maskinporten.no/', tokenEndpoint: 'https://test.maskinporten.no/token' } };
  expect(() => brokerDevEndpoints(remote)).toThrow(/must be http:\/\/127\.0\.0\.1:<port>/);
  const { doubles: _doubles, ...notBrokerDev } = env;
  expect(() => brokerDevEndpoints(notBrokerDev)).toThrow(/has no doubles section/);
});
