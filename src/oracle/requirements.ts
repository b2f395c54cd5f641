/**
 * @module The requirement catalogue: every requirement the suites check, with a stable id, one
 * sentence in our own words saying what must hold, and a public citation of where the Broker does it
 * (its source at the snapshot we describe, or a public documentation page). Rules generated from data
 * tables (validation rules, illegal cells) name the table; requirements no HTTP road can show yet
 * carry `skip` with the reason.
 */
import { INIT_BOUNDARIES, INIT_RULES, RESOURCE_BOUNDARIES, RESOURCE_RULES } from './validation.ts';

export interface Requirement {
  id: string;
  /** One sentence in our own words: what the Broker must do. */
  statement: string;
  /**
   * A public citation: `Altinn/altinn-broker@161ba122:<path>[#Lnn]` (the Broker's source) or an https
   * URL of public documentation. Never a document outside this repository.
   */
  citation: string;
  /** The oracle table a spec iterates to check it (`INIT_RULES`, `ILLEGAL_CELLS`…), when not named literally in a spec. */
  table?: 'INIT_RULES' | 'INIT_BOUNDARIES' | 'RESOURCE_RULES' | 'RESOURCE_BOUNDARIES' | 'ILLEGAL_CELLS' | 'TRANSITIONS';
  /** Not checked by any suite, and why. */
  skip?: string;
}

