/** @module The file transfer state machine (§3.2): every transition writes its history entries, persists, and emits its events. */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Broker } from './broker.ts';
import { DAY } from './duration.ts';
import { Errors, fail } from './errors.ts';
import { discardAllUploads, scheduleUploadExpiry } from './tus-uploads.ts';
import {
  actorRank,
  currentStatus,
  FAILED_TEXTS,
  type ActorStatus,
  type FileTransfer,
  type FileTransferStatus,
} from './model.ts';

const DEFAULT_TTL_MS = 30 * DAY;
const DEFAULT_GRACE_MS = 2 * 3_600_000;
const RANGED_DEBOUNCE_MS = 5 * 60_000;

export function addStatus(b: Broker, t: FileTransfer, status: FileTransferStatus, text: string | null = null): void {
  t.history.push({ status, text, at: b.nowIso() });
}

export function addActorStatus(b: Broker, t: FileTransfer, actor: string, status: ActorStatus): void {
  t.actorHistory.push({ actor, status, at: b.nowIso() });
}

/** Highest status the actor ever reached (§2.5). */
export function maxActorStatus(t: FileTransfer, actor: string): ActorStatus | undefined {
  let best: ActorStatus | undefined;
  for (const e of t.actorHistory) if (e.actor === actor && (!best || actorRank(e.status) > actorRank(best))) best = e.status;
  return best;
}

export function distinctActors(t: FileTransfer): string[] {
  return [...new Set(t.actorHistory.map((e) => e.actor))];
}

export interface NewTransfer {
  resourceId: string;
  fileName: string;
  sendersFileTransferReference: string;
  checksum: string | null;
  disableVirusScan: boolean;
  sender: string;
  recipients: string[];
  propertyList: Record<string, string>;
}

/** §2.2 step 9. */
export function createTransfer(b: Broker, input: NewTransfer): FileTransfer {
  const now = b.now();
  const resource = b.resource(input.resourceId);
  const ttl = resource?.fileTransferTimeToLiveMs ?? DEFAULT_TTL_MS;
  const t: FileTransfer = {
    id: randomUUID(),
    resourceId: input.resourceId,
    fileName: input.fileName,
    sendersFileTransferReference: input.sendersFileTransferReference,
    checksum: input.checksum,
    useVirusScan: !input.disableVirusScan,
    size: 0,
    created: now.toISOString(),
    expirationTime: new Date(now.getTime() + ttl).toISOString(),
    sender: input.sender,
    recipients: input.recipients,
    propertyList: input.propertyList,
    history: [],
    actorHistory: [],
    hasFile: false,
  };
  for (const r of t.recipients) addActorStatus(b, t, r, 'Initialized');
  addStatus(b, t, 'Initialized');
  b.store.save(t);
  scheduleExpiry(b, t);
  b.emit('filetransferinitialized', t, t.sender, 'Sender');
  return t;
}

/** E2/E3: `UploadStarted` is written every time an upload begins. */
export function startUpload(b: Broker, t: FileTransfer): void {
  addStatus(b, t, 'UploadStarted');
  b.store.save(t);
}

export interface UploadResult {
  size: number;
  md5: string;
  malicious: boolean;
}

/** After the last byte is stored (§2.3, §3.3): checksum check, then publish or wait for the scan. */
export async function completeUpload(b: Broker, t: FileTransfer, r: UploadResult): Promise<void> {
  // Mutation `two-winner-race`: a second upload overwrites the stored file unchecked.
  const overwrite = b.mutated('two-winner-race') && t.hasFile;
  // Size and location are recorded before the checksum comparison: a transfer Failed on a
  // mismatch has a file location (confirm there answers code 10, not 3) and shows the bytes received.
  t.hasFile = true;
  t.size = r.size;
  const checksumIgnored = t.useVirusScan && b.mutated('ignore-checksum-when-scanned');
  if (!overwrite && !checksumIgnored && t.checksum && t.checksum.trim() && t.checksum.toLowerCase() !== r.md5) {
    addStatus(b, t, 'Failed', FAILED_TEXTS.checksumMismatch);
    b.store.save(t);
    b.store.deletePayload(t.id);
    fail(Errors.ChecksumMismatch); // no uploadfailed event on this path (§10.7)
  }
  t.computedChecksum = r.md5;
  if (!t.useVirusScan) {
    publish(b, t);
    return;
  }
  const malicious = b.simulatedScanFindsMalware(r.malicious);
  if (b.mutated('skip-upload-processing')) {
    if (malicious) await malwareFailure(b, t, simulatedMalwareDetails(b, t));
    else publish(b, t);
    return;
  }
  addStatus(b, t, 'UploadProcessing');
  const delay = b.scanDelayFor(t.resourceId);
  if (delay !== null) t.pendingScan = { malicious };
  b.store.save(t);
  b.emit('uploadprocessing', t, t.sender, 'Sender');
  if (delay === null) return; // the malware webhook decides
  if (delay <= 0) await runSimulatedScan(b, t.id);
  else scheduleSimulatedScan(b, t, delay);
}

