/**
 * @module Groups a run's failing checks by root cause: checks whose failing exchange is the same
 * operation answering the same way (one Broker fault) form one group, with the expected-vs-actual
 * values their conditions recorded; every failing test joins the group of a check it failed with.
 * A test with no failing check of its own is a group of its own. Biggest group first.
 */
import { isFailing, type CheckSummary, type Difference, type ExchangeEvidence, type FailureGroup } from './model.ts';

const MAX_DIFFERENCES = 8;

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The fields in which `actual` departs from `expected` (one `value` row when they are not objects). */
export function differencesOf(expected: unknown, actual: unknown): Difference[] {
  if (expected === undefined && actual === undefined) return [];
  if (isRecord(expected) && isRecord(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
    const rows = keys.filter((k) => !same(expected[k], actual[k])).map((field) => ({ field, expected: expected[field], actual: actual[field] }));
    if (rows.length) return rows;
  }
  return same(expected, actual) ? [] : [{ field: 'value', expected, actual }];
}

function causeOf(c: CheckSummary, evidence: Record<string, ExchangeEvidence>): { id: string; exchange?: ExchangeEvidence } {
  const exchange = c.exchangeIds.map((id) => evidence[id]).find((x): x is ExchangeEvidence => !!x);
  if (!exchange) return { id: c.key };
  return { id: `${exchange.operationId} ${exchange.response?.status ?? exchange.error?.kind ?? 'no response'}`, exchange };
}

function headlineOf(g: FailureGroup, exchange: ExchangeEvidence | undefined, first: CheckSummary): string {
  if (!exchange) return `${first.requirement} ${first.name}: ${first.message}`;
  if (!exchange.response) return `${exchange.operationId} got no response: ${exchange.error?.kind ?? 'unknown'} ${exchange.error?.message ?? ''}`.trim();
  const status = g.differences.find((d) => d.field === 'status');
  if (status) return `${exchange.operationId} answered ${JSON.stringify(status.actual)} where ${JSON.stringify(status.expected)} is expected`;
  const d = g.differences[0];
  return d ? `${exchange.operationId} answered ${exchange.response.status}: ${d.field} is ${JSON.stringify(d.actual)}, expected ${JSON.stringify(d.expected)}` : `${exchange.operationId} answered ${exchange.response.status}: ${first.message}`;
}

export function groupFailures(checks: CheckSummary[], evidence: Record<string, ExchangeEvidence>): FailureGroup[] {
  const groups = new Map<string, FailureGroup & { first: CheckSummary; exchange?: ExchangeEvidence; testIdSet: Set<string> }>();
  const add = (g: FailureGroup, d: Difference) => {
    if (g.differences.length < MAX_DIFFERENCES && !g.differences.some((x) => x.field === d.field && same(x.expected, d.expected) && same(x.actual, d.actual))) g.differences.push(d);
  };
  // Conditions before contract checks: their expected/actual name the field; the contract check only says it is undocumented.
  const failing = checks.filter((c) => c.kind !== 'test' && isFailing(c.verdict)).sort((a, b) => Number(a.kind === 'contract') - Number(b.kind === 'contract'));
  for (const c of failing) {
    const { id, exchange } = causeOf(c, evidence);
    let g = groups.get(id);
    if (!g) {
      g = { id, headline: '', ...(exchange ? { operationId: exchange.operationId, status: exchange.response?.status ?? null } : {}), differences: [], requirements: [], checkKeys: [], testKeys: [], exchangeIds: [], first: c, ...(exchange ? { exchange } : {}), testIdSet: new Set() };
      groups.set(id, g);
    }
    g.checkKeys.push(c.key);
    if (!g.requirements.includes(c.requirement)) g.requirements.push(c.requirement);
    c.testIds.forEach((t) => g.testIdSet.add(t));
    c.exchangeIds.filter((x) => evidence[x] && !g.exchangeIds.includes(x)).forEach((x) => g.exchangeIds.push(x));
    if (c.kind === 'condition') differencesOf(c.expected, c.actual).forEach((d) => add(g, d));
    else add(g, { field: c.name.split(' · ')[0] ?? c.name, expected: `as the ${c.contract ?? 'reference'} contract documents`, actual: c.message.replace(/^[A-Z]+ → [^:]+: /, '') });
  }
  for (const t of checks.filter((c) => c.kind === 'test' && isFailing(c.verdict))) {
    const candidates = [...groups.values()].filter((g) => t.testIds.some((id) => g.testIdSet.has(id)) || t.exchangeIds.some((id) => g.exchangeIds.includes(id)));
    const home = candidates.sort((a, b) => b.checkKeys.length - a.checkKeys.length)[0];
    if (home) {
      home.testKeys.push(t.key);
      if (!home.requirements.includes(t.requirement)) home.requirements.push(t.requirement);
      continue;
    }
    const exchange = t.exchangeIds.map((id) => evidence[id]).find((x): x is ExchangeEvidence => !!x);
    const own: FailureGroup & { first: CheckSummary; testIdSet: Set<string> } = {
      id: t.key,
      headline: '',
      ...(exchange ? { operationId: exchange.operationId, status: exchange.response?.status ?? null } : {}),
      differences: differencesOf(t.expected, t.actual),
      requirements: [t.requirement],
      checkKeys: [],
      testKeys: [t.key],
      exchangeIds: t.exchangeIds.filter((id) => evidence[id]),
      first: t,
      testIdSet: new Set(t.testIds),
    };
    // A test's own failure is described by its message; the exchange is context, not the cause.
    own.headline = `${t.name}: ${t.message.replace(/^(?:failed|timedOut): /, '')}`;
    groups.set(own.id, own);
  }
  return [...groups.values()]
    .map((g) => {
      const { first, exchange, testIdSet: _ignored, ...group } = g as typeof g & { exchange?: ExchangeEvidence };
      return { ...group, headline: group.headline || headlineOf(group, exchange, first) };
    })
    .sort((a, b) => b.checkKeys.length + b.testKeys.length - (a.checkKeys.length + a.testKeys.length) || a.id.localeCompare(b.id));
}
