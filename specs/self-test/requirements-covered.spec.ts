/**
 * Self-test of the oracle's catalogue: every requirement is checked by some suite (its id named in
 * a spec, or its data table iterated by one) or carries a SKIP reason; every id a spec or an oracle
 * table cites exists in the catalogue; every transition is exercised by a spec or gated with a
 * reason; every illegal cell belongs to a situation a spec builds.
 */
import { expect, test } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oracle from '../../src/oracle/index.ts';
import { ILLEGAL_CELLS, INIT_BOUNDARIES, INIT_RULES, REQUIREMENTS, RESOURCE_BOUNDARIES, RESOURCE_RULES, SITUATIONS, TRANSITIONS } from '../../src/oracle/index.ts';

const SPECS = join(import.meta.dirname, '..');

function specFiles(dir = SPECS): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'self-test' ? [] : specFiles(p);
    return e.name.endsWith('.spec.ts') ? [p] : [];
  });
}

const sources = specFiles().map((f) => ({ file: f, text: readFileSync(f, 'utf8') }));
const allText = sources.map((s) => s.text).join('\n');
const tableIds: Record<string, string[]> = {
  INIT_RULES: INIT_RULES.map((r) => r.id),
  INIT_BOUNDARIES: INIT_BOUNDARIES.map((r) => r.id),
  RESOURCE_RULES: RESOURCE_RULES.map((r) => r.id),
  RESOURCE_BOUNDARIES: RESOURCE_BOUNDARIES.map((r) => r.id),
  ILLEGAL_CELLS: [...new Set(ILLEGAL_CELLS.map((c) => c.requirement))],
  TRANSITIONS: [...new Set(TRANSITIONS.map((t) => t.requirement))],
};

/** Requirements of the oracle's named conditions a spec uses (by export name). */
const viaConditions = new Set(
  Object.entries(oracle)
    .filter(([name, v]) => typeof v === 'object' && v !== null && 'evaluate' in v && 'requirement' in v && new RegExp(`\\b${name}\\b`).test(allText))
    .map(([, v]) => (v as { requirement: string }).requirement),
);

test('every catalogued requirement is referenced by a spec, iterated through its table, or skipped with a reason', () => {
  const uncovered = REQUIREMENTS.filter((r) => {
    if (r.skip) return false;
    if (viaConditions.has(r.id)) return false;
    if (new RegExp(`\\b${r.id}\\b`).test(allText)) return false;
    if (r.table && tableIds[r.table]!.includes(r.id) && allText.includes(r.table)) return false;
    if (r.table === 'TRANSITIONS' && TRANSITIONS.some((t) => t.requirement === r.id && allText.includes(t.key))) return false;
    return true;
  });
  expect(uncovered.map((r) => `${r.id} (${r.citation}): ${r.statement}`)).toEqual([]);
});

test('every requirement id a spec or an oracle table cites is in the catalogue', () => {
  const known = new Set(REQUIREMENTS.map((r) => r.id));
  const cited = new Set<string>();
  for (const m of allText.matchAll(/\b(?:LC|NEG|VAL|AUTH|SEARCH|DL|ADM|EVT)(?:-[A-Z]+)*-B?\d{2,3}\b/g)) cited.add(m[0]);
  for (const ids of Object.values(tableIds)) ids.forEach((id) => cited.add(id));
  expect([...cited].filter((id) => !known.has(id)).sort()).toEqual([]);
});

test('every transition is exercised by a spec (its key appears) or its requirement says why no HTTP road shows it', () => {
  const skipped = (t: (typeof TRANSITIONS)[number]) => !!REQUIREMENTS.find((r) => r.id === t.requirement)?.skip;
  const missing = TRANSITIONS.filter((t) => !t.unreachable && !skipped(t) && !allText.includes(t.key)).map((t) => t.key);
  expect(missing).toEqual([]);
  for (const t of TRANSITIONS.filter((x) => x.unreachable)) {
    expect(REQUIREMENTS.find((r) => r.id === t.requirement)?.skip, `${t.key} is unreachable: its requirement must carry a SKIP reason`).toBeTruthy();
  }
});

test('every illegal cell belongs to a situation with a recipe or a reason', () => {
  const withRecipe = new Set(['Nonexistent', 'Initialized', 'UploadStarted', 'UploadProcessing', 'Published', 'Published+Downloaded', 'Published+Confirmed', 'AllConfirmedDownloaded', 'Failed:checksum', 'Failed:malware', 'Purged']);
  const orphans = ILLEGAL_CELLS.filter((c) => !withRecipe.has(c.situation.id) && !c.situation.unholdable).map((c) => c.key);
  expect(orphans).toEqual([]);
  expect(SITUATIONS.length).toBeGreaterThan(0);
  expect(ILLEGAL_CELLS.length).toBeGreaterThan(100);
});
