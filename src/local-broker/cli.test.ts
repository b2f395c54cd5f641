/** @module Self-tests of the CLI: argument errors exit 2 with one line, --help, and a start with the dev issuer and token endpoint. */
import { expect, test } from '@playwright/test';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { call } from './testing.ts';
import { parseArgs } from './cli.ts';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8' });

test('argument parsing', () => {
  expect(parseArgs(['--port', '0', '--trusted-issuer', 'http://a/.well-known/openid-configuration', '--trusted-issuer=http://b/x', '--scan-delay', 'webhook', '--no-lifetime-check'])).toMatchObject({
    port: 0,
    trustedIssuers: ['http://a/.well-known/openid-configuration', 'http://b/x'],
    scanDelayMs: null,
    validateLifetime: false,
  });
  expect(() => parseArgs(['--port'])).toThrow('--port needs a value');
  expect(() => parseArgs(['--port', '70000'])).toThrow(/--port must be an integer/);
  expect(() => parseArgs(['--frobnicate'])).toThrow(/unknown argument/);
  expect([...parseArgs([]).endpoints]).toEqual(['events', 'subscriptions', 'clock', 'tokens']);
  expect([...parseArgs(['--endpoints', 'none', '--enable', 'clock,events', '--enable=faults']).endpoints]).toEqual(['clock', 'events', 'faults']);
  expect([...parseArgs(['--disable', 'tokens,subscriptions']).endpoints]).toEqual(['events', 'clock']);
  // A trusted issuer changes nothing about the endpoints (it used to switch them all off).
  expect([...parseArgs(['--trusted-issuer', 'http://a/x']).endpoints]).toEqual(['events', 'subscriptions', 'clock', 'tokens']);
  expect(() => parseArgs(['--enable', 'time-travel'])).toThrow(/--enable takes events, subscriptions, clock, faults, tokens/);
  expect(() => parseArgs(['--no-dev-issuer', '--trusted-issuer', 'http://a/x'])).toThrow(/'tokens' endpoint needs the dev issuer/);
  expect(() => parseArgs(['--no-dev-issuer', '--disable', 'tokens'])).toThrow(/at least one --trusted-issuer/);
  expect(parseArgs(['--no-dev-issuer', '--disable', 'tokens', '--trusted-issuer', 'http://a/x']).devIssuer).toBe(false);
  expect(parseArgs(['--environment', 'development', '--lifetime-check']).environmentName).toBe('Development');
  expect(parseArgs(['--environment', 'development', '--lifetime-check']).validateLifetime).toBe(true);
  expect(() => parseArgs(['--environment', 'prod'])).toThrow("--environment takes Development, test, staging, production; got 'prod'");
  expect(parseArgs(['--platform-gateway-url', 'http://127.0.0.1:5198/', '--storage-provisioning-delay', '500'])).toMatchObject({
    platformGatewayUrl: 'http://127.0.0.1:5198/',
    storageProvisioningDelayMs: 500,
  });
  expect(() => parseArgs(['--platform-gateway-url', 'gateway'])).toThrow(/--platform-gateway-url must be an http\(s\) URL/);
  expect(() => parseArgs(['--maskinporten-client-id', 'c', '--platform-gateway-url', 'http://g/'])).toThrow(
    /need --maskinporten-jwk-file, --maskinporten-token-endpoint, --maskinporten-exchange-url/,
  );
  const complete = ['--maskinporten-client-id', 'c', '--maskinporten-jwk-file', 'k.json', '--maskinporten-token-endpoint', 'http://m/token', '--maskinporten-exchange-url', 'http://a/x'];
  expect(() => parseArgs(complete)).toThrow(/need --platform-gateway-url/);
  expect(parseArgs([...complete, '--platform-gateway-url', 'http://g/']).maskinporten).toMatchObject({ clientId: 'c', jwkFile: 'k.json' });
});

test('--maskinporten-jwk-file reads a JSON or base64 JWK (and --statistics-api-key-file a key), refusing anything else without echoing it', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const { generateKeyPair, exportJWK } = await import('jose');
  const { readJwkFile } = await import('./cli.ts');
  const dir = mkdtempSync(join(tmpdir(), 'cli-jwk-'));
  const jwk = await exportJWK((await generateKeyPair('RS256', { extractable: true })).privateKey);
  writeFileSync(join(dir, 'plain.json'), JSON.stringify(jwk));
  writeFileSync(join(dir, 'encoded.txt'), Buffer.from(JSON.stringify(jwk)).toString('base64'));
  writeFileSync(join(dir, 'public.json'), JSON.stringify({ kty: 'RSA', n: jwk.n, e: jwk.e }));
  expect(readJwkFile(join(dir, 'plain.json')).d).toBe(jwk.d);
  expect(readJwkFile(join(dir, 'encoded.txt')).d).toBe(jwk.d);
  expect(() => readJwkFile(join(dir, 'public.json'))).toThrow(/holds no RSA private JWK/);
  expect(() => readJwkFile(join(dir, 'public.json'))).not.toThrow(new RegExp(jwk.n!.slice(0, 20)));
  expect(() => readJwkFile(join(dir, 'missing.json'))).toThrow(/cannot read .*ENOENT/);
  const { readApiKeyFile } = await import('./cli.ts');
  writeFileSync(join(dir, 'key.txt'), 'the-key\n');
  writeFileSync(join(dir, 'empty.txt'), '\n');
  expect(readApiKeyFile(join(dir, 'key.txt'))).toBe('the-key');
  expect(() => readApiKeyFile(join(dir, 'empty.txt'))).toThrow(/is empty/);
  expect(parseArgs(['--gateway-profile', 'tt02']).gatewayProfile).toBe('tt02');
  expect(() => parseArgs(['--gateway-profile', 'prod'])).toThrow("--gateway-profile: unknown gateway profile 'prod' (built in: tt02)");
  expect(parseArgs(['--statistics-api-key-file', 'k.txt']).statisticsApiKeyFile).toBe('k.txt');
});

