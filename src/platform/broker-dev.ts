/**
 * @module The doubles of a `broker-dev` environment: everything a Broker built from source calls
 * (OpenID metadata + JWKS, PDP, Resource Registry, Register, Events, and Maskinporten + the Altinn
 * exchange for its own client), on the stable ports the environment file names, with keys kept in
 * its state directory, seeded from a local-Broker seed. Also: the settings to start the Broker with,
 * and the actors' token chain for any process of a run (from the kept keys).
 */
import { writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LocalChainClient, LocalChainDeps } from '../auth/token-provider.ts';
import type { EnvironmentConfig } from '../config/types.ts';
import { loadSeed, type Seed } from '../local-broker/seed.ts';
import type { JWTPayload } from 'jose';
import { signWith, startAltinnIssuer, type AltinnIssuerDouble } from './altinn-issuer.ts';
import { mountBrokerPlatform, type BrokerPlatform } from './broker-platform.ts';
import { driftLog, type DriftLog } from './drift.ts';
import { BROKER_CLIENT_ID, loadOrCreateState, privateKeyOf, publicPart, readState, type DoublesState } from './doubles-state.ts';
import { startMaskinportenDouble, type MaskinportenDouble } from './maskinporten-double.ts';
import { localChainScopesByOrg } from './platform.ts';
import { mountTokenExchange, type TokenExchangeDouble } from './token-exchange-double.ts';

/** The Broker's own client: the scopes of its shipped appsettings, and the organisation it acts as. */
export const BROKER_CLIENT_SCOPES = [
  'altinn:events.publish',
  'altinn:events.publish.admin',
  'altinn:register/partylookup.admin',
  'altinn:serviceowner',
  'altinn:authorization/authorize.admin',
  'altinn:resourceregistry/resource.admin',
];
const BROKER_CLIENT_ORG = '991825827';
export const SETTINGS_FILE = 'broker.env';

export class BrokerDevConfigError extends Error {}

/** One setting a Broker must be started with (as an environment variable), and why it matters. */
export interface BrokerSetting {
  name: string;
  value: string;
  why: string;
  /** A private key: written to the settings file only, never printed. */
  secret?: boolean;
}

interface Endpoints {
  platformUrl: URL;
  maskinportenUrl: URL;
  issuer: string;
  openIdConfigurationUrl: string;
  exchangeUrl: string;
  maskinportenIssuer: string;
  tokenEndpoint: string;
  brokerUrl: URL;
}

/** Where the doubles listen and what the Broker is told, all taken from the environment file. */
export function brokerDevEndpoints(env: EnvironmentConfig): Endpoints {
  if (!env.doubles) throw new BrokerDevConfigError(`environment ${env.name} has no doubles section: it is not a broker-dev environment`);
  if (!env.platform || !env.maskinporten) throw new BrokerDevConfigError(`environment ${env.name} needs platform and maskinporten sections for its doubles`);
  const platformUrl = new URL(env.platform.openIdConfigurationUrl);
  const maskinportenUrl = new URL(env.maskinporten.tokenEndpoint);
  const loopback = (u: URL) => u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname) && u.port !== '';
  if (!loopback(platformUrl) || !loopback(maskinportenUrl)) {
    throw new BrokerDevConfigError(`environment ${env.name}: the doubles' URLs must be http://127.0.0.1:<port>/… (platform ${platformUrl.origin}, Maskinporten ${maskinportenUrl.origin})`);
  }
  const base = platformUrl.origin;
  const expect = (actual: string | undefined, wanted: string, field: string) => {
    if (actual !== wanted) throw new BrokerDevConfigError(`environment ${env.name}: ${field} must be ${wanted} (what the doubles serve), not ${actual ?? 'absent'}`);
  };
  const issuer = `${base}/authentication/api/v1/openid/`;
  expect(env.platform.altinnIssuer, issuer, 'platform.altinnIssuer');
  expect(env.platform.openIdConfigurationUrl, `${issuer}.well-known/openid-configuration`, 'platform.openIdConfigurationUrl');
  expect(env.platform.exchangeUrl, `${base}/authentication/api/v1/exchange/maskinporten`, 'platform.exchangeUrl');
  expect(env.platform.eventsBaseUrl, `${base}/events/api/v1`, 'platform.eventsBaseUrl');
  expect(env.maskinporten.issuer, `${maskinportenUrl.origin}/`, 'maskinporten.issuer');
  expect(env.maskinporten.tokenEndpoint, `${maskinportenUrl.origin}/token`, 'maskinporten.tokenEndpoint');
  let brokerUrl: URL;
  try {
    brokerUrl = new URL(env.brokerBaseUrl);
  } catch {
    throw new BrokerDevConfigError(`environment ${env.name}: brokerBaseUrl '${env.brokerBaseUrl}' is not a URL`);
  }
  return {
    platformUrl,
    maskinportenUrl,
    issuer,
    openIdConfigurationUrl: env.platform.openIdConfigurationUrl,
    exchangeUrl: env.platform.exchangeUrl,
    maskinportenIssuer: env.maskinporten.issuer,
    tokenEndpoint: env.maskinporten.tokenEndpoint,
    brokerUrl,
  };
}

