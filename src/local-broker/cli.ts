/** @module `npm run broker:local`: the local Broker as a standalone process, with a dev issuer and token endpoint when no issuer is trusted. */
import { readFileSync } from 'node:fs';
import type { JWK } from 'jose';
import { startAltinnIssuer } from '../platform/altinn-issuer.ts';
import { ENVIRONMENT_NAMES, parseEnvironmentName } from './environment.ts';
import { builtInGatewayProfile, startLocalBroker, type LocalBrokerOptions } from './index.ts';

const USAGE = `Usage: broker:local [options]

  --port <n>                    port to listen on (default 5096; 0 = ephemeral)
  --host <addr>                 address to bind (default 127.0.0.1)
  --seed <file>                 seed JSON (default src/local-broker/default-seed.json)
  --data-dir <dir>              payloads and state (default a fresh temp dir, removed on exit); reuse to keep transfers
  --environment <name>          the Broker's environment: test (default, a deployed non-production Broker), staging,
                                production, or Development (no lifetime check, virus-scan provider only, every
                                upload scanned clean)
  --trusted-issuer <url>        discovery URL of a trusted token issuer (repeatable)
  --dev-issuer, --no-dev-issuer start an Altinn issuer double in-process and trust it (default on); it signs the
                                tokens of POST /_emulator/tokens
  --lifetime-check, --no-lifetime-check
                                check token lifetimes (default: as the environment; off in Development)
  --scan-delay <ms>             simulated malware scan delay (default 0); 'webhook' = wait for the scan webhook
  --storage-provisioning-delay <ms>
                                how long a new service owner's storage providers take to be Ready (default 0)
  --platform-gateway-url <url>  AltinnOptions:PlatformGatewayUrl: the CloudEvent source and, with the Maskinporten
                                options, where every CloudEvent is POSTed ({url}events/api/v1/events)
  --maskinporten-client-id <id> the Broker's own Maskinporten client (MaskinportenSettings:ClientId)
  --maskinporten-jwk-file <f>   its RSA private key as a JWK JSON file (or the base64 of one, as EncodedJwk)
  --maskinporten-kid <kid>      assertion kid (default the JWK's kid)
  --maskinporten-token-endpoint <url>
  --maskinporten-audience <aud> assertion aud (default the token endpoint's origin + '/')
  --maskinporten-exchange-url <url>
                                the Altinn token exchange (GET with the Maskinporten token)
  --statistics-api-key-file <f> file holding the X-API-Key of the statistics endpoints (StatisticsApiKey)
  --endpoints <list>            emulator endpoint groups, exactly: events, subscriptions, clock, faults, tokens
                                (comma-separated) or 'none'; default events,subscriptions,clock,tokens
  --enable <list>, --disable <list>
                                add or remove groups from that set (repeatable)
  --mutation <name>             switch on a deliberate fault (repeatable; for harness self-tests)
  --gateway-profile <name>      put an API gateway with rate limits in front (built in: tt02); 429 + Retry-After
  --quiet                       do not log a line per CloudEvent
  --help                        show this help

The emulator endpoints do not depend on --trusted-issuer: they are on or off as these flags say, and the
start-up lines list what is on. 'tokens' (POST /_emulator/tokens {"org","scopes",["systemUser"]}) needs the
dev issuer.`;

export const ENDPOINT_GROUPS = ['events', 'subscriptions', 'clock', 'faults', 'tokens'] as const;
export type EndpointGroup = (typeof ENDPOINT_GROUPS)[number];
const DEFAULT_GROUPS: EndpointGroup[] = ['events', 'subscriptions', 'clock', 'tokens'];

export class UsageError extends Error {}

export interface CliOptions extends Omit<LocalBrokerOptions, 'maskinporten'> {
  help: boolean;
  devIssuer: boolean;
  /** Emulator endpoint groups to serve. */
  endpoints: Set<EndpointGroup>;
  /** File holding the statistics API key; read at start, never printed. */
  statisticsApiKeyFile?: string;
  /** Maskinporten settings as given; the key is read from `jwkFile` at start. */
  maskinporten?: { clientId?: string; jwkFile?: string; kid?: string; tokenEndpoint?: string; audience?: string; exchangeUrl?: string };
}

const URL_PATTERN = /^https?:\/\/\S+$/;

