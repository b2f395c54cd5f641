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

/** A refused call left the histories as they were (as sets of entries: their listing order is LC-HISTORY-001's concern). */
export const RefusalChangedNothing = condition<{ before: FileTransferDetails | undefined; after: FileTransferDetails | undefined }>(
  'RefusalChangedNothing', 'NEG-NOCHANGE-001', '§2.3, §2.9',
  ({ before, after }) => {
    const shape = (d?: FileTransferDetails) => ({
      status: d?.fileTransferStatusHistory.map((h) => `${h.fileTransferStatus}@${h.fileTransferStatusChanged}`).sort(),
      recipients: d?.recipientFileTransferStatusHistory.map((h) => `${h.recipient}:${h.recipientFileTransferStatusCode}@${h.recipientFileTransferStatusChanged}`).sort(),
    });
    return compare('histories after refusals', { histories: { expected: shape(before), actual: shape(after) } });
  },
);

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
