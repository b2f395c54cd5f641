/**
 * @module E17/E18, the hidden maintenance endpoints (scope `altinn:broker.maintenance`): clean up the Broker team's
 * use-case test transfers, and enqueue a rotation of the Broker's own Maskinporten key.
 * Facts from Altinn/altinn-broker@161ba122:src/Altinn.Broker.API/Controllers/MaintenanceController.cs and
 * src/Altinn.Broker.Application/CleanupUseCaseTests/CleanupUseCaseTestsHandler.cs.
 */
import { caseInsensitive, conversionError, readJsonBody } from '../body.ts';
import { DAY } from '../duration.ts';
import { invalid } from '../errors.ts';
import { sendJson, type RequestContext } from '../server.ts';

/** The one resource the cleanup touches (hard-coded in the Broker). */
export const USE_CASE_TEST_RESOURCE = 'bruksmonster-broker';
const CONFIRMATION = 'rotate-maskinporten-jwk';
const INT32_MAX = 2_147_483_647;

/** `minAgeDays` binds as `int?`: absent or empty = null; anything but a 32-bit integer is a model-binding error. */
function minAgeDaysParam(q: URLSearchParams): number | null {
  const raw = q.get('minAgeDays');
  if (raw === null || raw.trim() === '') return null;
  const n = Number(raw.trim());
  if (!/^[+-]?\d+$/.test(raw.trim()) || Math.abs(n) > INT32_MAX) invalid({ minAgeDays: [`The value '${raw}' is not valid.`] });
  return n;
}

/**
 * `POST /broker/api/v1/maintenance/cleanup-usecasetests?minAgeDays=N` → 200 `{resourceId, fileTransfersFound,
 * deleteFileTransfersJobId}`. Transfers of the use-case resource created before now − N days (now, when N is absent)
 * are hard-deleted by a background job: afterwards they are unknown (404 code 1) and their payloads are gone.
 */
export async function cleanupUseCaseTestsHandler(rc: RequestContext): Promise<void> {
  const { b } = rc;
  const minAgeDays = minAgeDaysParam(rc.query);
  const cutoff = b.now().getTime() - (minAgeDays ?? 0) * DAY;
  const ids = [...b.store.transfers.values()]
    .filter((t) => t.resourceId === USE_CASE_TEST_RESOURCE && Date.parse(t.created) < cutoff)
    .map((t) => t.id);
  const jobId = b.enqueueJob(`cleanup-usecasetests`, () => {
    for (const id of ids) {
      for (const key of [`scan:${id}`, `expire:${id}`, `purge:${id}`, `tus-finalize:${id}`, `tus-md5:${id}`]) b.scheduler.cancel(key);
      b.store.delete(id);
    }
    b.settings.log(`maintenance: hard-deleted ${ids.length} file transfers of ${USE_CASE_TEST_RESOURCE}`);
  });
  sendJson(rc, 200, { resourceId: USE_CASE_TEST_RESOURCE, fileTransfersFound: ids.length, deleteFileTransfersJobId: jobId });
}

/**
 * `POST /broker/api/v1/maintenance/maskinporten-jwk-rotation` `{"confirmation":"rotate-maskinporten-jwk"}` → 200
 * `{jobId, message}`; any other confirmation → 400 `{message}`. The job drops the Broker's cached platform token, so
 * its next event delivery fetches a fresh one (the emulator's key itself is given by its operator, not rotated).
 */
export async function maskinportenJwkRotationHandler(rc: RequestContext): Promise<void> {
  const value = await readJsonBody(rc, 'request');
  if (value === null) invalid({ request: ['The request field is required.'] });
  const body = caseInsensitive(value);
  if (!body) invalid({ $: [conversionError('', 'Altinn.Broker.API.Controllers.TriggerMaskinportenJwkRotationRequest').replace('Path: $.', 'Path: $')], request: ['The request field is required.'] });
  const confirmation = body.get('confirmation');
  if (confirmation !== undefined && confirmation !== null && typeof confirmation !== 'string') {
    invalid({ '$.confirmation': [conversionError('confirmation', 'System.String')], request: ['The request field is required.'] });
  }
  if (confirmation !== CONFIRMATION) {
    return sendJson(rc, 400, { message: `Confirmation must be '${CONFIRMATION}' to trigger Maskinporten JWK rotation.` });
  }
  const jobId = rc.b.enqueueJob('maskinporten-jwk-rotation', () => {
    rc.b.platformTokens?.invalidate();
    rc.b.settings.log('maintenance: Maskinporten JWK rotation requested; cached platform token dropped');
  });
  sendJson(rc, 200, { jobId, message: 'Maskinporten JWK rotation was enqueued.' });
}