export function parseArgs(argv: string[]): CliOptions {
  const o: CliOptions = { help: false, devIssuer: true, port: 5096, trustedIssuers: [], mutations: [], logEvents: true, endpoints: new Set(DEFAULT_GROUPS) };
  const mutations: string[] = [];
  const groups = (flag: string, v: string): EndpointGroup[] => {
    const list = v.split(',').filter(Boolean);
    for (const what of list) {
      if (!(ENDPOINT_GROUPS as readonly string[]).includes(what)) throw new UsageError(`${flag} takes ${ENDPOINT_GROUPS.join(', ')}; got '${what}'`);
    }
    return list as EndpointGroup[];
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || (inline === undefined && v.startsWith('--'))) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    const int = (name: string, v: string, max: number): number => {
      if (!/^\d+$/.test(v) || Number(v) > max) throw new UsageError(`${name} must be an integer between 0 and ${max}, got '${v}'`);
      return Number(v);
    };
    const url = (name: string): string => {
      const v = value();
      if (!URL_PATTERN.test(v)) throw new UsageError(`${name} must be an http(s) URL, got '${v}'`);
      return v;
    };
    const mp = () => (o.maskinporten ??= {});
    switch (flag) {
      case '--help':
      case '-h':
        o.help = true;
        break;
      case '--port':
        o.port = int('--port', value(), 65535);
        break;
      case '--host':
        o.host = value();
        break;
      case '--seed':
        o.seed = value();
        break;
      case '--data-dir':
        o.dataDir = value();
        break;
      case '--environment': {
        const v = value();
        try {
          o.environmentName = parseEnvironmentName(v);
        } catch {
          throw new UsageError(`--environment takes ${ENVIRONMENT_NAMES.join(', ')}; got '${v}'`);
        }
        break;
      }
      case '--trusted-issuer':
        o.trustedIssuers!.push(url('--trusted-issuer'));
        break;
      case '--dev-issuer':
        o.devIssuer = true;
        break;
      case '--no-dev-issuer':
        o.devIssuer = false;
        break;
      case '--scan-delay': {
        const v = value();
        o.scanDelayMs = v === 'webhook' ? null : int('--scan-delay', v, 86_400_000);
        break;
      }
      case '--storage-provisioning-delay':
        o.storageProvisioningDelayMs = int('--storage-provisioning-delay', value(), 86_400_000);
        break;
      case '--lifetime-check':
        o.validateLifetime = true;
        break;
      case '--no-lifetime-check':
        o.validateLifetime = false;
        break;
      case '--platform-gateway-url':
        o.platformGatewayUrl = url('--platform-gateway-url');
        break;
      case '--maskinporten-client-id':
        mp().clientId = value();
        break;
      case '--maskinporten-jwk-file':
        mp().jwkFile = value();
        break;
      case '--maskinporten-kid':
        mp().kid = value();
        break;
      case '--maskinporten-token-endpoint':
        mp().tokenEndpoint = url(flag);
        break;
      case '--maskinporten-audience':
        mp().audience = value();
        break;
      case '--maskinporten-exchange-url':
        mp().exchangeUrl = url(flag);
        break;
      case '--statistics-api-key-file':
        o.statisticsApiKeyFile = value();
        break;
      case '--quiet':
        o.logEvents = false;
        break;
      case '--gateway-profile': {
        const v = value();
        try {
          builtInGatewayProfile(v);
        } catch (e) {
          throw new UsageError(`--gateway-profile: ${(e as Error).message}`);
        }
        o.gatewayProfile = v;
        break;
      }
      case '--mutation':
        mutations.push(value());
        break;
      case '--endpoints': {
        const v = value();
        o.endpoints = new Set(v === 'none' ? [] : groups('--endpoints', v));
        break;
      }
      case '--enable':
        for (const g of groups('--enable', value())) o.endpoints.add(g);
        break;
      case '--disable':
        for (const g of groups('--disable', value())) o.endpoints.delete(g);
        break;
      default:
        throw new UsageError(`unknown argument '${arg}' (see --help)`);
    }
  }
  o.mutations = mutations;
  if (o.endpoints.has('tokens') && !o.devIssuer) throw new UsageError("the 'tokens' endpoint needs the dev issuer: add --disable tokens with --no-dev-issuer");
  if (!o.devIssuer && o.trustedIssuers!.length === 0) throw new UsageError('with --no-dev-issuer give at least one --trusted-issuer (no token could be verified)');
  if (o.maskinporten) {
    const missing = (['clientId', 'jwkFile', 'tokenEndpoint', 'exchangeUrl'] as const).filter((k) => !o.maskinporten![k]);
    const flagOf = { clientId: '--maskinporten-client-id', jwkFile: '--maskinporten-jwk-file', tokenEndpoint: '--maskinporten-token-endpoint', exchangeUrl: '--maskinporten-exchange-url' };
    if (missing.length) throw new UsageError(`the Maskinporten options need ${missing.map((k) => flagOf[k]).join(', ')}`);
    if (!o.platformGatewayUrl) throw new UsageError('the Maskinporten options need --platform-gateway-url (where the CloudEvents are POSTed)');
  }
  return o;
}

