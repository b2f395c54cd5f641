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
import { tusAcceptsExpiredToken, tusHandler } from './handlers/tus.ts';
import { malwareWebhookHandler } from './handlers/webhook.ts';
import type { Route } from './server.ts';

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
    { method: 'GET', pattern: `${FT}/{fileTransferId}`, auth: 'SenderOrRecipient', produces: JSON_ONLY, handle: overviewHandler },
    { method: 'GET', pattern: `${FT}/{fileTransferId}/details`, auth: 'SenderOrRecipient', produces: JSON_ONLY, handle: detailsHandler },
    { method: 'GET', pattern: `${FT}/{fileTransferId}/download`, auth: 'Recipient', handle: downloadHandler },
    { method: 'POST', pattern: `${FT}/{fileTransferId}/confirmdownload`, auth: 'Recipient', produces: JSON_ONLY, handle: confirmHandler },
    { method: 'POST', pattern: '/broker/api/v1/serviceowner', auth: 'ServiceOwner', consumes: 'application/json', handle: createServiceOwnerHandler },
    { method: 'GET', pattern: '/broker/api/v1/serviceowner', auth: 'ServiceOwner', produces: JSON_ONLY, handle: getServiceOwnerHandler },
    { method: 'PUT', pattern: '/broker/api/v1/resource/{resourceId}', auth: 'ServiceOwner', produces: JSON_ONLY, consumes: 'application/json', handle: putResourceHandler },
    { method: 'GET', pattern: '/broker/api/v1/resource/{resourceId}', auth: 'ServiceOwner', produces: JSON_ONLY, consumes: 'application/json', handle: getResourceHandler },
    { method: 'GET', pattern: '/broker/api/v1/statistics/monthly', auth: 'ServiceOwner', produces: ['text/csv'], handle: monthlyStatisticsHandler },
    { method: 'POST', pattern: '/broker/api/v1/webhooks/malwarescanresults', auth: 'anonymous', consumes: 'application/json', handle: malwareWebhookHandler },
    { method: 'GET', pattern: '/health', auth: 'anonymous', handle: healthHandler },
  ];
}

export function emulatorRoutes(o: { events: boolean; sign?: TokenSigner }): Route[] {
  const routes: Route[] = [];
  if (o.events) routes.push({ method: 'GET', pattern: '/_emulator/events', auth: 'anonymous', handle: eventsHandler });
  if (o.sign) routes.push({ method: 'POST', pattern: '/_emulator/tokens', auth: 'anonymous', handle: devTokenHandler(o.sign) });
  return routes;
}
