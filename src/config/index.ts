/** @module Environments as data: the public face of src/config. */
export type { ActorConfig, Capabilities, EnvironmentConfig, PollingConfig, RateLimits, RobustnessCapability, TokenProviderConfig } from './types.ts';
export { ConfigError } from './errors.ts';
export { builtinEnvironmentNames, environmentData, loadEnvironment, parseEnvironment } from './load.ts';
export { secretFromEnv } from './secrets.ts';
export { robustnessSettings, type RobustnessSettings } from './robustness.ts';
