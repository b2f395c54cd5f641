/**
 * @module The state machine as data: every transition with its
 * trigger, preconditions, the history entries it writes and the events it emits. A verdict that
 * exercises one carries its `key` in the ledger's `transition` field.
 */
import type { Capabilities } from '../config/types.ts';
import type { FileTransferState, RecipientState } from './states.ts';

export type EventType =
  | 'filetransferinitialized'
  | 'uploadprocessing'
  | 'published'
  | 'uploadfailed'
  | 'downloadconfirmed'
  | 'allconfirmeddownloaded'
  | 'filepurged'
  | 'fileneverconfirmeddownloaded';

export const EVENT_PREFIX = 'no.altinn.broker.';

export interface ExpectedEvent {
  type: EventType;
  role: 'Sender' | 'Recipient';
  /** `each` = one per recipient (of those concerned); `one` = exactly one. */
  count: 'one' | 'each';
}

export interface Transition {
  /** Stable coverage key: `From->To[trigger]`; recipient transitions are prefixed `Recipient:`. */
  key: string;
  requirement: string;
  source: string;
  from: FileTransferState | 'none' | 'any';
  to: FileTransferState;
  /** For recipient-status transitions. */
  recipient?: { from: RecipientState; to: RecipientState };
  trigger: string;
  preconditions: string[];
  /** File-transfer history entries appended (in order). */
  history: FileTransferState[];
  /** Detailed status text written with the entry, when not the default. */
  statusText?: string;
  events: ExpectedEvent[];
  /** What the environment must offer to show it over HTTP. */
  needs: (keyof Capabilities)[];
  /** Set when no HTTP road can show it at all; the catalogue carries the same reason. */
  unreachable?: string;
  /**
   * The roads the coverage counts separately (a verdict names one with `variant`): the upload road
   * (`binary`, `multipart`, `tus`) and, where it changes the path, the scan mode (`+scan` / `+no-scan`).
   */
  variants?: string[];
}

const published: ExpectedEvent[] = [
  { type: 'published', role: 'Sender', count: 'one' },
  { type: 'published', role: 'Recipient', count: 'each' },
];

