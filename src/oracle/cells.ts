/**
 * @module The (situation × operation × actor) matrix: for every cell what the Broker must answer,
 * derived from the documented check order of each endpoint. `ILLEGAL_CELLS` lists the refusals; a verdict exercising one carries its `cell` key.
 */
import { BROKER_ERRORS, type BrokerErrorName } from './errors.ts';
import type { Capabilities } from '../config/types.ts';
import type { FileTransferState } from './states.ts';

/** A transfer in a given state, reached in a given way (what is stored matters: file or not, download or not). */
export interface Situation {
  id: string;
  state: FileTransferState | 'none';
  /** A file location was recorded (confirm says code 3 when not). */
  fileStored: boolean;
  /** The acting recipient has a DownloadStarted entry. */
  downloaded: boolean;
  /** The acting recipient already confirmed. */
  confirmed: boolean;
  how: string;
  needs: (keyof Capabilities)[];
  /** Set when this environment family cannot hold the transfer in this state long enough to probe it. */
  unholdable?: string;
}

export const SITUATIONS: readonly Situation[] = [
  { id: 'Nonexistent', state: 'none', fileStored: false, downloaded: false, confirmed: false, how: 'a random GUID', needs: [] },
  { id: 'Initialized', state: 'Initialized', fileStored: false, downloaded: false, confirmed: false, how: 'initialize only', needs: [] },
  { id: 'UploadStarted', state: 'UploadStarted', fileStored: false, downloaded: false, confirmed: false, how: 'initialize, TUS create without bytes', needs: ['tus'] },
  {
    id: 'UploadProcessing', state: 'UploadProcessing', fileStored: true, downloaded: false, confirmed: false,
    how: 'virus-scanned upload on a Broker whose scan waits for the malware webhook (§3.3, §9.7)', needs: ['malwareWebhook'],
  },
  { id: 'Published', state: 'Published', fileStored: true, downloaded: false, confirmed: false, how: 'upload, wait for Published', needs: [] },
  { id: 'Published+Downloaded', state: 'Published', fileStored: true, downloaded: true, confirmed: false, how: 'two recipients, the acting one downloaded', needs: [] },
  { id: 'Published+Confirmed', state: 'Published', fileStored: true, downloaded: true, confirmed: true, how: 'two recipients, the acting one downloaded and confirmed', needs: [] },
  { id: 'AllConfirmedDownloaded', state: 'AllConfirmedDownloaded', fileStored: true, downloaded: true, confirmed: true, how: 'one recipient downloaded and confirmed', needs: [] },
  { id: 'Failed:checksum', state: 'Failed', fileStored: true, downloaded: false, confirmed: false, how: 'upload with a wrong initialize checksum', needs: [] },
  { id: 'Failed:malware', state: 'Failed', fileStored: true, downloaded: false, confirmed: false, how: 'upload EICAR with virus scan', needs: ['malwareWebhook', 'malwareScan'] },
  { id: 'Purged', state: 'Purged', fileStored: true, downloaded: false, confirmed: false, how: 'publish, then move the clock past expiry (or a short resource TTL)', needs: ['clock'] },
];

export type Operation = 'upload' | 'download' | 'confirm' | 'overview' | 'details' | 'tusCreate';
export const OPERATIONS: readonly Operation[] = ['upload', 'download', 'confirm', 'overview', 'details', 'tusCreate'];

/**
 * The actors of the matrix with the scopes the oracle assumes (the environment's token config must
 * match; specs check it): sender writes+reads, recipient reads, outsider writes+reads but is party to nothing.
 * Whether the outsider also holds rights on the resource (`actors.outsider.rights`) does not change its
 * cells: existence is checked before access, and the authorization decision refuses a non-party either
 * way. It changes search (AUTH-010 vs AUTH-014).
 */
export type MatrixActor = 'sender' | 'recipient' | 'outsider' | 'anonymous';
export const MATRIX_ACTORS: readonly MatrixActor[] = ['sender', 'recipient', 'outsider', 'anonymous'];
export const ACTOR_SCOPES: Readonly<Record<MatrixActor, readonly string[]>> = {
  sender: ['altinn:broker.write', 'altinn:broker.read'],
  recipient: ['altinn:broker.read'],
  outsider: ['altinn:broker.write', 'altinn:broker.read'],
  anonymous: [],
};

export type Outcome =
  | { allowed: true; status: number }
  /** The authentication/authorization layer: empty body (§1.2). */
  | { allowed: false; status: 401 | 403; layer: 'auth'; why: string }
  /** A Broker error: ProblemDetails, or (`render: 'text'`, TUS §8.8) a text/plain body holding the message. */
  | { allowed: false; status: number; layer: 'broker'; error: BrokerErrorName; why: string; render?: 'text' };

const refuse = (error: BrokerErrorName, why: string): Outcome => ({ allowed: false, status: BROKER_ERRORS[error].status, layer: 'broker', error, why });

const POLICY_SCOPES: Record<Operation, string[]> = {
  upload: ['altinn:broker.write'], // Sender policy
  download: ['altinn:broker.read'], // Recipient policy
  confirm: ['altinn:broker.read'],
  overview: ['altinn:broker.write', 'altinn:broker.read'], // SenderOrRecipient
  details: ['altinn:broker.write', 'altinn:broker.read'],
  tusCreate: ['altinn:broker.write'], // Sender policy (§8.2)
};

const SUCCESS: Record<Operation, number> = { upload: 200, download: 200, confirm: 204, overview: 200, details: 200, tusCreate: 201 };

