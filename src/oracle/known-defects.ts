/**
 * @module The catalogue of the real Broker's known deviations, as data. A failing check that a
 * defect here matches is reported KNOWN DEFECT (its own verdict class, never hidden); a defect whose
 * checks now pass is reported FIXED. The local Broker does the intended thing, so it never matches.
 */

/** The Broker snapshot the defects were observed on (Altinn/altinn-broker). */
export const BROKER_COMMIT = '161ba1223862bb420022844eed09ff48c83a3840';

export interface KnownDefect {
  /** Stable id, `KD-<AREA>-<NNN>`. */
  id: string;
  /** One line in our own words. */
  title: string;
  /** Requirement ids whose failures this defect explains. */
  requirements: string[];
  /** Narrows which failing checks of those requirements it covers; all of them when absent. */
  match?: { condition?: string; operationId?: string; messageIncludes?: string };
  expected: string;
  observed: string;
  /** Broker version or commit the deviation was observed on. */
  brokerCommit: string;
  /** Path in Altinn/altinn-broker at brokerCommit (optionally `#Lnn`) of the code that causes it. */
  sourceLocation: string;
  /** Environments it applies to; every environment but the embedded local Broker when absent. */
  environments?: string[];
}

export const KNOWN_DEFECTS: KnownDefect[] = [];
