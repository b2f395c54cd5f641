/** @module The robustness suite's settings for an environment: its capability with the defaults filled in. */
import { ConfigError } from './errors.ts';
import type { EnvironmentConfig } from './types.ts';

export interface RobustnessSettings {
  enabled: boolean;
  /** Why it does not run, when it does not. */
  reason?: string;
  /** Minimum pause between two requests of the corpus (0: unpaced). */
  intervalMs: number;
  count: number;
  seed: number;
  manyRecipients: number;
  raceSize: number;
  answerWithinMs: number;
}

/** Environments where the suite runs unless they say otherwise: our own Broker, and a Broker built from source. */
const ON_BY_DEFAULT = (env: EnvironmentConfig) => env.kind === 'local' || env.name === 'broker-dev';

export function robustnessSettings(env: EnvironmentConfig, vars: NodeJS.ProcessEnv = process.env): RobustnessSettings {
  const c = env.capabilities.robustness;
  const enabled = c?.enabled ?? ON_BY_DEFAULT(env);
  const seedVar = vars.BROKER_ROBUSTNESS_SEED;
  if (seedVar !== undefined && !/^\d+$/.test(seedVar)) throw new ConfigError(`BROKER_ROBUSTNESS_SEED must be a non-negative integer, not '${seedVar}'`);
  const local = env.kind === 'local';
  return {
    enabled,
    ...(enabled ? {} : { reason: `robustness is opt-in on ${env.name}: set capabilities.robustness.enabled (with a ratePerMinute its limits allow)` }),
    intervalMs: c?.ratePerMinute ? Math.ceil(60_000 / c.ratePerMinute) : 0,
    count: c?.count ?? (local ? 300 : 150),
    seed: seedVar !== undefined ? Number(seedVar) : (c?.seed ?? 17),
    manyRecipients: c?.manyRecipients ?? (local ? 1000 : 200),
    raceSize: c?.raceSize ?? (local ? 20 : 5),
    answerWithinMs: c?.answerWithinMs ?? env.timeouts.requestMs,
  };
}