test('bad arguments: one line on stderr, exit 2', () => {
  for (const args of [['--port', 'x'], ['--nope'], ['--seed', '/does/not/exist.json', '--port', '0'], ['--mutation', 'nope', '--port', '0'], ['--environment', 'Prod']]) {
    const r = run(args);
    expect(r.status, args.join(' ')).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^broker:local: /);
  }
});

test('a port in use is one line and exit 2', async () => {
  const { createServer } = await import('node:net');
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  try {
    const port = (blocker.address() as { port: number }).port;
    const r = run(['--port', String(port), '--trusted-issuer', 'http://127.0.0.1:9/x']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('EADDRINUSE');
  } finally {
    blocker.close();
  }
});

test('--help prints usage and exits 0', () => {
  const r = run(['--help']);
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('--trusted-issuer');
});

test('without a trusted issuer it starts a dev issuer and serves dev tokens that the Broker accepts', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`cli exited ${code}`)));
    });
    const tokenRes = await call(url, 'POST', '/_emulator/tokens', { json: { org: '0192:991825827', scopes: ['altinn:serviceowner'] } });
    expect(tokenRes.status).toBe(200);
    const { token } = tokenRes.json();
    expect((await call(url, 'GET', '/broker/api/v1/serviceowner', { token })).json().name).toBe('Digitaliseringsdirektoratet test');
    const sys = (await call(url, 'POST', '/_emulator/tokens', { json: { org: '991825827', scopes: ['altinn:broker.write'], systemUser: true } })).json().token;
    const init = await call(url, 'POST', '/broker/api/v1/filetransfer', {
      token: sys,
      json: { fileName: 'a', resourceId: 'altinn-broker-test-resource-1', sendersFileTransferReference: 'r', sender: '0192:991825827', recipients: ['0192:986252932'] },
    });
    expect(init.status).toBe(200);
    expect((await call(url, 'GET', '/_emulator/events')).json()).toHaveLength(1);
    // Dev mode also serves the clock and the Events API.
    const { now } = (await call(url, 'GET', '/_emulator/clock')).json();
    const moved = (await call(url, 'POST', '/_emulator/clock/advance', { json: { duration: 'P1D' } })).json().now;
    expect(Date.parse(moved) - Date.parse(now)).toBeGreaterThanOrEqual(86_400_000);
    // Tokens minted after the jump are issued at the Broker's time (the earlier ones have expired on its clock).
    const fresh = (await call(url, 'POST', '/_emulator/tokens', { json: { org: '991825827', scopes: ['altinn:events.subscribe'] } })).json().token;
    expect((await call(url, 'GET', '/events/api/v1/events?resource=x&after=0', { token: sys })).status).toBe(401);
    const polled = await call(url, 'GET', '/events/api/v1/events?resource=urn:altinn:resource:altinn-broker-test-resource-1&after=0', { token: fresh });
    expect(polled.json().map((e: { type: string }) => e.type)).toEqual(['no.altinn.broker.filetransferinitialized']);
  } finally {
    child.kill('SIGTERM');
  }
});

test('with a trusted issuer the emulator endpoints stay as the flags say; --endpoints none serves none; the environment is printed', async () => {
  const start = (args: string[]) =>
    new Promise<{ url: string; out: string; child: ReturnType<typeof spawn> }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/\S+)[^]*emulator endpoints: .*\n/.exec(out);
        if (m) resolve({ url: m[1]!, out, child });
      });
      child.on('exit', (code) => reject(new Error(`cli exited ${code}`)));
    });
  const withIssuer = await start(['--trusted-issuer', 'http://127.0.0.1:9/.well-known/openid-configuration', '--environment', 'staging']);
  const none = await start(['--endpoints', 'none']);
  try {
    expect(withIssuer.out).toContain('environment: staging; emulator endpoints: events, subscriptions, clock, tokens');
    expect((await call(withIssuer.url, 'GET', '/_emulator/clock')).status).toBe(200);
    expect((await call(withIssuer.url, 'POST', '/_emulator/tokens', { json: { org: '991825827', scopes: ['altinn:serviceowner'] } })).status).toBe(200);
    expect(none.out).toContain('emulator endpoints: none');
    expect((await call(none.url, 'GET', '/_emulator/clock')).status).toBe(404);
    expect((await call(none.url, 'POST', '/_emulator/tokens', { json: {} })).status).toBe(404);
  } finally {
    withIssuer.child.kill('SIGTERM');
    none.child.kill('SIGTERM');
  }
});
