/**
 * @module Conditions of the robustness suite: how a Broker must answer hostile input (a 4xx, in
 * time, leaving nothing behind) and how races must end (one winner, its bytes, and they stay).
 */
import { compare, condition, fail, pass, skip } from '../condition.ts';

/** One answered (or unanswered) hostile request. */
export interface HostileOutcome {
  name: string;
  /** Null when no answer came (timeout, reset). */
  status: number | null;
  durationMs: number;
  error?: string;
  /** The input is invalid: only a 4xx is right. */
  mustRefuse?: boolean;
}

/** The outcomes of one operation and corpus category (`[nul-in-strings] initialize`). */
export interface HostileGroup {
  label: string;
  outcomes: HostileOutcome[];
  boundMs: number;
}

const LISTED = 8;
const listed = (xs: string[]) => `${xs.slice(0, LISTED).join('; ')}${xs.length > LISTED ? `; … ${xs.length - LISTED} more` : ''}`;

/** ROB-001: no answer is a 5xx. */
export const NoServerErrorForClientInput = condition<HostileGroup>('NoServerErrorForClientInput', 'ROB-001', 'robustness', (g) => {
  const bad = g.outcomes.filter((o) => o.status !== null && o.status >= 500);
  const what = `${g.label}: ${bad.length} of ${g.outcomes.length} answered 5xx`;
  return bad.length === 0 ? pass(what, 'no 5xx', 'no 5xx') : fail(`${what}: ${listed(bad.map((o) => `${o.name} → ${o.status}`))}`, 'a 4xx for client input', bad.map((o) => ({ case: o.name, status: o.status })));
});

/** ROB-002: every request is answered, within the bound. */
export const AnswersWithinBound = condition<HostileGroup>('AnswersWithinBound', 'ROB-002', 'robustness', (g) => {
  const late = g.outcomes.filter((o) => o.status === null || o.durationMs > g.boundMs);
  const slowest = Math.max(0, ...g.outcomes.map((o) => o.durationMs));
  const what = `${g.label}: ${late.length} of ${g.outcomes.length} unanswered or slower than ${g.boundMs} ms (slowest ${Math.round(slowest)} ms)`;
  return late.length === 0
    ? pass(what, `≤ ${g.boundMs} ms`, `${Math.round(slowest)} ms`)
    : fail(`${what}: ${listed(late.map((o) => `${o.name} → ${o.status === null ? `no answer (${o.error ?? 'none'})` : `${Math.round(o.durationMs)} ms`}`))}`, `every answer within ${g.boundMs} ms`, late.map((o) => ({ case: o.name, status: o.status, ms: Math.round(o.durationMs), error: o.error })));
});

/** ROB-004: invalid input is refused with a 4xx (a 5xx is ROB-001's; an acceptance is this one's). */
export const InvalidInputIsRefused = condition<HostileGroup>('InvalidInputIsRefused', 'ROB-004', 'robustness', (g) => {
  const relevant = g.outcomes.filter((o) => o.mustRefuse && o.status !== null);
  if (relevant.length === 0) return skip(`${g.label}: no answered case of invalid input`);
  const accepted = relevant.filter((o) => o.status! < 400);
  const what = `${g.label}: ${accepted.length} of ${relevant.length} invalid inputs accepted`;
  return accepted.length === 0 ? pass(what, '4xx', '4xx') : fail(`${what}: ${listed(accepted.map((o) => `${o.name} → ${o.status}`))}`, 'a 4xx', accepted.map((o) => ({ case: o.name, status: o.status })));
});

export interface Leftovers {
  /** Refused requests that would have created a transfer had they been accepted. */
  refused: number;
  /** Transfers found after them that no accepted request created, and why each counts. */
  found: { id: string; why: string }[];
  /** The search that looked, by whom. */
  searchedAs: string[];
}

/** ROB-003: refused requests leave no transfer visible in search or GET. */
export const RefusedRequestLeavesNothingBehind = condition<Leftovers>('RefusedRequestLeavesNothingBehind', 'ROB-003', 'robustness', (l) => {
  if (l.refused === 0) return skip('no request that would create a transfer was refused');
  const what = `after ${l.refused} refused creating requests, searched as ${l.searchedAs.join(' and ')}`;
  return l.found.length === 0
    ? pass(`${what}: nothing left behind`, [], [])
    : fail(`${what}: ${l.found.length} half-created transfer(s) left behind: ${listed(l.found.map((f) => `${f.id} (${f.why})`))}`, [], l.found);
});

