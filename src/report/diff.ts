/**
 * @module Compares two runs check by check (environment against environment, or run against run):
 * the checks whose verdict differs, grouped by requirement, as data, text or a small HTML page.
 */
import { BASE_CSS, esc } from './html.ts';
import { isFailing, type CheckVerdict, type RunSummary } from './model.ts';

/**
 * `new-failure`: FAIL now, not FAIL before (a Broker requirement newly not met); `new-error`: ERROR
 * now, neither FAIL nor ERROR before (harness, configuration or reachability, not the Broker);
 * `known-defect`: now a known Broker defect (was passing or absent); `fixed`: a known defect that now passes.
 */
export type ChangeCategory = 'new-failure' | 'new-error' | 'new-pass' | 'known-defect' | 'fixed' | 'changed' | 'appeared' | 'gone';

export interface CheckChange {
  key: string;
  requirement: string;
  name: string;
  category: ChangeCategory;
  before?: CheckVerdict;
  after?: CheckVerdict;
  message?: string;
}

export interface RunDiff {
  before: { environment: string; runId: string; verdict: string };
  after: { environment: string; runId: string; verdict: string };
  changes: CheckChange[];
  unchanged: number;
}

export function diffSummaries(a: RunSummary, b: RunSummary): RunDiff {
  const before = new Map(a.checks.map((c) => [c.key, c]));
  const after = new Map(b.checks.map((c) => [c.key, c]));
  const changes: CheckChange[] = [];
  let unchanged = 0;
  for (const key of [...new Set([...before.keys(), ...after.keys()])]) {
    const x = before.get(key);
    const y = after.get(key);
    if (x && y && x.verdict === y.verdict) {
      unchanged++;
      continue;
    }
    const category: ChangeCategory =
      y?.verdict === 'FAIL' && x?.verdict !== 'FAIL'
        ? 'new-failure'
        : y?.verdict === 'ERROR' && !isFailing(x?.verdict)
          ? 'new-error'
          : y?.verdict === 'PASS' && isFailing(x?.verdict)
            ? 'new-pass'
            : y?.verdict === 'PASS' && x?.verdict === 'KNOWN_DEFECT'
              ? 'fixed'
              : y?.verdict === 'KNOWN_DEFECT' && !isFailing(x?.verdict)
                ? 'known-defect'
                : !y
                  ? 'gone'
                  : !x
                    ? 'appeared'
                    : 'changed';
    const c = (y ?? x)!;
    changes.push({ key, requirement: c.requirement, name: c.name, category, ...(x ? { before: x.verdict } : {}), ...(y ? { after: y.verdict, message: y.message } : { message: x!.message }) });
  }
  const order: ChangeCategory[] = ['new-failure', 'new-error', 'new-pass', 'known-defect', 'fixed', 'changed', 'appeared', 'gone'];
  changes.sort((p, q) => p.requirement.localeCompare(q.requirement) || order.indexOf(p.category) - order.indexOf(q.category) || p.key.localeCompare(q.key));
  const side = (s: RunSummary) => ({ environment: s.environment, runId: s.runId, verdict: s.verdict });
  return { before: side(a), after: side(b), changes, unchanged };
}

const LABEL: Record<ChangeCategory, string> = { 'new-failure': 'NEW FAILURE', 'new-error': 'NEW ERROR', 'new-pass': 'NEW PASS', 'known-defect': 'KNOWN DEFECT', fixed: 'FIXED', changed: 'changed', appeared: 'only in B', gone: 'only in A' };

export function renderDiffText(d: RunDiff): string {
  const lines = [`A: ${d.before.environment} ${d.before.runId} ${d.before.verdict}`, `B: ${d.after.environment} ${d.after.runId} ${d.after.verdict}`];
  if (d.changes.length === 0) lines.push('', `no check differs (${d.unchanged} identical)`);
  let requirement = '';
  for (const c of d.changes) {
    if (c.requirement !== requirement) {
      requirement = c.requirement;
      lines.push('', requirement);
    }
    lines.push(`  ${LABEL[c.category].padEnd(11)} ${(c.before ?? '—').padEnd(5)} → ${(c.after ?? '—').padEnd(5)} ${c.key}${(c.category === 'new-failure' || c.category === 'new-error' || c.category === 'known-defect') && c.message ? c.message.split('\n').filter((l) => l.trim()).slice(0, 4).map((l) => `\n${' '.repeat(27)}${l}`).join('') : ''}`);
  }
  const n = (cat: ChangeCategory) => d.changes.filter((c) => c.category === cat).length;
  lines.push('', `${d.changes.length} checks differ: ${n('new-failure')} new failures, ${n('new-error')} new errors (not held against the Broker), ${n('new-pass')} new passes, ${n('known-defect')} new known defects, ${n('fixed')} known defects fixed, ${n('changed')} changed, ${n('appeared')} only in B, ${n('gone')} only in A; ${d.unchanged} identical`);
  return lines.join('\n');
}

export function renderDiffHtml(d: RunDiff): string {
  const rows = d.changes
    .map((c) => `<tr data-category="${c.category}"><td><code>${esc(c.requirement)}</code></td><td><span class="${c.category === 'new-failure' ? 'new' : c.category === 'new-error' ? 'error' : c.category === 'new-pass' || c.category === 'fixed' ? 'fixed' : c.category === 'known-defect' ? 'known' : ''}">${esc(LABEL[c.category])}</span></td><td>${esc(c.before ?? '—')}</td><td>${esc(c.after ?? '—')}</td><td><code>${esc(c.key)}</code><br><span class="muted">${esc(c.message ?? '')}</span></td></tr>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><title>Broker conformance diff</title><style>${BASE_CSS}</style></head><body>
<h1>Broker conformance: A → B</h1><p>A: <b>${esc(d.before.environment)}</b> <code>${esc(d.before.runId)}</code> ${esc(d.before.verdict)}<br>B: <b>${esc(d.after.environment)}</b> <code>${esc(d.after.runId)}</code> ${esc(d.after.verdict)}</p>
<p>${d.changes.length} checks differ, ${d.unchanged} identical.</p>
<table><tr><th>requirement</th><th>change</th><th>A</th><th>B</th><th>check</th></tr>${rows}</table></body></html>
`;
}
