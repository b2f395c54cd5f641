/**
 * @module The validation rules of initialize and resource configuration
 * (§9.3) as data: each rule says how to break a valid request once and what the Broker must answer.
 * The boundaries that must still pass are data too. Specs generate one test per entry.
 */
import type { BrokerErrorName } from './errors.ts';

/** A valid initialize body the rule starts from (all fields present). */
export interface InitBody {
  fileName?: unknown;
  resourceId?: unknown;
  sendersFileTransferReference?: unknown;
  sender?: unknown;
  recipients?: unknown;
  propertyList?: unknown;
  checksum?: unknown;
  disableVirusScan?: unknown;
  [k: string]: unknown;
}

export type Expectation =
  /** 400 validation problem (§1.4b): `errors[key]` holds a message equal to (or, with `startsWith`, starting with) one of `messages`. */
  | { kind: 'validation'; key: string; messages: string[]; startsWith?: boolean }
  /** 400 validation problem whose `errors` has a key matching the pattern (parser messages vary). */
  | { kind: 'validation-key'; keyPattern: RegExp }
  | { kind: 'broker'; error: BrokerErrorName }
  /** A framework 415 ProblemDetails (§1.4c). */
  | { kind: 'status'; status: number; problemType?: string };

export interface InitRule {
  id: string;
  field: string;
  statement: string;
  /** Returns the broken request: a body object, or a raw string sent as-is (`contentType` may change the media type). */
  breakIt: (valid: InitBody) => InitBody | string;
  contentType?: string;
  expect: Expectation;
}

const ORG_MESSAGE = 'Organization numbers should be on the form countrycode:organizationnumber (e.g. 0192:910753614) or urn:altinn:organization:identifier-no:organizationnumber';
const RECIPIENT_MESSAGE = 'Each recipient should be on the form countrycode:organizationnumber (e.g. 0192:910753614) or urn:altinn:organization:identifier-no:organizationnumber';
const FILENAME_LENGTH = 'The field FileName must be a string with a minimum length of 1 and a maximum length of 255.';
const REFERENCE_LENGTH = 'The field SendersFileTransferReference must be a string with a minimum length of 1 and a maximum length of 4096.';
const without = (b: InitBody, k: string): InitBody => Object.fromEntries(Object.entries(b).filter(([key]) => key !== k));
const props = (n: number): Record<string, string> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`key${i}`, `value${i}`]));

