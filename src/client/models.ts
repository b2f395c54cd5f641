/** @module The Broker's wire models as the harness reads them (names as serialized). */

export type FileTransferStatus =
  | 'Initialized'
  | 'UploadStarted'
  | 'UploadProcessing'
  | 'Published'
  | 'Cancelled'
  | 'AllConfirmedDownloaded'
  | 'Purged'
  | 'Failed';

export type RecipientStatus = 'Initialized' | 'DownloadStarted' | 'DownloadConfirmed';

export interface FileTransferInitialize {
  fileName?: string | null;
  resourceId?: string | null;
  sendersFileTransferReference?: string | null;
  sender?: string | null;
  recipients?: string[] | null;
  propertyList?: Record<string, string> | null;
  checksum?: string | null;
  disableVirusScan?: boolean | null;
}

export interface FileTransferIdResponse {
  fileTransferId: string;
}

export interface RecipientOverview {
  recipient: string;
  currentRecipientFileTransferStatusCode: RecipientStatus;
  currentRecipientFileTransferStatusText: string;
  currentRecipientFileTransferStatusChanged: string;
}

export interface FileTransferOverview {
  fileTransferId: string;
  resourceId: string;
  fileName: string;
  sendersFileTransferReference: string;
  checksum: string | null;
  useVirusScan: boolean;
  fileTransferSize: number;
  fileTransferStatus: FileTransferStatus;
  fileTransferStatusText: string;
  fileTransferStatusChanged: string;
  created: string;
  expirationTime: string;
  sender: string;
  recipients: RecipientOverview[];
  propertyList: Record<string, string>;
  published: string | null;
}

export interface FileTransferDetails extends FileTransferOverview {
  fileTransferStatusHistory: { fileTransferStatus: FileTransferStatus; fileTransferStatusText: string; fileTransferStatusChanged: string }[];
  recipientFileTransferStatusHistory: {
    recipient: string;
    recipientFileTransferStatusCode: RecipientStatus;
    recipientFileTransferStatusText: string;
    recipientFileTransferStatusChanged: string;
  }[];
}

export interface SearchQuery {
  resourceId: string;
  status?: FileTransferStatus | string;
  recipientStatus?: RecipientStatus | string;
  from?: string;
  to?: string;
  orderAscending?: boolean;
  role?: 'Sender' | 'Recipient' | string;
}

export interface ResourceConfiguration {
  maxFileTransferSize?: number | null;
  fileTransferTimeToLive?: string | null;
  purgeFileTransferAfterAllRecipientsConfirmed?: boolean | null;
  purgeFileTransferGracePeriod?: string | null;
  useManifestFileShim?: boolean | null;
  externalServiceCodeLegacy?: string | null;
  externalServiceEditionCodeLegacy?: number | null;
  requiredParty?: string | null;
}

export interface ServiceOwnerOverview {
  name: string;
  storageProviders: { type: string; deploymentStatus: string; deploymentEnvironment: string | null }[];
}

/** A Broker domain error or a validation problem (§1.4b). */
export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  traceId?: string;
  statusDescription?: string;
  errors?: Record<string, string[]>;
}
