/**
 * @module The run's `index.html`: one self-contained page (inline CSS, JS and SVG; no network). The
 * first screen answers verdict, scope and coverage; failures follow grouped by root cause, each
 * card with expected vs actual values, the requirement's statement and the exchange that failed
 * (pretty-printed, long bodies cut with a pointer into the ledger); then the state diagram and the
 * long tables, collapsed and filterable. Verdicts it does not know render in a neutral style.
 */
import type { Verdict } from '../contract/index.ts';
import { reproFor } from './curl.ts';
import { mutationBanner } from './mutation-banner.ts';
import type { TrendPoint } from './history.ts';
import { isFailing, worst, type CheckSummary, type CoverageBlock, type CoverageItem, type ExchangeEvidence, type FailureGroup, type RunSummary } from './model.ts';
import { BROKER_STATES, REFERENCE_TRANSITIONS, stateDiagramSvg, type EdgeState } from './state-diagram.ts';
import { servedChangesSection } from './served-changes.ts';

export const esc = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const badge = (v: string) => `<span class="v v-${esc(v)}">${esc(v)}</span>`;

export const BASE_CSS = `
:root{--known:#8250df;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--pass:#1a7f37;--fail:#cf222e;--warn:#9a6700;--skip:#59636e;--bg2:#f6f8fa}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:var(--fg);margin:0 auto;max-width:1180px;padding:16px 24px 64px}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:15px;margin:14px 0 6px}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}th{background:var(--bg2)}
code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}pre{background:var(--bg2);padding:8px;overflow:auto;white-space:pre-wrap;word-break:break-all;border-radius:6px;margin:4px 0}
.v{display:inline-block;padding:0 6px;border-radius:10px;font-weight:600;font-size:12px;color:#fff;background:var(--skip)}
.v-PASS,.v-FIXED{background:var(--pass)}.v-FAIL,.v-ERROR{background:var(--fail)}.v-WARN,.v-INCOMPLETE{background:var(--warn)}.v-INFO{background:#0969da}.v-KNOWN_DEFECT,.v-OBSERVED{background:var(--known)}
.verdict{font-size:34px;font-weight:800;padding:10px 18px;border-radius:10px;color:#fff;display:inline-block}
.verdict.PASS{background:var(--pass)}.verdict.FAIL{background:var(--fail)}.verdict.INCOMPLETE{background:var(--warn)}
.muted{color:var(--muted)}.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px;margin:10px 0}
.card{border:1px solid var(--line);border-radius:8px;padding:8px}.card b{display:block;font-size:20px}
details.failure{border:1px solid var(--line);border-left:4px solid var(--fail);border-radius:6px;margin:8px 0;padding:6px 10px}details.failure.WARN{border-left-color:var(--warn)}details.failure.KNOWN_DEFECT{border-left-color:var(--known)}.known{background:#fbefff;color:var(--known);font-weight:700;padding:0 4px;border-radius:4px}
summary{cursor:pointer}.new{background:#ffebe9;color:var(--fail);font-weight:700;padding:0 4px;border-radius:4px}.fixed{background:#dafbe1;color:var(--pass);font-weight:700;padding:0 4px;border-radius:4px}
#state-diagram{width:100%;max-width:1010px;height:auto;border:1px solid var(--line);border-radius:8px;background:#fff}
.state rect{fill:#eef6ff;stroke:#0969da;stroke-width:1.5}.state text{font:12.5px system-ui,sans-serif;fill:#1f2328}.state.unreachable rect{fill:#f6f8fa;stroke:#9aa3ad;stroke-dasharray:4 3}
.edge{fill:none;stroke-width:2}.edge.uncovered{stroke:#9aa3ad;stroke-dasharray:5 4}.edge.covered{stroke:var(--pass);stroke-width:3.5}.edge.failed{stroke:var(--fail);stroke-width:3.5}.edge.warned{stroke:var(--warn);stroke-width:3.5}
input[type=search]{padding:4px 8px;width:320px;border:1px solid var(--line);border-radius:6px}
.scope{margin:4px 0}.glance{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:8px;margin:10px 0}.glance .card small{color:var(--muted)}
.cause{border:1px solid var(--line);border-left:5px solid var(--fail);border-radius:8px;margin:12px 0;padding:8px 12px}.cause h3{margin:2px 0 6px}
table.diff{width:auto;min-width:420px}table.diff td.expected{background:#dafbe1}table.diff td.actual{background:#ffebe9}
.req{margin:4px 0}.cite{color:var(--muted);font-size:12px}details.fold{border:1px solid var(--line);border-radius:6px;margin:6px 0;padding:4px 10px}
details.fold>summary{font-weight:600}.cut{color:var(--muted);font-style:italic}tr.outside td{color:var(--muted)}
`;