export const INIT_RULES: readonly InitRule[] = [
  { id: 'VAL-INIT-001', field: 'fileName', statement: 'fileName omitted is refused', breakIt: (b) => without(b, 'fileName'), expect: { kind: 'validation', key: 'FileName', messages: ['The FileName field is required.'] } },
  { id: 'VAL-INIT-002', field: 'fileName', statement: 'fileName null is refused', breakIt: (b) => ({ ...b, fileName: null }), expect: { kind: 'validation', key: 'FileName', messages: ['The FileName field is required.'] } },
  { id: 'VAL-INIT-003', field: 'fileName', statement: 'fileName empty is refused', breakIt: (b) => ({ ...b, fileName: '' }), expect: { kind: 'validation', key: 'FileName', messages: ['The FileName field is required.', FILENAME_LENGTH] } },
  { id: 'VAL-INIT-004', field: 'fileName', statement: 'fileName of 256 characters is refused', breakIt: (b) => ({ ...b, fileName: 'f'.repeat(252) + '.txt' }), expect: { kind: 'validation', key: 'FileName', messages: [FILENAME_LENGTH] } },
  { id: 'VAL-INIT-005', field: 'resourceId', statement: 'resourceId omitted is refused', breakIt: (b) => without(b, 'resourceId'), expect: { kind: 'validation', key: 'ResourceId', messages: ['The ResourceId field is required.'] } },
  { id: 'VAL-INIT-006', field: 'resourceId', statement: 'resourceId with a colon outside the URN prefix is refused', breakIt: (b) => ({ ...b, resourceId: `other:${String(b.resourceId)}` }), expect: { kind: 'validation', key: 'ResourceId', messages: ['Invalid Resource identifier format'] } },
  { id: 'VAL-INIT-007', field: 'resourceId', statement: 'resourceId of 256 characters is refused', breakIt: (b) => ({ ...b, resourceId: 'r'.repeat(256) }), expect: { kind: 'validation', key: 'ResourceId', messages: ['The field ResourceId must be a string with a minimum length of 1 and a maximum length of 255.', 'Invalid Resource identifier format'] } },
  { id: 'VAL-INIT-008', field: 'sendersFileTransferReference', statement: 'sendersFileTransferReference omitted fails the minimum length', breakIt: (b) => without(b, 'sendersFileTransferReference'), expect: { kind: 'validation', key: 'SendersFileTransferReference', messages: [REFERENCE_LENGTH] } },
  { id: 'VAL-INIT-009', field: 'sendersFileTransferReference', statement: 'sendersFileTransferReference null is required', breakIt: (b) => ({ ...b, sendersFileTransferReference: null }), expect: { kind: 'validation', key: 'SendersFileTransferReference', messages: ['The SendersFileTransferReference field is required.'] } },
  { id: 'VAL-INIT-010', field: 'sendersFileTransferReference', statement: 'sendersFileTransferReference empty fails the minimum length', breakIt: (b) => ({ ...b, sendersFileTransferReference: '' }), expect: { kind: 'validation', key: 'SendersFileTransferReference', messages: [REFERENCE_LENGTH] } },
  { id: 'VAL-INIT-011', field: 'sendersFileTransferReference', statement: 'sendersFileTransferReference of 4097 characters is refused', breakIt: (b) => ({ ...b, sendersFileTransferReference: 's'.repeat(4097) }), expect: { kind: 'validation', key: 'SendersFileTransferReference', messages: [REFERENCE_LENGTH] } },
  { id: 'VAL-INIT-012', field: 'sender', statement: 'sender omitted is refused', breakIt: (b) => without(b, 'sender'), expect: { kind: 'validation', key: 'Sender', messages: ['The Sender field is required.'] } },
  { id: 'VAL-INIT-013', field: 'sender', statement: 'sender without a country-code prefix is refused', breakIt: (b) => ({ ...b, sender: String(b.sender).replace(/^.*:/, '') }), expect: { kind: 'validation', key: 'Sender', messages: [ORG_MESSAGE] } },
  { id: 'VAL-INIT-014', field: 'sender', statement: 'sender with 8 digits is refused', breakIt: (b) => ({ ...b, sender: '0192:12345678' }), expect: { kind: 'validation', key: 'Sender', messages: [ORG_MESSAGE] } },
  { id: 'VAL-INIT-015', field: 'sender', statement: 'sender with a foreign URN scheme is refused', breakIt: (b) => ({ ...b, sender: 'urn:altinn:person:identifier-no:991825827' }), expect: { kind: 'validation', key: 'Sender', messages: [ORG_MESSAGE] } },
  // An omitted list defaults to empty, so the minimum-length rule answers, not [Required] (observed on the running Broker).
  { id: 'VAL-INIT-016', field: 'recipients', statement: 'recipients omitted is refused as an empty list', breakIt: (b) => without(b, 'recipients'), expect: { kind: 'validation', key: 'Recipients', messages: ['One or more recipients are required'] } },
  { id: 'VAL-INIT-029', field: 'recipients', statement: 'recipients null is required', breakIt: (b) => ({ ...b, recipients: null }), expect: { kind: 'validation', key: 'Recipients', messages: ['The Recipients field is required.'] } },
  { id: 'VAL-INIT-017', field: 'recipients', statement: 'an empty recipient list is refused', breakIt: (b) => ({ ...b, recipients: [] }), expect: { kind: 'validation', key: 'Recipients', messages: ['One or more recipients are required'] } },
  { id: 'VAL-INIT-018', field: 'recipients', statement: 'a malformed recipient is refused with one message', breakIt: (b) => ({ ...b, recipients: [...(b.recipients as string[]), '986252932', 'x:1'] }), expect: { kind: 'validation', key: 'Recipients', messages: [RECIPIENT_MESSAGE] } },
  { id: 'VAL-INIT-037', field: 'recipients', statement: 'a recipient written in non-ASCII digits is refused', breakIt: (b) => ({ ...b, recipients: ['0192:９８６２５２９３２'] }), expect: { kind: 'validation', key: 'Recipients', messages: [RECIPIENT_MESSAGE] } },
  { id: 'VAL-INIT-038', field: 'recipients', statement: 'a null among the recipients is refused with the recipient message', breakIt: (b) => ({ ...b, recipients: [...(b.recipients as string[]), null] }), expect: { kind: 'validation', key: 'Recipients', messages: [RECIPIENT_MESSAGE] } },
  { id: 'VAL-INIT-019', field: 'propertyList', statement: 'eleven properties are refused', breakIt: (b) => ({ ...b, propertyList: props(11) }), expect: { kind: 'validation', key: 'PropertyList', messages: ['PropertyList can contain at most 10 properties'] } },
  { id: 'VAL-INIT-020', field: 'propertyList', statement: 'a property key of 51 characters is refused', breakIt: (b) => ({ ...b, propertyList: { ['k'.repeat(51)]: 'v' } }), expect: { kind: 'validation', key: 'PropertyList', messages: [`PropertyList Key can not be longer than 50. Length:51, KeyValue:${'k'.repeat(51)}`] } },
  { id: 'VAL-INIT-021', field: 'propertyList', statement: 'a property value of 3001 characters is refused', breakIt: (b) => ({ ...b, propertyList: { k: 'v'.repeat(3001) } }), expect: { kind: 'validation', key: 'PropertyList', messages: ['PropertyList Value can not be longer than 3000. Length:3001, Value:'], startsWith: true } },
  { id: 'VAL-INIT-022', field: 'propertyList', statement: 'propertyList null is required', breakIt: (b) => ({ ...b, propertyList: null }), expect: { kind: 'validation', key: 'PropertyList', messages: ['The PropertyList field is required.'] } },
  { id: 'VAL-INIT-023', field: 'checksum', statement: 'a checksum of 31 characters is refused', breakIt: (b) => ({ ...b, checksum: 'a'.repeat(31) }), expect: { kind: 'validation', key: 'Checksum', messages: ['The checksum, if used, must be a MD5 hash with a length of 32 characters'] } },
  { id: 'VAL-INIT-024', field: 'checksum', statement: 'an upper-case checksum is refused', breakIt: (b) => ({ ...b, checksum: 'ABCDEF0123456789ABCDEF0123456789' }), expect: { kind: 'validation', key: 'Checksum', messages: ['The checksum, if used, must be a MD5 hash in lower case'] } },
  { id: 'VAL-INIT-025', field: '(body)', statement: 'an empty body is refused', breakIt: () => '', expect: { kind: 'validation', key: '', messages: ['A non-empty request body is required.'] } },
  { id: 'VAL-INIT-026', field: '(body)', statement: 'malformed JSON is refused with a JSON-path key', breakIt: (b) => JSON.stringify(b).slice(0, -2), expect: { kind: 'validation-key', keyPattern: /^\$/ } },
  { id: 'VAL-INIT-027', field: 'disableVirusScan', statement: 'a string where a boolean belongs is refused', breakIt: (b) => ({ ...b, disableVirusScan: 'yes' }), expect: { kind: 'validation-key', keyPattern: /^\$\.disableVirusScan$/i } },
  { id: 'VAL-INIT-028', field: '(media type)', statement: 'a JSON body sent as text/plain is a 415 problem', breakIt: (b) => JSON.stringify(b), contentType: 'text/plain', expect: { kind: 'status', status: 415, problemType: 'https://tools.ietf.org/html/rfc9110#section-15.5.16' } },
];