export const TRANSITIONS: readonly Transition[] = [
  {
    key: 'none->Initialized[initialize]', requirement: 'LC-INIT-001', source: '§2.2, §3.2', from: 'none', to: 'Initialized',
    trigger: 'E1 initialize (or E3 multipart)', preconditions: ['valid body', 'sender has write on the resource'],
    history: ['Initialized'], events: [{ type: 'filetransferinitialized', role: 'Sender', count: 'one' }], needs: [],
  },
  {
    key: 'Initialized->UploadStarted[upload]', requirement: 'LC-UPLOAD-001', source: '§2.3, §3.2', from: 'Initialized', to: 'UploadStarted',
    trigger: 'E2 streamed upload (or E3 multipart) begins', preconditions: ['status ≤ UploadStarted'],
    history: ['UploadStarted'], events: [], needs: [], variants: ['binary', 'multipart'],
  },
  {
    key: 'UploadStarted->UploadStarted[upload]', requirement: 'LC-UPLOAD-002', source: '§3.2', from: 'UploadStarted', to: 'UploadStarted',
    trigger: 'E2 upload on a transfer already UploadStarted (e.g. after TUS create)', preconditions: ['status = UploadStarted'],
    history: ['UploadStarted'], events: [], needs: ['tus'],
  },
  {
    key: 'UploadStarted->Published[upload-no-scan]', requirement: 'LC-PUBLISH-001', source: '§3.2, §3.3', from: 'UploadStarted', to: 'Published',
    trigger: 'E2/E3 upload completes, disableVirusScan true', preconditions: ['checksum absent or equal to the MD5 of the bytes'],
    history: ['Published'], events: published, needs: ['disableVirusScan'], variants: ['binary', 'multipart'],
  },
  {
    key: 'UploadStarted->UploadProcessing[upload-scan]', requirement: 'LC-PUBLISH-002', source: '§3.2, §3.3', from: 'UploadStarted', to: 'UploadProcessing',
    trigger: 'E2/E3 upload completes, virus scan on', preconditions: ['checksum absent or equal'],
    history: ['UploadProcessing'], events: [{ type: 'uploadprocessing', role: 'Sender', count: 'one' }], needs: [], variants: ['binary', 'multipart'],
  },
  {
    key: 'UploadProcessing->Published[scan-clean]', requirement: 'LC-PUBLISH-003', source: '§3.2', from: 'UploadProcessing', to: 'Published',
    trigger: 'clean malware scan result', preconditions: ['scan result `No threats found`'],
    history: ['Published'], events: published, needs: [],
  },
  {
    key: 'UploadProcessing->Failed[scan-malware]', requirement: 'LC-FAIL-002', source: '§3.2, §3.1', from: 'UploadProcessing', to: 'Failed',
    trigger: 'malware scan finds a threat (EICAR)', preconditions: ['virus scan on'],
    history: ['Failed'], statusText: 'Malware scan failed: ',
    events: [{ type: 'uploadfailed', role: 'Sender', count: 'one' }, { type: 'fileneverconfirmeddownloaded', role: 'Recipient', count: 'each' }, { type: 'fileneverconfirmeddownloaded', role: 'Sender', count: 'one' }],
    needs: ['malwareWebhook', 'malwareScan'],
  },
  {
    key: 'UploadStarted->Failed[checksum-mismatch]', requirement: 'LC-FAIL-001', source: '§2.3, §3.2', from: 'UploadStarted', to: 'Failed',
    trigger: 'E2/E3 upload whose MD5 differs from the initialize checksum', preconditions: ['initialize checksum given'],
    history: ['Failed'], statusText: 'Checksum mismatch', events: [], needs: [], variants: ['binary+scan', 'binary+no-scan', 'multipart'],
  },
  {
    key: 'UploadStarted->Failed[upload-exception]', requirement: 'LC-FAIL-003', source: '§2.3, §3.2', from: 'UploadStarted', to: 'Failed',
    trigger: 'storage exception during upload (500 code 8)', preconditions: ['storage fails'],
    history: ['Failed'], statusText: 'Error occurred while uploading fileTransfer', events: [{ type: 'uploadfailed', role: 'Sender', count: 'one' }], needs: ['faultInjection'],
  },
  {
    key: 'Initialized->UploadStarted[tus-create]', requirement: 'LC-TUS-001', source: '§8.4, §3.2', from: 'Initialized', to: 'UploadStarted',
    trigger: 'TUS POST create', preconditions: ['status Initialized'], history: ['UploadStarted'], events: [], needs: ['tus'],
  },
  {
    key: 'UploadStarted->Published[tus-complete]', requirement: 'LC-TUS-002', source: '§8.6', from: 'UploadStarted', to: 'Published',
    trigger: 'TUS last byte, no virus scan, no checksum', preconditions: ['disableVirusScan', 'no checksum'],
    history: ['Published'], events: published, needs: ['tus', 'disableVirusScan'],
  },
  {
    key: 'UploadStarted->UploadProcessing[tus-complete]', requirement: 'LC-TUS-003', source: '§8.6', from: 'UploadStarted', to: 'UploadProcessing',
    trigger: 'TUS last byte, virus scan or checksum', preconditions: ['virus scan on or checksum given'],
    history: ['UploadProcessing', 'Published'], events: [{ type: 'uploadprocessing', role: 'Sender', count: 'one' }, ...published], needs: ['tus'],
  },
  {
    key: 'UploadProcessing->Failed[tus-checksum-mismatch]', requirement: 'LC-TUS-004', source: '§8.6, §3.6', from: 'UploadProcessing', to: 'Failed',
    trigger: 'background MD5 of a TUS upload differs from the initialize checksum', preconditions: ['checksum given'],
    history: ['Failed'], statusText: 'Checksum mismatch', events: [{ type: 'uploadfailed', role: 'Sender', count: 'one' }], needs: ['tus'],
  },
  {
    key: 'UploadStarted->Failed[stuck]', requirement: 'LC-CLOCK-003', source: '§3.2, §10.1', from: 'UploadStarted', to: 'Failed',
    trigger: '> 24 h in UploadStarted with no TUS activity in the last hour', preconditions: ['status UploadStarted'],
    history: ['Failed'], statusText: 'File transfer was stuck in UploadStarted as it failed upload mid-request.', events: [{ type: 'uploadfailed', role: 'Sender', count: 'one' }], needs: ['clock'],
  },
  {
    key: 'Recipient:Initialized->DownloadStarted[download]', requirement: 'LC-DOWNLOAD-001', source: '§7.2, §3.2', from: 'Published', to: 'Published',
    recipient: { from: 'Initialized', to: 'DownloadStarted' }, trigger: 'E7 download by a recipient', preconditions: ['status Published or AllConfirmedDownloaded'],
    history: [], events: [], needs: [],
  },
  {
    key: 'Recipient:DownloadStarted->DownloadConfirmed[confirm-not-last]', requirement: 'LC-CONFIRM-001', source: '§2.9, §3.2', from: 'Published', to: 'Published',
    recipient: { from: 'DownloadStarted', to: 'DownloadConfirmed' }, trigger: 'E8 confirm, another recipient still unconfirmed', preconditions: ['status Published', 'caller downloaded'],
    history: [], events: [{ type: 'downloadconfirmed', role: 'Recipient', count: 'one' }, { type: 'downloadconfirmed', role: 'Sender', count: 'one' }], needs: [],
  },
  {
    key: 'Published->AllConfirmedDownloaded[confirm-last]', requirement: 'LC-CONFIRM-002', source: '§2.9, §3.2', from: 'Published', to: 'AllConfirmedDownloaded',
    recipient: { from: 'DownloadStarted', to: 'DownloadConfirmed' }, trigger: 'E8 confirm by the last unconfirmed recipient', preconditions: ['status Published', 'caller downloaded'],
    history: ['AllConfirmedDownloaded'],
    events: [{ type: 'downloadconfirmed', role: 'Recipient', count: 'one' }, { type: 'downloadconfirmed', role: 'Sender', count: 'one' }, { type: 'allconfirmeddownloaded', role: 'Sender', count: 'one' }],
    needs: [],
  },
  {
    key: 'AllConfirmedDownloaded->AllConfirmedDownloaded[download]', requirement: 'LC-DOWNLOAD-002', source: '§7.2, §3.5', from: 'AllConfirmedDownloaded', to: 'AllConfirmedDownloaded',
    recipient: { from: 'DownloadConfirmed', to: 'DownloadStarted' }, trigger: 'E7 re-download after all confirmed', preconditions: ['not yet purged'],
    history: [], events: [], needs: [],
  },
  {
    key: 'AllConfirmedDownloaded->Purged[grace-elapsed]', requirement: 'LC-CLOCK-002', source: '§3.2, §3.5', from: 'AllConfirmedDownloaded', to: 'Purged',
    trigger: 'grace period after the last confirm elapsed', preconditions: ['purgeFileTransferAfterAllRecipientsConfirmed true'],
    history: ['Purged'], events: [{ type: 'filepurged', role: 'Sender', count: 'one' }], needs: ['configureResources'],
  },
  {
    key: 'Initialized->Purged[expiry]', requirement: 'LC-CLOCK-001', source: '§3.2, §3.4', from: 'Initialized', to: 'Purged',
    trigger: 'expirationTime reached', preconditions: ['status not Purged'],
    history: ['Purged'],
    events: [{ type: 'filepurged', role: 'Sender', count: 'one' }, { type: 'fileneverconfirmeddownloaded', role: 'Recipient', count: 'each' }, { type: 'fileneverconfirmeddownloaded', role: 'Sender', count: 'one' }],
    needs: ['configureResources'],
  },
  {
    key: 'Published->Purged[expiry]', requirement: 'LC-CLOCK-001', source: '§3.2, §3.4', from: 'Published', to: 'Purged',
    trigger: 'expirationTime reached', preconditions: ['status not Purged'],
    history: ['Purged'],
    events: [{ type: 'filepurged', role: 'Sender', count: 'one' }, { type: 'fileneverconfirmeddownloaded', role: 'Recipient', count: 'each' }, { type: 'fileneverconfirmeddownloaded', role: 'Sender', count: 'one' }],
    needs: ['configureResources'],
  },
  {
    key: 'Failed->Purged[expiry]', requirement: 'LC-CLOCK-001', source: '§3.2', from: 'Failed', to: 'Purged',
    trigger: 'expirationTime reached on a Failed transfer', preconditions: [],
    // The purge handler announces never-confirmed recipients on every purge but the malware one, Failed transfers included.
    history: ['Purged'],
    events: [{ type: 'filepurged', role: 'Sender', count: 'one' }, { type: 'fileneverconfirmeddownloaded', role: 'Recipient', count: 'each' }, { type: 'fileneverconfirmeddownloaded', role: 'Sender', count: 'one' }],
    needs: ['configureResources'],
  },
];

/** Coverage keys of every transition variant: `key{variant}`. */
export const TRANSITION_VARIANT_KEYS: readonly string[] = TRANSITIONS.flatMap((t) => (t.variants ?? []).map((v) => variantKey(t.key, v)));

/** The transitions that emit events: their events are a coverage dimension of their own. */
export const EVENT_TRANSITION_KEYS: readonly string[] = TRANSITIONS.filter((t) => t.events.length > 0).map((t) => t.key);

export function variantKey(transitionKey: string, variant: string): string {
  return `${transitionKey}{${variant}}`;
}

export function transition(key: string): Transition {
  const t = TRANSITIONS.find((x) => x.key === key);
  if (!t) throw new Error(`oracle: no transition ${key}`);
  return t;
}

/** The file-transfer history the upload modes of §3.3 write, from initialize to Published. */
export function expectedPublishHistory(mode: { virusScan: boolean }): FileTransferState[] {
  return mode.virusScan ? ['Initialized', 'UploadStarted', 'UploadProcessing', 'Published'] : ['Initialized', 'UploadStarted', 'Published'];
}
