/**
 * @module Known deviations, in one place, each with its reason: a FAIL of a waived requirement on
 * the named environment is recorded as WARN (visible in every report, never a silent pass).
 * Remove an entry as soon as the Broker is fixed.
 */

export interface Waiver {
  requirement: string;
  /** Environment name (`local`), or `*`. */
  environment: string;
  reason: string;
}

export const WAIVERS: readonly Waiver[] = [];

export function waiverFor(requirement: string, environment: string): Waiver | undefined {
  return WAIVERS.find((w) => w.requirement === requirement && (w.environment === environment || w.environment === '*'));
}
