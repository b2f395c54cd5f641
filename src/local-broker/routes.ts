/** @module The route table: every endpoint with its policy, `[Produces]` and `[Consumes]` metadata (§2.1). */
import { createServiceOwnerHandler, getResourceHandler, getServiceOwnerHandler, putResourceHandler } from './handlers/admin.ts';
import { downloadHandler } from './handlers/download.ts';
import { devTokenHandler, eventsHandler, healthHandler, type TokenSigner } from './handlers/emulator.ts';
import { initializeHandler } from './handlers/initialize.ts';
import { multipartHandler } from './handlers/multipart.ts';
import { searchHandler } from './handlers/search.ts';
import { monthlyStatisticsHandler } from './handlers/statistics.ts';
import { confirmHandler, detailsHandler, overviewHandler } from './handlers/status.ts';
import { uploadHandler } from './handlers/upload.ts';
import { legacyTusHandler, tusAcceptsExpiredToken, tusHandler } from './handlers/tus.ts';
import { malwareWebhookHandler } from './handlers/webhook.ts';
import { cleanupUseCaseTestsHandler, maskinportenJwkRotationHandler } from './handlers/maintenance.ts';
import { downloadDailySummaryHandler, generateDailySummaryHandler } from './handlers/daily-summary.ts';
import { sendEmpty, type Route, type RequestContext } from './server.ts';
import type { ControllableClock, Scheduler } from './clock.ts';
import type { EventDelivery } from './subscriptions.ts';
import { advanceClockHandler, getClockHandler } from './handlers/clock.ts';
import { storageFaultHandler } from './handlers/faults.ts';
import {
  createSubscriptionHandler,
  deleteSubscriptionHandler,
  getSubscriptionHandler,
  listSubscriptionsHandler,
  pollEventsHandler,
} from './handlers/events-api.ts';

const JSON_ONLY = ['application/json'];
const FT = '/broker/api/v1/filetransfer';

export function brokerRoutes(): Route[] {
  return [
    { method: 'POST', pattern: FT, auth: 'Sender', produces: JSON_ONLY, handle: initializeHandler },
    { method: 'GET', pattern: FT, auth: 'SenderOrRecipient', produces: JSON_ONLY, handle: searchHandler },
    { method: 'POST', pattern: `${FT}/upload`, auth: 'Sender', produces: JSON_ONLY, consumes: 'multipart/form-data', handle: multipartHandler },
    { method: 'POST', pattern: `${FT}/{fileTransferId}/upload`, auth: 'Sender', produces: JSON_ONLY, consumes: 'application/octet-stream', handle: uploadHandler },
    ...['OPTIONS', 'POST', 'HEAD', 'PATCH', 'DELETE'].flatMap((method): Route[] =>
      [`${FT}/upload/tus/{fileTransferId}`, `${FT}/upload/tus/{fileTransferId}/partial/{partialUploadId}`].map((pattern) => ({
        method,
        pattern,
        auth: 'Sender',
        acceptExpiredToken: tusAcceptsExpiredToken,
        handle: tusHandler,
      })),
    ),
    // Methods tus does not handle fall through the TUS endpoint to a plain 404 (no 405, no authentication).
    ...['GET', 'PUT', 'TRACE'].flatMap((method): Route[] =>
      [`${FT}/upload/tus/{fileTransferId}`, `${FT}/upload/tus/{fileTransferId}/partial/{partialUploadId}`].map((pattern) => ({ method, pattern, auth: 'anonymous', handle: notFoundHandler })),
    ),
    // The older two-segment partial form is served as the `partial` form (the Broker's rewrite middleware).
    ...['HEAD', 'PATCH', 'DELETE'].map((method): Route => ({
      method,
      pattern: `${FT}/upload/tus/{fileTransferId}/{partialUploadId}`,
      auth: 'Sender',
      acceptExpiredToken: tusAcceptsExpiredToken,
      handle: legacyTusHandler,
    })),
    { method: 'GET', pattern: `${FT}/{fileTransferId}`, auth: 'SenderOrRecipient', produces: JSON_ONLY, handle: overviewHandler },
    { method: 'GET', pattern: `${FT}/{fileTransferId}/details`, auth: 'SenderOrRecipient', produces: JSON_ONLY, handle: detailsHandler },
    { method: 'GET', pattern: `${FT}/{fileTransferId}/download`, auth: 'Recipient', handle: downloadHandler },
    { method: 'POST', pattern: `${FT}/{fileTransferId}/confirmdownload`, auth: 'Recipient', produces: JSON_ONLY, handle: confirmHandler },
    { method: 'POST', pattern: '/broker/api/v1/serviceowner', auth: 'ServiceOwner', consumes: 'application/json', handle: createServiceOwnerHandler },
    { method: 'GET', pattern: '/broker/api/v1/serviceowner', auth: 'ServiceOwner', produces: JSON_ONLY, handle: getServiceOwnerHandler },
    { method: 'PUT', pattern: '/broker/api/v1/resource/{resourceId}', auth: 'ServiceOwner', produces: JSON_ONLY, consumes: 'application/json', handle: putResourceHandler },
    { method: 'GET', pattern: '/broker/api/v1/resource/{resourceId}', auth: 'ServiceOwner', produces: JSON_ONLY, consumes: 'application/json', handle: getResourceHandler },
    { method: 'GET', pattern: '/broker/api/v1/statistics/monthly', auth: 'ServiceOwner', produces: ['text/csv'], handle: monthlyStatisticsHandler },
    { method: 'POST', pattern: '/broker/api/v1/statistics/generate-daily-summary', auth: 'anonymous', produces: JSON_ONLY, handle: generateDailySummaryHandler },
    { method: 'POST', pattern: '/broker/api/v1/statistics/generate-and-download-daily-summary', auth: 'anonymous', produces: ['application/octet-stream'], handle: downloadDailySummaryHandler },
    { method: 'POST', pattern: '/broker/api/v1/maintenance/cleanup-usecasetests', auth: 'Maintenance', produces: JSON_ONLY, handle: cleanupUseCaseTestsHandler },
    { method: 'POST', pattern: '/broker/api/v1/maintenance/maskinporten-jwk-rotation', auth: 'Maintenance', produces: JSON_ONLY, handle: maskinportenJwkRotationHandler },
    { method: 'POST', pattern: '/broker/api/v1/webhooks/malwarescanresults', auth: 'anonymous', consumes: 'application/json', handle: malwareWebhookHandler },
    { method: 'GET', pattern: '/health', auth: 'anonymous', handle: healthHandler },
  ];
}