/** Reads the statistics API key (the file's first line); never echoes it. */
export function readApiKeyFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--statistics-api-key-file: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const key = text.split(/\r?\n/)[0]!.trim();
  if (!key) throw new UsageError(`--statistics-api-key-file: ${path} is empty`);
  return key;
}

/** Reads the Broker's private JWK: a JSON file, or a file holding the base64 of one (`MaskinportenSettings:EncodedJwk`). Never echoes the content. */
export function readJwkFile(path: string): JWK {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (e) {
    throw new UsageError(`--maskinporten-jwk-file: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const candidates = [text, Buffer.from(text, 'base64').toString('utf8')];
  for (const c of candidates) {
    try {
      const jwk = JSON.parse(c) as JWK;
      if (jwk && typeof jwk === 'object' && jwk.kty === 'RSA' && typeof jwk.d === 'string') return jwk;
    } catch {
      // try the next form
    }
  }
  throw new UsageError(`--maskinporten-jwk-file: ${path} holds no RSA private JWK (JSON or base64 of JSON, with "d")`);
}

async function main(): Promise<void> {
  let options: CliOptions;
  let maskinporten: LocalBrokerOptions['maskinporten'];
  let statisticsApiKey: string | undefined;
  try {
    options = parseArgs(process.argv.slice(2));
    if (options.statisticsApiKeyFile) statisticsApiKey = readApiKeyFile(options.statisticsApiKeyFile);
    const mp = options.maskinporten;
    if (mp) {
      maskinporten = {
        clientId: mp.clientId!,
        privateKey: readJwkFile(mp.jwkFile!),
        tokenEndpoint: mp.tokenEndpoint!,
        exchangeUrl: mp.exchangeUrl!,
        ...(mp.kid ? { kid: mp.kid } : {}),
        ...(mp.audience ? { audience: mp.audience } : {}),
      };
    }
  } catch (e) {
    process.stderr.write(`broker:local: ${(e as Error).message}\n`);
    process.exit(2);
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const { help: _help, devIssuer: _devIssuer, endpoints, maskinporten: _mp, statisticsApiKeyFile: _keyFile, ...rest } = options;
  const brokerOptions: LocalBrokerOptions = { ...rest, ...(maskinporten ? { maskinporten } : {}), ...(statisticsApiKey ? { statisticsApiKey } : {}) };
  const issuer = options.devIssuer ? await startAltinnIssuer({ host: '127.0.0.1' }) : undefined;
  if (issuer) brokerOptions.trustedIssuers = [...options.trustedIssuers!, issuer.openIdConfigurationUrl];
  brokerOptions.emulatorEndpoints = {
    events: endpoints.has('events'),
    subscriptions: endpoints.has('subscriptions'),
    clock: endpoints.has('clock'),
    faults: endpoints.has('faults'),
    ...(issuer && endpoints.has('tokens') ? { tokenSigner: (claims: Record<string, unknown>, o?: { issuedAt?: number }) => issuer.sign(claims, o) } : {}),
  };
  let broker;
  try {
    broker = await startLocalBroker(brokerOptions);
  } catch (e) {
    process.stderr.write(`broker:local: ${(e as Error).message}\n`);
    await issuer?.close();
    process.exit(2);
  }
  process.stdout.write(`local Broker listening on ${broker.url} (data: ${broker.dataDir})\n`);
  process.stdout.write(`environment: ${broker.broker.env.name}; emulator endpoints: ${[...endpoints].join(', ') || 'none'}\n`);
  if (issuer) process.stdout.write(`trusting dev issuer ${issuer.issuer}\n`);
  if (endpoints.has('tokens')) process.stdout.write(`dev tokens: POST ${broker.url}/_emulator/tokens {"org":"991825827","scopes":["altinn:broker.write"]}\n`);
  if (endpoints.has('clock')) process.stdout.write(`clock: POST ${broker.url}/_emulator/clock/advance {"duration":"P30D"}\n`);
  if (endpoints.has('events')) process.stdout.write(`events: GET ${broker.url}/events/api/v1/events?resource=urn:altinn:resource:<id>&after=0\n`);
  if (broker.eventPublisher) process.stdout.write(`CloudEvents POSTed to ${options.platformGatewayUrl}events/api/v1/events\n`);
  const stop = async () => {
    await broker.close();
    await issuer?.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/local-broker/cli.ts')) {
  await main();
}
