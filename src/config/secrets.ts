/** @module Reading secrets from environment variables: the only way a secret enters the harness. */
import { ConfigError } from './errors.ts';

/** Returns the value of `varName`, or throws naming the variable and what it is for (never a value). */
export function secretFromEnv(varName: string, purpose: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[varName];
  if (value === undefined || value.trim() === '') {
    throw new ConfigError(`environment variable ${varName} (${purpose}) is not set`);
  }
  return value;
}