/**
 * A relative path of the environment file, from where the command was invoked: `run` passes its
 * working directory on as BROKER_DEV_CWD, because Playwright's workers run in the project root.
 */
function fromInvocation(path: string): string {
  return resolve(process.env.BROKER_DEV_CWD ?? process.cwd(), path);
}

export function stateDirOf(env: EnvironmentConfig): string {
  return fromInvocation(env.doubles?.stateDir ?? '.broker-dev');
}

/** The seed the doubles decide from: the environment's doubles.seedFile, else the local Broker's default seed. */
export function brokerDevSeed(env: EnvironmentConfig): Seed {
  return loadSeed(env.doubles?.seedFile ? fromInvocation(env.doubles.seedFile) : undefined);
}

/** The settings that point a Broker at the doubles (ASP.NET configuration keys as environment variables). */
export function brokerSettings(env: EnvironmentConfig, state: DoublesState): BrokerSetting[] {
  const e = brokerDevEndpoints(env);
  const base = e.platformUrl.origin;
  const encodedJwk = Buffer.from(JSON.stringify({ ...state.brokerClient.privateJwk, kid: state.brokerClient.kid })).toString('base64');
  return [
    { name: 'ASPNETCORE_ENVIRONMENT', value: 'Development', why: 'the Broker runs as a developer runs it: lifetimes unchecked, simulated malware scan, local storage emulator' },
    { name: 'ASPNETCORE_URLS', value: e.brokerUrl.origin, why: 'where the Broker listens; the harness is given the same URL with --broker-url' },
    { name: 'AltinnOptions__PlatformGatewayUrl', value: `${base}/`, why: 'base of the PDP, Resource Registry, Register and Events calls; the trailing slash is required (without it the last path segment is dropped); also the events\' source' },
    { name: 'AltinnOptions__OpenIdWellKnown', value: e.openIdConfigurationUrl, why: "OpenID metadata of the issuer whose tokens the Broker accepts; the harness's actors get their tokens from this issuer" },
    { name: 'Authentication__Schemes__Bearer__RequireHttpsMetadata', value: 'false', why: 'the metadata double is http://; without this every caller gets 401' },
    { name: 'AltinnOptions__PlatformSubscriptionKey', value: '', why: 'sent as Ocp-Apim-Subscription-Key on PDP and Register calls; the doubles expect none' },
    { name: 'MaskinportenSettings__ClientId', value: BROKER_CLIENT_ID, why: "the Broker's own Maskinporten client; required, a Development Broker does not start without it" },
    { name: 'MaskinportenSettings__EncodedJwk', value: encodedJwk, why: "base64 of the private JWK that signs the Broker's own grant; the Maskinporten double knows its public half", secret: true },
    { name: 'MaskinportenSettings__Kid', value: state.brokerClient.kid, why: 'the key id in the grant header' },
    { name: 'MaskinportenSettings__Scope', value: BROKER_CLIENT_SCOPES.join(' '), why: 'the scopes the Broker asks for; the Maskinporten double grants exactly these' },
    { name: 'MaskinportenSettings__Environment', value: 'test', why: 'the client library needs an environment; the three endpoint settings below take precedence' },
    { name: 'MaskinportenSettings__ExhangeToAltinnToken', value: 'true', why: '(sic) exchange the Maskinporten token for an Altinn token before calling the platform' },
    { name: 'MaskinportenSettings__TokenEndpoint', value: e.tokenEndpoint, why: "the Maskinporten double's token endpoint (honoured by client library 10.2.0 and later)" },
    { name: 'MaskinportenSettings__AssertionAudience', value: e.maskinportenIssuer, why: "the grant's aud: the Maskinporten double's issuer" },
    { name: 'MaskinportenSettings__TokenExchangeEndpoint', value: e.exchangeUrl, why: "the Altinn exchange double (answers the token as a JSON string, as the client library reads it)" },
    { name: 'GeneralSettings__SimulateMalwareScan', value: 'true', why: 'Development default: every upload is declared clean at once (malware checks then SKIP)' },
    { name: 'GeneralSettings__SlackUrl', value: '', why: 'no Slack calls' },
  ];
}