export function scheduleSimulatedScan(b: Broker, t: FileTransfer, delayMs: number): void {
  b.scheduler.at(`scan:${t.id}`, new Date(b.now().getTime() + delayMs), () => runSimulatedScan(b, t.id));
}

export function runSimulatedScan(b: Broker, id: string): Promise<void> | void {
  const t = b.store.get(id);
  if (!t?.pendingScan || currentStatus(t) !== 'UploadProcessing' || t.scanHandled) return;
  const { malicious } = t.pendingScan;
  delete t.pendingScan;
  t.scanHandled = true;
  if (!malicious) {
    publish(b, t);
    return;
  }
  return malwareFailure(b, t, simulatedMalwareDetails(b, t));
}

export interface MalwareScanDetails {
  CorrelationId: string;
  BlobUri: string;
  ETag: string;
  ScanFinishedTimeUtc: string;
  ScanResultType: string;
  ScanResultDetails: { MalwareNamesFound: string[] | null; Sha256: string | null; NotScannedReason: string | null };
}

export function simulatedMalwareDetails(b: Broker, t: FileTransfer): MalwareScanDetails {
  return {
    CorrelationId: randomUUID(),
    BlobUri: `https://localbroker.blob.core.windows.net/brokerfiles/${t.id}`,
    ETag: `0x${createHash('md5').update(t.id).digest('hex').slice(0, 15).toUpperCase()}`,
    ScanFinishedTimeUtc: b.nowIso(),
    ScanResultType: 'Malicious',
    ScanResultDetails: { MalwareNamesFound: ['Virus:DOS/EICAR_Test_File'], Sha256: null, NotScannedReason: null },
  };
}

/** The scan found something (or could not scan): Failed with the detailed text, `uploadfailed`, blob deleted, malware purge (§3.2). */
export async function malwareFailure(b: Broker, t: FileTransfer, details: MalwareScanDetails): Promise<void> {
  t.scanHandled = true;
  delete t.pendingScan;
  if (details.ScanResultDetails.Sha256 === null && t.hasFile) {
    details.ScanResultDetails.Sha256 = await sha256OfFile(b.store.payloadPath(t.id)).catch(() => null);
  }
  addStatus(b, t, 'Failed', `Malware scan failed: ${details.ScanResultType}. Extra details: ${JSON.stringify(details)}`);
  b.store.save(t);
  b.emit('uploadfailed', t, t.sender, 'Sender');
  b.store.deletePayload(t.id);
  neverConfirmedEvents(b, t);
}