export interface InitBoundary {
  id: string;
  statement: string;
  apply: (valid: InitBody) => InitBody;
  /** What the overview must then show (field → value), when the boundary concerns storage. */
  stored?: (valid: InitBody) => Record<string, unknown>;
}

export const INIT_BOUNDARIES: readonly InitBoundary[] = [
  { id: 'VAL-INIT-B01', statement: 'a file name of 255 characters passes', apply: (b) => ({ ...b, fileName: 'n'.repeat(251) + '.bin' }), stored: (b) => ({ fileName: 'n'.repeat(251) + '.bin', resourceId: b.resourceId }) },
  { id: 'VAL-INIT-B02', statement: 'ten properties with a 50-character key and a 3000-character value pass', apply: (b) => ({ ...b, propertyList: { ...props(8), ['k'.repeat(50)]: 'v', long: 'v'.repeat(3000) } }), stored: () => ({ propertyList: { ...props(8), ['k'.repeat(50)]: 'v', long: 'v'.repeat(3000) } }) },
  {
    id: 'VAL-INIT-B03', statement: 'URN org numbers pass; the sender is stored as sent, recipients as 0192:', apply: (b) => ({
      ...b, sender: `urn:altinn:organization:identifier-no:${String(b.sender).slice(-9)}`, recipients: (b.recipients as string[]).map((r) => `urn:altinn:organization:identifier-no:${r.slice(-9)}`),
    }),
    stored: (b) => ({ sender: `urn:altinn:organization:identifier-no:${String(b.sender).slice(-9)}` }),
  },
  { id: 'VAL-INIT-B04', statement: 'any 4-digit prefix passes and recipients are normalised to 0192:', apply: (b) => ({ ...b, recipients: (b.recipients as string[]).map((r) => `9908:${r.slice(-9)}`) }) },
  { id: 'VAL-INIT-B05', statement: 'a unicode file name passes and is stored as given', apply: (b) => ({ ...b, fileName: 'Årsrapport – 季度 📄 ø.pdf' }), stored: () => ({ fileName: 'Årsrapport – 季度 📄 ø.pdf' }) },
  { id: 'VAL-INIT-B06', statement: 'a urn:altinn:resource: prefix passes and is stripped', apply: (b) => ({ ...b, resourceId: `urn:altinn:resource:${String(b.resourceId)}` }), stored: (b) => ({ resourceId: b.resourceId }) },
  { id: 'VAL-INIT-B07', statement: 'an omitted checksum is stored as an empty string', apply: (b) => without(b, 'checksum'), stored: () => ({ checksum: '' }) },
  { id: 'VAL-INIT-B08', statement: 'an explicit null checksum is stored as null', apply: (b) => ({ ...b, checksum: null }), stored: () => ({ checksum: null }) },
  { id: 'VAL-INIT-B09', statement: 'property names are matched case-insensitively and unknown properties ignored', apply: (b) => ({ ...without(b, 'fileName'), FILENAME: 'upper.txt', somethingElse: 1 }), stored: () => ({ fileName: 'upper.txt' }) },
  { id: 'VAL-INIT-B10', statement: 'a sendersFileTransferReference of 500 characters passes', apply: (b) => ({ ...b, sendersFileTransferReference: `${String(b.sendersFileTransferReference)}-`.padEnd(500, 'r') }) },
];

