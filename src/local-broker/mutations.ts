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
