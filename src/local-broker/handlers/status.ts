/** @module E4 overview, E5 details and E8 confirm download (§2.5, §2.6, §2.9). */
import { Errors, fail } from '../errors.ts';
import { routeGuid } from '../guid.ts';
import { confirmDownload, maxActorStatus } from '../lifecycle.ts';
import { currentStatus } from '../model.ts';
import { sendEmpty, sendJson, type RequestContext } from '../server.ts';
import { detailsBody, overviewBody } from '../views.ts';

function visibleTransfer(rc: RequestContext) {
  const t = rc.b.store.get(routeGuid(rc.params)) ?? fail(Errors.FileTransferNotFound);
  if (!rc.b.canSend(rc.caller, t) && !rc.b.canReceive(rc.caller, t)) fail(Errors.NoAccessToResource);
  return t;
}

export async function overviewHandler(rc: RequestContext): Promise<void> {
  sendJson(rc, 200, overviewBody(rc.b, visibleTransfer(rc)));
}

export async function detailsHandler(rc: RequestContext): Promise<void> {
  sendJson(rc, 200, detailsBody(rc.b, visibleTransfer(rc)));
}

export async function confirmHandler(rc: RequestContext): Promise<void> {
  const { b } = rc;
  const t = b.store.get(routeGuid(rc.params)) ?? fail(Errors.FileTransferNotFound);
  if (!b.canReceive(rc.caller, t)) fail(Errors.NoAccessToResource);
  if (!t.hasFile) fail(Errors.NoFileUploaded);
  if (currentStatus(t) !== 'Published') fail(Errors.FileTransferNotPublished);
  if (!rc.caller.org) fail(Errors.NoAccessToResource);
  const actor = `0192:${rc.caller.org}`;
  const reached = maxActorStatus(t, actor);
  // The real Broker throws (500) when the caller is not an actor; the access check normally prevents it.
  if (reached === undefined) fail(Errors.NoAccessToResource);
  if (reached !== 'DownloadConfirmed') {
    if (!t.actorHistory.some((e) => e.actor === actor && e.status === 'DownloadStarted')) fail(Errors.ConfirmDownloadBeforeDownloadStarted);
    confirmDownload(b, t, actor);
  }
  if (b.mutated('wrong-status-on-confirm')) return sendJson(rc, 200, null);
  sendEmpty(rc, 204);
}