export interface UploadRace {
  statuses: number[];
}

/** ROB-005: exactly one 200; every other a 4xx. */
export const ExactlyOneUploadWins = condition<UploadRace>('ExactlyOneUploadWins', 'ROB-005', 'robustness', (r) => {
  const winners = r.statuses.filter((s) => s >= 200 && s < 300).length;
  const others = r.statuses.filter((s) => s < 200 || s >= 300);
  return compare(`${r.statuses.length} concurrent uploads`, {
    winners: { expected: 1, actual: winners },
    losersRefusedWith4xx: { expected: true, actual: others.every((s) => s >= 400 && s < 500) },
    statuses: { expected: 'one 2xx, the rest 4xx', actual: tally(r.statuses), ok: true },
  });
});

export interface RaceBytes {
  /** MD5 of each 2xx upload's payload. */
  winnerMd5s: string[];
  downloadStatus: number;
  downloadedMd5: string;
}

/** ROB-006: the bytes a recipient downloads are the winner's. */
export const PublishedBytesAreTheWinners = condition<RaceBytes>('PublishedBytesAreTheWinners', 'ROB-006', 'robustness', (r) => {
  if (r.winnerMd5s.length !== 1) return fail(`no single winner to compare with (${r.winnerMd5s.length} uploads answered 2xx)`, 1, r.winnerMd5s.length);
  return compare('download after the race', { status: { expected: 200, actual: r.downloadStatus }, md5: { expected: r.winnerMd5s[0], actual: r.downloadedMd5 } });
});

export interface StaysPublished {
  /** Status right after the winner answered. */
  afterWinner: string | undefined;
  /** Status after every racing request answered. */
  afterAll: string | undefined;
}

/** ROB-007: a transfer Published by the winner is still Published when the losers are done. */
export const PublishedTransferStaysPublished = condition<StaysPublished>('PublishedTransferStaysPublished', 'ROB-007', 'robustness', (s) =>
  compare('transfer status after the race', { afterAll: { expected: s.afterWinner, actual: s.afterAll, ok: s.afterAll === s.afterWinner || (s.afterWinner === 'UploadProcessing' && s.afterAll === 'Published') } }),
);

export interface ConfirmRace {
  statuses: number[];
  finalStatus: string | undefined;
  allConfirmedEntries: number;
  /** DownloadConfirmed entries per recipient org. */
  confirmedPerRecipient: Record<string, number>;
}

/** ROB-008: concurrent confirms converge on one consistent state. */
export const ConcurrentConfirmsConverge = condition<ConfirmRace>('ConcurrentConfirmsConverge', 'ROB-008', 'robustness', (r) =>
  compare(`${r.statuses.length} concurrent confirms`, {
    no5xx: { expected: true, actual: r.statuses.every((s) => s < 500) },
    finalStatus: { expected: 'AllConfirmedDownloaded', actual: r.finalStatus },
    allConfirmedEntries: { expected: 1, actual: r.allConfirmedEntries },
    confirmedPerRecipient: { expected: Object.fromEntries(Object.keys(r.confirmedPerRecipient).map((k) => [k, 1])), actual: r.confirmedPerRecipient },
    statuses: { expected: '204s, the rest 400 code 10', actual: tally(r.statuses), ok: true },
  }),
);

export interface TusRace {
  statuses: number[];
  finalStatus: string | undefined;
  downloadedMd5: string;
  payloadMd5: string;
}

/** ROB-009: concurrent PATCHes of the same bytes: no 5xx, and the transfer publishes exactly those bytes. */
export const ConcurrentTusPatchesStayConsistent = condition<TusRace>('ConcurrentTusPatchesStayConsistent', 'ROB-009', 'robustness', (r) =>
  compare(`${r.statuses.length} concurrent TUS PATCHes`, {
    no5xx: { expected: true, actual: r.statuses.every((s) => s < 500) },
    applied: { expected: 'at least one 204', actual: tally(r.statuses), ok: r.statuses.some((s) => s === 204) },
    finalStatus: { expected: 'Published', actual: r.finalStatus },
    md5: { expected: r.payloadMd5, actual: r.downloadedMd5 },
  }),
);

function tally(statuses: number[]): string {
  const counts = new Map<number, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a - b).map(([s, n]) => `${n}×${s}`).join(', ');
}
