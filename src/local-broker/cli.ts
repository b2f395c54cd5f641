/** @module `npm run broker:local`: the local Broker as a standalone process, with a dev issuer and token endpoint when no issuer is trusted. */
import { startAltinnIssuer } from '../platform/altinn-issuer.ts';
import { builtInGatewayProfile, startLocalBroker, type LocalBrokerOptions } from './index.ts';

const USAGE = `Usage: broker:local [options]

  --port <n>                    port to listen on (default 5096; 0 = ephemeral)
  --host <addr>                 address to bind (default 127.0.0.1)
  --seed <file>                 seed JSON (default src/local-broker/default-seed.json)
  --data-dir <dir>              payloads and state (default a fresh temp dir, removed on exit); reuse to keep transfers
  --trusted-issuer <url>        discovery URL of a trusted token issuer (repeatable)
  --scan-delay <ms>             simulated malware scan delay (default 0); 'webhook' = wait for the scan webhook
  --no-lifetime-check           accept expired tokens (as the Broker in Development)
  --mutation <name>             switch on a deliberate fault (repeatable; for harness self-tests)
  --enable <what>               emulator endpoints: events, subscriptions, clock (repeatable or comma-separated;
                                all three are on in dev mode, i.e. without --trusted-issuer)
  --gateway-profile <name>      put an API gateway with rate limits in front (built in: tt02); 429 + Retry-After
  --quiet                       do not log a line per CloudEvent
  --help                        show this help

Without --trusted-issuer an Altinn issuer double is started in-process and trusted, and
POST /_emulator/tokens {"org","scopes",["systemUser"]} returns {"token"} signed by it;
GET /_emulator/clock, POST /_emulator/clock/advance {"duration":"P30D"}, GET /events/api/v1/events
and POST /events/api/v1/subscriptions are enabled too.`;

const ENDPOINT_GROUPS = ['events', 'subscriptions', 'clock'] as const;

export class UsageError extends Error {}

export interface CliOptions extends LocalBrokerOptions {
  help: boolean;
}

export function parseArgs(argv: string[]): CliOptions {
  const o: CliOptions = { help: false, port: 5096, trustedIssuers: [], mutations: [], logEvents: true };
  const mutations: string[] = [];
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
      case '--trusted-issuer': {
        const v = value();
        if (!/^https?:\/\/\S+$/.test(v)) throw new UsageError(`--trusted-issuer must be an http(s) URL, got '${v}'`);
        o.trustedIssuers!.push(v);
        break;
      }
      case '--scan-delay': {
        const v = value();
        o.scanDelayMs = v === 'webhook' ? null : int('--scan-delay', v, 86_400_000);
        break;
      }
      case '--no-lifetime-check':
        o.validateLifetime = false;
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
      case '--enable':
        for (const what of value().split(',').filter(Boolean)) {
          if (!(ENDPOINT_GROUPS as readonly string[]).includes(what)) throw new UsageError(`--enable takes ${ENDPOINT_GROUPS.join(', ')}; got '${what}'`);
          o.emulatorEndpoints = { ...o.emulatorEndpoints, [what]: true };
        }
        break;
      default:
        throw new UsageError(`unknown argument '${arg}' (see --help)`);
    }
  }
  o.mutations = mutations;
  return o;
}

async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`broker:local: ${(e as Error).message}\n`);
    process.exit(2);
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const { help: _help, ...brokerOptions } = options;
  const issuer = options.trustedIssuers!.length === 0 ? await startAltinnIssuer({ host: '127.0.0.1' }) : undefined;
  if (issuer) {
    brokerOptions.trustedIssuers = [issuer.openIdConfigurationUrl];
    brokerOptions.emulatorEndpoints = { events: true, subscriptions: true, clock: true, tokenSigner: (claims, o) => issuer.sign(claims, o) };
  }
  let broker;
  try {
    broker = await startLocalBroker(brokerOptions);
  } catch (e) {
    process.stderr.write(`broker:local: ${(e as Error).message}\n`);
    await issuer?.close();
    process.exit(2);
  }
  process.stdout.write(`local Broker listening on ${broker.url} (data: ${broker.dataDir})\n`);
  if (issuer) {
    process.stdout.write(`trusting dev issuer ${issuer.issuer}\n`);
    process.stdout.write(`dev tokens: POST ${broker.url}/_emulator/tokens {"org":"991825827","scopes":["altinn:broker.write"]}\n`);
    process.stdout.write(`clock: POST ${broker.url}/_emulator/clock/advance {"duration":"P30D"}; events: GET ${broker.url}/events/api/v1/events?resource=urn:altinn:resource:<id>&after=0\n`);
  }
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
