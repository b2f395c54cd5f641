/**
 * @module The catalogue of the real Broker's known deviations, as data. A failing check that a
 * defect here matches is reported KNOWN DEFECT (its own verdict class, never hidden); a defect whose
 * checks now pass is reported FIXED. The local Broker does the intended thing, so it never matches.
 * The oracle keeps expecting the intended behaviour: a defect never changes what a condition expects.
 */

/** The Broker snapshot the defects were observed on (Altinn/altinn-broker). */
export const BROKER_COMMIT = '161ba1223862bb420022844eed09ff48c83a3840';

export interface KnownDefect {
  /** Stable id, `KD-<AREA>-<NNN>`. */
  id: string;
  /** One line in our own words. */
  title: string;
  /** Requirement ids whose failures this defect explains. */
  requirements: string[];
  /**
   * Narrows which failing checks of those requirements it covers; all of them when absent.
   * `condition` is a condition name (`StatusHistoryIsChronological`) or a contract check id
   * (`response_headers_conformance`); `messageIncludes` is matched against the failure message.
   */
  match?: { condition?: string; operationId?: string; messageIncludes?: string };
  expected: string;
  observed: string;
  /** Broker version or commit the deviation was observed on. */
  brokerCommit: string;
  /** Path in Altinn/altinn-broker at brokerCommit (optionally `#Lnn`) of the code that causes it. */
  sourceLocation: string;
  /** Environments it applies to; every environment but the embedded local Broker when absent. */
  environments?: string[];
}

const ROB = (n: string, d: Omit<KnownDefect, 'id' | 'brokerCommit'>): KnownDefect => ({ id: `KD-ROB-${n}`, brokerCommit: BROKER_COMMIT, ...d });

