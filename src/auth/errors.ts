/**
 * @module One small error class per way getting a token can fail; each names the claim, variable or
 * endpoint involved and never carries a key, assertion, token or password.
 */

/** Base class: every failure of a token provider is an AuthError. */
export class AuthError extends Error {
  override readonly name: string = 'AuthError';
}

/** A variable that must hold a secret (or the path to one) is unset or empty. */
export class MissingSecretError extends AuthError {
  override readonly name = 'MissingSecretError';
  constructor(readonly variable: string, readonly purpose: string) {
    super(`environment variable ${variable} (${purpose}) is not set`);
  }
}

/** The environment or actor configuration lacks something a flow needs (a URL, a parameter). */
export class AuthConfigError extends AuthError {
  override readonly name = 'AuthConfigError';
}

/** A private key or certificate could not be read; the message says what to do, never what the key is. */
export class KeyFormatError extends AuthError {
  override readonly name = 'KeyFormatError';
  constructor(readonly source: string, detail: string) {
    super(`the signing key in ${source} cannot be used: ${detail}`);
  }
}

/** Maskinporten (or its double) refused the grant or answered with something that is not a token. */
export class TokenEndpointError extends AuthError {
  override readonly name = 'TokenEndpointError';
  constructor(
    readonly endpoint: string,
    readonly status: number,
    /** The OAuth error code (`invalid_grant`, `invalid_scope` …), or undefined when the body had none. */
    readonly code: string | undefined,
    readonly description: string | undefined,
  ) {
    super(
      `Maskinporten token endpoint ${endpoint} answered HTTP ${status}` +
        (code ? ` with error ${code}` : '') +
        (description ? `: ${description}` : ''),
    );
  }
}

/** The Altinn token exchange refused the Maskinporten token or answered without a token. */
export class TokenExchangeError extends AuthError {
  override readonly name = 'TokenExchangeError';
  constructor(readonly endpoint: string, readonly status: number, detail: string) {
    super(`Altinn token exchange ${endpoint} answered HTTP ${status}: ${detail}`);
  }
}

/** The Altinn test-token generator refused the request (credentials, parameters) or answered oddly. */
export class TokenGeneratorError extends AuthError {
  override readonly name = 'TokenGeneratorError';
  constructor(readonly endpoint: string, readonly status: number, detail: string) {
    super(`Altinn test-token generator ${endpoint} answered HTTP ${status}: ${detail}`);
  }
}

/** A token given to the harness (static) has already expired. */
export class TokenExpiredError extends AuthError {
  override readonly name = 'TokenExpiredError';
  constructor(readonly variable: string, readonly expiredAt: Date) {
    super(`the token in ${variable} expired at ${expiredAt.toISOString()}`);
  }
}
