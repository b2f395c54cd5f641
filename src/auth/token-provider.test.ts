/**
 * @module Self-tests of the token providers against the platform doubles: each kind gets a token the
 * Altinn issuer vouches for, refusals surface as the right error class, 503 is retried once, tokens
 * are cached, and no error ever carries a key, assertion, token or password.
 */
import { generateKeyPairSync } from 'node:crypto';
import { test, expect } from '@playwright/test';
import { decodeJwt } from 'jose';
import { loadEnvironment } from '../config/load.ts';
import type { ActorConfig, EnvironmentConfig, TokenProviderConfig } from '../config/types.ts';
import { startPlatform, type Platform } from '../platform/platform.ts';
import { verifyAltinnToken } from '../platform/verify-altinn-token.ts';
import { AuthConfigError, KeyFormatError, MissingSecretError, TokenEndpointError, TokenExchangeError, TokenExpiredError, TokenGeneratorError } from './errors.ts';
import { createTokenProvider, type TokenProviderDeps } from './token-provider.ts';

const clientKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PKCS8 = clientKey.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const JWK_D = (clientKey.privateKey.export({ format: 'jwk' }) as { d: string }).d;
const strangerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const GENERATOR_PASSWORD = 'generator-password-0123';

let platform: Platform;
/** Everything sent to the doubles (assertions, bearer tokens) and received from them (tokens): none may appear in an error. */
const seenSecrets = new Set<string>();

test.beforeAll(async () => {
  platform = await startPlatform({ tokenGeneratorUsers: [{ username: 'broker-team', password: GENERATOR_PASSWORD }] });
  platform.registerClient({
    clientId: 'itest-client',
    org: '991825827',
    scopes: ['altinn:broker.write', 'altinn:broker.read'],
    keys: [{ kid: 'itest-kid', key: clientKey.publicKey.export({ format: 'jwk' }) }],
    systemUserOrgs: ['986252932'],
  });
});
test.afterAll(async () => platform.close());

/** A fetch that remembers every secret crossing the wire. */
const recordingFetch: typeof fetch = async (input, init) => {
  const body = typeof init?.body === 'string' ? init.body : undefined;
  const assertion = body ? new URLSearchParams(body).get('assertion') : null;
  if (assertion) seenSecrets.add(assertion);
  const auth = new Headers(init?.headers).get('authorization');
  if (auth) seenSecrets.add(auth.replace(/^\S+\s+/, ''));
  const response = await fetch(input, init);
  const text = await response.clone().text();
  for (const jwt of text.match(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g) ?? []) seenSecrets.add(jwt);
  return response;
};

const baseEnv = {
  BROKER_MASKINPORTEN_CLIENT_ID: 'itest-client',
  BROKER_MASKINPORTEN_KID: 'itest-kid',
  BROKER_MASKINPORTEN_PRIVATE_KEY: PKCS8,
};

function environment(): EnvironmentConfig {
  return {
    name: 'doubles',
    description: 'the platform doubles, addressed as a remote environment',
    kind: 'remote',
    brokerBaseUrl: 'http://127.0.0.1:1',
    platform: { altinnIssuer: platform.altinnIssuer, openIdConfigurationUrl: platform.altinnOpenIdConfigurationUrl, exchangeUrl: platform.exchangeUrl },
    maskinporten: { issuer: platform.maskinportenIssuer, tokenEndpoint: platform.maskinportenTokenEndpoint },
    actors: { sender: { org: '0192:986252932', token: { kind: 'static', tokenEnv: 'UNUSED' } }, recipients: [] },
    resources: ['r'],
    capabilities: { configureResources: false, serviceOwnerAdmin: false, clock: false, events: 'none', disableVirusScan: false, malwareWebhook: false, tus: false, faultInjection: false },
    polling: { budgetMs: 1, intervalMs: 1, maxIntervalMs: 1 },
    rateLimits: {},
    timeouts: { requestMs: 1000 },
  };
}

const maskinportenActor = (over: Partial<Extract<TokenProviderConfig, { kind: 'maskinporten' }>> = {}): ActorConfig => ({
  org: '0192:986252932',
  token: {
    kind: 'maskinporten',
    clientIdEnv: 'BROKER_MASKINPORTEN_CLIENT_ID',
    kidEnv: 'BROKER_MASKINPORTEN_KID',
    privateKeyEnv: 'BROKER_MASKINPORTEN_PRIVATE_KEY',
    scopes: ['altinn:broker.write'],
    systemUserOrg: '986252932',
    ...over,
  },
});

const deps = (processEnv: Record<string, string | undefined> = baseEnv, more: TokenProviderDeps = {}): TokenProviderDeps => ({
  processEnv,
  fetch: recordingFetch,
  retryDelayMs: 5,
  ...more,
});