/** The Broker snapshot every source citation points into (Altinn/altinn-broker). */
export const CITED_BROKER_COMMIT = '161ba122';
/** What a citation must look like: a path (and line) in the Broker's source at that snapshot, or a public https page. */
export const CITATION_PATTERN = /^(?:Altinn\/altinn-broker@161ba122:src\/[A-Za-z0-9_./-]+\.[a-z]+(?:#L\d+(?:-L\d+)?)?|https:\/\/[^\s]+)$/;

/** A file (and line) of the Broker's source: `broker('API/Program.cs', 169)` is `src/Altinn.Broker.API/Program.cs#L169`. */
export function broker(path: string, line?: number): string {
  return `Altinn/altinn-broker@${CITED_BROKER_COMMIT}:src/Altinn.Broker.${path}${line ? `#L${line}` : ''}`;
}
/** A citation as a link a reader can open: the GitHub page of the cited file and line, or the cited page itself. */
export function citationUrl(citation: string): string | undefined {
  if (/^https:\/\//.test(citation)) return citation;
  const m = /^Altinn\/altinn-broker@161ba122:([^#]+)(?:#L(\d+))?$/.exec(citation);
  return m ? `https://github.com/Altinn/altinn-broker/blob/161ba1223862bb420022844eed09ff48c83a3840/${m[1]}${m[2] ? `#L${m[2]}` : ''}` : undefined;
}
const api = (path: string, line?: number) => broker(`API/${path}`, line);
const app = (path: string, line?: number) => broker(`Application/${path}`, line);

const r = (id: string, citation: string, statement: string, extra: Partial<Requirement> = {}): Requirement => ({ id, citation, statement, ...extra });

const HAND_WRITTEN: Requirement[] = [
  // lifecycle
  r('LC-HAPPY-001', api('Controllers/FileTransferController.cs', 393), 'a single-recipient transfer goes Initialized → Published → AllConfirmedDownloaded'),
  r('LC-INIT-001', app('InitializeFileTransfer/InitializeFileTransferHandler.cs', 153), 'initialize answers 200 {fileTransferId} and the transfer is Initialized with each recipient Initialized'),
  r('LC-UPLOAD-001', app('UploadFile/UploadFileHandler.cs', 63), 'a streamed upload writes UploadStarted and answers 200 {fileTransferId}'),
  r('LC-UPLOAD-002', app('UploadFile/Tus/TusUploadValidationService.cs', 119), 'an upload on a transfer already UploadStarted writes UploadStarted again', { table: 'TRANSITIONS' }),
  r('LC-PUBLISH-001', app('UploadFile/FileTransferPublishService.cs', 60), 'without virus scan an upload publishes inside the request: UploadStarted → Published'),
  r('LC-PUBLISH-002', app('UploadFile/CompleteFileUploadHandler.cs', 121), 'with virus scan an upload goes through UploadProcessing'),
  r('LC-PUBLISH-003', app('MalwareScanResults/MalwareScanResultHandler.cs', 142), 'a clean scan result publishes the transfer'),
  r('LC-PUBLISH-004', api('Mappers/FileStatusOverviewExtMapper.cs', 32), 'published is null before publishing and equals the Published history time after'),
  r('LC-PUBLISH-005', app('UploadFile/FileTransferPublishService.cs', 35), 'there is never a second Published history entry'),
  r('LC-MULTIPART-001', api('Controllers/FileTransferController.cs', 149), 'multipart initialize-and-upload creates and publishes a transfer in one call'),
  r('LC-MULTIPART-002', app('UploadFile/CompleteFileUploadHandler.cs', 97), 'a multipart upload whose MD5 differs from its checksum answers 400 code 9; the transfer it created remains, Failed'),
  r('LC-MD5-001', broker('Integrations/Tus/Md5ComputingStream.cs'), 'the downloaded bytes are identical to the uploaded bytes (MD5) and checksum holds their MD5'),
  r('LC-CHECKSUM-001', app('UploadFile/CompleteFileUploadHandler.cs', 85), 'an upload matching the initialize checksum publishes; the checksum is echoed'),
  r('LC-CHECKSUM-002', app('UploadFile/CompleteFileUploadHandler.cs', 75), 'without an initialize checksum the computed MD5 is stored'),
  r('LC-EMPTY-001', app('UploadFile/UploadFileHandler.cs', 63), 'a zero-byte upload publishes with size 0 and the MD5 of nothing'),
  r('LC-FAIL-001', app('UploadFile/CompleteFileUploadHandler.cs', 93), 'a checksum mismatch answers 400 code 9 and leaves the transfer Failed with text `Checksum mismatch`'),
  r('LC-FAIL-002', app('MalwareScanResults/MalwareScanResultHandler.cs', 129), 'EICAR with virus scan ends Failed with a `Malware scan failed:` text'),
  r('LC-FAIL-003', app('UploadFile/UploadFileHandler.cs', 126), 'a storage exception answers 500 code 8 and leaves the transfer Failed'),
  r('LC-FAIL-004', 'Altinn/altinn-broker@161ba122:src/Altinn.Broker.Application/UploadFile/CompleteFileUploadHandler.cs#L85-L97', 'with virus scan on, a checksum mismatch is still refused before any scan: 400 code 9 and Failed `Checksum mismatch`, never UploadProcessing'),
  r('LC-STATE-001', api('Mappers/FileStatusOverviewExtMapper.cs', 67), 'each state shows its default status text in overview and history'),
  r('LC-STATE-002', api('Mappers/FileStatusOverviewExtMapper.cs', 79), 'recipients are listed as 0192:<orgno> with the highest status they reached and its text'),
  r('LC-STATE-003', 'Altinn/altinn-broker@161ba122:src/Altinn.Broker.API/Mappers/FileStatusOverviewExtMapper.cs', 'fileTransferStatusChanged is the time of the latest status history entry, and each recipient\'s currentRecipientFileTransferStatusChanged the time of its latest recipient history entry'),
  r('LC-MULTI-001', app('ConfirmDownload/ConfirmDownloadHandler.cs', 69), 'with two recipients the first confirm keeps Published; the second reaches AllConfirmedDownloaded'),
  r('LC-DOWNLOAD-001', app('DownloadFile/DownloadFileHandler.cs', 81), 'a download adds a DownloadStarted entry for the recipient; the file status stays'),
  r('LC-DOWNLOAD-002', app('DownloadFile/DownloadFileHandler.cs', 32), 're-download after AllConfirmedDownloaded is allowed and recorded'),
  r('LC-CONFIRM-001', app('ConfirmDownload/ConfirmDownloadHandler.cs', 76), 'a confirm that is not the last sets the recipient DownloadConfirmed only'),
  r('LC-CONFIRM-002', app('ConfirmDownload/ConfirmDownloadHandler.cs', 80), 'the last confirm reaches AllConfirmedDownloaded'),
  r('LC-CONFIRM-003', app('ConfirmDownload/ConfirmDownloadHandler.cs', 61), 'a repeated confirm while still Published is a 204 no-op'),
  r('LC-TUS-001', api('Tus/TusEndpointExtensions.cs', 237), 'TUS create answers 201 with a relative Location and sets UploadStarted'),
  r('LC-TUS-002', api('Tus/TusEndpointExtensions.cs', 290), 'a TUS upload without scan or checksum publishes after the last byte'),
  r('LC-TUS-003', app('UploadFile/Tus/TusUploadCompleteHandler.cs', 92), 'a TUS upload with a checksum goes through UploadProcessing to Published'),
  r('LC-TUS-004', app('UploadFile/Tus/TusChecksumProcessingHandler.cs'), 'a TUS upload whose MD5 differs from the initialize checksum ends Failed'),
  r('LC-TUS-005', api('Tus/TusEndpointExtensions.cs', 42), 'TUS OPTIONS answers 204 with the TUS version and extensions'),
  r('LC-TUS-006', broker('Integrations/Tus/TusOptions.cs', 10), 'TUS create answers Upload-Expires 24 hours ahead, the sliding upload lifetime'),
  r('LC-TUS-007', api('Tus/TusPartialPathRewriteMiddleware.cs'), 'the legacy two-segment partial URL /tus/{fileTransferId}/{partialUploadId} is served as the /partial/ URL'),
  r('LC-HISTORY-001', broker('Persistence/Repositories/FileTransferStatusRepository.cs', 70), 'details list the status history and the recipient history oldest first'),
  r('LC-TIME-001', 'Altinn/altinn-broker@161ba122:src/Altinn.Broker.API/Models/FileTransferOverviewExt.cs', 'every timestamp the Broker writes (overview, details, events) is ISO 8601 with the explicit offset `+00:00`, never `Z`'),
  r('LC-CLOCK-001', app('InitializeFileTransfer/InitializeFileTransferHandler.cs', 145), 'at expirationTime a transfer is Purged (overview still readable)'),
  r('LC-CLOCK-002', app('ConfirmDownload/ConfirmDownloadHandler.cs', 84), 'after the grace period following the last confirm the transfer is Purged'),
  r('LC-CLOCK-003', app('StuckFileTransfer/StuckFileTransferHandler.cs', 53), 'a transfer stuck 24 h in UploadStarted is marked Failed'),
  r('LC-EXPIRY-001', app('InitializeFileTransfer/InitializeFileTransferHandler.cs', 145), 'expirationTime is created + the resource TTL'),
  // illegal moves
  r('NEG-NOTFOUND-001', app('GetFileTransferOverview/GetFileTransferOverviewHandler.cs', 27), 'every operation on an unknown id answers 404 code 1, before any access check', { table: 'ILLEGAL_CELLS' }),
  r('NEG-UPLOAD-001', app('UploadFile/Tus/TusUploadValidationService.cs', 41), 'upload beyond UploadStarted answers 409 code 4', { table: 'ILLEGAL_CELLS' }),
  r('NEG-UPLOAD-002', app('UploadFile/Tus/TusUploadValidationService.cs', 112), 'a Failed transfer cannot be uploaded again (409 code 4)', { table: 'ILLEGAL_CELLS' }),
  r('NEG-DOWNLOAD-001', app('DownloadFile/DownloadFileHandler.cs', 34), 'download outside Published/AllConfirmedDownloaded answers 403 code 7', { table: 'ILLEGAL_CELLS' }),
  r('NEG-CONFIRM-001', app('ConfirmDownload/ConfirmDownloadHandler.cs', 49), 'confirm with no file stored answers 400 code 3', { table: 'ILLEGAL_CELLS' }),
  r('NEG-CONFIRM-002', app('ConfirmDownload/ConfirmDownloadHandler.cs', 53), 'confirm when not Published answers 400 code 10 (also the last recipient confirming twice)', { table: 'ILLEGAL_CELLS' }),
  r('NEG-CONFIRM-003', app('ConfirmDownload/ConfirmDownloadHandler.cs', 67), 'confirm before downloading answers 400 code 19', { table: 'ILLEGAL_CELLS' }),
  r('NEG-TUS-002', broker('Integrations/Tus/BrokerTusStore.cs', 612), 'HEAD or PATCH on a partial upload id that was never registered answers 404'),
  r('NEG-TUS-001', api('Tus/TusEndpointExtensions.cs', 227), 'TUS create refusals (unknown id, not the sender, status ≥ UploadProcessing) are text/plain with the Broker message and status', { table: 'ILLEGAL_CELLS' }),
  r('NEG-CELL-001', app('Errors.cs', 9), 'every refused (state, operation, actor) cell answers its exact status and code', { table: 'ILLEGAL_CELLS' }),
  r('NEG-NOCHANGE-001', app('ConfirmDownload/ConfirmDownloadHandler.cs', 34), 'a refused operation changes neither the status history nor the recipient history'),
  r('NEG-ID-001', api('Controllers/FileTransferController.cs', 193), 'a non-GUID file transfer id is a 400 validation problem keyed fileTransferId'),
  r('NEG-CT-001', api('Controllers/FileTransferController.cs', 90), 'a wrong Content-Type on upload is an empty 415, even without a token'),
  r('NEG-ACCEPT-001', api('Helpers/AcceptHeaderValidationMiddleware.cs', 31), 'an unsupported Accept header is a plain-text 406 before authentication'),
  r('HDR-001', 'Altinn/altinn-broker@161ba122:src/Altinn.Broker.API/Helpers/SecurityHeadersMiddleware.cs#L9', 'every Broker response carries `Cache-Control: no-store` and `X-Content-Type-Options: nosniff`'),
  // validation processing order (initialize checks resource, service owner, access list, required party in turn)
  r('VAL-INIT-030', app('InitializeFileTransfer/InitializeFileTransferHandler.cs', 70), 'initialize on a resource the Broker has not configured answers 401 code 6'),
  r('VAL-INIT-031', app('InitializeFileTransfer/InitializeFileTransferHandler.cs', 100), 'a recipient outside the resource access list answers 400 code 28'),
  r('VAL-INIT-032', app('InitializeFileTransfer/InitializeFileTransferHandler.cs', 126), 'a required party that is neither sender nor recipient answers 400 code 26'),
  r('VAL-INIT-033', app('InitializeFileTransfer/InitializeFileTransferHandler.cs', 120), 'a required party with more than one recipient answers 400 code 27'),
  r('VAL-INIT-034', app('InitializeFileTransfer/InitializeFileTransferHandler.cs', 91), 'a resource missing from the Resource Registry answers 403 code 5'),
  r('VAL-INIT-035', app('InitializeFileTransfer/InitializeFileTransferHandler.cs', 75), 'a resource whose service owner is not registered answers 400 code 2'),
  r('VAL-INIT-039', 'Altinn/altinn-broker@161ba122:src/Altinn.Broker.Application/Errors.cs#L29', 'initialize when the service owner has no ready storage provider for the chosen scan mode answers 503 code 21 with its text'),
  r('VAL-INIT-036', api('Controllers/FileTransferController.cs', 139), 'multipart validation errors are keyed Metadata.<Field>'),
  // authorization
  r('AUTH-001', api('Program.cs', 169), 'no token: 401, empty body, WWW-Authenticate: Bearer', { table: 'ILLEGAL_CELLS' }),
  r('AUTH-002', api('Program.cs', 169), 'a token signed by an unknown key: 401 empty'),
  r('AUTH-003', api('Program.cs', 174), 'an expired token: 401 empty (zero clock skew)'),
  r('AUTH-004', api('Program.cs', 214), 'a token without the operation\'s scope: 403 empty'),
  r('AUTH-005', api('Controllers/FileTransferController.cs', 99), 'a recipient (read-only) token cannot upload: 403 empty', { table: 'ILLEGAL_CELLS' }),
  r('AUTH-006', app('GetFileTransferOverview/GetFileTransferOverviewHandler.cs', 32), 'a non-party reading overview/details: 401 code 6', { table: 'ILLEGAL_CELLS' }),
  r('AUTH-007', app('UploadFile/Tus/TusUploadValidationService.cs', 36), 'a caller that is not the sender uploading: 401 code 6', { table: 'ILLEGAL_CELLS' }),
  r('AUTH-008', app('ConfirmDownload/ConfirmDownloadHandler.cs', 45), 'a caller that is not a recipient downloading or confirming (the sender too): 401 code 6', { table: 'ILLEGAL_CELLS' }),
  r('AUTH-009', api('Program.cs', 217), 'service-owner endpoints refuse sender/recipient tokens with 403 empty'),
  r('AUTH-010', app('GetFileTransfers/GetFileTransfersHandler.cs', 47), 'search by a non-party answers 200 without others\' transfers'),
  r('AUTH-011', api('Program.cs', 169), 'an alg:none token: 401'),
  r('AUTH-012', api('Program.cs', 170), 'a token from an untrusted issuer: 401'),
  r('AUTH-013', broker('Common/ClaimsPrincipalExtensions.cs', 9), 'the caller org is read from the token: a recipient org in a write-scoped token still cannot upload for the sender'),
  r('AUTH-014', app('GetFileTransfers/GetFileTransfersHandler.cs'), 'search by a caller without rights on the resource answers 401 code 6'),
  // search
  r('SEARCH-001', api('Controllers/FileTransferController.cs', 273), 'resourceId is required: 400 validation problem keyed resourceId'),
  r('SEARCH-002', broker('Persistence/Repositories/FileTransferRepository.cs', 233), 'status filters on the current status'),
  r('SEARCH-003', broker('Persistence/Repositories/FileTransferRepository.cs', 310), 'recipientStatus filters on the caller\'s latest actor status'),
  r('SEARCH-004', api('Controllers/FileTransferController.cs', 293), 'role=Sender keeps sent transfers, role=Recipient received ones'),
  r('SEARCH-005', broker('Persistence/Repositories/FileTransferRepository.cs', 269), 'default order is newest first'),
  r('SEARCH-006', api('Controllers/FileTransferController.cs', 292), 'orderAscending=true gives oldest first'),
  r('SEARCH-007', broker('Persistence/Repositories/FileTransferRepository.cs', 248), 'from+to are inclusive; only from is strictly after; only to is strictly before'),
  r('SEARCH-008', api('Controllers/FileTransferController.cs', 272), 'an invalid from is a 400 validation problem'),
  r('SEARCH-009', app('InitializeFileTransfer/InitializeFileTransferHandler.cs', 40), 'a transfer initialized with a URN sender is not found by its sender'),
  r('SEARCH-010', app('GetFileTransfers/GetFileTransfersHandler.cs', 24), 'a urn:altinn:resource: resourceId in search is not stripped: 401 code 6'),
  r('SEARCH-011', broker('Persistence/Repositories/FileTransferRepository.cs', 310), 'after confirm, a re-download makes recipientStatus=DownloadConfirmed stop matching'),
  r('SEARCH-012', broker('Persistence/Repositories/FileTransferRepository.cs', 243), 'with status, from/to compare the time the transfer entered that status'),
  r('SEARCH-013', api('Controllers/FileTransferController.cs', 272), 'a comma-separated list as status or role is a 400 validation problem keyed by the parameter'),
  r('SEARCH-014', 'Altinn/altinn-broker@161ba122:src/Altinn.Broker.Persistence/Repositories/FileTransferRepository.cs#L270', 'search answers at most 100 ids, the first 100 in the chosen order'),
  // download
  r('DL-FULL-001', api('Controllers/FileTransferController.cs', 362), 'a full download is 200 octet-stream with Content-Disposition, Accept-Ranges: bytes and Content-Length'),
  r('DL-FULL-002', 'Altinn/altinn-broker@161ba122:src/Altinn.Broker.API/Controllers/FileTransferController.cs#L362', 'Content-Disposition carries both a plain `filename=` (quoted when the name has spaces or specials, non-ASCII as `_`) and `filename*=UTF-8\'\'<percent-encoded name>`'),
  r('DL-RANGE-001', api('Controllers/FileTransferController.cs', 355), 'bytes=a-b answers 206 with Content-Range and the exact bytes'),
  r('DL-RANGE-002', api('Helpers/ByteRangeParser.cs', 14), 'bytes=a- answers the rest of the file'),
  r('DL-RANGE-003', api('Helpers/ByteRangeParser.cs', 14), 'a suffix range bytes=-n answers the last n bytes'),
  r('DL-RANGE-004', broker('Core/Domain/ByteRange.cs'), 'an end beyond the file is clamped to the last byte'),
  r('DL-RANGE-005', app('DownloadFile/DownloadFileHandler.cs', 56), 'a start at or past the size is 416 code 29 without Content-Range'),
  r('DL-RANGE-006', app('DownloadFile/DownloadFileHandler.cs', 56), 'bytes=-0 is 416 code 29'),
  r('DL-RANGE-007', api('Helpers/ByteRangeParser.cs', 20), 'several ranges are ignored: full 200'),
  r('DL-RANGE-008', api('Helpers/ByteRangeParser.cs', 20), 'another unit or a malformed header is ignored: full 200'),
  r('DL-RANGE-009', api('Helpers/ByteRangeParser.cs', 27), 'bytes=5-2 does not parse and is ignored: full 200'),
  r('DL-RANGE-010', app('DownloadFile/DownloadFileHandler.cs', 56), 'any range on a zero-byte file is 416 code 29'),
  r('DL-RANGE-011', app('DownloadFile/DownloadFileHandler.cs', 17), 'ranged downloads by one org are debounced to one DownloadStarted entry'),
  r('DL-RANGE-012', app('DownloadFile/DownloadFileHandler.cs', 81), 'every non-ranged download adds a DownloadStarted entry'),
  // admin
  r('ADM-RES-012', api('Controllers/ResourceController.cs', 38), 'PUT answers 204 empty and GET reads every key back'),
  r('ADM-RES-013', app('ConfigureResource/ConfigureResourceHandler.cs', 35), 'PUT on a resource owned by another organisation answers 401 code 6'),
  r('ADM-RES-014', app('ConfigureResource/ConfigureResourceHandler.cs', 31), 'PUT on a registry resource without owner answers 403 code 5'),
  r('ADM-RES-015', app('ConfigureResource/ConfigureResourceHandler.cs', 39), 'PUT by the owner when the owner is no registered service owner answers 400 code 24'),
  r('ADM-RES-016', app('GetResource/GetResourceHandler.cs', 18), 'GET on an unconfigured resource answers 400 code 25'),
  r('ADM-RES-017', app('ConfigureResource/ConfigureResourceHandler.cs', 19), 'a first PUT of {} configures a registry-only resource'),
  r('ADM-RES-018', app('ConfigureResource/ConfigureResourceHandler.cs', 19), 'a refused PUT writes nothing'),
  r('ADM-SO-001', api('Controllers/ServiceOwnerController.cs', 70), 'GET serviceowner answers the name and storage providers'),
  r('ADM-SO-002', api('Controllers/ServiceOwnerController.cs', 47), 'registering an existing service owner answers 409 code 7002'),
  r('ADM-SO-003', api('Controllers/ServiceOwnerController.cs', 31), 'POST serviceowner with a non-JSON Content-Type is an empty 415'),
  r('ADM-SO-004', api('Controllers/ServiceOwnerController.cs', 86), 'GET serviceowner for an unregistered organisation answers 404 code 7004'),
  // events
  r('EVT-001', app('InitializeFileTransfer/InitializeFileTransferHandler.cs', 154), 'initialize emits filetransferinitialized to the sender'),
  r('EVT-002', app('UploadFile/FileTransferPublishService.cs', 73), 'publishing emits one published event to the sender and one to each recipient'),
  r('EVT-003', app('ConfirmDownload/ConfirmDownloadHandler.cs', 73), 'confirm emits downloadconfirmed to recipient and sender; the last also allconfirmeddownloaded'),
  r('EVT-004', broker('Integrations/Altinn/Events/AltinnEventBus.cs', 89), 'events carry specversion 1.0, resource urn, resourceinstance and an organization subject'),
  r('EVT-005', app('UploadFile/CompleteFileUploadHandler.cs', 97), 'a non-TUS checksum mismatch emits no uploadfailed event'),
  r('EVT-006', app('UploadFile/CompleteFileUploadHandler.cs', 125), 'virus-scanned uploads emit uploadprocessing to the sender'),
  r('EVT-007', app('PurgeFileTransfer/PurgeFileTransferHandler.cs', 46), 'an expiry purge emits filepurged to the sender and fileneverconfirmeddownloaded to each unconfirmed recipient plus one to the sender'),
  r('EVT-008', app('MalwareScanResults/MalwareScanResultHandler.cs', 130), 'malware found emits uploadfailed to the sender and fileneverconfirmeddownloaded to every recipient and the sender'),
  r('EVT-009', 'Altinn/altinn-broker@161ba122:src/Altinn.Broker.Application/UploadFile/FileTransferPublishService.cs', 'each event\'s subject is the organisation it is addressed to: the sender for Sender events, that recipient for each Recipient event'),
  r('EVT-010', 'Altinn/altinn-broker@161ba122:src/Altinn.Broker.Application/UploadFile/FileTransferPublishService.cs#L103', 'published event ids are deterministic: SHA-256 of `published:<id>:<role>:<actor>` read as a .NET Guid, one per transfer, role and party'),
  r('EVT-011', 'Altinn/altinn-broker@161ba122:src/Altinn.Broker.Application/PurgeFileTransfer/PurgeFileTransferHandler.cs#L46', 'the purge that follows the last confirm emits filepurged to the sender'),
  r('EVT-012', 'Altinn/altinn-broker@161ba122:src/Altinn.Broker.Application/StuckFileTransfer/StuckFileTransferHandler.cs#L54', 'an upload exception, a TUS upload (published, or through UploadProcessing, or a checksum mismatch) and a stuck upload emit their events to the sender (and published to each recipient)'),
  // robustness: hostile input and races (the Broker's own source shows why each matters)
  r('ROB-001', broker('Persistence/Repositories/FileTransferRepository.cs', 186), 'client input, however hostile, is answered with a 4xx, never a 5xx'),
  r('ROB-002', app('InitializeFileTransfer/InitializeFileTransferHandler.cs', 133), "every request is answered within the environment's bound"),
  r('ROB-003', app('InitializeFileTransfer/InitializeFileTransferHandler.cs', 133), 'a refused request leaves nothing behind: no transfer of it is visible in search or readable by GET'),
  r('ROB-004', api('Configuration/Constants.cs', 5), 'input outside the documented form (null elements, org numbers in other scripts, combined enum values, an over-long reference) is refused with a 4xx'),
  r('ROB-005', app('UploadFile/UploadFileHandler.cs', 116), 'of concurrent uploads to one transfer exactly one succeeds and every other is refused with a 4xx'),
  r('ROB-006', app('UploadFile/UploadFileHandler.cs', 116), "after an upload race the published bytes are exactly the winner's"),
  r('ROB-007', app('UploadFile/UploadFileHandler.cs', 116), 'a published transfer stays published when concurrent uploads to it end'),
  r('ROB-008', app('ConfirmDownload/ConfirmDownloadHandler.cs'), 'concurrent confirms end in one consistent state: one DownloadConfirmed per recipient, one AllConfirmedDownloaded, no 5xx'),
  r('ROB-009', broker('Integrations/Tus/BrokerTusStore.cs'), 'concurrent TUS PATCHes of one upload: no 5xx, at most one is applied at a time, and the transfer publishes the uploaded bytes'),
  // the Broker's own calls to its platform (broker-dev runs)
  r('PLAT-CALLS-001', broker('Integrations/DependencyInjection.cs'), "the Broker calls its platform (PDP, Resource Registry, Register, Events) with the request shapes the harness's doubles know", {
    skip: 'judged by the strict platform doubles of a broker-dev run, not by a suite: each refused call becomes an ERROR verdict (platform drift) in that run',
  }),
];

/** Where the Broker checks each initialize field (its request model's attributes, or the attribute class that words the message). */
const INIT_FIELD_CITATION: Record<string, string> = {
  fileName: api('Models/FileTransferInitializeExt.cs', 19),
  resourceId: api('Models/FileTransferInitializeExt.cs', 27),
  sendersFileTransferReference: api('Models/FileTransferInitializeExt.cs', 36),
  sender: api('Models/FileTransferInitializeExt.cs', 43),
  recipients: api('Models/FileTransferInitializeExt.cs', 51),
  propertyList: api('ValidationAttributes/PropertyListAttribute.cs', 26),
  checksum: api('ValidationAttributes/MD5ChecksumAttribute.cs', 18),
  disableVirusScan: api('Models/FileTransferInitializeExt.cs', 74),
  '(body)': api('Controllers/FileTransferController.cs', 52),
  '(media type)': api('Controllers/FileTransferController.cs', 52),
};
const INIT_RULE_CITATION: Record<string, string> = { 'VAL-INIT-006': api('ValidationAttributes/ResourceIdentifierAttribute.cs', 15) };
const INIT_BOUNDARY_CITATION: Record<string, string> = {
  'VAL-INIT-B01': api('Models/FileTransferInitializeExt.cs', 19),
  'VAL-INIT-B02': api('ValidationAttributes/PropertyListAttribute.cs', 26),
  'VAL-INIT-B03': app('InitializeFileTransfer/InitializeFileTransferHandler.cs', 40),
  'VAL-INIT-B04': app('InitializeFileTransfer/InitializeFileTransferHandler.cs', 52),
  'VAL-INIT-B05': api('Models/FileTransferInitializeExt.cs', 21),
  'VAL-INIT-B06': api('Mappers/InitializeFileTransferMapper.cs', 14),
  'VAL-INIT-B07': api('Models/FileTransferInitializeExt.cs', 68),
  'VAL-INIT-B08': api('Models/FileTransferInitializeExt.cs', 68),
  'VAL-INIT-B09': api('Program.cs', 93),
  'VAL-INIT-B10': api('Models/FileTransferInitializeExt.cs', 36),
};
/** Where resource configuration refuses each Broker error, or validates the manifest shim. */
const RESOURCE_RULE_CITATION: Record<string, string> = {
  'ADM-RES-001': app('ConfigureResource/ConfigureResourceHandler.cs', 118),
  'ADM-RES-002': app('ConfigureResource/ConfigureResourceHandler.cs', 119),
  'ADM-RES-003': app('ConfigureResource/ConfigureResourceHandler.cs', 126),
  'ADM-RES-004': app('ConfigureResource/ConfigureResourceHandler.cs', 139),
  'ADM-RES-005': app('ConfigureResource/ConfigureResourceHandler.cs', 139),
  'ADM-RES-006': app('ConfigureResource/ConfigureResourceHandler.cs', 141),
  'ADM-RES-007': app('ConfigureResource/ConfigureResourceHandler.cs', 154),
  'ADM-RES-008': app('ConfigureResource/ConfigureResourceHandler.cs', 156),
  'ADM-RES-009': app('ConfigureResource/ConfigureResourceHandler.cs', 156),
  'ADM-RES-010': api('Helpers/ValidateUseManifestFileShim.cs', 21),
  'ADM-RES-011': api('Helpers/ValidateUseManifestFileShim.cs', 26),
};
const RESOURCE_BOUNDARY_CITATION: Record<string, string> = {
  'ADM-RES-B01': app('ConfigureResource/ConfigureResourceHandler.cs', 141),
  'ADM-RES-B02': app('ConfigureResource/ConfigureResourceHandler.cs', 156),
  'ADM-RES-B03': api('Controllers/ResourceController.cs', 93),
  'ADM-RES-B04': app('ConfigureResource/ConfigureResourceHandler.cs', 126),
  'ADM-RES-B05': api('Helpers/ValidateUseManifestFileShim.cs', 21),
};
/** A table rule without a citation is a catalogue error, caught here and by the catalogue self-test. */
const cited = (table: Record<string, string>, key: string, id: string): string => table[key] ?? `(no citation for ${id})`;

/** The catalogue: hand-written requirements plus one per validation rule and boundary. */
export const REQUIREMENTS: readonly Requirement[] = [
  ...HAND_WRITTEN,
  ...INIT_RULES.map((x) => r(x.id, INIT_RULE_CITATION[x.id] ?? cited(INIT_FIELD_CITATION, x.field, x.id), x.statement, { table: 'INIT_RULES' })),
  ...INIT_BOUNDARIES.map((x) => r(x.id, cited(INIT_BOUNDARY_CITATION, x.id, x.id), x.statement, { table: 'INIT_BOUNDARIES' })),
  ...RESOURCE_RULES.map((x) => r(x.id, cited(RESOURCE_RULE_CITATION, x.id, x.id), x.statement, { table: 'RESOURCE_RULES' })),
  ...RESOURCE_BOUNDARIES.map((x) => r(x.id, cited(RESOURCE_BOUNDARY_CITATION, x.id, x.id), x.statement, { table: 'RESOURCE_BOUNDARIES' })),
];

const byId = new Map<string, Requirement>();
for (const req of REQUIREMENTS) {
  if (byId.has(req.id)) throw new Error(`requirement ${req.id} is catalogued twice`);
  byId.set(req.id, req);
}

export function requirement(id: string): Requirement {
  const found = byId.get(id);
  if (!found) throw new Error(`requirement ${id} is not in the catalogue`);
  return found;
}
