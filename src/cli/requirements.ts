/**
 * @module `broker-conformance requirements`: the requirement catalogue as text or JSON, each with its
 * statement and public citation, optionally narrowed to ids starting with given prefixes.
 */
import { citationUrl, REQUIREMENTS, type Requirement } from '../oracle/requirements.ts';
import { EXIT_OK } from './exit-codes.ts';
import { UsageError } from './usage-error.ts';

export interface RequirementsOptions {
  json?: boolean;
}

export function selectRequirements(prefixes: string[]): Requirement[] {
  const wanted = prefixes.map((p) => p.toUpperCase());
  const list = wanted.length ? REQUIREMENTS.filter((r) => wanted.some((p) => r.id.startsWith(p))) : [...REQUIREMENTS];
  if (list.length === 0) throw new UsageError(`no requirement id starts with ${prefixes.map((p) => `'${p}'`).join(' or ')} (areas: ${[...new Set(REQUIREMENTS.map((r) => r.id.split('-')[0]))].join(', ')})`);
  return list;
}

export function requirementsCommand(prefixes: string[], options: RequirementsOptions, out: (s: string) => void): number {
  const list = selectRequirements(prefixes);
  if (options.json) {
    out(JSON.stringify(list.map((r) => ({ id: r.id, statement: r.statement, citation: r.citation, url: citationUrl(r.citation) ?? null, ...(r.table ? { table: r.table } : {}), ...(r.skip ? { skip: r.skip } : {}) })), null, 2));
    return EXIT_OK;
  }
  const width = Math.max(...list.map((r) => r.id.length));
  for (const r of list) {
    out(`${r.id.padEnd(width)}  ${r.statement}${r.skip ? ` [not checked: ${r.skip}]` : ''}`);
    out(`${' '.repeat(width)}  ${r.citation}`);
  }
  out(`${list.length} requirement(s)`);
  return EXIT_OK;
}
