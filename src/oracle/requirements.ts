/**
 * @module The requirement catalogue: every requirement the suites check, with a stable id, the
 * BEHAVIOUR.md section it comes from and one line saying what must hold. Rules generated from data
 * tables (validation rules, illegal cells) name the table; requirements no HTTP road can show yet
 * carry `skip` with the reason.
 */
import { INIT_BOUNDARIES, INIT_RULES, RESOURCE_BOUNDARIES, RESOURCE_RULES } from './validation.ts';

export interface Requirement {
  id: string;
  /** BEHAVIOUR.md section(s), e.g. `§2.9`. */
  source: string;
  statement: string;
  /** The oracle table a spec iterates to check it (`INIT_RULES`, `ILLEGAL_CELLS`…), when not named literally in a spec. */
  table?: 'INIT_RULES' | 'INIT_BOUNDARIES' | 'RESOURCE_RULES' | 'RESOURCE_BOUNDARIES' | 'ILLEGAL_CELLS' | 'TRANSITIONS';
  /**
   * A public citation: `Altinn/altinn-broker@<commit>:<path>[#Lnn]` (the Broker's source) or an https
   * URL of public documentation. Never a document outside this repository.
   */
  citation?: string;
  /** Not checked by any suite, and why. */
  skip?: string;
}

const r = (id: string, source: string, statement: string, extra: Partial<Requirement> = {}): Requirement => ({ id, source, statement, ...extra });

