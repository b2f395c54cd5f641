/**
 * @module Conditions on a transfer's observed state: current status and text, the status history a
 * transition must have written, the `published` field, recipients, bytes, and "nothing changed".
 */
import type { FileTransferDetails, FileTransferOverview } from '../../client/models.ts';
import { compare, condition, fail, pass, type Condition } from '../condition.ts';
import { recipientStateText, stateText, type FileTransferState, type RecipientState } from '../states.ts';

/** The overview shows `state` with its default text (or the given detailed text / text prefix). */
export function transferIsIn(state: FileTransferState, requirement = 'LC-STATE-001', text?: { exact?: string; prefix?: string }): Condition<FileTransferOverview | undefined> {
  return condition(`TransferIs${state}`, requirement, '§3.1', (o) => {
    const expectedText = text?.exact ?? text?.prefix ?? stateText(state);
    const actualText = o?.fileTransferStatusText;
    return compare(`transfer ${state}`, {
      fileTransferStatus: { expected: state, actual: o?.fileTransferStatus },
      fileTransferStatusText: { expected: expectedText, actual: actualText, ok: text?.prefix ? !!actualText?.startsWith(text.prefix) : actualText === expectedText },
    });
  });
}

/**
 * The details' status history, taken in time order, is exactly `expected`, each entry with its default
 * text unless it is Failed. The order the Broker lists it in is `StatusHistoryIsChronological`'s concern,
 * so a listing out of order (a known Broker defect) fails that requirement alone.
 */
export function statusHistoryIs(expected: FileTransferState[], requirement: string): Condition<FileTransferDetails | undefined> {
  return condition('StatusHistoryIsAsDocumented', requirement, '§3.2, §2.6', (d) => {
    const history = inTimeOrder(d?.fileTransferStatusHistory ?? [], (h) => h.fileTransferStatusChanged);
    const texts = history.filter((h) => h.fileTransferStatus !== 'Failed').every((h) => h.fileTransferStatusText === stateText(h.fileTransferStatus));
    return compare('status history', {
      statuses: { expected, actual: history.map((h) => h.fileTransferStatus) },
      defaultTexts: { expected: true, actual: texts },
    });
  });
}

/** Sorted by the time field (stable: entries with the same time keep the Broker's order). */
function inTimeOrder<T>(list: readonly T[], time: (x: T) => string): T[] {
  return list.map((x, i) => ({ x, i, t: Date.parse(time(x)) })).sort((a, b) => a.t - b.t || a.i - b.i).map((e) => e.x);
}

/** Both histories of the details are listed oldest first. */
export const StatusHistoryIsChronological = condition<FileTransferDetails | undefined>('StatusHistoryIsChronological', 'LC-HISTORY-001', '§2.6', (d) => {
  if (!d) return fail('no details body', 'details', undefined);
  const times = (list: readonly { at: string }[]) => list.map((e) => e.at);
  const sorted = (xs: string[]) => xs.every((x, i) => i === 0 || Date.parse(xs[i - 1]!) <= Date.parse(x));
  const transfer = times(d.fileTransferStatusHistory.map((h) => ({ at: h.fileTransferStatusChanged })));
  const recipients = times((d.recipientFileTransferStatusHistory ?? []).map((h) => ({ at: h.recipientFileTransferStatusChanged })));
  return compare('history order', {
    fileTransferStatusHistory: { expected: 'oldest first', actual: sorted(transfer) ? 'oldest first' : transfer, ok: sorted(transfer) },
    recipientFileTransferStatusHistory: { expected: 'oldest first', actual: sorted(recipients) ? 'oldest first' : recipients, ok: sorted(recipients) },
  });
});

/** `published` is null before publishing, else equal to the (only) Published entry's time. */
export const PublishedFieldMatchesHistory = condition<FileTransferDetails | undefined>('PublishedFieldMatchesHistory', 'LC-PUBLISH-004', '§2.5, §2.6', (d) => {
  if (!d) return fail('no details body', 'details', undefined);
  const entry = d.fileTransferStatusHistory.find((h) => h.fileTransferStatus === 'Published');
  const has = Object.prototype.hasOwnProperty.call(d, 'published');
  return compare('published field', {
    present: { expected: true, actual: has },
    published: { expected: entry ? entry.fileTransferStatusChanged : null, actual: has ? d.published : '(absent)', ok: has && (entry ? !!d.published && Date.parse(d.published) === Date.parse(entry.fileTransferStatusChanged) : d.published === null) },
  });
});

