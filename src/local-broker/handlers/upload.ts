/** @module E2 streamed upload (§2.3) and the upload checks it shares with E3. */
import type { Broker } from '../broker.ts';
import { Errors, fail, type BrokerErrorDef } from '../errors.ts';
import { routeGuid } from '../guid.ts';
import { completeUpload, startUpload } from '../lifecycle.ts';
import { currentStatus, FAILED_TEXTS, statusRank, type FileTransfer } from '../model.ts';
import { promote, streamToFile } from '../payload.ts';
import { sendJson, type RequestContext } from '../server.ts';
import { addStatus } from '../lifecycle.ts';
import type { Caller } from '../auth.ts';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';

/** Virus-scanned transfers are capped at 50 GB (§2.3). */
export const VIRUS_SCAN_MAX_BYTES = 50_000_000_000;

/** §2.3 checks up to (and including) the size check; `knownLength` undefined = chunked, no size check. */
export function checkUploadAllowed(b: Broker, caller: Caller, t: FileTransfer, knownLength: number | undefined): void {
  if (!b.canSend(caller, t)) fail(Errors.NoAccessToResource);
  // Mutation `two-winner-race`: neither a concurrent nor a finished upload keeps another one out.
  const admitsAnyUpload = b.mutated('two-winner-race');
  if (!admitsAnyUpload && (statusRank(currentStatus(t)) > statusRank('UploadStarted') || b.uploadsInFlight.has(t.id))) {
    const e: BrokerErrorDef = b.mutated('wrong-error-code-on-reupload') ? { ...Errors.FileTransferAlreadyUploaded, code: 3 } : Errors.FileTransferAlreadyUploaded;
    fail(e);
  }
  b.registryResource(t.resourceId) ?? fail(Errors.ResourceNotRegistered);
  const resource = b.resource(t.resourceId) ?? fail(Errors.ResourceNotRegistered);
  const owner = b.serviceOwner(resource.serviceOwner) ?? fail(Errors.ServiceOwnerNotConfigured);
  if (!b.readyProviders(owner).includes(t.useVirusScan ? 'AltinnAzure' : 'AltinnAzureWithoutVirusScan')) fail(Errors.StorageProviderNotReady);
  if (knownLength !== undefined) {
    if (t.useVirusScan && knownLength > VIRUS_SCAN_MAX_BYTES) fail(Errors.FileSizeTooBig);
    if (resource.maxFileTransferSize !== null && knownLength > resource.maxFileTransferSize) fail(Errors.FileSizeTooBig);
  }
}

/** The storage-fault control's stand-in for an Azure write failure. */
class SimulatedStorageOutage extends Error {
  constructor() {
    super('simulated storage outage (emulator fault control)');
  }
}

export async function uploadHandler(rc: RequestContext): Promise<void> {
  const { b } = rc;
  const id = routeGuid(rc.params);
  const t = b.store.get(id) ?? fail(Errors.FileTransferNotFound);
  const declared = rc.req.headers['content-length'];
  const knownLength = declared !== undefined && /^\d+$/.test(declared) ? Number(declared) : undefined;
  checkUploadAllowed(b, rc.caller, t, knownLength);

  b.uploadsInFlight.add(id);
  try {
    startUpload(b, t);
    const staging = b.store.stagingPath(id, randomUUID());
    let stored;
    try {
      stored = await streamToFile(rc.req, staging);
      if (b.takeStorageFault()) throw new SimulatedStorageOutage();
    } catch (error) {
      if (!(error instanceof SimulatedStorageOutage) && (rc.req.destroyed || !rc.req.complete)) {
        // Client went away: nothing more is written, the transfer stays UploadStarted (§2.3).
        rc.res.destroy();
        return;
      }
      b.settings.log(`storing payload of ${id} failed: ${(error as Error).message}`);
      rmSync(staging, { force: true });
      addStatus(b, t, 'Failed', FAILED_TEXTS.uploadError);
      b.store.save(t);
      b.emit('uploadfailed', t, t.sender, 'Sender');
      fail(Errors.UploadFailed);
    }
    promote(staging, b.store.payloadPath(id));
    await completeUpload(b, t, stored);
  } finally {
    b.uploadsInFlight.delete(id);
  }
  sendJson(rc, 200, { fileTransferId: id });
}
