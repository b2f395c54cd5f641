import { expect, test } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify as stringifyYaml } from 'yaml';
import { builtinEnvironmentNames, ConfigError, loadEnvironment } from './index.ts';

const remoteVars = { BROKER_SENDER_ORG: '991825827', BROKER_RECIPIENT_ORG: '986252932', BROKER_RESOURCE_ID: 'my-resource' };

test('every built-in environment loads and validates', () => {
  expect(builtinEnvironmentNames()).toEqual(['at22', 'at23', 'at24', 'broker-dev', 'local', 'local-tt02-profile', 'tt02', 'yt01']);
  for (const name of builtinEnvironmentNames()) {
    const env = loadEnvironment(name, remoteVars);
    expect(env.name).toBe(name);
    expect(env.actors.recipients.length).toBeGreaterThan(0);
  }
});

test('tt02 takes the gateway limits and the test Maskinporten', () => {
  const tt02 = loadEnvironment('tt02', remoteVars);
  expect(tt02.rateLimits.details).toBe(15);
  expect(tt02.rateLimits.search).toBe(10);
  expect(tt02.maskinporten?.issuer).toBe('https://test.maskinporten.no/');
  expect(tt02.resources).toEqual(['my-resource']);
  expect(tt02.capabilities.clock).toBe(false);
});

test("the tt02 profile runs the local Broker behind the tt02 gateway with tt02's limits and polling budget", () => {
  const tt02 = loadEnvironment('tt02', remoteVars);
  const profile = loadEnvironment('local-tt02-profile', {});
  expect(profile.brokerBaseUrl).toBe('embedded');
  expect(profile.localBroker?.gatewayProfile).toBe('tt02');
  expect(profile.rateLimits).toEqual(tt02.rateLimits);
  expect(profile.polling).toEqual(tt02.polling);
});

