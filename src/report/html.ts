/**
 * @module The run's `index.html`: one self-contained page (inline CSS, JS and SVG; no network) with
 * the verdict first, then failures with redacted evidence and a curl repro each, the state diagram
 * with covered transitions, coverage tables, contract findings, time-to-state and the trend.
 */
import type { Verdict } from '../contract/index.ts';
import { curlFor } from './curl.ts';
import type { TrendPoint } from './history.ts';
import { isFailing, worst, type CheckSummary, type CoverageBlock, type ExchangeEvidence, type RunSummary } from './model.ts';
import { REFERENCE_TRANSITIONS, stateDiagramSvg, type EdgeState } from './state-diagram.ts';

export const esc = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const badge = (v: string) => `<span class="v v-${esc(v)}">${esc(v)}</span>`;

export const BASE_CSS = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--pass:#1a7f37;--fail:#cf222e;--warn:#9a6700;--skip:#59636e;--bg2:#f6f8fa}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:var(--fg);margin:0 auto;max-width:1180px;padding:16px 24px 64px}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:15px;margin:14px 0 6px}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}th{background:var(--bg2)}
code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}pre{background:var(--bg2);padding:8px;overflow:auto;white-space:pre-wrap;word-break:break-all;border-radius:6px;margin:4px 0}
.v{display:inline-block;padding:0 6px;border-radius:10px;font-weight:600;font-size:12px;color:#fff;background:var(--skip)}
.v-PASS{background:var(--pass)}.v-FAIL,.v-ERROR{background:var(--fail)}.v-WARN,.v-INCOMPLETE{background:var(--warn)}.v-INFO{background:#0969da}
.verdict{font-size:34px;font-weight:800;padding:10px 18px;border-radius:10px;color:#fff;display:inline-block}
.verdict.PASS{background:var(--pass)}.verdict.FAIL{background:var(--fail)}.verdict.INCOMPLETE{background:var(--warn)}
.muted{color:var(--muted)}.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px;margin:10px 0}
.card{border:1px solid var(--line);border-radius:8px;padding:8px}.card b{display:block;font-size:20px}
details.failure{border:1px solid var(--line);border-left:4px solid var(--fail);border-radius:6px;margin:8px 0;padding:6px 10px}details.failure.WARN{border-left-color:var(--warn)}
summary{cursor:pointer}.new{background:#ffebe9;color:var(--fail);font-weight:700;padding:0 4px;border-radius:4px}.fixed{background:#dafbe1;color:var(--pass);font-weight:700;padding:0 4px;border-radius:4px}
#state-diagram{width:100%;max-width:1010px;height:auto;border:1px solid var(--line);border-radius:8px;background:#fff}
.state rect{fill:#eef6ff;stroke:#0969da;stroke-width:1.5}.state text{font:12.5px system-ui,sans-serif;fill:#1f2328}.state.unreachable rect{fill:#f6f8fa;stroke:#9aa3ad;stroke-dasharray:4 3}
.edge{fill:none;stroke-width:2}.edge.uncovered{stroke:#9aa3ad;stroke-dasharray:5 4}.edge.covered{stroke:var(--pass);stroke-width:3.5}.edge.failed{stroke:var(--fail);stroke-width:3.5}.edge.warned{stroke:var(--warn);stroke-width:3.5}
input[type=search]{padding:4px 8px;width:320px;border:1px solid var(--line);border-radius:6px}
`;

function evidenceBlock(x: ExchangeEvidence): string {
  const headers = (h: Record<string, string>) => Object.entries(h).map(([k, v]) => `${k}: ${v}`).join('\n');
  const req = `${x.request.method} ${x.request.url}\n${headers(x.request.headers)}${x.request.bodyExcerpt ? `\n\n${x.request.bodyExcerpt}` : x.request.bodyBytes ? `\n\n(${x.request.bodyBytes} bytes, not recorded)` : ''}`;
  const res = x.response
    ? `HTTP ${x.response.status}\n${headers(x.response.headers)}${x.response.bodyExcerpt ? `\n\n${x.response.bodyExcerpt}` : x.response.bodyBytes ? `\n\n(${x.response.bodyBytes} bytes, not recorded)` : ''}`
    : `no response: ${x.error?.kind ?? 'unknown'} ${x.error?.message ?? ''}`;
  return `<div class="evidence" data-exchange="${esc(x.id)}"><h3>${esc(x.operationId)} as ${esc(x.actor)} <span class="muted">exchange ${esc(x.id)} · ${esc(x.durationMs)} ms</span></h3>
<div class="muted">request</div><pre class="request">${esc(req)}</pre>
<div class="muted">response</div><pre class="response">${esc(res)}</pre>
<div class="muted">repro</div><pre class="curl">${esc(curlFor(x))}</pre></div>`;
}

function failuresSection(s: RunSummary): string {
  const bad = s.checks.filter((c) => isFailing(c.verdict) || c.verdict === 'WARN').sort((a, b) => Number(isFailing(b.verdict)) - Number(isFailing(a.verdict)));
  if (bad.length === 0) return `<h2 id="failures">Failures</h2><p>No failing or warning checks.</p>`;
  const item = (c: CheckSummary, i: number) => {
    const ev = c.exchangeIds.map((id) => s.evidence[id]).filter((x): x is ExchangeEvidence => !!x);
    return `<details class="failure ${esc(c.verdict)}"${i < 10 && isFailing(c.verdict) ? ' open' : ''} data-check="${esc(c.key)}"><summary>${badge(c.verdict)} <b>${esc(c.requirement)}</b> ${esc(c.name)}${c.contract ? ` <span class="muted">(${esc(c.contract)} contract)</span>` : ''}</summary>
<p class="message">${esc(c.message)}</p><p class="muted">evidence: ${c.testIds.map((t) => `test <code>${esc(t)}</code>`).join(', ')}${c.exchangeIds.length ? ` · exchanges ${c.exchangeIds.map((e) => `<code>${esc(e)}</code>`).join(', ')}` : ''}${c.occurrences > 1 ? ` · ${c.occurrences} occurrences` : ''}</p>
${ev.length ? ev.map(evidenceBlock).join('') : '<p class="muted">no exchange recorded for this check</p>'}</details>`;
  };
  return `<h2 id="failures">Failures and warnings (${bad.length})</h2>${bad.map(item).join('')}`;
}

function coverageTable(title: string, b: CoverageBlock, what: string): string {
  const head = `<h3>${esc(title)}: ${b.covered}${b.total !== null ? ` / ${b.total} (${b.percent ?? 0}%)` : ' observed'} <span class="muted">total from: ${esc(b.source)}</span></h3>`;
  if (b.items.length === 0) return `${head}<p class="muted">no ${esc(what)} recorded in this run</p>`;
  return `${head}<table><tr><th>${esc(what)}</th><th>covered</th><th>verdict</th></tr>${b.items.map((i) => `<tr><td><code>${esc(i.key)}</code></td><td>${i.covered ? 'yes' : '<span class="muted">no</span>'}</td><td>${i.verdict ? badge(i.verdict) : i.reason ? `<span class="muted">${esc(i.reason)}</span>` : ''}</td></tr>`).join('')}</table>`;
}

function operationsTable(s: RunSummary): string {
  const o = s.coverage.operations;
  const rows = o.items
    .map((i) => {
      const seen = Object.entries(i.seen).map(([st, n]) => `${i.undeclaredSeen.includes(Number(st)) ? `<span class="new" title="not declared">${st}</span>` : st}×${n}`).join(' ');
      const declared = i.declared.map((d) => (i.declaredSeen.includes(d) ? `<b>${esc(d)}</b>` : `<span class="muted">${esc(d)}</span>`)).join(' ');
      return `<tr><td><code>${esc(i.operationId)}</code></td><td>${esc(i.method)} <code>${esc(i.path)}</code></td><td>${declared}</td><td>${seen || '<span class="muted">—</span>'}</td></tr>`;
    })
    .join('');
  return `<h3>Operations × status codes: ${o.statusCodes.covered} / ${o.statusCodes.total} declared responses seen${o.statusCodes.percent !== null ? ` (${o.statusCodes.percent}%)` : ''} <span class="muted">declared in: ${esc(o.contract ?? 'no reference contract')}</span></h3>
<table><tr><th>operation</th><th>route</th><th>declared (<b>seen</b>)</th><th>seen × count</th></tr>${rows}</table>`;
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
    )
    .join('');
  return `<section id="trend"><h2>Trend (last ${points.length} runs)</h2><svg id="trend-chart" viewBox="0 0 ${points.length * w + 8} 94" width="${points.length * w + 8}" height="94" role="img" aria-label="passes and failures per run">${bars}</svg>
<table><tr><th>run</th><th>verdict</th><th>pass</th><th>fail</th><th>warn</th><th>new failures</th><th>new passes</th></tr>${rows}</table></section>`;
}

/**
 * Folds coverage items onto the diagram's `From->To` edges: the oracle's keys carry a trigger
 * (`UploadStarted->Published[upload-no-scan]`), several triggers share one edge; recipient-status
 * and self transitions are in the tables, not on the diagram.
 */
export function diagramEdges(s: RunSummary): { edges: Map<string, EdgeState>; transitions: string[] } {
  const edges = new Map<string, EdgeState>();
  const transitions = [...REFERENCE_TRANSITIONS];
  for (const i of s.coverage.transitions.items) {
    const base = i.key.replace(/\[[^\]]*\]$/, '');
    const [from, to] = base.split('->');
    if (!from || !to || from === to || base.includes(':')) continue;
    if (!transitions.includes(base)) transitions.push(base);
    const prev = edges.get(base);
    const covered = (prev?.covered ?? false) || i.covered;
    const verdicts = [prev?.verdict, i.verdict as Verdict | undefined].filter((v): v is Verdict => !!v);
    const verdict = verdicts.length ? verdicts.reduce((a, b) => worst(a, b)) : undefined;
    edges.set(base, { covered, ...(verdict ? { verdict } : {}) });
  }
  return { edges, transitions };
}

export function renderHtml(s: RunSummary, trendPoints: TrendPoint[]): string {
  const { edges, transitions } = diagramEdges(s);
  const current = trendPoints.find((p) => p.runId === s.runId);
  const cards = [
    ['checks passed', s.counts.PASS],
    ['checks failed', s.counts.FAIL + s.counts.ERROR],
    ['warnings', s.counts.WARN],
    ['skipped', s.counts.SKIP],
    ['tests', `${s.tests.passed}/${s.tests.started}`],
    ['transitions', `${s.coverage.transitions.covered}/${s.coverage.transitions.total ?? '?'}`],
  ]
    .map(([k, v]) => `<div class="card"><span class="muted">${esc(k)}</span><b>${esc(v)}</b></div>`)
    .join('');
  const incomplete = s.incomplete
    ? `<div class="incomplete"><h3>The run did not finish</h3><ul>${s.incomplete.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>${
        s.incomplete.testsNotEnded.length ? `<p>Started, never ended:</p><ul>${s.incomplete.testsNotEnded.map((t) => `<li>${esc(t.title)}</li>`).join('')}</ul>` : ''
      }${s.incomplete.testsNotRun.length ? `<p>Never ran:</p><ul>${s.incomplete.testsNotRun.map((t) => `<li>${esc(t.title)}</li>`).join('')}</ul>` : ''}</div>`
    : '';
  const checksRows = s.checks
    .map((c) => `<tr data-verdict="${esc(c.verdict)}"><td>${badge(c.verdict)}</td><td><code>${esc(c.requirement)}</code></td><td>${esc(c.kind)}</td><td>${esc(c.name)}</td><td>${esc(c.message)}</td></tr>`)
    .join('');
  const findings = s.contractFindings.length
    ? `<table><tr><th>contract</th><th>severity</th><th>id</th><th>where</th><th>message</th></tr>${s.contractFindings.map((f) => `<tr><td>${esc(f.contract)}</td><td>${esc(f.severity)}</td><td><code>${esc(f.id)}</code></td><td><code>${esc(f.line !== undefined ? `line ${f.line}:${f.column}` : f.pointer || '/')}</code></td><td>${esc(f.message)}</td></tr>`).join('')}</table>`
    : '<p>No contract findings.</p>';
  const tts = s.timeToState.length
    ? `<table><tr><th>transition</th><th>n</th><th>p50 ms</th><th>p95 ms</th></tr>${s.timeToState.map((t) => `<tr><td><code>${esc(t.transition)}</code></td><td>${t.count}</td><td>${t.p50Ms}</td><td>${t.p95Ms}</td></tr>`).join('')}</table>`
    : '<p class="muted">no time-to-state measurements in this run</p>';

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${esc(s.verdict)} · ${esc(s.environment)} · Broker conformance ${esc(s.runId)}</title><style>${BASE_CSS}</style></head>
<body>
<header><div id="verdict" class="verdict ${esc(s.verdict)}">${esc(s.verdict)}</div>
<h1>Broker conformance · <span id="environment">${esc(s.environment)}</span></h1>
<p class="muted">run <code>${esc(s.runId)}</code> · Broker <code>${esc(s.brokerBaseUrl ?? 'unknown')}</code> · ${esc(s.startedAt ?? '?')} → ${esc(s.endedAt ?? '?')}${s.durationMs !== null ? ` (${(s.durationMs / 1000).toFixed(1)} s)` : ''}</p>
<p class="muted">contracts: ${s.contracts.map((c) => `<b>${esc(c.name)}</b> <code title="${esc(c.source)}">${esc(c.sha256.slice(0, 12))}</code> (${c.findings.error} errors, ${c.findings.warning} warnings)`).join(' · ') || 'none'}</p>
${current && (current.newFailures.length || current.newPasses.length) ? `<p>Since the previous run: <span class="new">${current.newFailures.length} new failures</span> <span class="fixed">${current.newPasses.length} new passes</span></p>` : ''}
<div class="grid">${cards}</div>${incomplete}</header>
${failuresSection(s)}
<h2 id="transitions">State transitions</h2>
<p class="muted">Covered edges are solid (green: passed, red: a failing verdict); dashed edges were not exercised. Total from: ${esc(s.coverage.transitions.source)}.</p>
${stateDiagramSvg(transitions, edges)}
<h2 id="coverage">Coverage</h2>
${coverageTable('Transitions', s.coverage.transitions, 'transition')}
${coverageTable('Illegal cells', s.coverage.illegalCells, 'cell (state|operation|actor)')}
${coverageTable('Requirements', s.coverage.requirements, 'requirement')}
${s.coverage.variants ? coverageTable('Transition variants (upload road, scan mode)', s.coverage.variants, 'transition{variant}') : ''}
${s.coverage.events ? coverageTable('Events per transition', s.coverage.events, 'transition') : ''}
${s.coverage.errorCodes ? coverageTable('Broker error codes answered', s.coverage.errorCodes, 'code') : ''}
${operationsTable(s)}
<h2 id="time-to-state">Time to state</h2>${tts}
<h2 id="findings">Contract findings (${s.contractFindings.length})</h2>${findings}
${trendSection(trendPoints, s.runId)}
<h2 id="checks">All checks (${s.checks.length})</h2>
<p><input type="search" id="filter" placeholder="filter checks (text or verdict)" aria-label="filter checks"></p>
<table id="checks-table"><tr><th>verdict</th><th>requirement</th><th>kind</th><th>check</th><th>message</th></tr>${checksRows}</table>
${s.warnings.length ? `<h2>Warnings</h2><ul>${s.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>` : ''}
<footer class="muted"><p>summary.json format ${s.formatVersion} · generated ${esc(s.generatedAt)} · evidence is redacted at the ledger boundary; repros use <code>$TOKEN</code>.</p></footer>
<script>
document.getElementById('filter').addEventListener('input', function (e) {
  var q = e.target.value.toLowerCase();
  document.querySelectorAll('#checks-table tr[data-verdict]').forEach(function (tr) {
    tr.style.display = !q || tr.textContent.toLowerCase().indexOf(q) >= 0 ? '' : 'none';
  });
});
</script>
</body></html>
`;
}
