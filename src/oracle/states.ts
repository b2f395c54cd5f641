/** @module The file-transfer and per-recipient states with their numbers and default texts. */

import type { FileTransferStatus, RecipientStatus } from '../client/models.ts';

/** The state names are the wire values the client models already spell out. */
export type FileTransferState = FileTransferStatus;
export type RecipientState = RecipientStatus;

export interface StateInfo<S extends string> {
  name: S;
  /** The enum number: guards compare numerically ("status > UploadStarted"). */
  number: number;
  /** Default status text shown when no detailed text was written. */
  text: string;
  /** Reachable through some code path of the Broker (Cancelled is not). */
  reachable: boolean;
}

export const FILE_TRANSFER_STATES: readonly StateInfo<FileTransferState>[] = [
  { name: 'Initialized', number: 0, text: 'Ready for upload', reachable: true },
  { name: 'UploadStarted', number: 1, text: 'Upload started', reachable: true },
  { name: 'UploadProcessing', number: 2, text: 'Processing upload', reachable: true },
  { name: 'Published', number: 3, text: 'Ready for download', reachable: true },
  { name: 'Cancelled', number: 4, text: 'FileTransfer cancelled', reachable: false },
  { name: 'AllConfirmedDownloaded', number: 5, text: 'All downloaded', reachable: true },
  { name: 'Purged', number: 6, text: 'FileTransfer has been purged', reachable: true },
  { name: 'Failed', number: 7, text: 'Upload failed', reachable: true },
];

export const RECIPIENT_STATES: readonly StateInfo<RecipientState>[] = [
  { name: 'Initialized', number: 0, text: 'Initialized', reachable: true },
  { name: 'DownloadStarted', number: 1, text: 'Recipient has attempted to download fileTransfer', reachable: true },
  { name: 'DownloadConfirmed', number: 2, text: 'Recipient has downloaded fileTransfer', reachable: true },
];

/** Detailed texts written together with `Failed` (shown instead of the default text). */
export const FAILED_TEXTS = {
  checksumMismatch: 'Checksum mismatch',
  uploadException: 'Error occurred while uploading fileTransfer',
  stuckUpload: 'File transfer was stuck in UploadStarted as it failed upload mid-request.',
  /** Prefix; the scan result type and a JSON of the scan result follow. */
  malwarePrefix: 'Malware scan failed: ',
} as const;

export function stateText(state: FileTransferState): string {
  return FILE_TRANSFER_STATES.find((s) => s.name === state)!.text;
}

export function recipientStateText(state: RecipientState): string {
  return RECIPIENT_STATES.find((s) => s.name === state)!.text;
}

export function stateNumber(state: FileTransferState): number {
  return FILE_TRANSFER_STATES.find((s) => s.name === state)!.number;
}