export const NoSecondPublishedEntry = condition<FileTransferDetails | undefined>('NoSecondPublishedEntry', 'LC-PUBLISH-005', '§3.2', (d) => {
  const n = (d?.fileTransferStatusHistory ?? []).filter((h) => h.fileTransferStatus === 'Published').length;
  return n <= 1 ? pass('at most one Published entry', '≤ 1', n) : fail('more than one Published history entry', '≤ 1', n);
});

/** Each recipient listed once as `0192:<orgno>` with the given current (maximum) status and its text. */
export function recipientsAre(expected: Record<string, RecipientState>, requirement = 'LC-STATE-002'): Condition<FileTransferOverview | undefined> {
  return condition('RecipientsListedWithHighestStatus', requirement, '§2.5', (o) => {
    const actual = Object.fromEntries((o?.recipients ?? []).map((r) => [r.recipient, `${r.currentRecipientFileTransferStatusCode} / ${r.currentRecipientFileTransferStatusText}`]));
    const want = Object.fromEntries(Object.entries(expected).map(([org, s]) => [org, `${s} / ${recipientStateText(s)}`]));
    return compare('recipients', { recipients: { expected: want, actual, ok: JSON.stringify(Object.entries(want).sort()) === JSON.stringify(Object.entries(actual).sort()) } });
  });
}

/** The recipient history of `org` holds exactly `count` entries with `status`. */
export function recipientEntries(org: string, status: RecipientState, count: number, requirement: string): Condition<FileTransferDetails | undefined> {
  return condition(`Recipient${status}EntriesCounted`, requirement, '§2.6, §7.2', (d) => {
    const n = (d?.recipientFileTransferStatusHistory ?? []).filter((h) => h.recipient === org && h.recipientFileTransferStatusCode === status).length;
    return compare(`${status} entries of ${org}`, { count: { expected: count, actual: n } });
  });
}

export const DownloadedBytesAreIdentical = condition<{ expectedMd5: string; actualMd5: string; expectedBytes: number; actualBytes: number; exchangeId?: string }>(
  'DownloadedBytesAreIdentical', 'LC-MD5-001', '§7.2',
  (x) => compare('downloaded bytes', { md5: { expected: x.expectedMd5, actual: x.actualMd5 }, bytes: { expected: x.expectedBytes, actual: x.actualBytes } }),
);

/**
 * A refused call left the histories as they were (as sets of entries: their listing order is
 * LC-HISTORY-001's concern). A details body without a history is a FAIL naming what is missing, never a TypeError.
 */
export const RefusalChangedNothing = condition<{ before: FileTransferDetails | undefined; after: FileTransferDetails | undefined }>(
  'RefusalChangedNothing', 'NEG-NOCHANGE-001', '§2.3, §2.9',
  ({ before, after }) => {
    const lacking = (['before', 'after'] as const).flatMap((when) => {
      const d = when === 'before' ? before : after;
      if (!d) return [`${when}: no details body`];
      return (['fileTransferStatusHistory', 'recipientFileTransferStatusHistory'] as const).filter((k) => !Array.isArray(d[k])).map((k) => `${when}: ${k} is ${JSON.stringify(d[k]) ?? 'absent'}`);
    });
    if (lacking.length > 0) return fail(`histories after refusals cannot be compared: ${lacking.join('; ')}`, 'both histories as arrays, before and after', lacking);
    const shape = (d: FileTransferDetails) => ({
      status: d.fileTransferStatusHistory.map((h) => `${h.fileTransferStatus}@${h.fileTransferStatusChanged}`).sort(),
      recipients: d.recipientFileTransferStatusHistory.map((h) => `${h.recipient}:${h.recipientFileTransferStatusCode}@${h.recipientFileTransferStatusChanged}`).sort(),
    });
    return compare('histories after refusals', { histories: { expected: shape(before!), actual: shape(after!) } });
  },
);

const latest = (times: string[]): number | undefined => (times.length === 0 ? undefined : Math.max(...times.map((t) => Date.parse(t))));
const iso = (ms: number | undefined) => (ms === undefined || Number.isNaN(ms) ? null : new Date(ms).toISOString());

/**
 * LC-STATE-003: `fileTransferStatusChanged` is the time of the latest status history entry, and every recipient's
 * `currentRecipientFileTransferStatusChanged` the time of that recipient's latest history entry (times compared as
 * instants, so the offset format is LC-TIME-001's business).
 */
