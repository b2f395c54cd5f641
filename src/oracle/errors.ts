/** @module The Broker's domain errors the suites expect, by name: HTTP status, `BRO-000NN` code and exact detail. */

export interface BrokerError {
  /** Numeric Altinn code; on the wire `BRO-` + five digits. */
  number: number;
  status: number;
  detail: string;
}

const e = (number: number, status: number, detail: string): BrokerError => ({ number, status, detail });

export const BROKER_ERRORS = {
  FileTransferNotFound: e(1, 404, 'The requested file transfer was not found'),
  ServiceOwnerNotConfigured: e(2, 400, 'Service owner needs to be configured to use the broker API'),
  NoFileUploadedYet: e(3, 400, 'No file uploaded yet'),
  FileTransferAlreadyUploaded: e(4, 409, 'A file transfer has already been, or attempted to be, created. Create a new file transfer resource to try again.'),
  ResourceNotRegistered: e(5, 403, 'The resource needs to be registered as an Altinn 3 resource and it has to be associated with a service owner'),
  NoAccess: e(6, 401, 'You must use a bearer token that represents a system user with access to the resource in the Resource Rights Registry'),
  NotReadyForDownload: e(7, 403, "The requested file transfer's file is not ready for download. See file transfer status."),
  UploadFailed: e(8, 500, 'Error occurred while uploading file See /details for more information.'),
  ChecksumMismatch: e(9, 400, 'The checksum of uploaded file did not match the checksum specified in initialize call.'),
  ConfirmRequiresPublished: e(10, 400, 'A file transfer can only be confirmed to be downloaded when it is published. See file transfer status.'),
  MaxSizeNegative: e(11, 400, 'Max file transfer size cannot be negative'),
  MaxSizeZero: e(12, 400, 'Max file transfer size cannot be zero'),
  InvalidTimeToLive: e(14, 400, "Invalid file transfer time to live format. Should follow ISO8601 standard for duration. Example: 'P30D' for 30 days."),
  TimeToLiveTooLong: e(15, 400, 'Time to live cannot exceed 365 days'),
  FileSizeExceedsMaximum: e(16, 400, 'File size exceeds maximum'),
  InvalidGracePeriod: e(17, 400, "Invalid grace period format. Should follow ISO8601 standard for duration. Example: 'PT2H' for 2 hours."),
  GracePeriodTooLong: e(18, 400, 'Grace period cannot exceed 24 hours'),
  ConfirmBeforeDownload: e(19, 400, 'Cannot confirm before the files have been downloaded'),
  StorageProviderNotReady: e(21, 503, 'Storage provider is not ready yet. Please try again later.'),
  MaxSizeAboveTested: e(22, 400, 'Max file transfer size cannot be set higher than 100GB in production because it has not yet been tested for it. Contact us @ Slack if you need it.'),
  ServiceOwnerOfResourceNotConfigured: e(24, 400, 'The service owner associated with the resource has not been configured.'),
  ResourceNotConfigured: e(25, 400, 'The resource has not been configured.'),
  RequiredPartyMissing: e(26, 400, 'The resource requires the service owner party to be present as part of the transaction.'),
  RequiredPartyOneRecipient: e(27, 400, 'When required party is specified and the required party is not the sender, the number of recipients can only be one.'),
  RecipientNotInAccessList: e(28, 400, 'All recipients need to be in the access list of the resource.'),
  RangeNotSatisfiable: e(29, 416, 'The requested byte range is not satisfiable.'),
  ServiceOwnerAlreadyExists: e(7002, 409, 'Service owner already exists'),
  ServiceOwnerNotFound: e(7004, 404, 'Service owner not found'),
} as const satisfies Record<string, BrokerError>;

export type BrokerErrorName = keyof typeof BROKER_ERRORS;

/** Why a catalogued error may not be answered in a run: the set-up it needs that not every Broker offers. */
export const ERROR_REACH: Partial<Record<BrokerErrorName, string>> = {
  UploadFailed: 'needs a storage fault (capability faultInjection)',
  FileSizeExceedsMaximum: 'needs a resource whose maxFileTransferSize is below the upload; no suite drives it yet',
  StorageProviderNotReady: 'needs a service owner without the storage provider the transfer asks for (the embedded Broker with a seed of its own)',
  MaxSizeAboveTested: 'raised only by a Production Broker',
  ServiceOwnerAlreadyExists: 'needs the service-owner registration right (capability serviceOwnerAdmin)',
  ServiceOwnerNotFound: 'needs the service-owner registration right (capability serviceOwnerAdmin)',
};

/** Every catalogued error as a coverage key (`BRO-00021`), with the reason it may go unreached. */
export const ERROR_CODE_KEYS: readonly { key: string; name: BrokerErrorName; reach?: string }[] = (Object.keys(BROKER_ERRORS) as BrokerErrorName[]).map((name) => ({
  key: wireCode(BROKER_ERRORS[name]),
  name,
  ...(ERROR_REACH[name] ? { reach: ERROR_REACH[name] } : {}),
}));

/** `BRO-00004`, `BRO-07002`. */
export function wireCode(error: BrokerError): string {
  return `BRO-${String(error.number).padStart(5, '0')}`;
}

/** RFC 9110 `type` and `title` the Broker writes for each status (§1.4a). */
export const PROBLEM_TYPES: Readonly<Record<number, { type: string; title: string }>> = {
  400: { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1', title: 'Bad Request' },
  401: { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.2', title: 'Unauthorized' },
  403: { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.4', title: 'Forbidden' },
  404: { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.5', title: 'Not Found' },
  409: { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.10', title: 'Conflict' },
  416: { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.17', title: 'Range Not Satisfiable' },
  500: { type: 'https://tools.ietf.org/html/rfc9110#section-15.6.1', title: 'Internal Server Error' },
  503: { type: 'https://tools.ietf.org/html/rfc9110#section-15.6.4', title: 'Service Unavailable' },
};

export const VALIDATION_TITLE = 'One or more validation errors occurred.';
