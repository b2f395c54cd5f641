/**
 * @module Self-tests of `broker-conformance doubles` and of what `run --env broker-dev` adds: the command
 * starts the doubles, prints the settings (never the private key) and stops cleanly on SIGINT; bad
 * input is one line and exit 2; the service owner and resources are seeded through a Broker's API.
 */
import { test, expect } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTokenProvider } from '../auth/index.ts';
import { startLocalBroker } from '../local-broker/index.ts';
import { loadSeed } from '../local-broker/seed.ts';
import { brokerDevLocalChain, startBrokerDevDoubles } from '../platform/broker-dev.ts';
import { brokerDevEnvironment } from '../platform/broker-dev-testing.ts';
import { STATE_FILE } from '../platform/doubles-state.ts';
import { seedThroughBrokerApi } from './broker-dev-run.ts';
import { main } from './main.ts';

const dir = mkdtempSync(join(tmpdir(), 'doubles-cli-'));

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('doubles: starts on the environment\'s ports, prints the settings without the private key, stops on SIGINT', async () => {
  test.setTimeout(120_000);
  const env = await brokerDevEnvironment(join(dir, 'state'));
  const file = join(dir, 'broker-dev.json');
  writeFileSync(file, JSON.stringify(env));
  const child = spawn('node', [join(process.cwd(), 'src', 'cli', 'bin.js'), 'doubles', '--env', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  await expect.poll(() => stdout, { timeout: 90_000 }).toContain('doubles ready');
  const health = await fetch(`${new URL(env.platform!.openIdConfigurationUrl).origin}/_doubles/health`);
  expect(health.status).toBe(200);
  const settingsFile = join(dir, 'state', 'broker.env');
  const encodedJwk = /MaskinportenSettings__EncodedJwk=(.+)/.exec(readFileSync(settingsFile, 'utf8'))![1]!;
  expect(stdout).toContain(`AltinnOptions__PlatformGatewayUrl=${new URL(env.platform!.openIdConfigurationUrl).origin}/`);
  expect(stdout).toContain(`MaskinportenSettings__EncodedJwk=<private key: see ${settingsFile}>`);
  expect(stdout).not.toContain(encodedJwk);
  child.kill('SIGINT');
  expect(await exited).toBe(0);
  expect(stdout).toContain('doubles stopped');
  await expect(fetch(env.platform!.openIdConfigurationUrl)).rejects.toThrow();
});

test('bad input to doubles and to run --broker-url is one line and exit 2', async () => {
  const local = await run('doubles', '--env', 'local');
  expect(local.code).toBe(2);
  expect(local.err).toBe('broker-conformance: environment local has no doubles section; doubles serve broker-dev environments (e.g. --env broker-dev)');
  const notUrl = await run('run', '--env', 'broker-dev', '--broker-url', 'localhost:5096');
  expect(notUrl.code).toBe(2);
  expect(notUrl.err).toContain("--broker-url must be an http(s) URL, not 'localhost:5096'");
  const fixed = await run('run', '--env', 'local', '--broker-url', 'http://127.0.0.1:5096');
  expect(fixed.code).toBe(2);
  expect(fixed.err).toContain('environment local does not take --broker-url');
});

test('unreadable doubles keys are bad input: one line naming the file, exit 2, not an unexpected error', async () => {
  const env = await brokerDevEnvironment(join(dir, 'state-torn'));
  mkdirSync(join(dir, 'state-torn'), { recursive: true });
  writeFileSync(join(dir, 'state-torn', STATE_FILE), '{ torn');
  const file = join(dir, 'broker-dev-torn.json');
  writeFileSync(file, JSON.stringify(env));
  const r = await run('doubles', '--env', file);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/^broker-conformance: the doubles keys at .*doubles-keys\.json are unreadable: /);
  expect(r.err.split('\n')).toHaveLength(1);
});

test('run against a Broker that does not answer: the doubles start and stop again, exit 2 naming the Broker', async () => {
  test.setTimeout(120_000);
  const env = await brokerDevEnvironment(join(dir, 'state-unreachable'));
  const file = join(dir, 'broker-dev-unreachable.json');
  writeFileSync(file, JSON.stringify({ ...env, brokerBaseUrl: '${BROKER_BASE_URL:-http://127.0.0.1:5096}' }));
  const r = await run('run', '--env', file, '--broker-url', 'http://127.0.0.1:9');
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/^broker-conformance: the Broker at http:\/\/127\.0\.0\.1:9 does not answer POST \/broker\/api\/v1\/serviceowner/);
  expect(r.out).toContain('start the Broker with these settings');
  await expect(fetch(env.platform!.openIdConfigurationUrl)).rejects.toThrow();
});

test('seeding goes through the Broker\'s API: the service owner and the configured resources appear on a Broker that had none', async () => {
  test.setTimeout(120_000);
  const env = await brokerDevEnvironment(join(dir, 'state-seed'));
  const doubles = await startBrokerDevDoubles(env);
  const seed = loadSeed(undefined);
  // The embedded Broker stands in for a Broker built from source: it trusts the doubles' issuer and starts empty.
  const broker = await startLocalBroker({ port: 0, seed: { ...seed, serviceOwners: [], resources: [] }, trustedIssuers: [env.platform!.openIdConfigurationUrl], log: () => undefined });
  try {
    const target = { ...env, brokerBaseUrl: broker.url };
    const lines: string[] = [];
    await seedThroughBrokerApi(target, { out: (s) => lines.push(s), err: (s) => lines.push(s) });
    expect(lines[0]).toBe('seed: service owner 991825827: 200');
    const owner = createTokenProvider(env.actors.serviceOwner!, env, { localChain: await brokerDevLocalChain(env) });
    const res = await fetch(`${broker.url}/broker/api/v1/resource/altinn-broker-test-resource-2`, { headers: { authorization: `Bearer ${await owner.token()}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ fileTransferTimeToLive: expect.stringMatching(/^7\.00:00:00/) });
  } finally {
    await broker.close();
    await doubles.close();
  }
});

test('doubles on ports already taken: one line naming the port, exit 2', async () => {
  test.setTimeout(120_000);
  const env = await brokerDevEnvironment(join(dir, 'state-busy'));
  const file = join(dir, 'broker-dev-busy.json');
  writeFileSync(file, JSON.stringify(env));
  const first = await startBrokerDevDoubles(env);
  try {
    const r = await run('doubles', '--env', file);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`broker-conformance: cannot start the doubles: port ${new URL(env.platform!.openIdConfigurationUrl).port} is in use (are the doubles already running with other keys?)`);
  } finally {
    await first.close();
  }
});