/** What `actor` must get for `operation` on a transfer in `situation` (check order as documented). */
export function expectedOutcome(situation: Situation, operation: Operation, actor: MatrixActor): Outcome {
  if (actor === 'anonymous') return { allowed: false, status: 401, layer: 'auth', why: 'no token → 401 empty (§1.2)' };
  if (!POLICY_SCOPES[operation].some((s) => ACTOR_SCOPES[actor].includes(s))) {
    return { allowed: false, status: 403, layer: 'auth', why: `token lacks ${POLICY_SCOPES[operation].join(' or ')} → 403 empty (§1.2)` };
  }
  if (operation === 'tusCreate') return tusCreateOutcome(situation, actor);
  if (situation.state === 'none') return refuse('FileTransferNotFound', 'unknown id → 404 code 1, before access (§4.3)');
  const isSender = actor === 'sender';
  const isRecipient = actor === 'recipient';
  const s = situation.state;
  switch (operation) {
    case 'overview':
    case 'details':
      return isSender || isRecipient ? { allowed: true, status: 200 } : refuse('NoAccess', 'not a party → 401 code 6 (§2.5)');
    case 'upload':
      if (!isSender) return refuse('NoAccess', 'upload needs sender access → 401 code 6 (§2.3)');
      return s === 'Initialized' || s === 'UploadStarted' ? { allowed: true, status: SUCCESS.upload } : refuse('FileTransferAlreadyUploaded', 'status beyond UploadStarted → 409 code 4 (§2.3)');
    case 'download':
      if (!isRecipient) return refuse('NoAccess', 'download needs recipient access → 401 code 6 (§7.1)');
      return s === 'Published' || s === 'AllConfirmedDownloaded' ? { allowed: true, status: SUCCESS.download } : refuse('NotReadyForDownload', 'not Published/AllConfirmedDownloaded → 403 code 7 (§7.1)');
    case 'confirm':
      if (!isRecipient) return refuse('NoAccess', 'confirm needs recipient access → 401 code 6 (§2.9)');
      if (!situation.fileStored) return refuse('NoFileUploadedYet', 'no file location → 400 code 3 (§2.9)');
      if (s !== 'Published') return refuse('ConfirmRequiresPublished', 'status ≠ Published → 400 code 10 (§2.9)');
      if (situation.confirmed) return { allowed: true, status: 204 };
      if (!situation.downloaded) return refuse('ConfirmBeforeDownload', 'no DownloadStarted → 400 code 19 (§2.9)');
      return { allowed: true, status: SUCCESS.confirm };
  }
}

/** TUS create (§8.2, §8.4, §8.8): E2's first checks, rendered as text/plain with the Broker message. */
function tusCreateOutcome(situation: Situation, actor: MatrixActor): Outcome {
  const text = (error: BrokerErrorName, why: string): Outcome => ({ allowed: false, status: BROKER_ERRORS[error].status, layer: 'broker', error, why, render: 'text' });
  if (situation.state === 'none') return text('FileTransferNotFound', 'unknown id → 404 text (§8.2, §8.8)');
  if (actor !== 'sender') return text('NoAccess', 'not the sender → 401 text (§8.2)');
  // Re-creating while UploadStarted is unverified (§8.4): treated as allowed, never probed.
  return situation.state === 'Initialized' || situation.state === 'UploadStarted'
    ? { allowed: true, status: SUCCESS.tusCreate }
    : text('FileTransferAlreadyUploaded', 'status ≥ UploadProcessing → 409 text (§8.2)');
}

export interface Cell {
  /** Coverage key `situation|operation|actor`, e.g. `Published|upload|sender`. */
  key: string;
  situation: Situation;
  operation: Operation;
  actor: MatrixActor;
  outcome: Extract<Outcome, { allowed: false }>;
  requirement: string;
}

/** Requirement id per kind of refusal (see requirements.ts). */
function requirementFor(situation: Situation, operation: Operation, o: Extract<Outcome, { allowed: false }>): string {
  if (o.layer === 'auth') return o.status === 401 ? 'AUTH-001' : 'AUTH-005';
  if (operation === 'tusCreate') return 'NEG-TUS-001';
  switch (o.error) {
    case 'FileTransferNotFound': return 'NEG-NOTFOUND-001';
    case 'NoAccess': return operation === 'overview' || operation === 'details' ? 'AUTH-006' : operation === 'upload' ? 'AUTH-007' : 'AUTH-008';
    case 'FileTransferAlreadyUploaded': return situation.state === 'Failed' ? 'NEG-UPLOAD-002' : 'NEG-UPLOAD-001';
    case 'NotReadyForDownload': return 'NEG-DOWNLOAD-001';
    case 'NoFileUploadedYet': return 'NEG-CONFIRM-001';
    case 'ConfirmRequiresPublished': return 'NEG-CONFIRM-002';
    case 'ConfirmBeforeDownload': return 'NEG-CONFIRM-003';
    default: return 'NEG-CELL-001';
  }
}

function allCells(): Cell[] {
  const cells: Cell[] = [];
  for (const situation of SITUATIONS) {
    for (const operation of OPERATIONS) {
      for (const actor of MATRIX_ACTORS) {
        const outcome = expectedOutcome(situation, operation, actor);
        if (outcome.allowed) continue;
        cells.push({ key: `${situation.id}|${operation}|${actor}`, situation, operation, actor, outcome, requirement: requirementFor(situation, operation, outcome) });
      }
    }
  }
  return cells;
}

/** Every refused cell of the matrix (the `unholdable` ones included; specs SKIP them with the reason). */
export const ILLEGAL_CELLS: readonly Cell[] = allCells();

/** The allowed cells, exercised by the lifecycle suites. */
export const ALLOWED_CELLS: readonly string[] = SITUATIONS.flatMap((s) =>
  OPERATIONS.flatMap((op) => MATRIX_ACTORS.filter((a) => expectedOutcome(s, op, a).allowed).map((a) => `${s.id}|${op}|${a}`)),
);