/** The settings as a file a shell or a container runtime reads (`KEY=value`), each with its reason. */
export function settingsFileText(settings: BrokerSetting[]): string {
  const lines = [
    '# Settings for a Broker started against the broker-conformance doubles.',
    '# Not here, and yours to set: DatabaseOptions__ConnectionString (PostgreSQL, migrated) and',
    '# DistributedCacheOptions__RedisConnectionString (Redis); a Development Broker uses the local storage emulator.',
  ];
  for (const s of settings) lines.push(`# ${s.why}`, `${s.name}=${s.value}`);
  return `${lines.join('\n')}\n`;
}

/** The settings as lines to print: the private key is only named, never shown. */
export function printableSettings(settings: BrokerSetting[], file: string): string[] {
  return settings.map((s) => `${s.name}=${s.secret ? `<private key: see ${file}>` : s.value}`);
}

export interface BrokerDevDoubles {
  readonly platformUrl: string;
  readonly settings: BrokerSetting[];
  /** The settings file written in the state directory (mode 0600: it holds the Broker's private key). */
  readonly settingsFile: string;
  readonly drift: DriftLog;
  readonly platform: BrokerPlatform;
  readonly altinn: AltinnIssuerDouble;
  readonly maskinporten: MaskinportenDouble;
  readonly exchange: TokenExchangeDouble;
  close(): Promise<void>;
}

export interface BrokerDevOptions {
  /** Overrides the environment's seed (default: its doubles.seedFile, else the local Broker's default seed). */
  seed?: Seed;
  /** Each drift line as it happens (e.g. to the console). */
  onDrift?: (line: string) => void;
}

