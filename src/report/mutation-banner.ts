/** @module The banner a run against a deliberately broken local Broker shows in the console and on its report. */

export interface ActiveMutation {
  name: string;
  description: string;
}

/** One line, or undefined when no mutation is active: the run's FAILs are planted, not the Broker's. */
export function mutationBanner(mutations: ActiveMutation[] | undefined): string | undefined {
  if (!mutations?.length) return undefined;
  return `MUTATION ACTIVE: the local Broker runs with deliberate faults (${mutations.map((m) => `${m.name}: ${m.description}`).join('; ')}); its FAILs show the harness catching them, not a verdict on a Broker`;
}
