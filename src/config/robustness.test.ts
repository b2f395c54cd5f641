/** The robustness capability: on by default for the embedded Broker and broker-dev, opt-in (paced) elsewhere, validated on load. */
import { expect, test } from '@playwright/test';
import { ConfigError, loadEnvironment, parseEnvironment, robustnessSettings } from './index.ts';

const remoteVars = { BROKER_SENDER_ORG: '991825827', BROKER_RECIPIENT_ORG: '986252932', BROKER_RESOURCE_ID: 'my-resource' };

test('absent: on for local with the local bounds, off for a shared environment with the reason', () => {
  const local = robustnessSettings(loadEnvironment('local'), {});
  expect(local).toMatchObject({ enabled: true, intervalMs: 0, count: 300, seed: 17, raceSize: 20, manyRecipients: 1000, answerWithinMs: 15000 });
  const tt02 = robustnessSettings(loadEnvironment('tt02', remoteVars), {});
  expect(tt02.enabled).toBe(false);
  expect(tt02.reason).toMatch(/robustness is opt-in on tt02: set capabilities\.robustness\.enabled/);
  const brokerDev = robustnessSettings({ ...loadEnvironment('tt02', remoteVars), name: 'broker-dev' }, {});
  expect(brokerDev.enabled).toBe(true);
});

test('opted in with a rate: paced, bounded, seeded; BROKER_ROBUSTNESS_SEED overrides the seed', () => {
  const base = loadEnvironment('tt02', remoteVars);
  const env = { ...base, capabilities: { ...base.capabilities, robustness: { enabled: true, ratePerMinute: 30, count: 50, seed: 4 } } };
  expect(robustnessSettings(env, {})).toMatchObject({ enabled: true, intervalMs: 2000, count: 50, seed: 4, raceSize: 5 });
  expect(robustnessSettings(env, { BROKER_ROBUSTNESS_SEED: '99' }).seed).toBe(99);
  expect(() => robustnessSettings(env, { BROKER_ROBUSTNESS_SEED: 'x' })).toThrow(ConfigError);
});

test('the schema names a bad robustness field', () => {
  const local = JSON.parse(JSON.stringify(loadEnvironment('local'))) as Record<string, any>;
  local.capabilities.robustness = { enabled: true, ratePerMinute: 0 };
  expect(() => parseEnvironment(local, 'file')).toThrow(/\/capabilities\/robustness\/ratePerMinute must be >= 1/);
  local.capabilities.robustness = { enabled: true, burst: 3 };
  expect(() => parseEnvironment(local, 'file')).toThrow(/\/capabilities\/robustness has an unknown field 'burst'/);
});
