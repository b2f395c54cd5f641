/**
 * @module Test helpers for environments: a loopback port nothing listens on, and a minimal remote
 * environment file whose actors use static tokens (for self-tests of the preflight and the CLI).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A loopback port that was free a moment ago and has nothing listening on it now. */
export async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/**
 * Writes a remote environment (YAML) at `brokerBaseUrl` whose sender and recipient read a static token
 * from `tokenEnv`; returns its path.
 */
export function staticTokenEnvironment(o: { name: string; description: string; brokerBaseUrl: string; tokenEnv: string; withPlatform?: boolean; dir?: string }): string {
  const path = join(o.dir ?? mkdtempSync(join(tmpdir(), 'static-env-')), `${o.name}.yaml`);
  const actor = (org: string) => `{ org: "0192:${org}", token: { kind: static, tokenEnv: ${o.tokenEnv} } }`;
  writeFileSync(
    path,
    [
      `name: ${o.name}`,
      `description: ${o.description}`,
      'kind: remote',
      `brokerBaseUrl: ${o.brokerBaseUrl}`,
      ...(o.withPlatform
        ? ['platform: { altinnIssuer: "https://issuer.example/", openIdConfigurationUrl: "https://issuer.example/.well-known/openid-configuration", exchangeUrl: "https://issuer.example/exchange" }']
        : []),
      `actors: { sender: ${actor('991825827')}, recipients: [${actor('986252932')}] }`,
      'resources: [my-resource]',
      'capabilities: { configureResources: false, serviceOwnerAdmin: false, clock: false, events: none, disableVirusScan: true, malwareWebhook: false, tus: false, faultInjection: false }',
      'polling: { budgetMs: 1000, intervalMs: 100, maxIntervalMs: 200 }',
      'rateLimits: {}',
      'timeouts: { requestMs: 2000 }',
      '',
    ].join('\n'),
  );
  return path;
}
