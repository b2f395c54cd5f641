/** @module Conditions on TUS answers: the upload lifetime a create promises, the legacy partial URL, unknown partial uploads. */
import { compare, condition, fail, type ResponseLike } from '../condition.ts';

const HOUR_MS = 3_600_000;
/** Clock skew and request time allowed around the promised 24 h. */
const EXPIRES_TOLERANCE_MS = 10 * 60_000;

/** TUS create promises a sliding upload lifetime of 24 hours: `Upload-Expires` ≈ the response's `Date` + 24 h. */
export const TusUploadExpiresIn24Hours = condition<ResponseLike>('TusUploadExpiresIn24Hours', 'LC-TUS-006', '§8.4', (r) => {
  const expires = Date.parse(r.headers['upload-expires'] ?? '');
  if (Number.isNaN(expires)) return fail('no parsable Upload-Expires header', 'Upload-Expires: <RFC 1123 date 24 h ahead>', r.headers['upload-expires'] ?? null);
  const reference = Date.parse(r.headers.date ?? '');
  const now = Number.isNaN(reference) ? Date.now() : reference;
  const aheadHours = Math.round(((expires - now) / HOUR_MS) * 10) / 10;
  return compare('Upload-Expires', {
    hoursAhead: { expected: '24 (± 10 min)', actual: aheadHours, ok: Math.abs(expires - now - 24 * HOUR_MS) <= EXPIRES_TOLERANCE_MS },
  });
});

/** HEAD on the legacy `/tus/{fileTransferId}/{partialUploadId}` answers as the `/partial/` URL does. */
export const LegacyPartialUrlIsServed = condition<{ legacy: ResponseLike; canonical: ResponseLike }>('LegacyPartialUrlIsServed', 'LC-TUS-007', '§8.1', ({ legacy, canonical }) =>
  compare('legacy partial URL', {
    status: { expected: canonical.status, actual: legacy.status },
    uploadOffset: { expected: canonical.headers['upload-offset'], actual: legacy.headers['upload-offset'] },
    uploadLength: { expected: canonical.headers['upload-length'], actual: legacy.headers['upload-length'] },
  }),
);

/** HEAD or PATCH on a partial upload id the Broker never registered: 404, as for any unknown upload. */
export const UnknownPartialUploadIsNotFound = condition<ResponseLike>('UnknownPartialUploadIsNotFound', 'NEG-TUS-002', '§8.5', (r) =>
  compare('unknown partial upload', { status: { expected: 404, actual: r.status } }),
);
