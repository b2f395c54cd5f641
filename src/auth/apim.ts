/** @module The APIM subscription key header, sent only where an environment names the variable and it holds a value. */
import type { EnvironmentConfig } from '../config/types.ts';
import { registerSecret } from '../ledger/redact.ts';
import type { ProcessEnv } from './secret-env.ts';

export const APIM_HEADER = 'Ocp-Apim-Subscription-Key';

/** `{ 'Ocp-Apim-Subscription-Key': key }` when `apimSubscriptionKeyEnv` is set and non-empty; otherwise `{}`. */
export function apimHeaders(env: Pick<EnvironmentConfig, 'apimSubscriptionKeyEnv'>, processEnv: ProcessEnv = process.env): Record<string, string> {
  if (!env.apimSubscriptionKeyEnv) return {};
  const key = processEnv[env.apimSubscriptionKeyEnv]?.trim();
  if (!key) return {};
  registerSecret(key);
  return { [APIM_HEADER]: key };
}
