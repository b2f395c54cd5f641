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