test('every missing placeholder variable is named at once, with the fields that need it', () => {
  let error: ConfigError | undefined;
  try {
    loadEnvironment('tt02', {});
  } catch (e) {
    error = e as ConfigError;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect(error!.problems).toEqual([
    "environment 'tt02': environment variable BROKER_SENDER_ORG is not set (needed by /actors/sender/org, /actors/sender/token/systemUserOrg)",
    "environment 'tt02': environment variable BROKER_RECIPIENT_ORG is not set (needed by /actors/recipients/0/org, /actors/recipients/0/token/systemUserOrg)",
    "environment 'tt02': environment variable BROKER_RESOURCE_ID is not set (needed by /resources/0)",
  ]);
});

test('an unknown environment lists the built-in names', () => {
  expect(() => loadEnvironment('tt03', {})).toThrow(ConfigError);
  expect(() => loadEnvironment('tt03', {})).toThrow(/not one of at22, at23, at24, broker-dev, local, local-tt02-profile, tt02, yt01/);
});

function writeEnv(data: unknown, ext = 'json'): string {
  const dir = mkdtempSync(join(tmpdir(), 'env-'));
  const path = join(dir, `custom.${ext}`);
  writeFileSync(path, typeof data === 'string' ? data : JSON.stringify(data));
  return path;
}

const local = () => JSON.parse(JSON.stringify(loadEnvironment('local', {}))) as Record<string, any>;

test('a custom file is validated and the bad field is named', () => {
  const bad = local();
  bad.actors.sender.org = '991825827';
  expect(() => loadEnvironment(writeEnv(bad), {})).toThrow(/\/actors\/sender\/org must match \^0192:\[0-9\]\{9\}\$ \(organisation number/);
  const bad2 = local();
  bad2.capabilities.events = 'carrier-pigeon';
  expect(() => loadEnvironment(writeEnv(bad2), {})).toThrow(/\/capabilities\/events must be one of webhook, poll, none/);
});

test('a secret written into the file is refused: only variable names are allowed', () => {
  const bad = local();
  bad.actors.sender.token = { kind: 'static', token: 'eyJhbGciOi...' };
  expect(() => loadEnvironment(writeEnv(bad), {})).toThrow(/\/actors\/sender\/token has an unknown field 'token'/);
});

test('YAML files load; broken files give a one-line reason', () => {
  const yamlPath = writeEnv(stringifyYaml({ ...local(), name: 'from-yaml' }), 'yaml');
  expect(loadEnvironment(yamlPath, {}).name).toBe('from-yaml');
  expect(() => loadEnvironment(writeEnv('{ "name": '), {})).toThrow(/is not valid JSON/);
  expect(() => loadEnvironment(writeEnv('a: [b', 'yaml'), {})).toThrow(/is not valid YAML/);
});

test('an environment says what its outsider is and whether scanning is simulated; other values are named', () => {
  const env = local();
  env.actors.outsider.rights = 'none';
  env.capabilities.malwareScan = 'simulated';
  const loaded = loadEnvironment(writeEnv(env), {});
  expect([loaded.actors.outsider?.rights, loaded.capabilities.malwareScan]).toEqual(['none', 'simulated']);
  const bad = local();
  bad.actors.outsider.rights = 'some';
  expect(() => loadEnvironment(writeEnv(bad), {})).toThrow(/\/actors\/outsider\/rights must be one of resource, none/);
  const bad2 = local();
  bad2.capabilities.malwareScan = 'maybe';
  expect(() => loadEnvironment(writeEnv(bad2), {})).toThrow(/\/capabilities\/malwareScan must be one of real, simulated/);
});

/** The problems of a configuration error, one line each. */
function problemsOf(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('no ConfigError');
}

test('broken files are located by line and column, in one line, with no value quoted', () => {
  const [json] = problemsOf(() => loadEnvironment(writeEnv('{"name": "x",\n "kind": }'), {}));
  expect(json).toMatch(/is not valid JSON: line 2, column 10: invalid character '\}'$/);
  expect(problemsOf(() => loadEnvironment(writeEnv('{"name": "x",\n "kind": 1,}'), {}))[0]).toMatch(/is not valid JSON: line 2, column 12: /);
  expect(problemsOf(() => loadEnvironment(writeEnv('name: x\nname: y\n', 'yaml'), {}))[0]).toMatch(/is not valid YAML: line 2, column 1: Map keys must be unique$/);
  expect(problemsOf(() => loadEnvironment(writeEnv('a: [b', 'yaml'), {}))[0]).toMatch(/is not valid YAML: line 1, column 6: Flow sequence .* end with a \]$/);
  expect(problemsOf(() => loadEnvironment(writeEnv('- a\n', 'yaml'), {}))[0]).toMatch(/must hold an object \(a mapping of fields\), not a list$/);
  expect(problemsOf(() => loadEnvironment(writeEnv('  \n', 'yaml'), {}))[0]).toMatch(/is empty$/);
});

test('schema problems: one line each, every one reported, alternatives read as "needs one of"', () => {
  const bad = local();
  bad.actors.sender.org = '123';
  bad.actors.sender.token = { kind: 'maskinporten', clientIdEnv: 'X', scopes: ['a'], bogus: 1 };
  bad.polling.budgetMs = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC';
  const problems = problemsOf(() => loadEnvironment(writeEnv(bad), {}));
  expect(problems.map((p) => p.replace(/^environment file \S+: /, ''))).toEqual([
    '/actors/sender/org must match ^0192:[0-9]{9}$ (organisation number with its ISO 6523 prefix, e.g. 0192:991825827)',
    "/actors/sender/token needs one of 'privateKeyEnv', 'privateKeyFileEnv'",
    "/actors/sender/token has an unknown field 'bogus'",
    '/polling/budgetMs must be an integer, not a string',
  ]);
  expect(problems.join('\n')).not.toContain('MIIEvQ');
});

test('workers: a number or a share of the cores; anything else is named', () => {
  for (const workers of [2, '50%', '100%']) expect(loadEnvironment(writeEnv({ ...local(), workers }), {}).workers).toBe(workers);
  for (const workers of ['150%', '0%', 'lots', 0]) expect(() => loadEnvironment(writeEnv({ ...local(), workers }), {}), String(workers)).toThrow(/\/workers/);
});