// --- resource configuration (§9.3) -------------------------------------------------------------

export interface ResourceRule {
  id: string;
  field: string;
  statement: string;
  body: Record<string, unknown>;
  expect: Expectation;
}

const SHIM_CODE = 'ExternalServiceCodeLegacy must be set and not be an empty string.';
const SHIM_EDITION = 'ExternalServiceEditionCodeLegacy must be set and not be zero.';

export const RESOURCE_RULES: readonly ResourceRule[] = [
  { id: 'ADM-RES-001', field: 'maxFileTransferSize', statement: 'a negative max size is code 11', body: { maxFileTransferSize: -1 }, expect: { kind: 'broker', error: 'MaxSizeNegative' } },
  { id: 'ADM-RES-002', field: 'maxFileTransferSize', statement: 'a zero max size is code 12', body: { maxFileTransferSize: 0 }, expect: { kind: 'broker', error: 'MaxSizeZero' } },
  { id: 'ADM-RES-003', field: 'maxFileTransferSize', statement: 'a max size above 1 677 721 600 000 bytes is code 22', body: { maxFileTransferSize: 1_677_721_600_001 }, expect: { kind: 'broker', error: 'MaxSizeAboveTested' } },
  { id: 'ADM-RES-004', field: 'fileTransferTimeToLive', statement: 'a TTL that is no xs:duration is code 14', body: { fileTransferTimeToLive: 'thirty days' }, expect: { kind: 'broker', error: 'InvalidTimeToLive' } },
  { id: 'ADM-RES-005', field: 'fileTransferTimeToLive', statement: 'a TTL in weeks (not xs:duration) is code 14', body: { fileTransferTimeToLive: 'P2W' }, expect: { kind: 'broker', error: 'InvalidTimeToLive' } },
  { id: 'ADM-RES-006', field: 'fileTransferTimeToLive', statement: 'a TTL over 365 days is code 15', body: { fileTransferTimeToLive: 'P366D' }, expect: { kind: 'broker', error: 'TimeToLiveTooLong' } },
  { id: 'ADM-RES-007', field: 'purgeFileTransferGracePeriod', statement: 'a grace period that is no xs:duration is code 17', body: { purgeFileTransferGracePeriod: '2 hours' }, expect: { kind: 'broker', error: 'InvalidGracePeriod' } },
  { id: 'ADM-RES-008', field: 'purgeFileTransferGracePeriod', statement: 'a grace period of PT25H is code 18', body: { purgeFileTransferGracePeriod: 'PT25H' }, expect: { kind: 'broker', error: 'GracePeriodTooLong' } },
  { id: 'ADM-RES-009', field: 'purgeFileTransferGracePeriod', statement: 'a grace period of P3D is code 18', body: { purgeFileTransferGracePeriod: 'P3D' }, expect: { kind: 'broker', error: 'GracePeriodTooLong' } },
  { id: 'ADM-RES-010', field: 'useManifestFileShim', statement: 'the shim without a service code is a validation problem keyed ""', body: { useManifestFileShim: true, externalServiceEditionCodeLegacy: 1 }, expect: { kind: 'validation', key: '', messages: [SHIM_CODE] } },
  { id: 'ADM-RES-011', field: 'useManifestFileShim', statement: 'the shim with edition code zero is a validation problem keyed ""', body: { useManifestFileShim: true, externalServiceCodeLegacy: 'abc', externalServiceEditionCodeLegacy: 0 }, expect: { kind: 'validation', key: '', messages: [SHIM_EDITION] } },
];

