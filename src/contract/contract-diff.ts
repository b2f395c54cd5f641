/**
 * @module `contract diff` as a library: loads two contracts (file or URL, JSON or YAML), repairs
 * each the way lint does (a broken published document is compared as its publisher meant it),
 * diffs them, and marks the differences an explanations file accounts for (why one document is
 * incomplete there, with the source location that shows it).
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync, existsSync } from 'node:fs';
import { yamlLibrary } from '../deferred.ts';
import { CHANGE_IDS, diffDocuments, withCounts, type ChangeId, type ContractChange, type ContractDiff } from './diff.ts';
import { lintContract } from './lint.ts';
import { ContractLoadError, loadContract } from './load.ts';
import { isObject } from './openapi-shape.ts';

/** The reconciliation of the reference contract with the document the Broker serves (see the contracts README). */
export const SERVED_EXPLANATIONS_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'contracts', 'served-differences.yaml');

/** One rule of an explanations file: every field given must match (regular expressions, anchored by the author). */
export interface ExplanationRule {
  id: string;
  match: {
    /** Change ids this rule covers. */
    change?: ChangeId[];
    operation?: string;
    location?: string;
    /** Pattern on the JSON pointer in `a` / `b`. */
    a?: string;
    b?: string;
  };
  reason: string;
  citation: string;
}

const MATCH_FIELDS = ['change', 'operation', 'location', 'a', 'b'] as const;

/** Reads and checks an explanations file (YAML or JSON); a bad rule is a ContractLoadError naming it. */
export function loadExplanations(path: string): ExplanationRule[] {
  if (!existsSync(path)) throw new ContractLoadError(`no explanations file at ${path}`);
  let doc: unknown;
  try {
    doc = yamlLibrary().parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ContractLoadError(`${path} is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const rules = isObject(doc) ? doc.explanations : undefined;
  if (!Array.isArray(rules)) throw new ContractLoadError(`${path} has no "explanations" list`);
  const ids = new Set<string>();
  return rules.map((r, i) => {
    const at = `${path}: explanations[${i}]`;
    if (!isObject(r) || typeof r.id !== 'string' || typeof r.reason !== 'string' || typeof r.citation !== 'string' || !isObject(r.match)) {
      throw new ContractLoadError(`${at} needs id, match, reason and citation`);
    }
    if (ids.has(r.id)) throw new ContractLoadError(`${at}: id ${r.id} is used twice`);
    ids.add(r.id);
    for (const k of Object.keys(r.match)) {
      if (!(MATCH_FIELDS as readonly string[]).includes(k)) throw new ContractLoadError(`${at} (${r.id}): unknown match field "${k}" (known: ${MATCH_FIELDS.join(', ')})`);
    }
    const m = r.match as ExplanationRule['match'];
    for (const k of ['operation', 'location', 'a', 'b'] as const) {
      if (m[k] === undefined) continue;
      try {
        new RegExp(String(m[k]));
      } catch (e) {
        throw new ContractLoadError(`${at} (${r.id}): match.${k} is not a regular expression: ${(e as Error).message}`);
      }
    }
    if (m.change !== undefined && !Array.isArray(m.change)) throw new ContractLoadError(`${at} (${r.id}): match.change must be a list of change ids`);
    const unknown = (m.change ?? []).filter((id) => !(CHANGE_IDS as readonly string[]).includes(id));
    if (unknown.length > 0) throw new ContractLoadError(`${at} (${r.id}): unknown change id ${unknown.join(', ')} (known: ${CHANGE_IDS.join(', ')})`);
    return { id: r.id, match: m, reason: r.reason, citation: r.citation };
  });
}

function matches(rule: ExplanationRule, c: ContractChange): boolean {
  const { match } = rule;
  const re = (pattern: string | undefined, value: string | null) => pattern === undefined || (value !== null && new RegExp(pattern).test(value));
  return (
    (match.change === undefined || match.change.includes(c.id)) &&
    re(match.operation, c.operation) &&
    re(match.location, c.location) &&
    re(match.a, c.a) &&
    re(match.b, c.b)
  );
}

/** Marks each change the first matching rule explains; also returns the rules that matched nothing (stale explanations). */
export function explain(diff: ContractDiff, rules: ExplanationRule[]): { diff: ContractDiff; unused: string[] } {
  const used = new Set<string>();
  const changes = diff.changes.map((c) => {
    const rule = rules.find((r) => matches(r, c));
    if (!rule) return c;
    used.add(rule.id);
    return { ...c, explained: { rule: rule.id, reason: rule.reason, citation: rule.citation } };
  });
  return { diff: withCounts({ a: diff.a, b: diff.b, changes }), unused: rules.map((r) => r.id).filter((id) => !used.has(id)) };
}

export interface DiffSourcesOptions {
  /** An explanations file to apply. */
  explanations?: string;
}

export interface DiffResult {
  diff: ContractDiff;
  /** Explanation rules that matched no difference (the difference is gone: the rule can go too). */
  unusedExplanations: string[];
  sha256: { a: string; b: string };
}

/** Loads, repairs and diffs two contracts (path or URL each). */
export async function diffContractSources(a: string, b: string, options: DiffSourcesOptions = {}): Promise<DiffResult> {
  const [la, lb] = await Promise.all([loadContract(a), loadContract(b)]);
  const [ra, rb] = await Promise.all([lintContract(la), lintContract(lb)]);
  const raw = diffDocuments(ra.repaired, rb.repaired, { a, b });
  const explained = options.explanations ? explain(raw, loadExplanations(options.explanations)) : { diff: raw, unused: [] };
  return { diff: explained.diff, unusedExplanations: explained.unused, sha256: { a: la.sha256, b: lb.sha256 } };
}

/** True when `source` names the project's reference contract file. */
export function isReferenceContract(source: string, referencePath: string): boolean {
  return !/^https?:\/\//i.test(source) && resolve(source) === resolve(referencePath);
}
