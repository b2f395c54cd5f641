/** @module Named deliberate faults a self-test can switch on to prove the conformance suites notice them. */

export const MUTATIONS = {
  /** Confirm download answers 200 instead of 204. */
  'wrong-status-on-confirm': 'confirm download answers 200 instead of 204',
  /** Overview and details leave out the `published` key. */
  'omit-published-field': 'overview and details omit the `published` field',
  /** A virus-scanned upload goes straight to Published: no UploadProcessing entry, no `uploadprocessing` event. */
  'skip-upload-processing': 'virus-scanned uploads skip UploadProcessing (no entry, no event)',
  /** Re-upload after the upload answers BRO-00003 instead of BRO-00004 (status 409 and detail unchanged). */
  'wrong-error-code-on-reupload': 're-upload answers code BRO-00003 instead of BRO-00004',
  /** Publishing writes a second `Published` history entry. */
  'extra-history-entry': 'publishing writes a second Published history entry',
  /** No `published` events are emitted. */
  'drop-published-event': 'no published events are emitted',
  /** A NUL character in any string of an initialize (JSON or multipart) answers 500, as a database would. */
  '5xx-on-nul': 'a NUL in an initialize string answers 500',
  /** An initialize refused for its propertyList still stores the transfer, without any status (search lists it, GET answers 500). */
  'half-created-transfer': 'an initialize refused for its propertyList leaves a transfer without status behind',
  /** Uploads to one transfer are all admitted, concurrent or late: every one answers 200 and the last one's bytes are stored. */
  'two-winner-race': 'every upload to a transfer is admitted and answers 200; the last one stored wins',
  /** Details list both status histories newest first (the real Broker's order is undefined). */
  'status-history-unordered': 'details list the status histories newest first',
  /** TUS Upload-Expires is 24 days ahead instead of 24 hours (the real Broker's appsettings). */
  'tus-upload-expires-24-days': 'TUS Upload-Expires is 24 days ahead',
  /** The legacy two-segment TUS partial URL answers a plain 404 (the real Broker's routing). */
  'tus-legacy-partial-url-404': 'the legacy two-segment TUS partial URL answers 404',
  /** HEAD/PATCH on an unregistered TUS partial id answers 500 (the real Broker's store exception). */
  'tus-unknown-partial-500': 'HEAD/PATCH on an unregistered TUS partial id answers 500',
  /** A recipient's `published` event carries the sender's organisation as `subject`. */
  'published-subject-is-sender': "recipients' published events carry the sender's organisation as subject",
  /** `published` event ids are random instead of deterministic per transfer, role and party. */
  'random-published-event-ids': 'published event ids are random',
  /** The purge after the last confirm emits no `filepurged` event. */
  'no-filepurged-after-confirm': 'the purge after the last confirm emits no filepurged event',
  /** With virus scanning on, a checksum mismatch is ignored (the upload goes on to the scan). */
  'ignore-checksum-when-scanned': 'a checksum mismatch is ignored when virus scanning is on',
  /** `Cache-Control: no-cache` instead of `no-store`. */
  'wrong-cache-control': 'Cache-Control is no-cache instead of no-store',
  /** Content-Disposition without the plain `filename=` part (only `filename*=`). */
  'content-disposition-without-filename': 'Content-Disposition lacks the plain filename= part',
  /** Search answers every match, not at most 100. */
  'no-search-cap': 'search answers every match instead of at most 100',
  /** `fileTransferStatusChanged` and `currentRecipientFileTransferStatusChanged` show `created`. */
  'status-changed-is-created': 'fileTransferStatusChanged and currentRecipientFileTransferStatusChanged equal created',
  /** Code 21 (storage provider not ready) answers another text. */
  'code-21-text': 'code 21 answers a changed text',
  /** Timestamps end in `Z` instead of `+00:00`. */
  'timestamps-with-z': 'timestamps end in Z instead of +00:00',
} as const;

export type MutationName = keyof typeof MUTATIONS;

export function parseMutations(names: Iterable<string> | undefined): Set<MutationName> {
  const set = new Set<MutationName>();
  for (const name of names ?? []) {
    if (!(name in MUTATIONS)) throw new Error(`unknown mutation '${name}' (known: ${Object.keys(MUTATIONS).join(', ')})`);
    set.add(name as MutationName);
  }
  return set;
}