/** A clean scan result from the webhook (§9.7); after a TUS upload, publishing also waits for the MD5 re-check (§3.3). */
export function cleanScan(b: Broker, t: FileTransfer): void {
  t.scanHandled = true;
  delete t.pendingScan;
  if (t.awaitingMd5) {
    t.scanPassed = true;
    b.store.save(t);
    return;
  }
  publish(b, t);
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Publishing happens once per transfer (idempotency key `<id>_published`). */
export function publish(b: Broker, t: FileTransfer): void {
  if (t.history.some((h) => h.status === 'Published')) return;
  if (!t.checksum && t.computedChecksum) t.checksum = t.computedChecksum;
  addStatus(b, t, 'Published');
  if (b.mutated('extra-history-entry')) addStatus(b, t, 'Published');
  b.store.save(t);
  b.emit('published', t, t.sender, 'Sender');
  for (const r of new Set(t.recipients)) b.emit('published', t, r, 'Recipient');
}

/** `fileneverconfirmeddownloaded` to each actor below DownloadConfirmed, plus one to the sender if any. */
function neverConfirmedEvents(b: Broker, t: FileTransfer): void {
  const unconfirmed = distinctActors(t).filter((a) => maxActorStatus(t, a) !== 'DownloadConfirmed');
  for (const a of unconfirmed) b.emit('fileneverconfirmeddownloaded', t, a, 'Recipient');
  if (unconfirmed.length) b.emit('fileneverconfirmeddownloaded', t, t.sender, 'Sender');
}

/** Expiry purge or after-confirm purge (§3.2, §3.4, §3.5). */
export function purge(b: Broker, id: string, trigger: 'expiry' | 'confirmed'): void {
  const t = b.store.get(id);
  if (!t) return;
  const status = currentStatus(t);
  if (status === 'Purged') return;
  const resource = b.resource(t.resourceId);
  const purgeAfterConfirm = resource?.purgeFileTransferAfterAllRecipientsConfirmed ?? true;
  if (trigger === 'expiry' && status === 'AllConfirmedDownloaded' && purgeAfterConfirm) return;
  b.store.deletePayload(t.id);
  discardAllUploads(b, t);
  addStatus(b, t, 'Purged');
  b.store.save(t);
  b.scheduler.cancel(`scan:${t.id}`);
  if (!(trigger === 'confirmed' && b.mutated('no-filepurged-after-confirm'))) b.emit('filepurged', t, t.sender, 'Sender');
  neverConfirmedEvents(b, t);
}

export function scheduleExpiry(b: Broker, t: FileTransfer): void {
  b.scheduler.at(`expire:${t.id}`, new Date(t.expirationTime), () => purge(b, t.id, 'expiry'));
}

function schedulePurgeAfterConfirm(b: Broker, t: FileTransfer, confirmedAt: Date): void {
  const resource = b.resource(t.resourceId);
  if (!(resource?.purgeFileTransferAfterAllRecipientsConfirmed ?? true)) return;
  const grace = resource?.purgeFileTransferGracePeriodMs ?? DEFAULT_GRACE_MS;
  b.scheduler.at(`purge:${t.id}`, new Date(confirmedAt.getTime() + grace), () => purge(b, t.id, 'confirmed'));
}

/** Re-creates scheduled work for transfers loaded from disk. */
export function rescheduleAll(b: Broker): void {
  scheduleStuckCheck(b);
  for (const t of b.store.transfers.values()) {
    const status = currentStatus(t);
    if (status === 'Purged') continue;
    scheduleExpiry(b, t);
    for (const upload of Object.values(t.tusUploads ?? {})) scheduleUploadExpiry(b, t, upload);
    if (status === 'AllConfirmedDownloaded') schedulePurgeAfterConfirm(b, t, new Date(t.history[t.history.length - 1]!.at));
    if (status === 'UploadProcessing' && t.pendingScan && b.settings.scanDelayMs !== null) scheduleSimulatedScan(b, t, Math.max(b.settings.scanDelayMs, 0));
  }
}

/** E7 bookkeeping (§7.2): every download records DownloadStarted; ranged ones at most once per 5 minutes per org. */
export function recordDownload(b: Broker, t: FileTransfer, org: string, ranged: boolean): void {
  const actor = `0192:${org}`;
  const now = b.now().getTime();
  if (ranged) {
    const key = `${t.id}|${actor}`;
    const last = b.rangedDownloadSeen.get(key);
    if (last !== undefined && now - last < RANGED_DEBOUNCE_MS) return;
    b.rangedDownloadSeen.set(key, now);
  }
  addActorStatus(b, t, actor, 'DownloadStarted');
  b.store.save(t);
}

/** E8 effect (§2.9): DownloadConfirmed, events, and AllConfirmedDownloaded when every other actor has confirmed. */
export function confirmDownload(b: Broker, t: FileTransfer, actor: string): void {
  const othersConfirmed = distinctActors(t)
    .filter((a) => a !== actor)
    .every((a) => maxActorStatus(t, a) === 'DownloadConfirmed');
  addActorStatus(b, t, actor, 'DownloadConfirmed');
  b.store.save(t);
  b.emit('downloadconfirmed', t, actor, 'Recipient');
  b.emit('downloadconfirmed', t, t.sender, 'Sender');
  if (!othersConfirmed) return;
  addStatus(b, t, 'AllConfirmedDownloaded');
  b.store.save(t);
  b.emit('allconfirmeddownloaded', t, t.sender, 'Sender');
  schedulePurgeAfterConfirm(b, t, b.now());
}

const STUCK_CHECK_INTERVAL_MS = 30 * 60_000;
const STUCK_AFTER_MS = 24 * 3_600_000;
const TUS_QUIET_MS = 3_600_000;
const PROCESSING_ALERT_MS = 15 * 60_000;

/** The stuck-upload job, every 30 minutes of clock time (§3.2, §10.1). */
export function scheduleStuckCheck(b: Broker): void {
  b.scheduler.at('stuck-check', new Date(b.now().getTime() + STUCK_CHECK_INTERVAL_MS), () => {
    runStuckCheck(b);
    scheduleStuckCheck(b);
  });
}

/**
 * UploadStarted for more than 24 h with no TUS activity in the last hour → Failed with the stuck text and
 * `uploadfailed`; UploadProcessing for more than 15 min → a log line only (the Broker alerts on Slack).
 */
export function runStuckCheck(b: Broker): void {
  const now = b.now().getTime();
  for (const t of b.store.transfers.values()) {
    const entry = t.history[t.history.length - 1]!;
    const since = now - Date.parse(entry.at);
    if (entry.status === 'UploadStarted' && since > STUCK_AFTER_MS) {
      const quiet = t.lastTusActivity === undefined || now - Date.parse(t.lastTusActivity) > TUS_QUIET_MS;
      if (!quiet) continue;
      discardAllUploads(b, t);
      addStatus(b, t, 'Failed', FAILED_TEXTS.stuckInUploadStarted);
      b.store.save(t);
      b.emit('uploadfailed', t, t.sender, 'Sender');
    } else if (entry.status === 'UploadProcessing' && since > PROCESSING_ALERT_MS && since <= PROCESSING_ALERT_MS + STUCK_CHECK_INTERVAL_MS) {
      b.settings.log(`file transfer ${t.id} has been in UploadProcessing for more than 15 minutes`);
    }
  }
}
