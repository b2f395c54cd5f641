/**
 * @module The preflight a run passes before any test, and all `broker-conformance doctor` does:
 * configuration first (every unset variable at once, unknown mutations), and only when that is
 * complete the network: every actor's token obtained once and its claims checked, the Broker
 * reachable and answering like a Broker, the clock against the Broker's `Date`. Every problem is
 * one line; nothing is written anywhere. Secrets never appear: tokens are decoded, not printed.
 */
import type { TokenProvider } from '../auth/index.ts';
import type { ActorConfig, EnvironmentConfig } from '../config/index.ts';
import type { BrokerTarget } from '../../fixtures/target.ts';
import { probeBroker } from './broker-probe.ts';
import { checkTokenClaims, type TokenExpectation } from './claims.ts';
import { preflightConfiguration, type PreflightResult } from './configuration.ts';

export interface PreflightOptions {
  /** Where variables are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Per network call (token endpoint, exchange, Broker); default 10 s. */
  timeoutMs?: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** What each actor's token must say. */
function expectationFor(actor: ActorConfig, environment: EnvironmentConfig, target: BrokerTarget): Omit<TokenExpectation, 'now'> {
  const t = actor.token;
  const altinn = target.platform?.altinnIssuer ?? environment.platform?.altinnIssuer;
  const maskinporten = environment.maskinporten?.issuer;
  const issuers =
    t.kind === 'maskinporten' && t.exchange === false ? [maskinporten] : t.kind === 'static' ? [altinn, maskinporten] : [altinn];
  return {
    scopes: t.kind === 'static' ? [] : t.scopes,
    org: actor.org,
    issuers: issuers.filter((i): i is string => !!i),
  };
}

function actorsOf(environment: EnvironmentConfig): [string, ActorConfig][] {
  const a = environment.actors;
  return [
    ['sender', a.sender],
    ...a.recipients.map((r, i): [string, ActorConfig] => [`recipient[${i}]`, r]),
    ...(a.serviceOwner ? [['serviceOwner', a.serviceOwner] as [string, ActorConfig]] : []),
    ...(a.outsider ? [['outsider', a.outsider] as [string, ActorConfig]] : []),
  ];
}

async function checkToken(name: string, provider: TokenProvider, expectation: Omit<TokenExpectation, 'now'>, target: BrokerTarget, timeoutMs: number): Promise<{ problems: string[]; passed?: string }> {
  let token: string;
  try {
    token = await withTimeout(provider.token(), timeoutMs, 'token');
  } catch (e) {
    return { problems: [`${name}: no token (${provider.description}): ${(e as Error).message.split('\n')[0]}`] };
  }
  const { facts, problems } = checkTokenClaims(token, { ...expectation, now: target.now() });
  if (problems.length) return { problems: problems.map((p) => `${name}: ${p}`) };
  const what = facts.scopes.length ? `scope ${facts.scopes.join(' ')}, org ${facts.org ?? '?'}, issuer ${facts.issuer ?? '?'}, expires in ${facts.expiresInSeconds ?? '?'} s` : 'opaque token (not inspected)';
  return { problems: [], passed: `${name}: token obtained (${what})` };
}

/** The whole preflight. Starts (and stops) the embedded Broker for a local environment. */
export async function preflight(nameOrPath: string, options: PreflightOptions = {}): Promise<PreflightResult> {
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const config = preflightConfiguration(nameOrPath, env);
  if (config.problems.length || !config.environment) return config;
  const environment = config.environment;
  const problems: string[] = [];
  const passed = [...config.passed];
  // Imported here, not with the module: the configuration half (Playwright's global setup) needs none of it.
  const { startTarget, tokenProvidersFor } = await import('../../fixtures/target.ts');
  let target: BrokerTarget;
  try {
    target = await startTarget(environment);
  } catch (e) {
    return { environment, problems: [`the embedded Broker did not start: ${(e as Error).message.split('\n')[0]}`], passed };
  }
  try {
    const timedFetch: typeof fetch = (input, init) => fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) });
    const providers = tokenProvidersFor(environment, target, { fetch: timedFetch, processEnv: env });
    const [probe, ...tokens] = await Promise.all([
      probeBroker(target.baseUrl, { resourceId: environment.resources[0], timeoutMs, now: Date.now }),
      ...actorsOf(environment).map(([name, actor]) => checkToken(name, providers.get(name)!, expectationFor(actor, environment, target), target, timeoutMs)),
    ]);
    if (probe.problem) problems.push(probe.problem);
    else passed.push(`Broker ${target.baseUrl}: ${probe.summary}`);
    if (probe.clockProblem) problems.push(probe.clockProblem);
    for (const t of tokens) {
      problems.push(...t.problems);
      if (t.passed) passed.push(t.passed);
    }
  } finally {
    await target.close();
  }
  return { environment, problems, passed };
}
