/**
 * @module The steps a `run` against a broker-dev environment adds around the suites: use the running
 * doubles (or start them for the run, on the same ports with the same keys, so a Broker started
 * earlier still trusts them), seed the service owner and the resources through the Broker's own API,
 * and afterwards list the run's platform drift (the suites' workers record it in the ledger).
 */
import { createTokenProvider } from '../auth/index.ts';
import type { EnvironmentConfig } from '../config/index.ts';
import { join } from 'node:path';
import { brokerDevEndpoints, brokerDevLocalChain, brokerDevSeed, SETTINGS_FILE, stateDirOf, driftVerdicts, fetchDrift, runningDoubles, type BrokerDevDoubles } from '../platform/index.ts';
import { describeDoubles, startDoublesFor } from './doubles.ts';
import { UsageError } from './usage-error.ts';

type Io = { out: (s: string) => void; err: (s: string) => void };

export interface BrokerDevSession {
  /** When the run started (drift lines from then on belong to it). */
  since: string;
  /** Stops the doubles when this run started them. */
  release(): Promise<void>;
}

export async function openBrokerDevSession(environment: EnvironmentConfig, envName: string, io: Io, processEnv: NodeJS.ProcessEnv = process.env): Promise<BrokerDevSession> {
  const since = new Date().toISOString();
  let started: BrokerDevDoubles | undefined;
  if (await runningDoubles(environment)) {
    io.out(`using the running doubles at ${brokerDevEndpoints(environment).platformUrl.origin}/ (the Broker's settings: ${join(stateDirOf(environment), SETTINGS_FILE)})`);
  } else {
    started = await startDoublesFor(envName, io, processEnv);
    for (const line of describeDoubles(started)) io.out(line);
  }
  try {
    await seedThroughBrokerApi(environment, io);
  } catch (e) {
    await started?.close();
    throw e;
  }
  return { since, release: async () => started?.close() };
}

/** POST the service owner and PUT each of the environment's resources the seed configures for it, through the Broker's API. */
export async function seedThroughBrokerApi(environment: EnvironmentConfig, io: Io): Promise<void> {
  const owner = environment.actors.serviceOwner;
  if (!owner) throw new UsageError(`environment ${environment.name} has no serviceOwner actor to seed the Broker with`);
  const ownerOrg = owner.org.slice(owner.org.lastIndexOf(':') + 1);
  const seed = brokerDevSeed(environment);
  const tokens = createTokenProvider(owner, environment, { localChain: await brokerDevLocalChain(environment) });
  const base = environment.brokerBaseUrl.replace(/\/$/, '');
  const call = async (method: string, path: string, body: unknown) => {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${await tokens.token()}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(environment.timeouts.requestMs),
      });
    } catch (e) {
      throw new UsageError(`the Broker at ${base} does not answer ${method} ${path}: ${(e as Error).cause ? String((e as { cause: unknown }).cause) : (e as Error).message}`);
    }
    const text = (await res.text()).slice(0, 300);
    return { status: res.status, text };
  };
  const name = seed.serviceOwners?.find((s) => s.orgNumber.endsWith(ownerOrg))?.name ?? `Service owner ${ownerOrg}`;
  const created = await call('POST', '/broker/api/v1/serviceowner', { name });
  io.out(`seed: service owner ${ownerOrg}: ${created.status}${created.status >= 300 ? ` ${created.text}` : ''}`);
  for (const resourceId of environment.resources) {
    const config = (seed.resources ?? []).find((r) => r.resourceId === resourceId);
    if (config && config.serviceOwner.slice(config.serviceOwner.lastIndexOf(':') + 1) !== ownerOrg) {
      io.out(`seed: resource ${resourceId}: not seeded, its service owner ${config.serviceOwner} is not the serviceOwner actor`);
      continue;
    }
    const body: Record<string, unknown> = {};
    for (const k of ['maxFileTransferSize', 'fileTransferTimeToLive', 'purgeFileTransferAfterAllRecipientsConfirmed', 'purgeFileTransferGracePeriod', 'useManifestFileShim', 'externalServiceCodeLegacy', 'externalServiceEditionCodeLegacy', 'requiredParty'] as const) {
      if (config?.[k] !== undefined && config[k] !== null) body[k] = config[k];
    }
    const put = await call('PUT', `/broker/api/v1/resource/${encodeURIComponent(resourceId)}`, body);
    io.out(`seed: resource ${resourceId}: ${put.status}${put.status >= 300 ? ` ${put.text}` : ''}`);
  }
}

/** Prints the run's drift lines (the suites' ledger holds them as ERROR verdicts); returns how many distinct ones. */
export async function reportDrift(environment: EnvironmentConfig, since: string, io: Io): Promise<number> {
  try {
    const verdicts = driftVerdicts(await fetchDrift(brokerDevEndpoints(environment).platformUrl.origin, since));
    for (const v of verdicts) io.err(v.message);
    return verdicts.length;
  } catch (e) {
    io.err(`broker-conformance: could not read the doubles' drift log: ${(e as Error).message}`);
    return 0;
  }
}
