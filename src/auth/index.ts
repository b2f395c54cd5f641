/** @module Token providers for Broker actors: the public face of src/auth. */
export { createTokenProvider, type LocalChainClient, type LocalChainDeps, type TokenProvider, type TokenProviderDeps } from './token-provider.ts';
export { apimHeaders, APIM_HEADER } from './apim.ts';
export {
  AuthConfigError,
  AuthError,
  KeyFormatError,
  MissingSecretError,
  TokenEndpointError,
  TokenExchangeError,
  TokenExpiredError,
  TokenGeneratorError,
} from './errors.ts';
export { grantClaims, signGrantAssertion, withOrgPrefix, type GrantAssertionInput } from './grant-assertion.ts';
export { parsePrivateKey, certificateChainToX5c } from './signing-key.ts';
export { cachedToken } from './token-cache.ts';
