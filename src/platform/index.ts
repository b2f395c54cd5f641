/** @module Doubles of the Altinn platform for offline runs: the public face of src/platform. */
export { startPlatform, type Platform, type PlatformOptions } from './platform.ts';
export { startAltinnIssuer, type AltinnIssuerDouble } from './altinn-issuer.ts';
export { startMaskinportenDouble, type ClientRegistration, type MaskinportenDouble } from './maskinporten-double.ts';
export { mountTokenExchange, EXCHANGE_PATH, type TokenExchangeDouble } from './token-exchange-double.ts';
export { startTokenGeneratorDouble, type TokenGeneratorDouble } from './token-generator-double.ts';
export { verifyAltinnToken } from './verify-altinn-token.ts';
export {
  brokerDevEndpoints,
  brokerDevIssuerSigner,
  brokerDevLocalChain,
  brokerDevSeed,
  brokerSettings,
  printableSettings,
  runningDoubles,
  SETTINGS_FILE,
  startBrokerDevDoubles,
  stateDirOf,
  BrokerDevConfigError,
  type BrokerDevDoubles,
  type BrokerSetting,
  type IssuerSigner,
} from './broker-dev.ts';
export { mountBrokerPlatform, PLATFORM_PATHS, type BrokerPlatform, type StoredCloudEvent } from './broker-platform.ts';
export { describeDrift, driftLog, driftVerdicts, fetchDrift, type DriftLine, type DriftLog } from './drift.ts';
export { DoublesStateError } from './doubles-state.ts';