export const StatusChangedTimesMatchHistory = condition<FileTransferDetails | undefined>('StatusChangedTimesMatchHistory', 'LC-STATE-003', '§2.5, §2.6', (d) => {
  if (!d) return fail('no details body', 'details', undefined);
  if (!Array.isArray(d.fileTransferStatusHistory) || !Array.isArray(d.recipientFileTransferStatusHistory) || !Array.isArray(d.recipients)) {
    return fail('details lack a history or the recipients list', 'fileTransferStatusHistory, recipientFileTransferStatusHistory, recipients', Object.keys(d));
  }
  const parts: Record<string, { expected: unknown; actual: unknown; ok?: boolean }> = {};
  const want = latest(d.fileTransferStatusHistory.map((h) => h.fileTransferStatusChanged));
  parts.fileTransferStatusChanged = { expected: iso(want), actual: d.fileTransferStatusChanged, ok: want !== undefined && Date.parse(d.fileTransferStatusChanged) === want };
  for (const r of d.recipients) {
    const mine = latest(d.recipientFileTransferStatusHistory.filter((h) => h.recipient === r.recipient).map((h) => h.recipientFileTransferStatusChanged));
    parts[`${r.recipient}.currentRecipientFileTransferStatusChanged`] = { expected: iso(mine), actual: r.currentRecipientFileTransferStatusChanged, ok: mine !== undefined && Date.parse(r.currentRecipientFileTransferStatusChanged) === mine };
  }
  return compare('status-changed times against the histories', parts);
});

/** ISO 8601 with an explicit `+00:00` offset and at most 7 fractional digits (§1.3). */
export const BROKER_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?\+00:00$/;
const TIME_KEYS = /(Changed|^created|^expirationTime|^published|^time)$/;

/** Every timestamp field (by name) anywhere in `body`, with its JSON path. */
export function timestampsIn(body: unknown, path = '$'): { path: string; value: unknown }[] {
  if (Array.isArray(body)) return body.flatMap((x, i) => timestampsIn(x, `${path}[${i}]`));
  if (!body || typeof body !== 'object') return [];
  return Object.entries(body as Record<string, unknown>).flatMap(([k, v]) =>
    TIME_KEYS.test(k) && (typeof v === 'string' || v === undefined) ? (v === undefined ? [] : [{ path: `${path}.${k}`, value: v }]) : typeof v === 'object' && v !== null ? timestampsIn(v, `${path}.${k}`) : [],
  );
}

/** LC-TIME-001: every timestamp in the body (overview, details, events) ends in `+00:00`; `Z` or another offset is named with its path. */
export const TimestampsCarryUtcOffset = condition<unknown>('TimestampsCarryUtcOffset', 'LC-TIME-001', '§1.3', (body) => {
  const found = timestampsIn(body);
  if (found.length === 0) return fail('no timestamps found to check', 'at least one timestamp', body === undefined ? '(no body)' : typeof body);
  const wrong = found.filter((t) => typeof t.value !== 'string' || !BROKER_TIMESTAMP.test(t.value));
  return wrong.length === 0
    ? pass(`${found.length} timestamps carry +00:00`, 'yyyy-mm-ddThh:mm:ss[.f{1,7}]+00:00', found.length)
    : fail(`${wrong.length} timestamp(s) without the +00:00 offset, first ${wrong[0]!.path} = ${JSON.stringify(wrong[0]!.value)}`, 'yyyy-mm-ddThh:mm:ss[.f{1,7}]+00:00', Object.fromEntries(wrong.slice(0, 10).map((t) => [t.path, t.value])));
});

/** `expirationTime` − `created` equals the resource TTL (§2.2 step 9, §3.4). */
export function expiresAfter(ttlMs: number, requirement = 'LC-EXPIRY-001'): Condition<FileTransferOverview | undefined> {
  return condition('ExpirationIsCreatedPlusTtl', requirement, '§2.2, §3.4', (o) => {
    const actual = o ? Date.parse(o.expirationTime) - Date.parse(o.created) : null;
    return compare('expirationTime − created (ms)', { ttl: { expected: ttlMs, actual, ok: actual !== null && Math.abs(actual - ttlMs) <= 1 } });
  });
}

/** Named fields of an overview/details body have the documented values. */
export function fieldsAre(id: string, requirement: string, source: string, expected: Record<string, unknown>): Condition<FileTransferOverview | undefined> {
  return condition(id, requirement, source, (o) =>
    compare('fields', Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, { expected: v, actual: (o as unknown as Record<string, unknown> | undefined)?.[k] }]))),
  );
}
