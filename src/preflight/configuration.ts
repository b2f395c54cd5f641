/**
 * @module The configuration half of the preflight: the environment loads, every variable it needs is
 * set, its local-Broker mutations are known. No network and no token library: Playwright's global setup
 * runs it in the main process before any worker starts.
 */
import { ConfigError, environmentData, parseEnvironment, type EnvironmentConfig } from '../config/index.ts';
import { MUTATIONS } from '../local-broker/mutations.ts';
import { localMutations } from '../../fixtures/local-mutations.ts';
import { missingTokenVariables } from './variables.ts';

export interface PreflightResult {
  /** Undefined when the environment could not even be loaded. */
  environment?: EnvironmentConfig;
  /** One line each; empty means the run may start. */
  problems: string[];
  /** What was checked and found good, one line each (the doctor prints them). */
  passed: string[];
}

/** The configuration half: the environment loads, every variable it needs is set, mutations are known. */
export function preflightConfiguration(nameOrPath: string, env: NodeJS.ProcessEnv = process.env): PreflightResult {
  let data: unknown;
  let source: string;
  try {
    ({ data, source } = environmentData(nameOrPath));
  } catch (e) {
    if (e instanceof ConfigError) return { problems: e.problems, passed: [] };
    throw e;
  }
  const problems: string[] = [];
  let environment: EnvironmentConfig | undefined;
  try {
    environment = parseEnvironment(data, source, env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems.push(...e.problems);
  }
  problems.push(...missingTokenVariables(data, env).map((p) => `${source}: ${p}`));
  if (environment) {
    const unknown = localMutations(environment, env).filter((m) => !(m in MUTATIONS));
    for (const m of unknown) problems.push(`unknown local-Broker mutation '${m}' (known: ${Object.keys(MUTATIONS).join(', ')})`);
  }
  return { ...(environment ? { environment } : {}), problems, passed: problems.length ? [] : [`configuration: ${source} loads; every variable it needs is set`] };
}