/** Robustness: hostile input and races (the robustness suite); each `messageIncludes` is a corpus category its verdicts name. */
const ROBUSTNESS_DEFECTS: KnownDefect[] = [
  ROB('001', {
    title: 'a NUL character in a string that reaches the database answers 500',
    requirements: ['ROB-001'],
    match: { condition: 'NoServerErrorForClientInput', messageIncludes: '[nul-in-strings]' },
    expected: 'a 4xx for a NUL in fileName, sendersFileTransferReference, resourceId, a property, multipart Metadata.FileName or search resourceId',
    observed: '500 from PostgreSQL (22021 invalid byte sequence for encoding "UTF8": 0x00); with a NUL in a property the transfer row is already written',
    sourceLocation: 'src/Altinn.Broker.Persistence/Repositories/FileTransferRepository.cs#L186',
  }),
  ROB('002', {
    title: 'a null recipient or property value, or an empty multipart recipient, answers 500',
    requirements: ['ROB-001'],
    match: { condition: 'NoServerErrorForClientInput', messageIncludes: '[null-elements]' },
    expected: '400 validation problem',
    observed: '500 (null reference in the list and property-list validation attributes)',
    sourceLocation: 'src/Altinn.Broker.API/ValidationAttributes/PropertyListAttribute.cs#L34',
  }),
  ROB('003', {
    title: 'a sendersFileTransferReference over 500 characters answers 500',
    requirements: ['ROB-001'],
    match: { condition: 'NoServerErrorForClientInput', messageIncludes: '[oversize-reference]' },
    expected: '400 validation problem (the column is varchar(500))',
    observed: '500 (22001 value too long); the model allows 4096 characters',
    sourceLocation: 'src/Altinn.Broker.API/Models/FileTransferInitializeExt.cs#L36',
  }),
  ROB('004', {
    title: 'an initialize with very many recipients runs for minutes',
    requirements: ['ROB-002'],
    match: { condition: 'AnswersWithinBound', messageIncludes: '[many-recipients]' },
    expected: 'an answer within the request timeout',
    observed: 'recipients are inserted one by one without a transaction (~360 per second); 100,000 recipients gave no answer',
    sourceLocation: 'src/Altinn.Broker.Application/InitializeFileTransfer/InitializeFileTransferHandler.cs#L135',
  }),
  ROB('005', {
    title: 'a failed or abandoned initialize leaves a transfer without status that search lists and GET answers 500 for',
    requirements: ['ROB-003'],
    match: { condition: 'RefusedRequestLeavesNothingBehind' },
    expected: 'nothing of a refused or abandoned initialize visible to anyone',
    observed: "the transfer row is written before its status, outside one transaction; GET answers 500 (Column 'file_transfer_status_description_id_fk' is null) and search still lists it",
    sourceLocation: 'src/Altinn.Broker.Application/InitializeFileTransfer/InitializeFileTransferHandler.cs#L133',
  }),
  ROB('006', {
    title: 'TUS HEAD or PATCH on an unregistered partial id answers 500',
    requirements: ['ROB-001'],
    match: { condition: 'NoServerErrorForClientInput', messageIncludes: '[tus-abuse]' },
    expected: '404 for an unknown upload',
    observed: '500 (TusStoreException: Upload length is missing for file id …), also after a TUS DELETE and for HEAD on the main URL when only a partial exists',
    sourceLocation: 'src/Altinn.Broker.Integrations/Tus/BrokerTusStore.cs#L611',
  }),
  ROB('007', {
    title: 'the anonymous malware-scan webhook answers 500 to an empty, malformed or incomplete body',
    requirements: ['ROB-001'],
    match: { condition: 'NoServerErrorForClientInput', messageIncludes: '[webhook-garbage]' },
    expected: '400 for a body that is not a scan result',
    observed: '500 for an empty body, malformed JSON, nesting deeper than 64, {}, no or null data, an unknown event type, a correlationId that is not a GUID',
    sourceLocation: 'src/Altinn.Broker.API/Controllers/MalwareScanResultsController.cs#L26',
  }),
  ROB('008', {
    title: 'org numbers in digits of other scripts are accepted',
    requirements: ['ROB-004'],
    match: { condition: 'InvalidInputIsRefused', messageIncludes: '[foreign-digits]' },
    expected: '400: an organisation number is nine ASCII digits',
    observed: "200: .NET's \\d matches fullwidth and Arabic-Indic digits; the recipient is stored as given",
    sourceLocation: 'src/Altinn.Broker.API/Configuration/Constants.cs#L5',
  }),
  ROB('009', {
    title: 'search binds comma-separated enum values as combined flags',
    requirements: ['ROB-004'],
    match: { condition: 'InvalidInputIsRefused', messageIncludes: '[combined-flags]' },
    expected: '400 for status=Published,Failed or role=Sender,Recipient',
    observed: '200; status=Published,Failed returns Failed transfers',
    sourceLocation: 'src/Altinn.Broker.API/Controllers/FileTransferController.cs#L274',
  }),
  ROB('010', {
    title: 'concurrent uploads to one transfer: a second, false 200, the losers 500, and the Published transfer turns Failed',
    requirements: ['ROB-005', 'ROB-006', 'ROB-007'],
    expected: 'one 200, every other upload 409 code 4; the winner’s bytes stay Published',
    observed: 'losers retry on BlobAlreadyExists for ~14 s; then one answers 200 with bytes that are not stored, the rest 500 code 8, and the transfer is set Failed (download 403 code 7)',
    sourceLocation: 'src/Altinn.Broker.Application/UploadFile/UploadFileHandler.cs#L116',
  }),
  ROB('011', {
    title: 'a binary upload with a malformed chunked body answers 500 code 8 and fails the transfer for good',
    requirements: ['ROB-001'],
    match: { condition: 'NoServerErrorForClientInput', messageIncludes: '[chunked-garbage]' },
    expected: 'a 4xx for a body that is not valid HTTP chunked encoding; the transfer can still be uploaded',
    observed: '500 code 8 (the read error is caught as a storage failure) and the transfer is Failed',
    sourceLocation: 'src/Altinn.Broker.Application/UploadFile/UploadFileHandler.cs#L116',
  }),
];

