/**
 * @module Applies the catalogue of known Broker defects to a run's results while it is summarised:
 * a FAIL a defect explains becomes KNOWN_DEFECT (FAIL with the defect named when the run is strict),
 * and each defect ends OBSERVED (a check failed as catalogued), FIXED (checks in its scope ran and
 * all passed) or NOT_EXERCISED. Nothing applies to the embedded local Broker.
 */
import type { Verdict } from '../contract/index.ts';
import { defectApplies, inDefectScope, KNOWN_DEFECTS, knownDefectFor, type FailureToMatch, type KnownDefect } from '../oracle/known-defects.ts';
import type { CheckVerdict, KnownDefectItem, RunSummary } from './model.ts';

export interface DefectRunContext {
  environment: string;
  /** The harness started the Broker itself (the embedded local Broker). */
  embedded: boolean;
  strict: boolean;
  catalogue?: readonly KnownDefect[];
}

export class KnownDefectLedger {
  private readonly applicable: KnownDefect[];
  private readonly observed = new Map<string, Set<string>>();
  private readonly passed = new Map<string, Set<string>>();
  private readonly otherFailures = new Map<string, number>();

  constructor(private readonly ctx: DefectRunContext) {
    const env = { name: ctx.environment, embedded: ctx.embedded };
    this.applicable = (ctx.catalogue ?? KNOWN_DEFECTS).filter((d) => defectApplies(d, env));
  }

  /** The verdict a result gets in this run, without recording it. */
  verdictOf(failure: FailureToMatch, verdict: Verdict): CheckVerdict {
    const defect = verdict === 'FAIL' ? knownDefectFor(failure, { name: this.ctx.environment, embedded: this.ctx.embedded }, this.applicable) : undefined;
    return defect && !this.ctx.strict ? 'KNOWN_DEFECT' : verdict;
  }

  /** Judges one result of check `key` and remembers what it says about each defect in scope. */
  judge(key: string, failure: FailureToMatch, verdict: Verdict): { verdict: CheckVerdict; knownDefect?: string } {
    const defect = verdict === 'FAIL' ? knownDefectFor(failure, { name: this.ctx.environment, embedded: this.ctx.embedded }, this.applicable) : undefined;
    for (const d of this.applicable) {
      if (!inDefectScope(d, failure)) continue;
      if (d === defect) add(this.observed, d.id, key);
      else if (verdict === 'PASS') add(this.passed, d.id, key);
      else if (verdict === 'FAIL' || verdict === 'ERROR') this.otherFailures.set(d.id, (this.otherFailures.get(d.id) ?? 0) + 1);
    }
    if (!defect) return { verdict };
    return { verdict: this.ctx.strict ? 'FAIL' : 'KNOWN_DEFECT', knownDefect: defect.id };
  }

  block(): RunSummary['knownDefects'] {
    if (this.ctx.embedded && this.applicable.length === 0) {
      return { applicable: false, strict: this.ctx.strict, reason: 'the embedded local Broker does the intended thing; known Broker defects apply to other environments', items: [] };
    }
    const items: KnownDefectItem[] = this.applicable.map((d) => {
      const observed = [...(this.observed.get(d.id) ?? [])];
      const passed = [...(this.passed.get(d.id) ?? [])];
      const status = observed.length > 0 ? 'OBSERVED' : passed.length > 0 && !this.otherFailures.get(d.id) ? 'FIXED' : 'NOT_EXERCISED';
      return {
        id: d.id,
        title: d.title,
        requirements: d.requirements,
        expected: d.expected,
        observed: d.observed,
        brokerCommit: d.brokerCommit,
        sourceLocation: d.sourceLocation,
        status,
        checks: (status === 'OBSERVED' ? observed : status === 'FIXED' ? passed : []).sort(),
      };
    });
    return { applicable: true, strict: this.ctx.strict, items };
  }
}

function add(map: Map<string, Set<string>>, id: string, key: string): void {
  const set = map.get(id) ?? new Set<string>();
  set.add(key);
  map.set(id, set);
}
