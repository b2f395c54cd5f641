/** @module E1/E3 request validation (§2.2): the model attributes' rules and messages, keyed by C# property name, in one pass. */
import { ValidationProblem } from './errors.ts';
import type { NewTransfer } from './lifecycle.ts';
import { bareOrg } from './seed.ts';

/** One raw initialize request; `undefined` = omitted, `null` = explicit null. */
export interface RawInitialize {
  fileName?: string | null;
  resourceId?: string | null;
  sendersFileTransferReference?: string | null;
  sender?: string | null;
  recipients?: Array<string | null> | null;
  propertyList?: Record<string, string | null> | null;
  checksum?: string | null;
  disableVirusScan?: boolean | null;
}

export const ORG_PATTERN = /^(?:\d{4}:\d{9}|urn:altinn:organization:identifier-no:\d{9})$/u;
const RESOURCE_PATTERN = /^(?:urn:altinn:resource:)?[^:]{1,255}$/u;
/** Column width of `sendersFileTransferReference`; the real Broker answers 500 above it, we answer 400. */
export const SENDERS_REFERENCE_DB_LIMIT = 500;

const required = (name: string) => `The ${name} field is required.`;
const length = (name: string, min: number, max: number) =>
  `The field ${name} must be a string with a minimum length of ${min} and a maximum length of ${max}.`;

/** Validates and normalises; throws `ValidationProblem` with every failing property (keys prefixed for E3). */
export function validateInitialize(raw: RawInitialize, prefix = '', extraErrors: Record<string, string[]> = {}): NewTransfer {
  const errors: Record<string, string[]> = {};
  const add = (name: string, message: string) => (errors[prefix + name] ??= []).push(message);

  // [Required] refuses null, empty and whitespace-only strings.
  const stringRule = (name: string, value: string | null | undefined, max: number) => {
    if (value === null || value === undefined || value.trim() === '') add(name, required(name));
    if (value !== null && value !== undefined && (value.length < 1 || value.length > max)) add(name, length(name, 1, max));
  };

  stringRule('FileName', raw.fileName, 255);

  stringRule('ResourceId', raw.resourceId, 255);
  if (raw.resourceId && !RESOURCE_PATTERN.test(raw.resourceId)) add('ResourceId', 'Invalid Resource identifier format');

  const reference = raw.sendersFileTransferReference === undefined ? '' : raw.sendersFileTransferReference;
  if (reference === null) add('SendersFileTransferReference', required('SendersFileTransferReference'));
  else if (reference.length < 1 || reference.length > 4096) add('SendersFileTransferReference', length('SendersFileTransferReference', 1, 4096));
  else if (reference.length > SENDERS_REFERENCE_DB_LIMIT)
    add('SendersFileTransferReference', `The field SendersFileTransferReference must be a string with a maximum length of ${SENDERS_REFERENCE_DB_LIMIT}.`);

  // The pattern attribute comes first and lets only null and '' through; [Required] then refuses whitespace too.
  if (raw.sender !== null && raw.sender !== undefined && raw.sender !== '' && !ORG_PATTERN.test(raw.sender))
    add('Sender', 'Organization numbers should be on the form countrycode:organizationnumber (e.g. 0192:910753614) or urn:altinn:organization:identifier-no:organizationnumber');
  if (raw.sender === null || raw.sender === undefined || raw.sender.trim() === '') add('Sender', required('Sender'));

  // An omitted list defaults to empty: only an explicit null meets [Required].
  if (raw.recipients === null) add('Recipients', required('Recipients'));
  else if (raw.recipients === undefined || raw.recipients.length === 0) add('Recipients', 'One or more recipients are required');
  // The framework's regex rule treats an empty string as valid; a null element has no org number at all.
  else if (raw.recipients.some((r) => r === null || (r !== '' && !ORG_PATTERN.test(r))))
    add('Recipients', 'Each recipient should be on the form countrycode:organizationnumber (e.g. 0192:910753614) or urn:altinn:organization:identifier-no:organizationnumber');

  const properties = raw.propertyList === undefined ? {} : raw.propertyList;
  if (properties === null) add('PropertyList', required('PropertyList'));
  else {
    const message = propertyListMessage(properties);
    if (message) add('PropertyList', message);
  }

  if (raw.checksum !== null && raw.checksum !== undefined && raw.checksum.trim() !== '') {
    if (raw.checksum.length !== 32) add('Checksum', 'The checksum, if used, must be a MD5 hash with a length of 32 characters');
    else if (raw.checksum !== raw.checksum.toLowerCase()) add('Checksum', 'The checksum, if used, must be a MD5 hash in lower case');
  }

  Object.assign(errors, extraErrors);
  if (Object.keys(errors).length) throw new ValidationProblem(errors);

  return {
    resourceId: raw.resourceId!.slice(raw.resourceId!.lastIndexOf(':') + 1),
    fileName: raw.fileName!,
    sendersFileTransferReference: reference as string,
    checksum: raw.checksum === undefined ? '' : raw.checksum,
    disableVirusScan: raw.disableVirusScan ?? false,
    sender: raw.sender!,
    recipients: raw.recipients!.map((r) => `0192:${bareOrg(r as string)}`),
    propertyList: properties as Record<string, string>,
  };
}

/** The custom PropertyList attribute yields one message: count, then each key and value in order. */
function propertyListMessage(properties: Record<string, string | null>): string | undefined {
  const entries = Object.entries(properties);
  if (entries.length > 10) return 'PropertyList can contain at most 10 properties';
  for (const [key, value] of entries) {
    if (key.length > 50) return `PropertyList Key can not be longer than 50. Length:${key.length}, KeyValue:${key}`;
    // The real Broker throws (500) on a null value; we reject it as a client error instead.
    if (value === null) return `PropertyList Value can not be null. Key:${key}`;
    if (value.length > 3000) return `PropertyList Value can not be longer than 3000. Length:${value.length}, Value:${value}`;
  }
  return undefined;
}
