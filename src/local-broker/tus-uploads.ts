/** @module TUS upload resources (§8): registration on the transfer, staging files written one PATCH at a time, sliding expiry, sessions and discard. */
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, rmSync, writeFileSync } from 'node:fs';
import { truncate } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Caller } from './auth.ts';
import type { Broker } from './broker.ts';
import type { FileTransfer, TusUpload } from './model.ts';
import { bareOrg } from './seed.ts';

/** `TusOptions:UploadExpiration` (sliding) and the upload-session lifetime (§8.4, §8.7). */
export const TUS_UPLOAD_EXPIRATION_MS = 24 * 3_600_000;
/** Each PATCH becomes one storage block; a block blob holds at most 50 000 (§8.5). */
export const MAX_TUS_CHUNKS = 50_000;

export const TUS_BASE = '/broker/api/v1/filetransfer/upload/tus';

export function tusLocation(t: FileTransfer, upload: TusUpload): string {
  return upload.kind === 'partial' ? `${TUS_BASE}/${t.id}/partial/${upload.id}` : `${TUS_BASE}/${t.id}`;
}

/** .NET's `R` format: `Sun, 22 Nov 2026 00:17:55 GMT`. */
export function rfc1123(iso: string): string {
  return new Date(iso).toUTCString();
}

/** The upload this URL names, unless it is unknown or has expired. */
export function findUpload(b: Broker, t: FileTransfer, uploadId: string): TusUpload | undefined {
  const upload = t.tusUploads?.[uploadId];
  if (!upload) return undefined;
  if (Date.parse(upload.expires) <= b.now().getTime() && upload.offset < upload.length) {
    discardUpload(b, t, uploadId);
    return undefined;
  }
  return upload;
}

/** Registers (or re-registers from offset 0) an upload with an empty staging file. */
export function registerUpload(b: Broker, t: FileTransfer, upload: Omit<TusUpload, 'expires'>): TusUpload {
  const registered: TusUpload = { ...upload, expires: new Date(b.now().getTime() + expirationMs(b)).toISOString() };
  if (registered.kind !== 'final') writeFileSync(b.store.tusPath(registered.id), '');
  t.tusUploads = { ...t.tusUploads, [registered.id]: registered };
  scheduleUploadExpiry(b, t, registered);
  return registered;
}

/** The sliding upload lifetime: 24 h (a mutation makes it the real Broker's 24 days). */
const expirationMs = (b: Broker): number => (b.mutated('tus-upload-expires-24-days') ? 24 * TUS_UPLOAD_EXPIRATION_MS : TUS_UPLOAD_EXPIRATION_MS);

/** Slides Upload-Expires forward and records TUS activity. */
export function touch(b: Broker, t: FileTransfer, upload: TusUpload): void {
  upload.expires = new Date(b.now().getTime() + expirationMs(b)).toISOString();
  t.lastTusActivity = b.nowIso();
  scheduleUploadExpiry(b, t, upload);
}

export function scheduleUploadExpiry(b: Broker, t: FileTransfer, upload: TusUpload): void {
  if (upload.offset >= upload.length && upload.kind !== 'partial') return; // complete: nothing left to expire
  b.scheduler.at(`tus-expire:${upload.id}`, new Date(upload.expires), () => {
    const current = b.store.get(t.id);
    const u = current?.tusUploads?.[upload.id];
    if (!current || !u || Date.parse(u.expires) > b.now().getTime()) return;
    if (u.kind !== 'partial' && u.offset >= u.length) return;
    discardUpload(b, current, upload.id);
    b.store.save(current);
  });
}

/** Removes an upload's registration and staging data (termination, expiry, purge). */
export function discardUpload(b: Broker, t: FileTransfer, uploadId: string): void {
  if (t.tusUploads && Object.hasOwn(t.tusUploads, uploadId)) {
    const { [uploadId]: _removed, ...rest } = t.tusUploads;
    t.tusUploads = rest;
  }
  b.scheduler.cancel(`tus-expire:${uploadId}`);
  rmSync(b.store.tusPath(uploadId), { force: true });
}

export function discardAllUploads(b: Broker, t: FileTransfer): void {
  for (const id of Object.keys(t.tusUploads ?? {})) discardUpload(b, t, id);
}

export class TooMuchData extends Error {
  constructor(readonly received: number) {
    super('more data than the upload length');
    this.name = 'TooMuchData';
  }
}

/**
 * Writes one PATCH body at `offset`. The chunk counts only when the whole body arrived: an interrupted or
 * oversized PATCH is cut back to `offset`, so HEAD keeps reporting the committed offset and the client resumes there.
 */
export async function appendChunk(path: string, offset: number, source: Readable, maxBytes: number): Promise<number> {
  if (!existsSync(path)) writeFileSync(path, '');
  let received = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (received > maxBytes) return done(new TooMuchData(received));
      done(null, chunk);
    },
  });
  const sink = createWriteStream(path, { flags: 'r+', start: offset });
  try {
    await pipeline(source, meter, sink);
  } catch (error) {
    if (!sink.closed) await once(sink, 'close').catch(() => undefined);
    await truncate(path, offset).catch(() => undefined);
    throw error;
  }
  return received;
}

/** Concatenates staging files into `target` (a concatenation final, §8.6). */
export async function concatenateFiles(sources: string[], target: string): Promise<void> {
  writeFileSync(target, '');
  for (const source of sources) await pipeline(createReadStream(source), createWriteStream(target, { flags: 'a' }));
}

/** Session key of the upload-session scheme: (transfer, token `sid`|`client_id`|`sub`, caller org) (§8.7). */
function sessionKey(t: FileTransfer, caller: Caller): string {
  const c = caller.claims;
  const who = [c.sid, c.client_id, c.sub].find((v) => typeof v === 'string' && v) ?? '';
  return `${t.id}|${String(who)}|${caller.org ?? ''}`;
}

export function refreshSession(b: Broker, t: FileTransfer, caller: Caller): void {
  b.tusSessions.set(sessionKey(t, caller), b.now().getTime() + TUS_UPLOAD_EXPIRATION_MS);
}

export function hasLiveSession(b: Broker, t: FileTransfer, caller: Caller): boolean {
  return (b.tusSessions.get(sessionKey(t, caller)) ?? 0) > b.now().getTime();
}

/** §8.7: an expired token is good enough while the upload is active and the caller is the one uploading. */
export function activeUploadAccepts(b: Broker, t: FileTransfer, caller: Caller, status: string): boolean {
  if (status !== 'UploadStarted' && status !== 'UploadProcessing') return false;
  if (hasLiveSession(b, t, caller)) return true;
  const recent = t.lastTusActivity !== undefined && b.now().getTime() - Date.parse(t.lastTusActivity) < TUS_UPLOAD_EXPIRATION_MS;
  return recent && caller.org !== undefined && caller.org === bareOrg(t.sender);
}
