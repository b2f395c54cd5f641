/** @module File transfer data as the local Broker stores it, and the status names and their default texts. */

export const FILE_TRANSFER_STATUSES = [
  'Initialized',
  'UploadStarted',
  'UploadProcessing',
  'Published',
  'Cancelled',
  'AllConfirmedDownloaded',
  'Purged',
  'Failed',
] as const;
export type FileTransferStatus = (typeof FILE_TRANSFER_STATUSES)[number];

export const ACTOR_STATUSES = ['Initialized', 'DownloadStarted', 'DownloadConfirmed'] as const;
export type ActorStatus = (typeof ACTOR_STATUSES)[number];

export const STATUS_TEXTS: Record<FileTransferStatus, string> = {
  Initialized: 'Ready for upload',
  UploadStarted: 'Upload started',
  UploadProcessing: 'Processing upload',
  Published: 'Ready for download',
  Cancelled: 'FileTransfer cancelled',
  AllConfirmedDownloaded: 'All downloaded',
  Purged: 'FileTransfer has been purged',
  Failed: 'Upload failed',
};

export const ACTOR_STATUS_TEXTS: Record<ActorStatus, string> = {
  Initialized: 'Initialized',
  DownloadStarted: 'Recipient has attempted to download fileTransfer',
  DownloadConfirmed: 'Recipient has downloaded fileTransfer',
};

export const FAILED_TEXTS = {
  checksumMismatch: 'Checksum mismatch',
  uploadError: 'Error occurred while uploading fileTransfer',
  stuckInUploadStarted: 'File transfer was stuck in UploadStarted as it failed upload mid-request.',
} as const;

export const statusRank = (s: FileTransferStatus): number => FILE_TRANSFER_STATUSES.indexOf(s);
export const actorRank = (s: ActorStatus): number => ACTOR_STATUSES.indexOf(s);

export interface StatusEntry {
  status: FileTransferStatus;
  /** Detailed text, or null to show the default text. */
  text: string | null;
  /** ISO instant (milliseconds). */
  at: string;
}

export interface ActorEntry {
  /** `0192:<orgno>`. */
  actor: string;
  status: ActorStatus;
  at: string;
}

export interface FileTransfer {
  id: string;
  resourceId: string;
  fileName: string;
  sendersFileTransferReference: string;
  /** As given at initialize (`""` when omitted, null when sent as null) until a computed one is stored. */
  checksum: string | null;
  useVirusScan: boolean;
  size: number;
  created: string;
  expirationTime: string;
  /** Verbatim, as sent at initialize. */
  sender: string;
  /** Normalised `0192:<orgno>`, duplicates kept in the order sent. */
  recipients: string[];
  propertyList: Record<string, string>;
  history: StatusEntry[];
  actorHistory: ActorEntry[];
  /** The payload was fully stored (the Broker's "file location"). */
  hasFile: boolean;
  /** MD5 computed while uploading, stored into `checksum` when the transfer is published. */
  computedChecksum?: string;
  /** A simulated scan is pending; its verdict (true = malware found). */
  pendingScan?: { malicious: boolean };
  /** Malware scan result processed once (idempotency key `<id>_malwarescan`). */
  scanHandled?: boolean;
  /** TUS uploads registered for this transfer (§8), keyed by upload id: the transfer id, or a partial's 32-hex id. */
  tusUploads?: Record<string, TusUpload>;
  /** Last successful TUS POST/PATCH (ISO); the stuck-upload check and the upload-session scheme read it. */
  lastTusActivity?: string;
  /** A TUS upload is complete and its background MD5 check has not run yet (§8.6 step 3). */
  awaitingMd5?: boolean;
  /** A clean scan result arrived while the MD5 check was still pending; publish when it passes. */
  scanPassed?: boolean;
}

/** One TUS upload resource (§8): its registered length, the committed offset and how many PATCH chunks it took. */
export interface TusUpload {
  id: string;
  kind: 'single' | 'partial' | 'final';
  length: number;
  offset: number;
  chunks: number;
  /** `Upload-Metadata` as sent (validated, never used). */
  metadata: string | null;
  /** For a final upload: the partial references as given in `Upload-Concat`. */
  concat?: string[];
  /** Upload-Expires (ISO), sliding. */
  expires: string;
}

export function currentEntry(t: FileTransfer): StatusEntry {
  return t.history[t.history.length - 1]!;
}

export function currentStatus(t: FileTransfer): FileTransferStatus {
  return currentEntry(t).status;
}
