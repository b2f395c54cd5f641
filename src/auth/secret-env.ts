/** @module Reads a secret from an environment variable, registers it for redaction, and names the variable when it is missing. */
import { registerSecret } from '../ledger/redact.ts';
import { MissingSecretError } from './errors.ts';

export type ProcessEnv = Record<string, string | undefined>;

/** The value of `variable`, registered as a secret; MissingSecretError (naming the variable) when unset or blank. */
export function readSecret(variable: string, purpose: string, env: ProcessEnv): string {
  const value = env[variable];
  if (value === undefined || value.trim() === '') throw new MissingSecretError(variable, purpose);
  registerSecret(value);
  registerSecret(value.trim());
  return value;
}

/** The value of a non-secret variable (client id, kid, path); MissingSecretError when unset or blank. */
export function readSetting(variable: string, purpose: string, env: ProcessEnv): string {
  const value = env[variable];
  if (value === undefined || value.trim() === '') throw new MissingSecretError(variable, purpose);
  return value.trim();
}