/** Runs `fn`, expects it to throw, checks the error carries no secret, and returns it. */
async function failure(fn: () => Promise<unknown>): Promise<Error> {
  const error = await fn().then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(error, 'expected a failure').toBeInstanceOf(Error);
  const rendered = [error!.message, String(error), error!.stack ?? '', JSON.stringify(error)].join('\n');
  for (const secret of [PKCS8.trim(), JWK_D, GENERATOR_PASSWORD, ...seenSecrets]) expect(rendered.includes(secret), 'error text holds a secret').toBe(false);
  expect(rendered).not.toMatch(/eyJ[\w-]{4,}\.[\w-]{4,}\./);
  expect(rendered).not.toContain('-----BEGIN');
  return error!;
}

test('the secret check itself catches an error that leaks a key or an assertion', async () => {
  await expect(failure(() => Promise.reject(new Error(`bad key ${PKCS8}`)))).rejects.toThrow();
  await expect(failure(() => Promise.reject(new Error('assertion=eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln')))).rejects.toThrow();
});

test.describe('maskinporten provider', () => {
  test('grant + exchange yields an Altinn token for the system user that verifies against the issuer’s discovery JWKS', async () => {
    const provider = createTokenProvider(maskinportenActor(), environment(), deps());
    const token = await provider.token();
    const claims = await verifyAltinnToken(token, platform.altinnOpenIdConfigurationUrl);
    expect(claims).toMatchObject({
      iss: platform.altinnIssuer,
      scope: 'altinn:broker.write',
      'urn:altinn:orgNumber': '991825827',
      authorization_details: [{ type: 'urn:altinn:systemuser', systemuser_org: { authority: 'iso6523-actorid-upis', ID: '0192:986252932' } }],
    });
    expect(provider.description).toContain('BROKER_MASKINPORTEN_CLIENT_ID');
    expect(provider.description).not.toContain('itest-client');
  });

  test('exchange: false returns the raw Maskinporten token', async () => {
    const token = await createTokenProvider(maskinportenActor({ exchange: false }), environment(), deps()).token();
    expect(decodeJwt(token).iss).toBe(platform.maskinportenIssuer);
  });

  test('a JWK key with its own kid works without the kid variable', async () => {
    const jwk = JSON.stringify({ ...(clientKey.privateKey.export({ format: 'jwk' }) as object), kid: 'itest-kid' });
    const env = { BROKER_MASKINPORTEN_CLIENT_ID: 'itest-client', BROKER_MASKINPORTEN_PRIVATE_KEY: Buffer.from(jwk).toString('base64') };
    await expect(createTokenProvider(maskinportenActor(), environment(), deps(env)).token()).resolves.toMatch(/^eyJ/);
  });

  test('caches the token: a second call does not touch Maskinporten or the exchange', async () => {
    const provider = createTokenProvider(maskinportenActor(), environment(), deps());
    const before = { mp: platform.maskinporten.stats.issued, ex: platform.exchange.stats.issued };
    const first = await provider.token();
    expect(await provider.token()).toBe(first);
    expect(platform.maskinporten.stats.issued - before.mp).toBe(1);
    expect(platform.exchange.stats.issued - before.ex).toBe(1);
  });

  test('refreshes a token that is within the margin of its exp', async () => {
    // Altinn tokens live 3600 s; a 3600 s margin puts every cached token inside it from the start.
    const provider = createTokenProvider(maskinportenActor(), environment(), deps(baseEnv, { refreshMarginSeconds: 3600 }));
    const before = platform.exchange.stats.issued;
    const first = await provider.token();
    const second = await provider.token();
    expect(second).not.toBe(first);
    expect(platform.exchange.stats.issued - before).toBe(2);
  });

  test('a grant signed with the wrong key fails as TokenEndpointError invalid_grant (MP-100)', async () => {
    const env = { ...baseEnv, BROKER_MASKINPORTEN_PRIVATE_KEY: strangerKey.export({ type: 'pkcs8', format: 'pem' }) as string };
    const error = await failure(() => createTokenProvider(maskinportenActor(), environment(), deps(env)).token());
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect((error as TokenEndpointError).code).toBe('invalid_grant');
    expect((error as TokenEndpointError).status).toBe(400);
    expect(error.message).toMatch(/invalid_grant.*MP-100/);
  });

  test('a scope the client lacks fails as invalid_scope; a foreign system-user org as MP-303', async () => {
    const scope = await failure(() => createTokenProvider(maskinportenActor({ scopes: ['altinn:serviceowner'] }), environment(), deps()).token());
    expect((scope as TokenEndpointError).code).toBe('invalid_scope');
    const org = await failure(() => createTokenProvider(maskinportenActor({ systemUserOrg: '314249879' }), environment(), deps()).token());
    expect(org.message).toMatch(/invalid_altinn_customer_configuration.*MP-303/);
  });

  test('a 503 from the token endpoint is retried once; a second 503 surfaces', async () => {
    const requests = platform.maskinporten.stats.requests;
    platform.maskinporten.failNext(1);
    await expect(createTokenProvider(maskinportenActor(), environment(), deps()).token()).resolves.toMatch(/^eyJ/);
    expect(platform.maskinporten.stats.requests - requests).toBe(2);
    platform.maskinporten.failNext(2);
    const error = await failure(() => createTokenProvider(maskinportenActor(), environment(), deps()).token());
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect((error as TokenEndpointError).status).toBe(503);
    expect(platform.maskinporten.stats.requests - requests).toBe(4);
  });

  test('a 503 from the exchange is retried once; a second 503 surfaces as TokenExchangeError', async () => {
    const requests = platform.exchange.stats.requests;
    platform.exchange.failNext(1);
    await expect(createTokenProvider(maskinportenActor(), environment(), deps()).token()).resolves.toMatch(/^eyJ/);
    platform.exchange.failNext(2);
    const error = await failure(() => createTokenProvider(maskinportenActor(), environment(), deps()).token());
    expect(error).toBeInstanceOf(TokenExchangeError);
    expect((error as TokenExchangeError).status).toBe(503);
    expect(platform.exchange.stats.requests - requests).toBe(4);
  });

  test('a 401 from the exchange says the Maskinporten token was refused, without the token', async () => {
    const error = await failure(() =>
      createTokenProvider(maskinportenActor(), { ...environment(), platform: { ...environment().platform!, exchangeUrl: `${platform.exchangeUrl}` } }, {
        ...deps(),
        fetch: async (input, init) => {
          const url = String(input);
          if (url === platform.exchangeUrl) return recordingFetch(input, { ...init, headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.' } });
          return recordingFetch(input, init);
        },
      }).token(),
    );
    expect(error).toBeInstanceOf(TokenExchangeError);
    expect(error.message).toMatch(/401.*refused/);
  });

  test('missing variables and a PKCS#1 key are named clearly', async () => {
    const { BROKER_MASKINPORTEN_KID: _kid, ...noKid } = baseEnv;
    const missing = await failure(() => createTokenProvider(maskinportenActor(), environment(), deps(noKid)).token());
    expect(missing).toBeInstanceOf(MissingSecretError);
    expect(missing.message).toContain('BROKER_MASKINPORTEN_KID');
    const pkcs1 = clientKey.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
    const wrongFormat = await failure(() => createTokenProvider(maskinportenActor(), environment(), deps({ ...baseEnv, BROKER_MASKINPORTEN_PRIVATE_KEY: pkcs1 })).token());
    expect(wrongFormat).toBeInstanceOf(KeyFormatError);
    expect(wrongFormat.message).toMatch(/BROKER_MASKINPORTEN_PRIVATE_KEY.*PKCS#1.*convert/);
    const { maskinporten: _mp, ...noMaskinporten } = environment();
    await expect(createTokenProvider(maskinportenActor(), noMaskinporten, deps()).token()).rejects.toBeInstanceOf(AuthConfigError);
  });
});

test.describe('test-token-generator provider', () => {
  const generatorActor = (over: Partial<Extract<TokenProviderConfig, { kind: 'test-token-generator' }>> = {}): ActorConfig => ({
    org: '0192:986252932',
    token: {
      kind: 'test-token-generator',
      tokenKind: 'enterprise',
      env: 'tt02',
      usernameEnv: 'TT_USER',
      passwordEnv: 'TT_PASSWORD',
      scopes: ['altinn:broker.write', 'altinn:broker.read'],
      orgNo: '986252932',
      baseUrl: platform.tokenGeneratorBaseUrl,
      ...over,
    },
  });
  const creds = { TT_USER: 'broker-team', TT_PASSWORD: GENERATOR_PASSWORD };

  test('an enterprise token with the right credentials verifies and names the org', async () => {
    const token = await createTokenProvider(generatorActor(), environment(), deps(creds)).token();
    const claims = await verifyAltinnToken(token, platform.altinnOpenIdConfigurationUrl);
    expect(claims).toMatchObject({ 'urn:altinn:orgNumber': '986252932', scope: 'altinn:broker.write altinn:broker.read', actual_iss: 'altinn-test-tools' });
  });

  test('a system-user token carries the system user and the actor’s org', async () => {
    const systemUserId = '4c3b1f9e-7d55-4c1b-9d7a-1e2f3a4b5c6d';
    const actor = generatorActor({ tokenKind: 'systemuser', orgNo: '991825827', systemUserId });
    const claims = decodeJwt(await createTokenProvider(actor, environment(), deps(creds)).token());
    expect(claims.authorization_details).toEqual([
      expect.objectContaining({ systemuser_id: [systemUserId], systemuser_org: { authority: 'iso6523-actorid-upis', ID: '0192:986252932' } }),
    ]);
    expect(claims.consumer).toEqual({ authority: 'iso6523-actorid-upis', ID: '0192:991825827' });
  });

  test('wrong credentials fail clearly as TokenGeneratorError 401 without the password', async () => {
    const error = await failure(() => createTokenProvider(generatorActor(), environment(), deps({ ...creds, TT_PASSWORD: 'wrong-password-987' })).token());
    expect(error).toBeInstanceOf(TokenGeneratorError);
    expect((error as TokenGeneratorError).status).toBe(401);
    expect(error.message).toMatch(/credentials were refused/);
    expect(error.message).not.toContain('wrong-password-987');
  });

  test('a missing password variable and a system-user request without systemUserId are named', async () => {
    const missing = await failure(() => createTokenProvider(generatorActor(), environment(), deps({ TT_USER: 'broker-team' })).token());
    expect(missing).toBeInstanceOf(MissingSecretError);
    expect(missing.message).toContain('TT_PASSWORD');
    await expect(createTokenProvider(generatorActor({ tokenKind: 'systemuser' }), environment(), deps(creds)).token()).rejects.toBeInstanceOf(AuthConfigError);
  });
});

test.describe('static provider', () => {
  const actor: ActorConfig = { org: '0192:986252932', token: { kind: 'static', tokenEnv: 'MY_TOKEN' } };

  test('returns the token in the variable, and refuses an expired JWT naming the variable', async () => {
    const fresh = await platform.altinn.sign({ scope: 'altinn:broker.read' });
    await expect(createTokenProvider(actor, environment(), deps({ MY_TOKEN: fresh })).token()).resolves.toBe(fresh);
    const stale = await platform.altinn.sign({ scope: 'altinn:broker.read' }, { issuedAt: Math.floor(Date.now() / 1000) - 7200, expiresInSeconds: 60 });
    seenSecrets.add(stale);
    const error = await failure(() => createTokenProvider(actor, environment(), deps({ MY_TOKEN: stale })).token());
    expect(error).toBeInstanceOf(TokenExpiredError);
    expect(error.message).toContain('MY_TOKEN');
    await expect(createTokenProvider(actor, environment(), deps({})).token()).rejects.toBeInstanceOf(MissingSecretError);
  });
});

test.describe('local-chain provider', () => {
  test('every actor of the local environment gets an Altinn token for its own org, with no variables set', async () => {
    const env = loadEnvironment('local', {});
    const localChain = await platform.prepareLocalEnvironment(env);
    const actors = [env.actors.sender, ...env.actors.recipients, env.actors.serviceOwner!, env.actors.outsider!];
    for (const actor of actors) {
      const provider = createTokenProvider(actor, env, { ...deps({}), localChain });
      const claims = await verifyAltinnToken(await provider.token(), platform.altinnOpenIdConfigurationUrl);
      expect(`0192:${claims['urn:altinn:orgNumber'] as string}`).toBe(actor.org);
      expect(claims.scope).toBe((actor.token as { scopes: string[] }).scopes.join(' '));
    }
    const serviceOwner = decodeJwt(await createTokenProvider(env.actors.serviceOwner!, env, { ...deps({}), localChain }).token());
    expect(serviceOwner['urn:altinn:org']).toBe('digdir');
  });

  test('a system-user local actor carries authorization_details for its org', async () => {
    const env = loadEnvironment('local', {});
    const actor: ActorConfig = { org: '0192:313725138', token: { kind: 'local-chain', scopes: ['altinn:broker.read'], systemUser: true } };
    const withSystemUser = { ...env, actors: { ...env.actors, recipients: [actor] } };
    const localChain = await platform.prepareLocalEnvironment(withSystemUser);
    const claims = decodeJwt(await createTokenProvider(actor, withSystemUser, { ...deps({}), localChain }).token());
    expect(claims.authorization_details).toEqual([expect.objectContaining({ systemuser_org: { authority: 'iso6523-actorid-upis', ID: '0192:313725138' } })]);
  });

  test('without the platform doubles the local chain says what is missing', async () => {
    const env = loadEnvironment('local', {});
    await expect(createTokenProvider(env.actors.sender, env, deps({})).token()).rejects.toThrow(/startPlatform/);
  });
});