export async function startBrokerDevDoubles(env: EnvironmentConfig, options: BrokerDevOptions = {}): Promise<BrokerDevDoubles> {
  const e = brokerDevEndpoints(env);
  const stateDir = stateDirOf(env);
  const scopesByOrg = localChainScopesByOrg(env);
  const state = await loadOrCreateState(stateDir, [...scopesByOrg.keys()]);
  const seed = options.seed ?? brokerDevSeed(env);
  const host = '127.0.0.1';
  const altinn = await startAltinnIssuer({ host, port: Number(e.platformUrl.port), signingKey: state.altinn });
  let maskinporten: MaskinportenDouble;
  try {
    maskinporten = await startMaskinportenDouble({ host, port: Number(e.maskinportenUrl.port), signingKey: state.maskinporten });
  } catch (error) {
    await altinn.close();
    throw error;
  }
  const exchange = mountTokenExchange({ altinn, maskinporten, serviceOwners: { [BROKER_CLIENT_ORG]: 'digdir' }, body: 'json-string' });
  maskinporten.registerClient({
    clientId: state.brokerClient.clientId,
    org: BROKER_CLIENT_ORG,
    scopes: BROKER_CLIENT_SCOPES,
    keys: [{ kid: state.brokerClient.kid, key: publicPart(state.brokerClient.privateJwk) }],
  });
  for (const [org, scopes] of scopesByOrg) {
    const client = state.actors[org]!;
    maskinporten.registerClient({ clientId: client.clientId, org, scopes: [...scopes], keys: [{ kid: client.kid, key: publicPart(client.privateJwk) }], systemUserOrgs: [org] });
  }
  mkdirSync(stateDir, { recursive: true });
  const drift = driftLog({ file: join(stateDir, 'drift.ndjson'), ...(options.onDrift ? { echo: options.onDrift } : {}) });
  const platform = mountBrokerPlatform({ altinn, seed, drift, systemUserOrg: (id) => maskinporten.systemUserOrg(id) });
  const settings = brokerSettings(env, state);
  const settingsFile = join(stateDir, SETTINGS_FILE);
  writeFileSync(settingsFile, settingsFileText(settings), { mode: 0o600 });
  chmodSync(settingsFile, 0o600);
  return {
    platformUrl: altinn.baseUrl,
    settings,
    settingsFile,
    drift,
    platform,
    altinn,
    maskinporten,
    exchange,
    close: async () => {
      await Promise.all([maskinporten.close(), altinn.close()]);
    },
  };
}

/** The actors' token chain against running broker-dev doubles, from the kept keys (any process of a run). */
export async function brokerDevLocalChain(env: EnvironmentConfig): Promise<LocalChainDeps> {
  const e = brokerDevEndpoints(env);
  const state = readState(stateDirOf(env));
  const clients = new Map<string, LocalChainClient>();
  for (const [org, kept] of Object.entries(state.actors)) clients.set(org, { clientId: kept.clientId, kid: kept.kid, privateKey: await privateKeyOf(kept) });
  return {
    maskinportenIssuer: e.maskinportenIssuer,
    tokenEndpoint: e.tokenEndpoint,
    exchangeUrl: e.exchangeUrl,
    clientFor: (org) => clients.get(org.slice(org.lastIndexOf(':') + 1)),
  };
}

/** Whether doubles for this environment already answer on its platform URL (started by `broker-conformance doubles`). */
export async function runningDoubles(env: EnvironmentConfig): Promise<boolean> {
  const e = brokerDevEndpoints(env);
  try {
    const res = await fetch(`${e.platformUrl.origin}/_doubles/health`, { signal: AbortSignal.timeout(2000) });
    if (!res.ok) return false;
    const health = (await res.json()) as { issuer?: string; kid?: string };
    const state = readState(stateDirOf(env));
    return health.issuer === e.issuer && health.kid === state.altinn.kid;
  } catch {
    return false;
  }
}

/** Signs tokens as the doubles' Altinn issuer, from the kept key (forged tokens for authorization checks). */
export interface IssuerSigner {
  issuer: string;
  sign(claims: JWTPayload, options?: { expiresInSeconds?: number; issuedAt?: number }): Promise<string>;
}

export async function brokerDevIssuerSigner(env: EnvironmentConfig): Promise<IssuerSigner> {
  const e = brokerDevEndpoints(env);
  const state = readState(stateDirOf(env));
  const key = await privateKeyOf(state.altinn);
  return { issuer: e.issuer, sign: (claims, o = {}) => signWith(key, state.altinn.kid, e.issuer, claims, o) };
}
