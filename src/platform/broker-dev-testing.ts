/** @module For self-tests: the built-in broker-dev environment moved to free loopback ports and a fresh state directory. */
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEnvironment, type EnvironmentConfig } from '../config/index.ts';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function brokerDevEnvironment(stateDir = mkdtempSync(join(tmpdir(), 'broker-dev-'))): Promise<EnvironmentConfig> {
  const env = loadEnvironment('broker-dev', { BROKER_DEV_STATE_DIR: stateDir });
  const text = JSON.stringify(env).replaceAll('127.0.0.1:5198', `127.0.0.1:${await freePort()}`).replaceAll('127.0.0.1:5199', `127.0.0.1:${await freePort()}`);
  return JSON.parse(text) as EnvironmentConfig;
}