const HAND_WRITTEN: Requirement[] = [
  // lifecycle (§3)
  r('LC-HAPPY-001', '§3.2', 'a single-recipient transfer goes Initialized → Published → AllConfirmedDownloaded'),
  r('LC-INIT-001', '§2.2', 'initialize answers 200 {fileTransferId} and the transfer is Initialized with each recipient Initialized'),
  r('LC-UPLOAD-001', '§2.3', 'a streamed upload writes UploadStarted and answers 200 {fileTransferId}'),
  r('LC-UPLOAD-002', '§3.2', 'an upload on a transfer already UploadStarted writes UploadStarted again', { table: 'TRANSITIONS' }),
  r('LC-PUBLISH-001', '§3.3', 'without virus scan an upload publishes inside the request: UploadStarted → Published'),
  r('LC-PUBLISH-002', '§3.3', 'with virus scan an upload goes through UploadProcessing'),
  r('LC-PUBLISH-003', '§3.2', 'a clean scan result publishes the transfer'),
  r('LC-PUBLISH-004', '§2.5', 'published is null before publishing and equals the Published history time after'),
  r('LC-PUBLISH-005', '§3.2', 'there is never a second Published history entry'),
  r('LC-MULTIPART-001', '§2.4', 'multipart initialize-and-upload creates and publishes a transfer in one call'),
  r('LC-MULTIPART-002', '§2.4, §2.3', 'a multipart upload whose MD5 differs from its checksum answers 400 code 9; the transfer it created remains, Failed'),
  r('LC-MD5-001', '§3.6, §7.2', 'the downloaded bytes are identical to the uploaded bytes (MD5) and checksum holds their MD5'),
  r('LC-CHECKSUM-001', '§3.6', 'an upload matching the initialize checksum publishes; the checksum is echoed'),
  r('LC-CHECKSUM-002', '§3.6', 'without an initialize checksum the computed MD5 is stored'),
  r('LC-EMPTY-001', '§2.3', 'a zero-byte upload publishes with size 0 and the MD5 of nothing'),
  r('LC-FAIL-001', '§2.3, §3.2', 'a checksum mismatch answers 400 code 9 and leaves the transfer Failed with text `Checksum mismatch`'),
  r('LC-FAIL-002', '§3.2', 'EICAR with virus scan ends Failed with a `Malware scan failed:` text'),
  r('LC-FAIL-003', '§2.3', 'a storage exception answers 500 code 8 and leaves the transfer Failed'),
  r('LC-STATE-001', '§3.1', 'each state shows its default status text in overview and history'),
  r('LC-STATE-002', '§2.5', 'recipients are listed as 0192:<orgno> with the highest status they reached and its text'),
  r('LC-MULTI-001', '§2.9', 'with two recipients the first confirm keeps Published; the second reaches AllConfirmedDownloaded'),
  r('LC-DOWNLOAD-001', '§7.2', 'a download adds a DownloadStarted entry for the recipient; the file status stays'),
  r('LC-DOWNLOAD-002', '§3.5, §7.2', 're-download after AllConfirmedDownloaded is allowed and recorded'),
  r('LC-CONFIRM-001', '§2.9', 'a confirm that is not the last sets the recipient DownloadConfirmed only'),
  r('LC-CONFIRM-002', '§2.9', 'the last confirm reaches AllConfirmedDownloaded'),
  r('LC-CONFIRM-003', '§2.9, §10.2', 'a repeated confirm while still Published is a 204 no-op'),
  r('LC-TUS-001', '§8.4', 'TUS create answers 201 with a relative Location and sets UploadStarted'),
  r('LC-TUS-002', '§8.6', 'a TUS upload without scan or checksum publishes after the last byte'),
  r('LC-TUS-003', '§8.6', 'a TUS upload with a checksum goes through UploadProcessing to Published'),
  r('LC-TUS-004', '§8.6', 'a TUS upload whose MD5 differs from the initialize checksum ends Failed'),
  r('LC-TUS-005', '§8.3', 'TUS OPTIONS answers 204 with the TUS version and extensions'),
  r('LC-CLOCK-001', '§3.4', 'at expirationTime a transfer is Purged (overview still readable)'),
  r('LC-CLOCK-002', '§3.5', 'after the grace period following the last confirm the transfer is Purged'),
  r('LC-CLOCK-003', '§3.2', 'a transfer stuck 24 h in UploadStarted is marked Failed'),
  r('LC-EXPIRY-001', '§2.2, §3.4', 'expirationTime is created + the resource TTL'),
  r('LC-FAIL-004', '§2.3, §3.6', 'with virus scan on, a checksum mismatch is still refused before any scan: 400 code 9 and Failed `Checksum mismatch`, never UploadProcessing', { citation: 'Altinn/altinn-broker@161ba122:src/Altinn.Broker.Application/UploadFile/CompleteFileUploadHandler.cs#L85-L97' }),
  r('LC-STATE-003', '§2.5', 'fileTransferStatusChanged is the time of the latest status history entry, and each recipient\'s currentRecipientFileTransferStatusChanged the time of its latest recipient history entry', { citation: 'Altinn/altinn-broker@161ba122:src/Altinn.Broker.API/Mappers/FileStatusOverviewExtMapper.cs' }),
  r('LC-TIME-001', '§1.3', 'every timestamp the Broker writes (overview, details, events) is ISO 8601 with the explicit offset `+00:00`, never `Z`', { citation: 'Altinn/altinn-broker@161ba122:src/Altinn.Broker.API/Models/FileTransferOverviewExt.cs' }),
  // illegal moves (§2.3, §2.9, §7.1)
  r('NEG-NOTFOUND-001', '§4.3', 'every operation on an unknown id answers 404 code 1, before any access check', { table: 'ILLEGAL_CELLS' }),
  r('NEG-UPLOAD-001', '§2.3', 'upload beyond UploadStarted answers 409 code 4', { table: 'ILLEGAL_CELLS' }),
  r('NEG-UPLOAD-002', '§3.2', 'a Failed transfer cannot be uploaded again (409 code 4)', { table: 'ILLEGAL_CELLS' }),
  r('NEG-DOWNLOAD-001', '§7.1', 'download outside Published/AllConfirmedDownloaded answers 403 code 7', { table: 'ILLEGAL_CELLS' }),
  r('NEG-CONFIRM-001', '§2.9', 'confirm with no file stored answers 400 code 3', { table: 'ILLEGAL_CELLS' }),
  r('NEG-CONFIRM-002', '§2.9', 'confirm when not Published answers 400 code 10 (also the last recipient confirming twice)', { table: 'ILLEGAL_CELLS' }),
  r('NEG-CONFIRM-003', '§2.9', 'confirm before downloading answers 400 code 19', { table: 'ILLEGAL_CELLS' }),
  r('NEG-TUS-001', '§8.2, §8.8', 'TUS create refusals (unknown id, not the sender, status ≥ UploadProcessing) are text/plain with the Broker message and status', { table: 'ILLEGAL_CELLS' }),
  r('NEG-CELL-001', '§2', 'every refused (state, operation, actor) cell answers its exact status and code', { table: 'ILLEGAL_CELLS' }),
  r('NEG-NOCHANGE-001', '§2.3, §2.9', 'a refused operation changes neither the status history nor the recipient history'),
  r('NEG-ID-001', '§2', 'a non-GUID file transfer id is a 400 validation problem keyed fileTransferId'),
  r('NEG-CT-001', '§1.4c', 'a wrong Content-Type on upload is an empty 415, even without a token'),
  r('NEG-ACCEPT-001', '§1.1', 'an unsupported Accept header is a plain-text 406 before authentication'),
  // validation processing order (§2.2 steps 1-8)
  r('VAL-INIT-030', '§2.2, §10.7', 'initialize on a resource the Broker has not configured answers 401 code 6'),
  r('VAL-INIT-031', '§2.2', 'a recipient outside the resource access list answers 400 code 28'),
  r('VAL-INIT-032', '§2.2', 'a required party that is neither sender nor recipient answers 400 code 26'),
  r('VAL-INIT-033', '§2.2', 'a required party with more than one recipient answers 400 code 27'),
  r('VAL-INIT-034', '§2.2', 'a resource missing from the Resource Registry answers 403 code 5'),
  r('VAL-INIT-035', '§2.2', 'a resource whose service owner is not registered answers 400 code 2'),
  r('VAL-INIT-039', '§2.2, §1.5', 'initialize when the service owner has no ready storage provider for the chosen scan mode answers 503 code 21 with its text', { citation: 'Altinn/altinn-broker@161ba122:src/Altinn.Broker.Application/Errors.cs#L29' }),
  r('VAL-INIT-036', '§2.4, §1.4b', 'multipart validation errors are keyed Metadata.<Field>'),
  // authorization (§1.2, §4)
  r('AUTH-001', '§1.2', 'no token: 401, empty body, WWW-Authenticate: Bearer', { table: 'ILLEGAL_CELLS' }),
  r('AUTH-002', '§1.2', 'a token signed by an unknown key: 401 empty'),
  r('AUTH-003', '§1.2', 'an expired token: 401 empty (zero clock skew)'),
  r('AUTH-004', '§1.2', 'a token without the operation\'s scope: 403 empty'),
  r('AUTH-005', '§1.2, §4.3', 'a recipient (read-only) token cannot upload: 403 empty', { table: 'ILLEGAL_CELLS' }),
  r('AUTH-006', '§4.3', 'a non-party reading overview/details: 401 code 6', { table: 'ILLEGAL_CELLS' }),
  r('AUTH-007', '§4.3', 'a caller that is not the sender uploading: 401 code 6', { table: 'ILLEGAL_CELLS' }),
  r('AUTH-008', '§4.3', 'a caller that is not a recipient downloading or confirming (the sender too): 401 code 6', { table: 'ILLEGAL_CELLS' }),
  r('AUTH-009', '§1.2, §9', 'service-owner endpoints refuse sender/recipient tokens with 403 empty'),
  r('AUTH-010', '§4.3, §6', 'search by a non-party answers 200 without others\' transfers'),
  r('AUTH-011', '§1.2', 'an alg:none token: 401'),
  r('AUTH-012', '§1.2', 'a token from an untrusted issuer: 401'),
  r('AUTH-013', '§4.1', 'the caller org is read from the token: a recipient org in a write-scoped token still cannot upload for the sender'),
  // search (§6)
  r('SEARCH-001', '§6', 'resourceId is required: 400 validation problem keyed resourceId'),
  r('SEARCH-002', '§6', 'status filters on the current status'),
  r('SEARCH-003', '§6', 'recipientStatus filters on the caller\'s latest actor status'),
  r('SEARCH-004', '§6', 'role=Sender keeps sent transfers, role=Recipient received ones'),
  r('SEARCH-005', '§6', 'default order is newest first'),
  r('SEARCH-006', '§6', 'orderAscending=true gives oldest first'),
  r('SEARCH-007', '§6', 'from+to are inclusive; only from is strictly after; only to is strictly before'),
  r('SEARCH-008', '§6', 'an invalid from is a 400 validation problem'),
  r('SEARCH-009', '§6, §10.7', 'a transfer initialized with a URN sender is not found by its sender'),
  r('SEARCH-010', '§6', 'a urn:altinn:resource: resourceId in search is not stripped: 401 code 6'),
  r('SEARCH-011', '§6', 'after confirm, a re-download makes recipientStatus=DownloadConfirmed stop matching'),
  r('SEARCH-014', '§6', 'search answers at most 100 ids, the first 100 in the chosen order', { citation: 'Altinn/altinn-broker@161ba122:src/Altinn.Broker.Persistence/Repositories/FileTransferRepository.cs#L270' }),
  r('SEARCH-012', '§6', 'with status, from/to compare the time the transfer entered that status'),
  // download (§7)
  r('DL-FULL-001', '§7.2', 'a full download is 200 octet-stream with Content-Disposition, Accept-Ranges: bytes and Content-Length'),
  r('DL-FULL-002', '§7.2', 'Content-Disposition carries both a plain `filename=` (quoted when the name has spaces or specials, non-ASCII as `_`) and `filename*=UTF-8\'\'<percent-encoded name>`', { citation: 'Altinn/altinn-broker@161ba122:src/Altinn.Broker.API/Controllers/FileTransferController.cs#L362' }),
  r('DL-RANGE-001', '§7.2', 'bytes=a-b answers 206 with Content-Range and the exact bytes'),
  r('DL-RANGE-002', '§7.2', 'bytes=a- answers the rest of the file'),
  r('DL-RANGE-003', '§7.2', 'a suffix range bytes=-n answers the last n bytes'),
  r('DL-RANGE-004', '§7.2', 'an end beyond the file is clamped to the last byte'),
  r('DL-RANGE-005', '§7.2', 'a start at or past the size is 416 code 29 without Content-Range'),
  r('DL-RANGE-006', '§7.2', 'bytes=-0 is 416 code 29'),
  r('DL-RANGE-007', '§7.2', 'several ranges are ignored: full 200'),
  r('DL-RANGE-008', '§7.2', 'another unit or a malformed header is ignored: full 200'),
  r('DL-RANGE-009', '§7.2', 'bytes=5-2 does not parse and is ignored: full 200'),
  r('DL-RANGE-010', '§7.2', 'any range on a zero-byte file is 416 code 29'),
  r('DL-RANGE-011', '§7.2', 'ranged downloads by one org are debounced to one DownloadStarted entry'),
  r('DL-RANGE-012', '§7.2', 'every non-ranged download adds a DownloadStarted entry'),
  // admin (§9)
  r('ADM-RES-012', '§9.3, §9.4', 'PUT answers 204 empty and GET reads every key back'),
  r('ADM-RES-013', '§9.3', 'PUT on a resource owned by another organisation answers 401 code 6'),
  r('ADM-RES-014', '§9.3', 'PUT on a registry resource without owner answers 403 code 5'),
  r('ADM-RES-015', '§9.3', 'PUT by the owner when the owner is no registered service owner answers 400 code 24'),
  r('ADM-RES-016', '§9.4', 'GET on an unconfigured resource answers 400 code 25'),
  r('ADM-RES-017', '§9.3', 'a first PUT of {} configures a registry-only resource'),
  r('ADM-RES-018', '§9.3', 'a refused PUT writes nothing'),
  r('ADM-SO-001', '§9.2', 'GET serviceowner answers the name and storage providers'),
  r('ADM-SO-002', '§9.1', 'registering an existing service owner answers 409 code 7002'),
  r('ADM-SO-003', '§9.1', 'POST serviceowner with a non-JSON Content-Type is an empty 415'),
  r('ADM-SO-004', '§9.2', 'GET serviceowner for an unregistered organisation answers 404 code 7004'),
  // events (§5)
  r('EVT-001', '§5.1', 'initialize emits filetransferinitialized to the sender'),
  r('EVT-002', '§5.1', 'publishing emits one published event to the sender and one to each recipient'),
  r('EVT-003', '§5.1', 'confirm emits downloadconfirmed to recipient and sender; the last also allconfirmeddownloaded'),
  r('EVT-004', '§5.2', 'events carry specversion 1.0, resource urn, resourceinstance and an organization subject'),
  r('EVT-005', '§5.1', 'a non-TUS checksum mismatch emits no uploadfailed event'),
  r('EVT-006', '§5.1', 'virus-scanned uploads emit uploadprocessing to the sender'),
  r('EVT-007', '§5.1, §3.2', 'an expiry purge emits filepurged to the sender and fileneverconfirmeddownloaded to each unconfirmed recipient plus one to the sender'),
  r('EVT-009', '§5.1, §5.2', 'each event\'s subject is the organisation it is addressed to: the sender for Sender events, that recipient for each Recipient event', { citation: 'Altinn/altinn-broker@161ba122:src/Altinn.Broker.Application/UploadFile/FileTransferPublishService.cs' }),
  r('EVT-010', '§5.2', 'published event ids are deterministic: SHA-256 of `published:<id>:<role>:<actor>` read as a .NET Guid, one per transfer, role and party', { citation: 'Altinn/altinn-broker@161ba122:src/Altinn.Broker.Application/UploadFile/FileTransferPublishService.cs#L103' }),
  r('EVT-011', '§5.1, §3.5', 'the purge that follows the last confirm emits filepurged to the sender', { citation: 'Altinn/altinn-broker@161ba122:src/Altinn.Broker.Application/PurgeFileTransfer/PurgeFileTransferHandler.cs#L46' }),
  r('EVT-012', '§5.1', 'an upload exception, a TUS upload (published, or through UploadProcessing, or a checksum mismatch) and a stuck upload emit their events to the sender (and published to each recipient)', { citation: 'Altinn/altinn-broker@161ba122:src/Altinn.Broker.Application/StuckFileTransfer/StuckFileTransferHandler.cs#L54' }),
  r('HDR-001', '§10.4', 'every Broker response carries `Cache-Control: no-store` and `X-Content-Type-Options: nosniff`', { citation: 'Altinn/altinn-broker@161ba122:src/Altinn.Broker.API/Helpers/SecurityHeadersMiddleware.cs#L9' }),
  r('EVT-008', '§5.1, §3.2', 'malware found emits uploadfailed to the sender and fileneverconfirmeddownloaded to every recipient and the sender'),
];

/** The catalogue: hand-written requirements plus one per validation rule and boundary. */
export const REQUIREMENTS: readonly Requirement[] = [
  ...HAND_WRITTEN,
  ...INIT_RULES.map((x) => r(x.id, '§2.2, §1.4b', x.statement, { table: 'INIT_RULES' })),
  ...INIT_BOUNDARIES.map((x) => r(x.id, '§2.2', x.statement, { table: 'INIT_BOUNDARIES' })),
  ...RESOURCE_RULES.map((x) => r(x.id, '§9.3', x.statement, { table: 'RESOURCE_RULES' })),
  ...RESOURCE_BOUNDARIES.map((x) => r(x.id, '§9.3, §9.4', x.statement, { table: 'RESOURCE_BOUNDARIES' })),
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