export const KNOWN_DEFECTS: KnownDefect[] = [
  {
    id: 'KD-HISTORY-001',
    title: 'status histories are not listed in chronological order',
    requirements: ['LC-HISTORY-001'],
    match: { condition: 'StatusHistoryIsChronological' },
    expected: 'fileTransferStatusHistory and recipientFileTransferStatusHistory oldest first',
    observed: 'entries in the order the database returns them (no ORDER BY): out of order in most lifecycle runs',
    brokerCommit: BROKER_COMMIT,
    sourceLocation: 'src/Altinn.Broker.Persistence/Repositories/FileTransferStatusRepository.cs#L70',
  },
  {
    id: 'KD-TUS-001',
    title: 'TUS Upload-Expires is now + 24 days instead of now + 24 hours',
    requirements: ['LC-TUS-006'],
    match: { condition: 'TusUploadExpiresIn24Hours' },
    expected: 'Upload-Expires about 24 hours after the request (TusOptions default TimeSpan.FromHours(24))',
    observed: 'Upload-Expires 24 days ahead: "24:00:00" in appsettings binds as 24 days; the 24 h stuck-upload check does not honour it',
    brokerCommit: BROKER_COMMIT,
    sourceLocation: 'src/Altinn.Broker.API/appsettings.json#L17',
  },
  {
    id: 'KD-TUS-002',
    title: 'the legacy two-segment TUS partial URL answers 404',
    requirements: ['LC-TUS-007'],
    match: { condition: 'LegacyPartialUrlIsServed' },
    expected: 'HEAD /upload/tus/{fileTransferId}/{partialUploadId} is served as the /partial/ URL (200 with Upload-Offset)',
    observed: 'plain 404 with an empty body: the rewrite middleware runs after routing has already chosen no endpoint',
    brokerCommit: BROKER_COMMIT,
    sourceLocation: 'src/Altinn.Broker.API/Program.cs#L63',
  },
  {
    id: 'KD-TUS-003',
    title: 'HEAD or PATCH on an unregistered TUS partial upload id answers 500',
    requirements: ['NEG-TUS-002'],
    match: { condition: 'UnknownPartialUploadIsNotFound' },
    expected: '404 for an upload the Broker does not know',
    observed: '500 ProblemDetails: TusStoreException "Upload length is missing for file id …" thrown inside the authorization hook',
    brokerCommit: BROKER_COMMIT,
    sourceLocation: 'src/Altinn.Broker.Integrations/Tus/BrokerTusStore.cs#L612',
  },
  // Found with hostile input:
  {
    id: 'KD-SEARCH-001',
    title: 'search binds a comma-separated status or role as combined enum flags',
    requirements: ['SEARCH-013'],
    match: { condition: 'SearchRefusesFilterList' },
    expected: '400 validation problem for status=Published,Failed or role=Sender,Recipient',
    observed: '200: the values are bound as one combined enum value (status=Published,Failed returns Failed transfers)',
    brokerCommit: BROKER_COMMIT,
    sourceLocation: 'src/Altinn.Broker.API/Controllers/FileTransferController.cs#L272',
  },
  {
    id: 'KD-INIT-001',
    title: 'organisation numbers in non-ASCII digits pass validation',
    requirements: ['VAL-INIT-037'],
    expected: '400 with the recipient format message for 0192:９８６２５２９３２',
    observed: 'accepted and stored: the pattern uses \\d, which in .NET matches digits of every script',
    brokerCommit: BROKER_COMMIT,
    sourceLocation: 'src/Altinn.Broker.API/Configuration/Constants.cs#L5',
  },
  {
    id: 'KD-INIT-002',
    title: 'a null among the recipients answers 500',
    requirements: ['VAL-INIT-038'],
    expected: '400 with the recipient format message',
    observed: '500 (null reference): the element rule treats null as valid and the handler dereferences it',
    brokerCommit: BROKER_COMMIT,
    sourceLocation: 'src/Altinn.Broker.API/Helpers/ValidateElementsInList.cs#L16',
  },
  ...ROBUSTNESS_DEFECTS,
];

/** What the matcher needs to know about one failing result. */
export interface FailureToMatch {
  requirement: string;
  /** Condition name, or contract check id. */
  condition?: string;
  operationId?: string;
  message: string;
}

/** The embedded local Broker does the intended thing: no defect applies to it. */
export function defectApplies(defect: KnownDefect, environment: { name: string; embedded: boolean }): boolean {
  return defect.environments ? defect.environments.includes(environment.name) : !environment.embedded;
}

/** Is this result in the defect's scope (its requirements and, when given, its condition and operation)? */
export function inDefectScope(defect: KnownDefect, r: Omit<FailureToMatch, 'message'>): boolean {
  if (!defect.requirements.includes(r.requirement)) return false;
  if (defect.match?.condition !== undefined && defect.match.condition !== r.condition) return false;
  if (defect.match?.operationId !== undefined && defect.match.operationId !== r.operationId) return false;
  return true;
}

/** The catalogued defect that explains this failure on this environment, if any. */
export function knownDefectFor(failure: FailureToMatch, environment: { name: string; embedded: boolean }, catalogue: readonly KnownDefect[] = KNOWN_DEFECTS): KnownDefect | undefined {
  return catalogue.find(
    (d) => defectApplies(d, environment) && inDefectScope(d, failure) && (d.match?.messageIncludes === undefined || failure.message.includes(d.match.messageIncludes)),
  );
}
