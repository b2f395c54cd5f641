/**
 * @module `broker-conformance doubles --env broker-dev`: starts only the strict doubles of a Broker's
 * platform, on the environment's stable ports with its kept keys, prints the settings to start the
 * Broker with (the private key only by file), writes them to a file, echoes platform drift as it
 * happens, and stops cleanly on SIGINT/SIGTERM (Ctrl-C).
 */
import { loadEnvironment } from '../config/index.ts';
import { BrokerDevConfigError, printableSettings, startBrokerDevDoubles, type BrokerDevDoubles } from '../platform/index.ts';
import { EXIT_OK } from './exit-codes.ts';
import { UsageError } from './usage-error.ts';

type Io = { out: (s: string) => void; err: (s: string) => void };

/** Starts the doubles or turns the reasons they cannot start (not a broker-dev environment, a port in use) into a usage error. */
export async function startDoublesFor(envName: string, io: Io, processEnv: NodeJS.ProcessEnv = process.env): Promise<BrokerDevDoubles> {
  const environment = loadEnvironment(envName, processEnv);
  if (!environment.doubles) throw new UsageError(`environment ${environment.name} has no doubles section; doubles serve broker-dev environments (e.g. --env broker-dev)`);
  try {
    return await startBrokerDevDoubles(environment, { onDrift: (line) => io.err(line) });
  } catch (e) {
    if (e instanceof BrokerDevConfigError) throw new UsageError(e.message);
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') throw new UsageError(`cannot start the doubles: port ${(err as { port?: number }).port ?? ''} is in use (are the doubles already running with other keys?)`);
    throw e;
  }
}

export function describeDoubles(doubles: BrokerDevDoubles): string[] {
  return [
    `platform doubles at ${doubles.platformUrl}/ (OpenID + JWKS, token exchange, PDP, Resource Registry, Register, Events), Maskinporten at ${doubles.maskinporten.issuer}`,
    `start the Broker with these settings (all of them, with the private key, in ${doubles.settingsFile}):`,
    ...printableSettings(doubles.settings, doubles.settingsFile).map((l) => `  ${l}`),
  ];
}

export async function doublesCommand(options: { env: string }, io: Io, stop: Promise<unknown> = signalled()): Promise<number> {
  const doubles = await startDoublesFor(options.env, io);
  for (const line of describeDoubles(doubles)) io.out(line);
  io.out('doubles ready; Ctrl-C stops them');
  await stop;
  await doubles.close();
  const c = doubles.platform.calls;
  io.out(
    `doubles stopped: ${c.authorize} PDP, ${c.resource} resource, ${c.memberships} access-list, ${c.partyLookup} party lookup, ${c.partyByUuid} party-by-UUID calls, ` +
      `${c.eventsPost} events received, ${doubles.drift.lines().length} drift line(s)`,
  );
  return EXIT_OK;
}

/** Resolves on the first SIGINT or SIGTERM. */
function signalled(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
