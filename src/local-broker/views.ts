/** @module Response bodies of overview (§2.5) and details (§2.6), with the Broker's key order and timestamp format. */
import type { Broker } from './broker.ts';
import { maxActorStatus } from './lifecycle.ts';
import { ACTOR_STATUS_TEXTS, currentEntry, STATUS_TEXTS, type FileTransfer } from './model.ts';
import { formatTimestamp } from './time-format.ts';

/** A stored instant as the Broker writes it: `+00:00`, or `Z` under the `timestamps-with-z` mutation. */
const ts = (b: Broker, iso: string) => (b.mutated('timestamps-with-z') ? new Date(iso).toISOString() : formatTimestamp(new Date(iso)));

function publishedAt(b: Broker, t: FileTransfer): string | null {
  const first = t.history.find((h) => h.status === 'Published');
  return first ? ts(b, first.at) : null;
}

function recipientOverview(b: Broker, t: FileTransfer) {
  const actors = [...new Set(t.actorHistory.map((e) => e.actor))];
  return actors.map((actor) => {
    const entries = t.actorHistory.filter((e) => e.actor === actor);
    const code = maxActorStatus(t, actor)!;
    const latest = entries.reduce((a, e) => (e.at > a ? e.at : a), entries[0]!.at);
    return {
      recipient: actor,
      currentRecipientFileTransferStatusCode: code,
      currentRecipientFileTransferStatusText: ACTOR_STATUS_TEXTS[code],
      currentRecipientFileTransferStatusChanged: ts(b, b.mutated('status-changed-is-created') ? t.created : latest),
    };
  });
}

function baseFields(b: Broker, t: FileTransfer) {
  const current = currentEntry(t);
  return {
    fileTransferId: t.id,
    resourceId: t.resourceId,
    fileName: t.fileName,
    sendersFileTransferReference: t.sendersFileTransferReference,
    checksum: t.checksum,
    useVirusScan: t.useVirusScan,
    fileTransferSize: t.size,
    fileTransferStatus: current.status,
    fileTransferStatusText: current.text ?? STATUS_TEXTS[current.status],
    fileTransferStatusChanged: ts(b, b.mutated('status-changed-is-created') ? t.created : current.at),
    created: ts(b, t.created),
    expirationTime: ts(b, t.expirationTime),
    sender: t.sender,
    recipients: recipientOverview(b, t),
    propertyList: t.propertyList,
  };
}

export function overviewBody(b: Broker, t: FileTransfer): Record<string, unknown> {
  const body: Record<string, unknown> = baseFields(b, t);
  if (!b.mutated('omit-published-field')) body.published = publishedAt(b, t);
  return body;
}

/** Details: the histories and `published` first (System.Text.Json registers the derived type's members first). */
export function detailsBody(b: Broker, t: FileTransfer): Record<string, unknown> {
  // A mutation lists them newest first, as the real Broker's unordered queries often do.
  const order = <T>(list: T[]): T[] => (b.mutated('status-history-unordered') ? [...list].reverse() : list);
  const body: Record<string, unknown> = {
    fileTransferStatusHistory: order(t.history).map((h) => ({
      fileTransferStatus: h.status,
      fileTransferStatusText: h.text ?? STATUS_TEXTS[h.status],
      fileTransferStatusChanged: ts(b, h.at),
    })),
    recipientFileTransferStatusHistory: order(t.actorHistory).map((e) => ({
      recipient: e.actor,
      recipientFileTransferStatusCode: e.status,
      recipientFileTransferStatusText: ACTOR_STATUS_TEXTS[e.status],
      recipientFileTransferStatusChanged: ts(b, e.at),
    })),
  };
  if (!b.mutated('omit-published-field')) body.published = publishedAt(b, t);
  return { ...body, ...baseFields(b, t) };
}
