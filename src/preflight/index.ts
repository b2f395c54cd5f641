/** @module Preflight: is this environment ready for a run? The public face of src/preflight. */
export { preflight, type PreflightOptions } from './preflight.ts';
export { preflightConfiguration, type PreflightResult } from './configuration.ts';
export { checkTokenClaims, orgOfClaims, MIN_TOKEN_LIFETIME_SECONDS } from './claims.ts';
export { probeBroker, networkReason, MAX_CLOCK_SKEW_SECONDS } from './broker-probe.ts';
export { missingTokenVariables } from './variables.ts';
