/**
 * @module Emulator storage-fault control: `POST /_emulator/faults/storage` with `{ "failNextUploads": n }`
 * makes the next n streamed uploads fail in storage, as an Azure outage would (§2.3: Failed with
 * `Error occurred while uploading fileTransfer`, `uploadfailed`, 500 code 8). Off unless enabled.
 */
import { readJsonBody } from '../body.ts';
import { invalid } from '../errors.ts';
import { sendJson, type RequestContext } from '../server.ts';

export async function storageFaultHandler(rc: RequestContext): Promise<void> {
  const body = (await readJsonBody(rc, 'faults')) as Record<string, unknown> | null;
  const n = body && typeof body === 'object' && !Array.isArray(body) ? body.failNextUploads : undefined;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || n > 1000) invalid({ '': ['Body must be {"failNextUploads": <integer 0..1000>}'] });
  rc.b.storageFaultsPending = n;
  sendJson(rc, 200, { failNextUploads: n });
}
