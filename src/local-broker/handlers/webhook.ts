/** @module E19 malware scan webhook (§9.7): Event Grid handshake and scan results driving UploadProcessing → Published/Failed. */
import { readJsonBody } from '../body.ts';
import { Errors, fail, invalid } from '../errors.ts';
import { parseGuid } from '../guid.ts';
import { cleanScan, malwareFailure, type MalwareScanDetails } from '../lifecycle.ts';
import { currentStatus } from '../model.ts';
import { sendJson, type RequestContext } from '../server.ts';

interface EventGridEvent {
  eventType?: unknown;
  data?: Record<string, unknown>;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

export async function malwareWebhookHandler(rc: RequestContext): Promise<void> {
  const body = await readJsonBody(rc, 'eventGridEvents');
  const events = (Array.isArray(body) ? body : [body]) as EventGridEvent[];
  for (const event of events) {
    if (typeof event !== 'object' || event === null) continue;
    const data = (typeof event.data === 'object' && event.data !== null ? event.data : {}) as Record<string, unknown>;
    if (event.eventType === 'Microsoft.EventGrid.SubscriptionValidationEvent') {
      return sendJson(rc, 200, { validationResponse: data.validationCode ?? null });
    }
    if (event.eventType !== 'Microsoft.Security.MalwareScanningResult') continue;
    // The real Broker throws (500) on a result without data or without a GUID at the end of its blob URI; a 400 is due.
    if (typeof event.data !== 'object' || event.data === null || Array.isArray(event.data)) invalid({ data: ['A malware scan result needs its data.'] });
    const blobUri = str(data.blobUri);
    const id = parseGuid(blobUri.split('/').filter(Boolean).at(-1) ?? '');
    if (!id) invalid({ 'data.blobUri': [`Could not parse a file transfer id from '${blobUri}'.`] });
    const t = rc.b.store.get(id) ?? fail(Errors.FileTransferNotFound);
    const status = currentStatus(t);
    if (status === 'Failed') continue;
    if (rc.b.env.scanResultNeedsUploadProcessing) {
      // Outside Development: too early → 503 code 30 so Event Grid retries; any other status → ignored.
      if (status === 'UploadStarted') fail(Errors.MalwareScanResultNotReady);
      if (status !== 'UploadProcessing') continue;
    }
    if (t.scanHandled) continue; // processed once per transfer (idempotency key `<id>_malwarescan`)
    rc.b.scheduler.cancel(`scan:${t.id}`);
    const resultType = str(data.scanResultType);
    if (resultType.toLowerCase() === 'no threats found') {
      cleanScan(rc.b, t);
      continue;
    }
    const details = (typeof data.scanResultDetails === 'object' && data.scanResultDetails !== null ? data.scanResultDetails : {}) as Record<string, unknown>;
    const scan: MalwareScanDetails = {
      CorrelationId: str(data.correlationId),
      BlobUri: blobUri,
      ETag: str(data.eTag),
      ScanFinishedTimeUtc: str(data.scanFinishedTimeUtc),
      ScanResultType: resultType,
      ScanResultDetails: {
        MalwareNamesFound: Array.isArray(details.malwareNamesFound) ? details.malwareNamesFound.map(str) : null,
        Sha256: details.sha256 === undefined || details.sha256 === null ? null : str(details.sha256),
        NotScannedReason: details.notScannedReason === undefined || details.notScannedReason === null ? null : str(details.notScannedReason),
      },
    };
    if (scan.ScanResultDetails.Sha256 === null) scan.ScanResultDetails.Sha256 = '';
    await malwareFailure(rc.b, t, scan);
  }
  rc.res.writeHead(200, { 'content-length': 0 });
  rc.res.end();
}