/** Lines and characters of a body shown in the page; the rest is in the ledger. */
const BODY_LINES = 24;
const BODY_CHARS = 2400;

/** A body for reading: JSON pretty-printed, then cut to a screenful with a pointer to where the whole excerpt is. */
export function readableBody(excerpt: string | undefined, bytes: number, where: string): { text: string; cut: string | null } {
  if (!excerpt) return { text: bytes ? `(${bytes} bytes, not recorded)` : '', cut: null };
  let text = excerpt;
  try {
    text = JSON.stringify(JSON.parse(excerpt), null, 2);
  } catch {
    // An excerpt of a longer JSON body does not parse: one array element or object per line at least.
    if (/^\s*[[{]/.test(excerpt)) text = excerpt.replace(/},\s*{/g, '},\n{');
  }
  const lines = text.split('\n');
  let shown = lines.slice(0, BODY_LINES).join('\n');
  if (shown.length > BODY_CHARS) shown = shown.slice(0, BODY_CHARS);
  const recordedCut = Buffer.byteLength(excerpt) < bytes;
  if (shown.length === text.length && !recordedCut) return { text, cut: null };
  const more = shown.length < text.length ? `${text.length - shown.length} more characters` : '';
  const beyond = recordedCut ? `${more ? '; ' : ''}the body had ${bytes} bytes, the ledger keeps the first ${Buffer.byteLength(excerpt)}` : '';
  return { text: shown, cut: `… cut: ${more}${beyond} — whole excerpt in ${where}` };
}

/** `embedded`: the exchange went to the run's embedded Broker, which has stopped since; the repro says how to bring one back. */
function exchangeBlock(x: ExchangeEvidence, embedded = false): string {
  const where = `ledger/${x.ledgerFile ?? 'worker-*.ndjson'}, exchange ${x.id}`;
  const headers = (h: Record<string, string>) => Object.entries(h).map(([k, v]) => `${k}: ${v}`).join('\n');
  const body = (excerpt: string | undefined, bytes: number) => {
    const b = readableBody(excerpt, bytes, where);
    return `${b.text ? `\n\n${esc(b.text)}` : ''}${b.cut ? `\n<span class="cut">${esc(b.cut)}</span>` : ''}`;
  };
  const req = `${esc(`${x.request.method} ${x.request.url}\n${headers(x.request.headers)}`)}${body(x.request.bodyExcerpt, x.request.bodyBytes)}`;
  const res = x.response
    ? `${esc(`HTTP ${x.response.status}\n${headers(x.response.headers)}`)}${body(x.response.bodyExcerpt, x.response.bodyBytes)}`
    : esc(`no response: ${x.error?.kind ?? 'unknown'} ${x.error?.message ?? ''}`);
  return `<div class="evidence" data-exchange="${esc(x.id)}"><div class="muted">${esc(x.operationId)} as ${esc(x.actor)} · exchange <code>${esc(x.id)}</code> · ${esc(x.durationMs)} ms</div>
<div class="muted">request</div><pre class="request">${req}</pre>
<div class="muted">response</div><pre class="response">${res}</pre>
<details><summary class="muted">repeat it with curl</summary><pre class="curl">${esc(reproFor(x, embedded))}</pre></details></div>`;
}

function checkItem(s: RunSummary, c: CheckSummary, i: number): string {
  const ev = c.exchangeIds.map((id) => s.evidence[id]).filter((x): x is ExchangeEvidence => !!x);
  return `<details class="failure ${esc(c.verdict)}"${i < 10 && isFailing(c.verdict) ? ' open' : ''} data-check="${esc(c.key)}"><summary>${badge(c.verdict)} <b>${esc(c.requirement)}</b> ${esc(c.name)}${c.knownDefect ? ` <span class="known">${esc(c.knownDefect)}</span>` : ''}${c.contract ? ` <span class="muted">(${esc(c.contract)} contract)</span>` : ''}</summary>
<p class="message">${esc(c.message)}</p><p class="muted">evidence: ${c.testIds.map((t) => `test <code>${esc(t)}</code>`).join(', ')}${c.exchangeIds.length ? ` · exchanges ${c.exchangeIds.map((e) => `<code>${esc(e)}</code>`).join(', ')}` : ''}${c.occurrences > 1 ? ` · ${c.occurrences} occurrences` : ''}</p>
${ev.length ? ev.map((x) => exchangeBlock(x, !!s.localBroker)).join('') : '<p class="muted">no exchange recorded for this check</p>'}</details>`;
}

/** The catalogued Broker defects: each with its status in this run, and the checks it explains with their evidence. */
function knownDefectsSection(s: RunSummary): string {
  const k = s.knownDefects ?? { applicable: false, strict: false, reason: 'this summary predates known defects', items: [] };
  if (!k.applicable) return `<h2 id="known-defects">Known Broker defects</h2><p class="muted">${esc(k.reason ?? 'not applied to this run')}</p>`;
  const rows = k.items
    .map((d) => `<tr data-defect="${esc(d.id)}"><td><code>${esc(d.id)}</code></td><td>${badge(d.status)}</td><td>${esc(d.title)}<br><span class="muted">expected: ${esc(d.expected)}<br>observed: ${esc(d.observed)}</span></td><td>${d.requirements.map((r) => `<code>${esc(r)}</code>`).join(' ')}</td><td><code>Altinn/altinn-broker@${esc(d.brokerCommit.slice(0, 8))}:${esc(d.sourceLocation)}</code></td><td>${d.checks.length}</td></tr>`)
    .join('');
  const explained = s.checks.filter((c) => c.knownDefect);
  const fixed = k.items.filter((d) => d.status === 'FIXED').length;
  return `<h2 id="known-defects">Known Broker defects (${k.items.filter((d) => d.status === 'OBSERVED').length} observed${fixed ? `, <span class="fixed">${fixed} fixed</span>` : ''})</h2>
<p class="muted">Failures a catalogued defect of the real Broker explains are KNOWN_DEFECT: shown, never hidden, and ${k.strict ? '<b>counted as failures (strict run)</b>' : 'not failing the run (run --strict counts them)'}. FIXED: its checks ran and passed; remove it from the catalogue.</p>
<table><tr><th>defect</th><th>status</th><th>what</th><th>requirements</th><th>cause</th><th>checks</th></tr>${rows}</table>${explained.map((c, i) => checkItem(s, c, i)).join('')}`;
}

const value = (v: unknown) => (v === undefined ? '<span class="muted">—</span>' : `<code>${esc(typeof v === 'string' ? v : JSON.stringify(v))}</code>`);

function requirementLine(id: string, items: Map<string, CoverageItem>): string {
  const r = items.get(id);
  return `<div class="req"><b>${esc(id)}</b>${r?.statement ? ` — ${esc(r.statement)}` : ''}${r?.citation ? ` <span class="cite">${esc(r.citation)}</span>` : ''}</div>`;
}

function causeCard(g: FailureGroup, s: RunSummary, requirements: Map<string, CoverageItem>, open: boolean): string {
  const checks = new Map(s.checks.map((c) => [c.key, c]));
  const listed = (keys: string[]) => keys.map((k) => checks.get(k)).filter((c): c is CheckSummary => !!c);
  const diff = g.differences.length
    ? `<table class="diff"><tr><th>field</th><th>expected</th><th>actual</th></tr>${g.differences.map((d) => `<tr><td><code>${esc(d.field)}</code></td><td class="expected">${value(d.expected)}</td><td class="actual">${value(d.actual)}</td></tr>`).join('')}</table>`
    : '';
  const fell = [...listed(g.checkKeys), ...listed(g.testKeys)];
  // The statements shown are those of the failed conditions and contract checks; the tests that fell with them are listed by id.
  const direct = [...new Set(listed(g.checkKeys).map((c) => c.requirement))];
  const shown = direct.length ? direct : g.requirements;
  const others = g.requirements.filter((id) => !shown.includes(id));
  const first = g.exchangeIds.map((id) => s.evidence[id]).find((x): x is ExchangeEvidence => !!x);
  return `<section class="cause" data-cause="${esc(g.id)}"><h3>${badge('FAIL')} ${esc(g.headline)}</h3>
${diff}
${shown.map((id) => requirementLine(id, requirements)).join('')}${others.length ? `<div class="req muted">tests that fell with it: ${others.map((id) => `<code>${esc(id)}</code>`).join(' ')}</div>` : ''}
<details class="fold fell"><summary>${g.checkKeys.length} check(s) and ${g.testKeys.length} test(s) failed with this cause</summary><table>${fell
    .map((c) => `<tr data-check="${esc(c.key)}"><td>${badge(c.verdict)}</td><td>${esc(c.kind)}</td><td><code>${esc(c.requirement)}</code> ${esc(c.name)}</td><td>${esc(c.message)}</td></tr>`)
    .join('')}</table></details>
${first ? `<details class="fold exchange"${open ? ' open' : ''}><summary>the exchange that failed${g.exchangeIds.length > 1 ? ` (1 of ${g.exchangeIds.length})` : ''}</summary>${exchangeBlock(first, !!s.localBroker)}</details>` : '<p class="muted">no exchange recorded for this cause</p>'}</section>`;
}

function failuresSection(s: RunSummary, requirements: Map<string, CoverageItem>): string {
  const groups = s.failureGroups ?? [];
  if (groups.length === 0) return '';
  const failingChecks = s.checks.filter((c) => isFailing(c.verdict)).length;
  return `<section id="failures"><h2>Failures by cause (${groups.length} cause${groups.length === 1 ? '' : 's'}, ${failingChecks} failing checks)</h2>${groups.map((g, i) => causeCard(g, s, requirements, i < 3)).join('')}</section>`;
}

/** Checks that neither pass nor fail: warnings, and verdicts this page does not know (rendered neutrally). */
function otherChecksSection(s: RunSummary): string {
  const known = new Set(['PASS', 'FAIL', 'ERROR', 'SKIP', 'INFO']);
  const other = s.checks.filter((c) => !known.has(c.verdict));
  if (other.length === 0) return '';
  const byVerdict = new Map<string, CheckSummary[]>();
  for (const c of other) byVerdict.set(c.verdict, [...(byVerdict.get(c.verdict) ?? []), c]);
  return `<section id="other-verdicts"><h2>Warnings and other verdicts (${other.length})</h2>${[...byVerdict]
    .map(
      ([v, list]) =>
        `<details class="fold"><summary>${badge(v)} ${list.length} check(s)</summary>${list
          .map((c) => {
            const ev = c.exchangeIds.map((id) => s.evidence[id]).find((x): x is ExchangeEvidence => !!x);
            return `<details class="failure ${esc(c.verdict)}" data-check="${esc(c.key)}"><summary><b>${esc(c.requirement)}</b> ${esc(c.name)}</summary><p class="message">${esc(c.message)}</p>${ev ? exchangeBlock(ev, !!s.localBroker) : ''}</details>`;
          })
          .join('')}</details>`,
    )
    .join('')}</section>`;
}

/** A collapsed, filterable table: the summary line carries the figures, the rows open on demand. */
function foldTable(id: string, summary: string, head: string[], rows: string[], open = false): string {
  if (rows.length === 0) return `<p>${summary}</p>`;
  return `<details class="fold" id="${esc(id)}-fold"${open ? ' open' : ''}><summary>${summary}</summary>
<p><input type="search" data-filter="${esc(id)}" placeholder="filter rows (text or verdict)" aria-label="filter ${esc(id)}"></p>
<table id="${esc(id)}"><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr>${rows.join('')}</table></details>`;
}

const coverageFigure = (b: CoverageBlock) => `${b.covered}${b.total !== null ? ` / ${b.total} (${b.percent ?? 0}%)` : ' observed'}`;

function coverageTable(id: string, title: string, b: CoverageBlock, what: string): string {
  const rows = b.items.map((i) => `<tr data-verdict="${esc(i.verdict ?? '')}"><td><code>${esc(i.key)}</code></td><td>${i.covered ? 'yes' : `<span class="muted">no${i.reason ? `: ${esc(i.reason)}` : ''}</span>`}</td><td>${i.verdict ? badge(i.verdict) : ''}</td></tr>`);
  return foldTable(id, `${esc(title)}: ${coverageFigure(b)} <span class="muted">total from: ${esc(b.source)}</span>`, [esc(what), 'covered', 'verdict'], rows);
}

function requirementsTable(b: CoverageBlock): string {
  const rows = b.items.map(
    (i) =>
      `<tr data-verdict="${esc(i.verdict ?? '')}"><td><code>${esc(i.key)}</code></td><td>${i.verdict ? badge(i.verdict) : '<span class="muted">not checked</span>'}</td><td>${esc(i.statement ?? '')}</td><td class="cite">${esc(i.citation ?? '')}</td></tr>`,
  );
  return foldTable('requirements-table', `Requirements: ${coverageFigure(b)} <span class="muted">total from: ${esc(b.source)}</span>`, ['requirement', 'verdict', 'what must hold', 'where the Broker does it'], rows);
}

function operationsTable(s: RunSummary): string {
  const o = s.coverage.operations;
  const rows = o.items.map((i) => {
    // Calls outside the reference contract (the harness's event polling, the emulator's clock) have nothing declared to miss.
    const outside = i.declared.length === 0;
    const seen = Object.entries(i.seen)
      .map(([st, n]) => `${!outside && i.undeclaredSeen.includes(Number(st)) ? `<span class="new" title="not declared">${st}</span>` : st}×${n}`)
      .join(' ');
    const declared = outside ? '<span class="muted">not in the reference contract (harness or emulator call)</span>' : i.declared.map((d) => (i.declaredSeen.includes(d) ? `<b>${esc(d)}</b>` : `<span class="muted">${esc(d)}</span>`)).join(' ');
    return `<tr${outside ? ' class="outside"' : ''}><td><code>${esc(i.operationId)}</code></td><td>${esc(i.method)} <code>${esc(i.path)}</code></td><td>${declared}</td><td>${seen || '<span class="muted">—</span>'}</td></tr>`;
  });
  return foldTable(
    'operations-table',
    `Operations × status codes: ${o.statusCodes.covered} / ${o.statusCodes.total} declared responses seen${o.statusCodes.percent !== null ? ` (${o.statusCodes.percent}%)` : ''} <span class="muted">declared in: ${esc(o.contract ?? 'no reference contract')}</span>`,
    ['operation', 'route', 'declared (<b>seen</b>)', 'seen × count'],
    rows,
  );
}

function trendSection(points: TrendPoint[], current: string): string {
  if (points.length === 0) return `<section id="trend"><h2>Trend</h2><p class="muted">no history yet</p></section>`;
  const max = Math.max(1, ...points.map((p) => p.counts.PASS + p.counts.FAIL + p.counts.ERROR + p.counts.WARN));
  const w = 28;
  const bars = points
    .map((p, i) => {
      const h = (n: number) => (n / max) * 80;
      const fail = p.counts.FAIL + p.counts.ERROR;
      const x = i * w + 4;
      return `<g><title>${esc(p.runId)}: ${esc(p.verdict)}, ${p.counts.PASS} pass, ${fail} fail</title><rect x="${x}" y="${90 - h(p.counts.PASS) - h(fail)}" width="${w - 8}" height="${h(p.counts.PASS)}" fill="#1a7f37"/><rect x="${x}" y="${90 - h(fail)}" width="${w - 8}" height="${h(fail)}" fill="#cf222e"/>${p.runId === current ? `<rect x="${x - 2}" y="2" width="${w - 4}" height="90" fill="none" stroke="#0969da"/>` : ''}</g>`;
    })
    .join('');
  const rows = [...points]
    .reverse()
    .map(
      (p) =>
        `<tr${p.runId === current ? ' class="current"' : ''}><td><code>${esc(p.runId)}</code>${p.runId === current ? ' (this run)' : ''}</td><td>${badge(p.verdict)}</td><td>${p.counts.PASS}</td><td>${p.counts.FAIL + p.counts.ERROR}</td><td>${p.counts.WARN}</td><td>${p.newFailures.map((k) => `<span class="new">new failure</span> <code>${esc(k)}</code>`).join('<br>')}</td><td>${p.newPasses.map((k) => `<span class="fixed">new pass</span> <code>${esc(k)}</code>`).join('<br>')}</td></tr>`,
    );
  const now = points.find((p) => p.runId === current);
  return `<section id="trend"><h2>Trend (last ${points.length} runs)</h2><svg id="trend-chart" viewBox="0 0 ${points.length * w + 8} 94" width="${points.length * w + 8}" height="94" role="img" aria-label="passes and failures per run">${bars}</svg>
${foldTable('trend-table', `runs, with new failures and new passes against the run before`, ['run', 'verdict', 'pass', 'fail', 'warn', 'new failures', 'new passes'], rows, !!now && now.newFailures.length > 0)}</section>`;
}

/**
 * Folds coverage items onto the diagram's `From->To` edges: the oracle's keys carry a trigger
 * (`UploadStarted->Published[upload-no-scan]`), several triggers share one edge; recipient-status
 * and self transitions are in the tables, not on the diagram. When the oracle declares the
 * transitions, the diagram draws exactly those, so it agrees with the table.
 */
export function diagramEdges(s: RunSummary): { edges: Map<string, EdgeState>; transitions: string[] } {
  const edges = new Map<string, EdgeState>();
  const transitions = s.coverage.transitions.source === 'oracle' ? [] : [...REFERENCE_TRANSITIONS];
  for (const i of s.coverage.transitions.items) {
    const base = i.key.replace(/\[[^\]]*\]$/, '');
    const [from, to] = base.split('->');
    if (!from || !to || from === to || base.includes(':')) continue;
    if (!transitions.includes(base)) transitions.push(base);
    const prev = edges.get(base);
    const covered = (prev?.covered ?? false) || i.covered;
    // A known Broker defect colours its edge as a warning: exercised, not passing, not failing the run.
    const verdicts = [prev?.verdict, (i.verdict === 'KNOWN_DEFECT' ? 'WARN' : i.verdict) as Verdict | undefined].filter((v): v is Verdict => !!v);
    const verdict = verdicts.length ? verdicts.reduce((a, b) => worst(a, b)) : undefined;
    edges.set(base, { covered, ...(verdict ? { verdict } : {}) });
  }
  return { edges, transitions };
}

function glance(s: RunSummary): string {
  const counts = s.counts as Record<string, number>;
  const order = ['PASS', 'FAIL', 'ERROR', 'WARN', 'SKIP', 'INFO'];
  const verdicts = [...order.filter((v) => v in counts), ...Object.keys(counts).filter((v) => !order.includes(v))].filter((v) => counts[v]! > 0 || v === 'PASS' || v === 'FAIL');
  const cards: [string, string, string?][] = [
    ...verdicts.map((v): [string, string] => [`checks ${v}`, String(counts[v])]),
    ['tests', `${s.tests.passed} / ${s.tests.started}`, `${s.tests.failed} failed · ${s.tests.skipped} skipped${s.tests.notRun ? ` · ${s.tests.notRun} not run` : ''}`],
    ['transitions', coverageFigure(s.coverage.transitions), `from ${s.coverage.transitions.source}`],
    ['illegal cells', coverageFigure(s.coverage.illegalCells)],
    ['requirements', coverageFigure(s.coverage.requirements)],
    ['status codes', `${s.coverage.operations.statusCodes.covered} / ${s.coverage.operations.statusCodes.total}${s.coverage.operations.statusCodes.percent !== null ? ` (${s.coverage.operations.statusCodes.percent}%)` : ''}`, 'declared responses seen'],
  ];
  return `<div class="glance" id="glance">${cards.map(([k, v, note]) => `<div class="card" data-card="${esc(k)}"><span class="muted">${esc(k)}</span><b>${esc(v)}</b>${note ? `<small>${esc(note)}</small>` : ''}</div>`).join('')}</div>`;
}

export function renderHtml(s: RunSummary, trendPoints: TrendPoint[]): string {
  const { edges, transitions } = diagramEdges(s);
  const current = trendPoints.find((p) => p.runId === s.runId);
  const requirements = new Map(s.coverage.requirements.items.map((i) => [i.key, i]));
  const drawable = transitions.filter((t) => t.split('->').every((state) => (BROKER_STATES as readonly string[]).includes(state)));
  const drawn = drawable.filter((t) => edges.get(t)?.covered).length;
  const banner = mutationBanner(s.localBroker?.mutations);
  const incomplete = s.incomplete
    ? `<div class="incomplete"><h3>The run did not finish</h3><ul>${s.incomplete.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>${
        s.incomplete.testsNotEnded.length ? `<p>Started, never ended:</p><ul>${s.incomplete.testsNotEnded.map((t) => `<li>${esc(t.title)}</li>`).join('')}</ul>` : ''
      }${s.incomplete.testsNotRun.length ? `<p>Never ran:</p><ul>${s.incomplete.testsNotRun.map((t) => `<li>${esc(t.title)}</li>`).join('')}</ul>` : ''}</div>`
    : '';
  const checksRows = s.checks.map(
    (c) => `<tr data-verdict="${esc(c.verdict)}"><td>${badge(c.verdict)}</td><td><code>${esc(c.requirement)}</code></td><td>${esc(c.kind)}</td><td>${esc(c.name)}</td><td>${esc(c.message)}</td></tr>`,
  );
  const findings = s.contractFindings.map(
    (f) => `<tr><td>${esc(f.contract)}</td><td>${esc(f.severity)}</td><td><code>${esc(f.id)}</code></td><td><code>${esc(f.line !== undefined ? `line ${f.line}:${f.column}` : f.pointer || '/')}</code></td><td>${esc(f.message)}</td></tr>`,
  );
  const tts = s.timeToState.map((t) => `<tr><td><code>${esc(t.transition)}</code></td><td>${t.count}</td><td>${t.p50Ms}</td><td>${t.p95Ms}</td></tr>`);
  const failing = s.checks.filter((c) => isFailing(c.verdict)).length;
  const scope = `${s.tests.started} tests · ${s.checks.length} checks (${s.counts.PASS} passed${failing ? `, ${failing} failed` : ''}) against <code>${esc(s.brokerBaseUrl ?? 'unknown Broker')}</code>`;

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${esc(s.verdict)} · ${esc(s.environment)} · Broker conformance ${esc(s.runId)}</title><style>${BASE_CSS}</style></head>
<body>
<header>${banner ? `<div id="mutation-banner" class="incomplete" role="alert"><b>${esc(banner)}</b></div>` : ''}<div id="verdict" class="verdict ${esc(s.verdict)}">${esc(s.verdict)}</div>
<h1>Broker conformance · <span id="environment">${esc(s.environment)}</span></h1>
<p class="scope" id="scope">${scope}</p>
<p class="muted">run <code>${esc(s.runId)}</code> · ${esc(s.startedAt ?? '?')} → ${esc(s.endedAt ?? '?')}${s.durationMs !== null ? ` (${(s.durationMs / 1000).toFixed(1)} s)` : ''} · contracts: ${s.contracts.map((c) => `<b>${esc(c.name)}</b> <code title="${esc(c.source)}">${esc(c.sha256.slice(0, 12))}</code> (${c.findings.error} errors, ${c.findings.warning} warnings)`).join(' · ') || 'none'}</p>
${current && (current.newFailures.length || current.newPasses.length) ? `<p id="since">Since the previous run: ${[current.newFailures.length ? `<span class="new">${current.newFailures.length} new failures</span>` : '', current.newPasses.length ? `<span class="fixed">${current.newPasses.length} new passes</span>` : ''].filter(Boolean).join(' ')}</p>` : ''}
${glance(s)}${s.counts.KNOWN_DEFECT ? `<p id="known-defect-note"><span class="known">${s.counts.KNOWN_DEFECT} checks fail on known Broker defects</span> <a href="#known-defects">see Known Broker defects</a></p>` : ''}${incomplete}</header>
${failuresSection(s, requirements)}
${knownDefectsSection(s)}
${otherChecksSection(s)}
<h2 id="transitions">State transitions</h2>
<p class="muted" id="diagram-note">${drawn} of ${drawable.length} drawn edges exercised. Exercised edges are solid (green: passed, red: a failing verdict), the others dashed; several triggers can share one edge, and recipient-status and self transitions are only in the table. Total from: ${esc(s.coverage.transitions.source)}.</p>
${stateDiagramSvg(transitions, edges)}
<h2 id="coverage">Coverage</h2>
${coverageTable('transitions-table', 'Transitions', s.coverage.transitions, 'transition')}
${coverageTable('cells-table', 'Illegal cells', s.coverage.illegalCells, 'cell (state|operation|actor)')}
${requirementsTable(s.coverage.requirements)}
${s.coverage.variants ? coverageTable('variants-table', 'Transition variants (upload road, scan mode)', s.coverage.variants, 'transition{variant}') : ''}
${s.coverage.events ? coverageTable('events-table', 'Events per transition', s.coverage.events, 'transition') : ''}
${s.coverage.errorCodes ? coverageTable('error-codes-table', 'Broker error codes answered', s.coverage.errorCodes, 'code') : ''}
${operationsTable(s)}
<h2 id="time-to-state">Time to state</h2>${tts.length ? foldTable('tts-table', `${tts.length} transitions timed (p50/p95)`, ['transition', 'n', 'p50 ms', 'p95 ms'], tts) : '<p class="muted">no time-to-state measurements in this run</p>'}
<h2 id="findings">Contract findings (${s.contractFindings.length})</h2>${findings.length ? foldTable('findings-table', `${findings.length} findings of the contracts used`, ['contract', 'severity', 'id', 'where', 'message'], findings) : '<p>No contract findings.</p>'}
${servedChangesSection(s.servedContract)}
${trendSection(trendPoints, s.runId)}
<h2 id="checks">All checks (${s.checks.length})</h2>
${foldTable('checks-table', `every check with its verdict and message`, ['verdict', 'requirement', 'kind', 'check', 'message'], checksRows)}
${s.warnings.length ? `<h2>Warnings</h2><ul>${s.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>` : ''}
<footer class="muted"><p>summary.json format ${s.formatVersion} · generated ${esc(s.generatedAt)} · evidence is redacted at the ledger boundary; repros use <code>$TOKEN</code>.</p></footer>
<script>
document.querySelectorAll('input[data-filter]').forEach(function (input) {
  input.addEventListener('input', function () {
    var q = input.value.toLowerCase();
    document.querySelectorAll('#' + input.getAttribute('data-filter') + ' tr').forEach(function (tr, i) {
      if (i === 0) return;
      tr.style.display = !q || tr.textContent.toLowerCase().indexOf(q) >= 0 || (tr.getAttribute('data-verdict') || '').toLowerCase() === q ? '' : 'none';
    });
  });
});
</script>
</body></html>
`;
}