export interface EmulatorRouteOptions {
  /** `/_emulator/events` (the raw log) and the Events polling API. */
  events: boolean;
  /** `/_emulator/clock` and `/_emulator/clock/advance`, when the clock can be moved. */
  clock?: { clock: ControllableClock; scheduler: Scheduler };
  /** The Events subscription API. */
  subscriptions?: EventDelivery;
  sign?: TokenSigner;
  /** `/_emulator/faults/storage`: make the next uploads fail in storage. */
  faults?: boolean;
}

export function emulatorRoutes(o: EmulatorRouteOptions): Route[] {
  const routes: Route[] = [];
  if (o.events) {
    routes.push({ method: 'GET', pattern: '/_emulator/events', auth: 'anonymous', handle: eventsHandler });
    routes.push({ method: 'GET', pattern: '/events/api/v1/events', auth: 'EventsConsumer', handle: pollEventsHandler });
  }
  if (o.clock) {
    routes.push({ method: 'GET', pattern: '/_emulator/clock', auth: 'anonymous', handle: getClockHandler(o.clock.clock) });
    routes.push({ method: 'POST', pattern: '/_emulator/clock/advance', auth: 'anonymous', handle: advanceClockHandler(o.clock.clock, o.clock.scheduler) });
  }
  if (o.subscriptions) {
    const SUBS = '/events/api/v1/subscriptions';
    routes.push({ method: 'POST', pattern: SUBS, auth: 'EventsConsumer', handle: createSubscriptionHandler(o.subscriptions) });
    routes.push({ method: 'GET', pattern: SUBS, auth: 'EventsConsumer', handle: listSubscriptionsHandler(o.subscriptions) });
    routes.push({ method: 'GET', pattern: `${SUBS}/{id}`, auth: 'EventsConsumer', handle: getSubscriptionHandler(o.subscriptions) });
    routes.push({ method: 'DELETE', pattern: `${SUBS}/{id}`, auth: 'EventsConsumer', handle: deleteSubscriptionHandler(o.subscriptions) });
  }
  if (o.sign) routes.push({ method: 'POST', pattern: '/_emulator/tokens', auth: 'anonymous', handle: devTokenHandler(o.sign) });
  if (o.faults) routes.push({ method: 'POST', pattern: '/_emulator/faults/storage', auth: 'anonymous', handle: storageFaultHandler });
  return routes;
}

async function notFoundHandler(rc: RequestContext): Promise<void> {
  rc.req.resume();
  sendEmpty(rc, 404);
}
