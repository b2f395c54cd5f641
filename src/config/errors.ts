/** @module The one error type for bad configuration: a message a person can act on, never a stack. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
