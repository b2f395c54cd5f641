/**
 * @module A contract diff as one self-contained HTML section (its own small style block), used by
 * `contract diff --html` and by the run report for the night-to-night change of a served contract.
 */
import type { ContractChange, ContractDiff } from '../contract/diff.ts';
import { BASE_CSS, esc } from './html.ts';

const SECTION_CSS = `.cdiff .brk{color:#cf222e;font-weight:700}.cdiff .ok{color:#1a7f37}.cdiff .exp{color:#59636e}.cdiff td code{word-break:break-all}`;

function row(c: ContractChange): string {
  const cls = c.explained ? 'exp' : c.breaking ? 'brk' : 'ok';
  const klass = `${c.breaking ? 'breaking' : 'non-breaking'}${c.explained ? ', explained' : ''}`;
  const why = c.explained ? `<br><span class="exp">${esc(c.explained.reason)} <code>${esc(c.explained.citation)}</code></span>` : '';
  return `<tr data-change="${esc(c.id)}" data-breaking="${c.breaking}"><td class="${cls}">${esc(klass)}</td><td><code>${esc(c.id)}</code></td><td>${esc(c.operation)}</td><td>${esc(c.location)}: ${esc(c.message)}${why}</td><td><code>${esc(c.a ?? '—')}</code></td><td><code>${esc(c.b ?? '—')}</code></td></tr>`;
}

/** The section; `title` names what was compared (e.g. "Served contract: changes since the last run"). */
export function contractDiffSection(diff: ContractDiff, title: string, id = 'contract-diff'): string {
  const { counts } = diff;
  const head = `<p>${esc(diff.a)} → ${esc(diff.b)}: <b>${counts.total}</b> differences, <span class="brk">${counts.breaking} breaking</span>${counts.explained ? ` (${counts.unexplainedBreaking} unexplained)` : ''}, ${counts.nonBreaking} not breaking${counts.explained ? `, ${counts.explained} explained` : ''}.</p>`;
  const rows = [...diff.changes].sort((x, y) => Number(y.breaking && !y.explained) - Number(x.breaking && !x.explained)).map(row).join('');
  const table = counts.total === 0 ? '<p>No differences.</p>' : `<table><tr><th>class</th><th>change</th><th>operation</th><th>what</th><th>pointer in a</th><th>pointer in b</th></tr>${rows}</table>`;
  return `<section id="${esc(id)}" class="cdiff"><style>${SECTION_CSS}</style><h2>${esc(title)}</h2>${head}${table}</section>`;
}

/** A whole page holding only the section (for `contract diff --html`). */
export function contractDiffPage(diff: ContractDiff): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>contract diff</title><style>${BASE_CSS}</style></head><body><h1>Contract diff</h1>${contractDiffSection(diff, 'Differences')}</body></html>\n`;
}
