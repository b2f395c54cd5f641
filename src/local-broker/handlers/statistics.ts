/** @module E14 monthly statistics CSV (§9.5), computed live from the stored histories (the real Broker reads a weekly rollup). */
import { Errors, fail, invalid } from '../errors.ts';
import type { FileTransfer } from '../model.ts';
import { bareOrg } from '../seed.ts';
import type { RequestContext } from '../server.ts';
import { contentDisposition } from './download.ts';

const HEADER = 'year,month,resourceId,senderVendor,recipientVendor,sender,recipient,totalFileTransfers,uploadCount,totalTransferDownloadAttempts,transfersWithDownloadConfirmed';

function intParam(q: URLSearchParams, name: string): number {
  const raw = q.get(name);
  if (raw === null || raw.trim() === '') return 0; // a missing int binds as 0
  if (!/^-?\d+$/.test(raw.trim())) invalid({ [name]: [`The value '${raw}' is not valid.`] });
  return Number(raw);
}

function boolParam(q: URLSearchParams, name: string, fallback: boolean): boolean {
  const raw = q.get(name);
  if (raw === null || raw.trim() === '') return fallback;
  if (!/^(true|false)$/i.test(raw.trim())) invalid({ [name]: [`The value '${raw}' is not valid.`] });
  return raw.trim().toLowerCase() === 'true';
}

const csvCell = (v: string | number) => {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

interface Row {
  resourceId: string;
  sender: string;
  recipient: string;
  totalFileTransfers: number;
  uploadCount: number;
  totalTransferDownloadAttempts: number;
  transfersWithDownloadConfirmed: number;
}

export async function monthlyStatisticsHandler(rc: RequestContext): Promise<void> {
  const { b, query } = rc;
  const year = intParam(query, 'year');
  const month = intParam(query, 'month');
  const resourceId = query.get('resourceId') || undefined;
  const includeEndUser = boolParam(query, 'includeEndUser', true);
  const includeVendor = boolParam(query, 'includeVendor', false);
  if (year < 1 || year > 9999 || month < 1 || month > 12 || (year === 9999 && month === 12)) fail(Errors.InvalidYearOrMonth);
  if (!includeEndUser && !includeVendor) fail(Errors.AtLeastOneStatisticsGroup);
  const caller = rc.caller.org ?? fail(Errors.NoAccessToResource);
  if (resourceId) {
    const resource = b.resource(resourceId) ?? fail(Errors.ResourceNotConfigured);
    if (resource.serviceOwner !== caller) fail(Errors.NoAccessToResource);
  }
  const start = Date.UTC(year, month - 1, 1);
  const end = Date.UTC(year, month, 1);
  const inMonth = (iso: string) => {
    const t = Date.parse(iso);
    return t >= start && t < end;
  };

  const rows = new Map<string, Row>();
  const rowFor = (t: FileTransfer, recipient: string): Row => {
    const sender = includeEndUser ? `0192:${bareOrg(t.sender)}` : '';
    const r = includeEndUser ? recipient : '';
    const key = `${t.resourceId}\u0000${sender}\u0000${r}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { resourceId: t.resourceId, sender, recipient: r, totalFileTransfers: 0, uploadCount: 0, totalTransferDownloadAttempts: 0, transfersWithDownloadConfirmed: 0 }));
    return row;
  };
  for (const t of b.store.transfers.values()) {
    if (resourceId ? t.resourceId !== resourceId : b.resource(t.resourceId)?.serviceOwner !== caller) continue;
    const published = t.history.find((h) => h.status === 'Published');
    for (const recipient of new Set(t.recipients)) {
      const mine = t.actorHistory.filter((e) => e.actor === recipient && inMonth(e.at));
      const counts = {
        created: inMonth(t.created) ? 1 : 0,
        published: published && inMonth(published.at) ? 1 : 0,
        attempts: mine.filter((e) => e.status === 'DownloadStarted').length,
        confirmed: mine.some((e) => e.status === 'DownloadConfirmed') ? 1 : 0,
      };
      if (!counts.created && !counts.published && !counts.attempts && !counts.confirmed) continue;
      const row = rowFor(t, recipient);
      row.totalFileTransfers += counts.created;
      row.uploadCount += counts.published;
      row.totalTransferDownloadAttempts += counts.attempts;
      row.transfersWithDownloadConfirmed += counts.confirmed;
    }
  }
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  const sorted = [...rows.values()].sort((x, y) => cmp(x.resourceId, y.resourceId) || cmp(x.sender, y.sender) || cmp(x.recipient, y.recipient));
  // Vendor columns stay blank: the local Broker does not record the caller's vendor per status entry.
  const lines = sorted.map((r) =>
    [year, month, r.resourceId, '', '', r.sender, r.recipient, r.totalFileTransfers, r.uploadCount, r.totalTransferDownloadAttempts, r.transfersWithDownloadConfirmed].map(csvCell).join(','),
  );
  const csv = `${[HEADER, ...lines].join('\n')}\n`;
  const name = `monthly_statistics_${resourceId ?? 'all-resources'}_${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}.csv`;
  rc.res.writeHead(200, { 'content-type': 'text/csv', 'content-disposition': contentDisposition(name), 'content-length': Buffer.byteLength(csv) });
  rc.res.end(csv);
}