export interface ResourceBoundary {
  id: string;
  statement: string;
  body: Record<string, unknown>;
  /** What GET must then show for the fields set (durations in TimeSpan form, §9.4). */
  reads: Record<string, unknown>;
}

export const RESOURCE_BOUNDARIES: readonly ResourceBoundary[] = [
  { id: 'ADM-RES-B01', statement: 'a TTL of P365D passes and reads back as 365.00:00:00', body: { fileTransferTimeToLive: 'P365D' }, reads: { fileTransferTimeToLive: '365.00:00:00' } },
  { id: 'ADM-RES-B02', statement: 'a grace period of PT24H passes and reads back as 1.00:00:00', body: { purgeFileTransferGracePeriod: 'PT24H' }, reads: { purgeFileTransferGracePeriod: '1.00:00:00' } },
  { id: 'ADM-RES-B03', statement: 'P1DT2H reads back as 1.02:00:00 and PT2H as 02:00:00', body: { fileTransferTimeToLive: 'P1DT2H', purgeFileTransferGracePeriod: 'PT2H' }, reads: { fileTransferTimeToLive: '1.02:00:00', purgeFileTransferGracePeriod: '02:00:00' } },
  { id: 'ADM-RES-B04', statement: 'the largest tested max size passes', body: { maxFileTransferSize: 1_677_721_600_000 }, reads: { maxFileTransferSize: 1_677_721_600_000 } },
  { id: 'ADM-RES-B05', statement: 'the shim with both legacy codes passes', body: { useManifestFileShim: true, externalServiceCodeLegacy: '4711', externalServiceEditionCodeLegacy: 1 }, reads: { useManifestFileShim: true, externalServiceCodeLegacy: '4711', externalServiceEditionCodeLegacy: 1 } },
];
