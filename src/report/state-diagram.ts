/**
 * @module The Broker's file-transfer state machine as we draw it: the reference
 * list of transitions used for coverage totals when the oracle has none, and the SVG diagram with
 * covered edges marked.
 */
import type { Verdict } from '../contract/index.ts';
import { isFailing } from './model.ts';

export const BROKER_STATES = ['Initialized', 'UploadStarted', 'UploadProcessing', 'Published', 'AllConfirmedDownloaded', 'Purged', 'Failed', 'Cancelled'] as const;

/** The Broker's file-transfer transitions, as `From->To` keys (the form verdict entries use). Cancelled is unreachable. */
export const REFERENCE_TRANSITIONS: string[] = [
  'Initialized->UploadStarted',
  'UploadStarted->UploadProcessing',
  'UploadStarted->Published',
  'UploadProcessing->Published',
  'UploadProcessing->Failed',
  'UploadStarted->Failed',
  'Published->AllConfirmedDownloaded',
  'AllConfirmedDownloaded->Purged',
  'Initialized->Purged',
  'UploadStarted->Purged',
  'UploadProcessing->Purged',
  'Published->Purged',
  'Failed->Purged',
];

const BOX = { w: 178, h: 38 };
const POSITION: Record<string, { x: number; y: number }> = {
  Initialized: { x: 100, y: 60 },
  UploadStarted: { x: 300, y: 60 },
  UploadProcessing: { x: 500, y: 60 },
  Published: { x: 700, y: 60 },
  AllConfirmedDownloaded: { x: 910, y: 60 },
  Failed: { x: 400, y: 210 },
  Purged: { x: 800, y: 300 },
  Cancelled: { x: 100, y: 300 },
};
/** Edges that would cross a box when drawn straight get a bend (perpendicular offset of the control point). */
const BEND: Record<string, number> = { 'UploadStarted->Published': -70, 'Initialized->Purged': -45, 'UploadStarted->Purged': 40, 'Published->Purged': -20 };

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function clip(from: { x: number; y: number }, to: { x: number; y: number }): { x: number; y: number } {
  // Point where the segment from the centre `from` towards `to` leaves the box around `from`.
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const sx = dx === 0 ? Infinity : BOX.w / 2 / Math.abs(dx);
  const sy = dy === 0 ? Infinity : BOX.h / 2 / Math.abs(dy);
  const s = Math.min(sx, sy);
  return { x: from.x + dx * s, y: from.y + dy * s };
}

export interface EdgeState {
  covered: boolean;
  verdict?: Verdict;
}

/** The state diagram as inline SVG; each edge carries `data-transition` and `data-covered`. */
export function stateDiagramSvg(transitions: string[], edges: Map<string, EdgeState>): string {
  const parts: string[] = [];
  const known = transitions.filter((t) => {
    const [a, b] = t.split('->');
    return a && b && POSITION[a] && POSITION[b];
  });
  for (const t of known) {
    const [a, b] = t.split('->') as [string, string];
    const p = POSITION[a]!;
    const q = POSITION[b]!;
    const bend = BEND[t] ?? 0;
    const mx = (p.x + q.x) / 2;
    const my = (p.y + q.y) / 2;
    const len = Math.hypot(q.x - p.x, q.y - p.y) || 1;
    const c = { x: mx + (-(q.y - p.y) / len) * bend, y: my + ((q.x - p.x) / len) * bend };
    const start = clip(p, bend ? c : q);
    const end = clip(q, bend ? c : p);
    const state = edges.get(t);
    const cls = !state?.covered ? 'edge uncovered' : isFailing(state.verdict) ? 'edge failed' : state.verdict === 'WARN' ? 'edge warned' : 'edge covered';
    const marker = !state?.covered ? 'arrow-grey' : isFailing(state.verdict) ? 'arrow-red' : 'arrow-green';
    const d = bend ? `M${start.x.toFixed(1)},${start.y.toFixed(1)} Q${c.x.toFixed(1)},${c.y.toFixed(1)} ${end.x.toFixed(1)},${end.y.toFixed(1)}` : `M${start.x.toFixed(1)},${start.y.toFixed(1)} L${end.x.toFixed(1)},${end.y.toFixed(1)}`;
    parts.push(
      `<path class="${cls}" d="${d}" marker-end="url(#${marker})" data-transition="${esc(t)}" data-covered="${state?.covered ? 'true' : 'false'}"><title>${esc(t)}: ${state?.covered ? `covered (${state.verdict ?? 'seen'})` : 'not covered'}</title></path>`,
    );
  }
  for (const s of BROKER_STATES) {
    const p = POSITION[s]!;
    const unreachable = s === 'Cancelled';
    parts.push(
      `<g class="state${unreachable ? ' unreachable' : ''}" data-state="${s}"><rect x="${p.x - BOX.w / 2}" y="${p.y - BOX.h / 2}" width="${BOX.w}" height="${BOX.h}" rx="8"/><text x="${p.x}" y="${p.y + 5}" text-anchor="middle">${s}</text>${unreachable ? `<title>Cancelled: no code path produces it</title>` : ''}</g>`,
    );
  }
  const markers = [
    ['arrow-grey', '#9aa3ad'],
    ['arrow-green', '#1a7f37'],
    ['arrow-red', '#cf222e'],
  ]
    .map(([id, colour]) => `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${colour}"/></marker>`)
    .join('');
  return `<svg id="state-diagram" role="img" aria-label="Broker file transfer state diagram" viewBox="0 0 1010 340" xmlns="http://www.w3.org/2000/svg"><defs>${markers}</defs>${parts.join('')}</svg>`;
}
