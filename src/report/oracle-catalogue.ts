/**
 * @module Reads what the oracle (`src/oracle/index.ts`) declares, when it exists: the transitions,
 * the requirement catalogue and the illegal cells, used as coverage totals. Tolerant of its shape;
 * an absent or unreadable oracle yields an empty catalogue and the report says which source it used.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface OracleCatalogue {
  transitions?: string[];
  requirements?: { id: string; title?: string; statement?: string; citation?: string }[];
  illegalCells?: string[];
  /** `key{variant}` of every transition variant. */
  transitionVariants?: string[];
  /** Transitions that emit events. */
  eventTransitions?: string[];
  /** Catalogued Broker error codes (`BRO-00021`) and why each may go unreached. */
  errorCodes?: { key: string; reach?: string }[];
}

const ORACLE_URL = new URL('../oracle/index.ts', import.meta.url);

function keyOf(value: unknown, pair: [string, string], sep: string): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.key === 'string') return o.key;
    if (typeof o.id === 'string' && !(pair[0] in o)) return o.id;
    const parts = pair.map((p) => o[p]);
    if (parts.every((p) => typeof p === 'string')) return parts.join(sep);
  }
  return undefined;
}

function list(mod: Record<string, unknown>, names: string[]): unknown[] | undefined {
  for (const n of names) {
    const v = mod[n];
    if (Array.isArray(v)) return v;
    if (v instanceof Map) return [...v.values()];
    if (v && typeof v === 'object') return Object.entries(v as Record<string, unknown>).map(([id, x]) => (x && typeof x === 'object' ? { id, ...(x as object) } : id));
  }
  return undefined;
}

/** Interprets an oracle module's exports (exported for self-tests). */
export function catalogueFrom(mod: Record<string, unknown>): OracleCatalogue {
  const out: OracleCatalogue = {};
  const transitions = list(mod, ['transitions', 'TRANSITIONS', 'transitionList'])
    ?.map((t) => keyOf(t, ['from', 'to'], '->'))
    .filter((t): t is string => !!t && t.includes('->'));
  if (transitions?.length) out.transitions = [...new Set(transitions)];
  const str = (o: object, k: string): string | undefined => (typeof (o as Record<string, unknown>)[k] === 'string' ? ((o as Record<string, unknown>)[k] as string) : undefined);
  const requirements = list(mod, ['requirements', 'REQUIREMENTS', 'requirementCatalogue', 'catalogue'])
    ?.map((r) => (typeof r === 'string' ? { id: r } : r && typeof r === 'object' && typeof (r as { id?: unknown }).id === 'string' ? r : undefined))
    .filter((r): r is { id: string } => !!r)
    .map((r) => {
      const title = str(r, 'title');
      const statement = str(r, 'statement');
      const citation = str(r, 'citation');
      return { id: r.id, ...(title ? { title } : {}), ...(statement ? { statement } : {}), ...(citation ? { citation } : {}) };
    });
  if (requirements?.length) out.requirements = requirements;
  const cells = list(mod, ['illegalCells', 'ILLEGAL_CELLS'])
    ?.map((c) => keyOf(c, ['state', 'operation'], '|'))
    .filter((c): c is string => !!c);
  if (cells?.length) out.illegalCells = [...new Set(cells)];
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);
  const variants = strings(mod.TRANSITION_VARIANT_KEYS);
  if (variants?.length) out.transitionVariants = variants;
  const events = strings(mod.EVENT_TRANSITION_KEYS);
  if (events?.length) out.eventTransitions = events;
  if (Array.isArray(mod.ERROR_CODE_KEYS)) {
    out.errorCodes = mod.ERROR_CODE_KEYS.flatMap((e: unknown) => {
      const o = e as { key?: unknown; reach?: unknown };
      return typeof o?.key === 'string' ? [{ key: o.key, ...(typeof o.reach === 'string' ? { reach: o.reach } : {}) }] : [];
    });
  }
  return out;
}

export async function loadOracleCatalogue(): Promise<{ catalogue: OracleCatalogue; warning?: string }> {
  if (!existsSync(fileURLToPath(ORACLE_URL))) return { catalogue: {} };
  try {
    return { catalogue: catalogueFrom((await import(ORACLE_URL.href)) as Record<string, unknown>) };
  } catch (e) {
    return { catalogue: {}, warning: `oracle catalogue not readable (${(e as Error).message.split('\n')[0]}); coverage totals from the reference diagram` };
  }
}
