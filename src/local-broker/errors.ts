/** @module The Broker's error catalogue as one table, plus the problem types handlers throw. */

export interface BrokerErrorDef {
  readonly code: number;
  readonly status: number;
  readonly detail: string;
}

const def = (code: number, status: number, detail: string): BrokerErrorDef => ({ code, status, detail });

/** Every Broker domain error, keyed by the Broker's own name for it. Texts are exact. */
export const Errors = {
  FileTransferNotFound: def(1, 404, 'The requested file transfer was not found'),
  ServiceOwnerNotConfigured: def(2, 400, 'Service owner needs to be configured to use the broker API'),
  NoFileUploaded: def(3, 400, 'No file uploaded yet'),
  FileTransferAlreadyUploaded: def(4, 409, 'A file transfer has already been, or attempted to be, created. Create a new file transfer resource to try again.'),
  ResourceNotRegistered: def(5, 403, 'The resource needs to be registered as an Altinn 3 resource and it has to be associated with a service owner'),
  NoAccessToResource: def(6, 401, 'You must use a bearer token that represents a system user with access to the resource in the Resource Rights Registry'),
  FileTransferNotAvailable: def(7, 403, "The requested file transfer's file is not ready for download. See file transfer status."),
  UploadFailed: def(8, 500, 'Error occurred while uploading file See /details for more information.'),
  ChecksumMismatch: def(9, 400, 'The checksum of uploaded file did not match the checksum specified in initialize call.'),
  FileTransferNotPublished: def(10, 400, 'A file transfer can only be confirmed to be downloaded when it is published. See file transfer status.'),
  MaxFileSizeCannotBeNegative: def(11, 400, 'Max file transfer size cannot be negative'),
  MaxFileSizeCannotBeZero: def(12, 400, 'Max file transfer size cannot be zero'),
  MaxFileSizeOverPolicy: def(13, 400, 'Max file transfer size cannot be set higher than 50GB in production unless the resource has been pre-approved for disabled virus scan. Contact us @ Slack.'),
  InvalidTimeToLiveFormat: def(14, 400, "Invalid file transfer time to live format. Should follow ISO8601 standard for duration. Example: 'P30D' for 30 days."),
  TimeToLiveCannotExceed365Days: def(15, 400, 'Time to live cannot exceed 365 days'),
  FileSizeTooBig: def(16, 400, 'File size exceeds maximum'),
  InvalidGracePeriodFormat: def(17, 400, "Invalid grace period format. Should follow ISO8601 standard for duration. Example: 'PT2H' for 2 hours."),
  GracePeriodCannotExceed24Hours: def(18, 400, 'Grace period cannot exceed 24 hours'),
  ConfirmDownloadBeforeDownloadStarted: def(19, 400, 'Cannot confirm before the files have been downloaded'),
  NeedApprovalToDisableVirusScan: def(20, 400, 'In order to use file transfers without virus scan the service resource needs to be approved by Altinn. Please contact us @ Slack.'),
  StorageProviderNotReady: def(21, 503, 'Storage provider is not ready yet. Please try again later.'),
  MaxFileSizeOverUntested: def(22, 400, 'Max file transfer size cannot be set higher than 100GB in production because it has not yet been tested for it. Contact us @ Slack if you need it.'),
  InvalidManifestShimConfiguration: def(23, 400, 'In order to use manifest file shim you need to provide external service code and edition code'),
  ServiceOwnerOfResourceNotConfigured: def(24, 400, 'The service owner associated with the resource has not been configured.'),
  ResourceNotConfigured: def(25, 400, 'The resource has not been configured.'),
  RequiredPartyNotPresent: def(26, 400, 'The resource requires the service owner party to be present as part of the transaction.'),
  RequiredPartyTooManyRecipients: def(27, 400, 'When required party is specified and the required party is not the sender, the number of recipients can only be one.'),
  RecipientsNotInAccessList: def(28, 400, 'All recipients need to be in the access list of the resource.'),
  RangeNotSatisfiable: def(29, 416, 'The requested byte range is not satisfiable.'),
  MalwareScanResultNotReady: def(30, 503, 'File transfer is not yet in UploadProcessing. Retry when upload completion has been recorded.'),
  NoFileTransfersFound: def(6001, 404, 'No file transfers found for report generation'),
  ReportGenerationFailed: def(6002, 500, 'Failed to generate statistics report'),
  InvalidYearOrMonth: def(6003, 400, 'Invalid year or month. Provide a valid year and a month between 1 and 12.'),
  AtLeastOneStatisticsGroup: def(6005, 400, 'At least one of includeEndUser or includeVendor must be true.'),
  CallerOrganizationUnknown: def(7001, 400, 'Caller organization id could not be determined'),
  ServiceOwnerAlreadyExists: def(7002, 409, 'Service owner already exists'),
  ServiceOwnerInitializationFailed: def(7003, 500, 'Service owner could not be initialized'),
  ServiceOwnerNotFound: def(7004, 404, 'Service owner not found'),
} as const satisfies Record<string, BrokerErrorDef>;

/** A Broker domain error (§1.4a): rendered as Altinn ProblemDetails with `code` and the duplicated `traceId`. */
export class BrokerProblem extends Error {
  constructor(readonly error: BrokerErrorDef) {
    super(error.detail);
    this.name = 'BrokerProblem';
  }
}

/** A model-binding/validation failure (§1.4b): `errors` keyed by property name, no `code`, no `detail`. */
export class ValidationProblem extends Error {
  constructor(readonly errors: Record<string, string[]>) {
    super('One or more validation errors occurred.');
    this.name = 'ValidationProblem';
  }
}

/** A framework-level answer with no Broker semantics: a status, optional headers and an optional body. */
export class FrameworkResponse extends Error {
  constructor(
    readonly status: number,
    readonly headers: Record<string, string> = {},
    readonly body?: string,
  ) {
    super(`framework response ${status}`);
    this.name = 'FrameworkResponse';
  }
}

/** Throws the Broker error; handlers use it as `x ?? fail(Errors.FileTransferNotFound)`. */
export function fail(error: BrokerErrorDef): never {
  throw new BrokerProblem(error);
}

export function invalid(errors: Record<string, string[]>): never {
  throw new ValidationProblem(errors);
}

/** `BRO-00001` form (§1.4a). */
export function brokerCode(code: number): string {
  return `BRO-${String(code).padStart(5, '0')}`;
}
