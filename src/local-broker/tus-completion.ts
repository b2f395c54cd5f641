/** @module What happens after the last TUS byte (§8.6): background finalize (UploadProcessing or Published), then the MD5 re-check of the stored file, then scan or publish. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Broker } from './broker.ts';
import { addStatus, malwareFailure, publish, runSimulatedScan, scheduleSimulatedScan, simulatedMalwareDetails } from './lifecycle.ts';
import { currentStatus, FAILED_TEXTS } from './model.ts';
import { EicarDetector } from './payload.ts';

/**
 * Queues the finalize job. `concatenated`: a concatenation final, whose UploadProcessing was written at create
 * without an event, so finalizing writes no second one.
 */
export function queueTusFinalize(b: Broker, id: string, concatenated: boolean): void {
  b.scheduler.at(`tus-finalize:${id}`, b.now(), () => finalize(b, id, concatenated));
}

function finalize(b: Broker, id: string, concatenated: boolean): void {
  const t = b.store.get(id);
  if (!t) return;
  const status = currentStatus(t);
  if (status !== 'UploadStarted' && status !== 'UploadProcessing') return;
  const upload = t.tusUploads?.[t.id];
  t.hasFile = true;
  t.size = upload?.length ?? t.size;
  t.awaitingMd5 = true;
  const checksumGiven = !!t.checksum && t.checksum.trim() !== '';
  if ((t.useVirusScan && !b.mutated('skip-upload-processing')) || checksumGiven) {
    if (!concatenated && status !== 'UploadProcessing') {
      addStatus(b, t, 'UploadProcessing');
      b.store.save(t);
      b.emit('uploadprocessing', t, t.sender, 'Sender');
    } else b.store.save(t);
  } else {
    b.store.save(t);
    publish(b, t);
  }
  b.scheduler.at(`tus-md5:${id}`, b.now(), () => md5Check(b, id));
}

/** After a restart: completed TUS uploads whose MD5 check had not run get it queued again. */
export function resumeTusCompletion(b: Broker): void {
  for (const t of b.store.transfers.values()) {
    if (t.awaitingMd5) b.scheduler.at(`tus-md5:${t.id}`, b.now(), () => md5Check(b, t.id));
  }
}

async function md5Check(b: Broker, id: string): Promise<void> {
  const t = b.store.get(id);
  if (!t?.awaitingMd5) return;
  const status = currentStatus(t);
  if (status === 'Failed' || status === 'Purged') {
    t.awaitingMd5 = false;
    b.store.save(t);
    return;
  }
  const { md5, eicar } = await hashStoredFile(b.store.payloadPath(id));
  const malicious = b.simulatedScanFindsMalware(eicar);
  const current = b.store.get(id);
  if (!current || current !== t || currentStatus(t) === 'Failed' || currentStatus(t) === 'Purged') return;
  t.awaitingMd5 = false;
  if (t.checksum && t.checksum.trim() && t.checksum.toLowerCase() !== md5) {
    addStatus(b, t, 'Failed', FAILED_TEXTS.checksumMismatch);
    b.store.save(t);
    b.emit('uploadfailed', t, t.sender, 'Sender');
    b.store.deletePayload(t.id);
    return;
  }
  t.computedChecksum = md5;
  if (!t.checksum) t.checksum = md5;
  b.store.save(t);
  if (!t.useVirusScan || t.scanPassed) return publish(b, t);
  if (b.mutated('skip-upload-processing')) {
    if (malicious) await malwareFailure(b, t, simulatedMalwareDetails(b, t));
    else publish(b, t);
    return;
  }
  const delay = b.scanDelayFor(t.resourceId);
  if (delay === null) return; // the malware webhook decides
  t.pendingScan = { malicious };
  b.store.save(t);
  if (delay <= 0) await runSimulatedScan(b, t.id);
  else scheduleSimulatedScan(b, t, delay);
}

async function hashStoredFile(path: string): Promise<{ md5: string; eicar: boolean }> {
  const hash = createHash('md5');
  const eicar = new EicarDetector();
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    eicar.push(chunk as Buffer);
  }
  return { md5: hash.digest('hex'), eicar: eicar.found };
}
