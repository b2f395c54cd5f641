/** @module E9 TUS 1.0.0 resumable upload (§8) as the Broker serves it with tusdotnet: OPTIONS/POST/HEAD/PATCH/DELETE, concatenation, expiration, text errors. */
import type { IncomingMessage } from 'node:http';
import type { Caller } from '../auth.ts';
import type { Broker } from '../broker.ts';
import { BrokerProblem, Errors } from '../errors.ts';
import { parseGuid } from '../guid.ts';
import { addStatus } from '../lifecycle.ts';
import { currentStatus, type FileTransfer, type TusUpload } from '../model.ts';
import { promote } from '../payload.ts';
import { contentLengthHeader, type RequestContext } from '../server.ts';
import { queueTusFinalize } from '../tus-completion.ts';
import {
  activeUploadAccepts,
  appendChunk,
  concatenateFiles,
  discardUpload,
  findUpload,
  hasLiveSession,
  MAX_TUS_CHUNKS,
  refreshSession,
  registerUpload,
  rfc1123,
  TooMuchData,
  touch,
  tusLocation,
} from '../tus-uploads.ts';
import { checkUploadAllowed } from './upload.ts';

const TUS_VERSION = '1.0.0';
const EXTENSIONS = 'creation,creation-with-upload,termination,checksum,checksum-trailer,concatenation,expiration';
const OFFSET_STREAM = 'application/offset+octet-stream';
/** tusdotnet's in-memory file lock answers a second writer on this instance first, before any offset check. */
const LOCKED = 'File is currently being updated. Please try again later';

/** A tus-level answer: status, text body (text/plain, §8.8) and headers. Thrown by the steps below, rendered by `tusHandler`. */
class TusReply extends Error {
  constructor(
    readonly status: number,
    readonly text = '',
    readonly headers: Record<string, string> = {},
    /** Raised in the Broker's `OnAuthorize` hook: tusdotnet sends such failures without `Tus-Resumable`. */
    readonly fromAuthorize = false,
  ) {
    super(text || `tus ${status}`);
  }
}

const reply = (status: number, text = '', headers: Record<string, string> = {}): never => {
  throw new TusReply(status, text, headers);
};

/** A refusal of the Broker's authorization hook: text with the Broker message, no `Tus-Resumable`. */
const refuse = (status: number, text: string): never => {
  throw new TusReply(status, text, {}, true);
};

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function send(rc: RequestContext, r: TusReply): void {
  const headers: Record<string, string | number> = { ...(r.fromAuthorize ? {} : { 'tus-resumable': TUS_VERSION }), ...r.headers, ...contentLengthHeader(r.status, Buffer.byteLength(r.text)) };
  if (r.text) headers['content-type'] = 'text/plain';
  rc.res.writeHead(r.status, headers);
  rc.res.end(r.text);
}

/** Broker errors from `OnAuthorize` become text with the Broker's message and status (§8.2, §8.8). */
function brokerCheck(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    if (error instanceof BrokerProblem) refuse(error.error.status, error.error.detail);
    throw error;
  }
}

function transferOf(b: Broker, rc: RequestContext): FileTransfer {
  const id = parseGuid(rc.params.fileTransferId ?? '');
  if (!id) refuse(404, 'Missing file transfer id');
  return b.store.get(id!) ?? refuse(404, Errors.FileTransferNotFound.detail);
}

function uploadIdOf(rc: RequestContext, t: FileTransfer): string {
  const partial = rc.params.partialUploadId;
  if (partial === undefined) return t.id;
  return /^[0-9a-f]{32}$/i.test(partial) ? partial.toLowerCase() : reply(404);
}

/** The route-level hook for §8.7: may this expired token continue an active upload? */
export function tusAcceptsExpiredToken(rc: RequestContext, caller: Caller): boolean {
  if ((rc.req.method ?? '').toUpperCase() === 'OPTIONS') return false;
  const id = parseGuid(rc.params.fileTransferId ?? '');
  const t = id ? rc.b.store.get(id) : undefined;
  return !!t && activeUploadAccepts(rc.b, t, caller, currentStatus(t));
}

export async function tusHandler(rc: RequestContext): Promise<void> {
  try {
    await handle(rc);
  } catch (error) {
    if (!(error instanceof TusReply)) throw error;
    if (rc.res.headersSent || rc.res.destroyed) return void rc.res.destroy();
    send(rc, error);
  }
}

/** `/tus/{fileTransferId}/{partialUploadId}`: the legacy form of the partial URL, served as the `partial` one. */
export async function legacyTusHandler(rc: RequestContext): Promise<void> {
  if (rc.params.partialUploadId?.toLowerCase() === 'partial' || rc.b.mutated('tus-legacy-partial-url-404')) {
    rc.req.resume();
    rc.res.writeHead(404, { 'content-length': 0 });
    return void rc.res.end();
  }
  return tusHandler(rc);
}

async function handle(rc: RequestContext): Promise<void> {
  const { b, req } = rc;
  const method = (req.method ?? '').toUpperCase();
  if (method === 'OPTIONS') {
    return reply(204, '', { 'tus-version': TUS_VERSION, 'tus-extension': EXTENSIONS, 'tus-checksum-algorithm': 'md5' });
  }
  // Without Tus-Resumable the request is not tus at all and falls through to a plain 404.
  const resumable = header(req, 'tus-resumable');
  if (resumable === undefined) {
    rc.res.writeHead(404, { 'content-length': 0 });
    return void rc.res.end();
  }
  const t = transferOf(b, rc);
  const uploadId = uploadIdOf(rc, t);
  if ((method === 'HEAD' || method === 'PATCH') && b.mutated('tus-unknown-partial-500') && uploadId !== t.id && !t.tusUploads?.[uploadId]) {
    throw new Error(`Upload length is missing for file id ${uploadId}`);
  }

  // The Broker's idempotent-complete PATCH middleware runs before tusdotnet (§8.5).
  if (method === 'PATCH') {
    const known = t.tusUploads?.[uploadId];
    const offset = parseInt64(header(req, 'upload-offset'));
    if (known && offset !== undefined && offset >= BigInt(known.length)) return reply(204, '', { 'upload-offset': String(known.length) });
  }

  authorize(b, rc, t, method);
  if (resumable !== TUS_VERSION) return reply(412, '', { 'tus-version': TUS_VERSION });

  switch (method) {
    case 'POST':
      return create(rc, t);
    case 'HEAD':
      return head(rc, t, uploadId);
    case 'PATCH':
      return patch(rc, t, uploadId);
    case 'DELETE':
      return terminate(rc, t, uploadId);
  }
}

/** `OnAuthorize` (§8.2, §8.7): the E2 checks for create/write/delete; a live upload session only needs "still in progress". */
function authorize(b: Broker, rc: RequestContext, t: FileTransfer, method: string): void {
  const { caller } = rc;
  const status = currentStatus(t);
  if ((method === 'HEAD' || method === 'PATCH') && hasLiveSession(b, t, caller)) {
    if (status !== 'UploadStarted' && status !== 'UploadProcessing') refuse(409, Errors.FileTransferAlreadyUploaded.detail);
    return;
  }
  if (method === 'HEAD') {
    if (!b.canSend(caller, t)) refuse(Errors.NoAccessToResource.status, Errors.NoAccessToResource.detail);
    return;
  }
  // Create also checks the size against Upload-Length (§8.4).
  const length = method === 'POST' ? header(rc.req, 'upload-length')?.trim() : undefined;
  const parsed = parseInt64(length);
  const knownLength = parsed !== undefined && parsed >= 0n ? Number(parsed) : undefined;
  brokerCheck(() => checkUploadAllowed(b, caller, t, knownLength));
}

const INT64_MAX = 9_223_372_036_854_775_807n;

/** .NET `long.TryParse`: optional surrounding whitespace and sign, decimal digits, within 64 bits; undefined when it fails. */
export function parseInt64(value: string | undefined): bigint | undefined {
  const m = /^\s*([+-]?)(\d+)\s*$/.exec(value ?? '');
  if (!m) return undefined;
  const n = BigInt(m[2]!) * (m[1] === '-' ? -1n : 1n);
  return n > INT64_MAX || n < -INT64_MAX - 1n ? undefined : n;
}

function parseLength(value: string | undefined): number {
  if (value === undefined) return reply(400, 'Missing Upload-Length header');
  const n = parseInt64(value);
  if (n === undefined || n < 0n || n > BigInt(Number.MAX_SAFE_INTEGER)) return reply(400, 'Header Upload-Length must be a positive number');
  return Number(n);
}

const isBase64 = (v: string) => v.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(v);

function validateMetadata(value: string | undefined): void {
  if (value === undefined || value === '') return;
  const seen = new Set<string>();
  for (const pair of value.split(',')) {
    const [key, encoded, ...extra] = pair.trim().split(' ');
    const ok =
      !!key && extra.length === 0 && !seen.has(key) && (encoded === undefined || /^[A-Za-z0-9+/]*={0,2}$/.test(encoded));
    if (!ok) {
      reply(
        400,
        'Header Upload-Metadata: The Upload-Metadata request and response header MUST consist of one or more comma-separated key-value pairs. The key and value MUST be separated by a space. The key MUST NOT contain spaces and commas and MUST NOT be empty. The key SHOULD be ASCII encoded and the value MUST be Base64 encoded. All keys MUST be unique.',
      );
    }
    seen.add(key!);
  }
}

function expiresHeader(upload: TusUpload): Record<string, string> {
  return { 'upload-expires': rfc1123(upload.expires) };
}

function markStarted(b: Broker, t: FileTransfer): void {
  if (currentStatus(t) === 'Initialized') addStatus(b, t, 'UploadStarted'); // only from Initialized, no event (§3.2)
}

async function create(rc: RequestContext, t: FileTransfer): Promise<void> {
  const { b, req } = rc;
  const concat = header(req, 'upload-concat')?.trim();
  if (header(req, 'upload-defer-length') !== undefined) reply(400, 'Header Upload-Defer-Length is not supported');
  if (concat !== undefined && concat.toLowerCase().startsWith('final')) return createFinal(rc, t, concat);
  if (concat !== undefined && concat.toLowerCase() !== 'partial') reply(400, 'Header Upload-Concat: Header is invalid. Valid values are "partial" and "final" followed by a list of file urls to concatenate');
  const length = parseLength(header(req, 'upload-length'));
  const metadata = header(req, 'upload-metadata');
  validateMetadata(metadata);

  const partial = concat !== undefined;
  const id = partial ? crypto.randomUUID().replaceAll('-', '') : t.id;
  const upload = registerUpload(b, t, { id, kind: partial ? 'partial' : 'single', length, offset: 0, chunks: 0, metadata: metadata ?? null });
  markStarted(b, t);
  touch(b, t, upload);
  b.store.save(t);
  refreshSession(b, t, rc.caller);
  const headers: Record<string, string> = { location: tusLocation(t, upload), ...expiresHeader(upload) };

  // creation-with-upload: a body sent as offset+octet-stream is written at once.
  const contentType = (header(req, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType === OFFSET_STREAM) {
    await writeChunk(rc, t, upload);
    headers['upload-offset'] = String(upload.offset);
  } else req.resume();
  reply(201, '', headers);
}

async function createFinal(rc: RequestContext, t: FileTransfer, concat: string): Promise<void> {
  const { b, req } = rc;
  req.resume();
  if (header(req, 'upload-length') !== undefined) reply(400, 'Header Upload-Length must not be specified for a final upload');
  const references = concat.slice(concat.indexOf(';') + 1).trim().split(/\s+/).filter(Boolean);
  if (!concat.includes(';') || references.length === 0) reply(400, 'Header Upload-Concat: Header is invalid. Valid values are "partial" and "final" followed by a list of file urls to concatenate');
  const ids = references.map((ref) => (ref.split('/').filter(Boolean).at(-1) ?? '').replaceAll('-', '').toLowerCase());
  const partials: TusUpload[] = [];
  for (const pid of ids) {
    const own = findUpload(b, t, pid);
    if (own?.kind === 'partial') {
      if (own.offset !== own.length) reply(400, `Partial upload ${pid} is incomplete. Expected ${own.length} bytes, found ${own.offset}.`);
      partials.push(own);
      continue;
    }
    const elsewhere = [...b.store.transfers.values()].some((other) => other.tusUploads?.[pid]?.kind === 'partial');
    reply(400, elsewhere ? `Partial upload ${pid} does not belong to file transfer ${t.id}.` : `Unknown partial upload id ${pid}.`);
  }
  if (b.tusLocks.has(t.id)) reply(423, LOCKED);
  b.tusLocks.add(t.id);
  try {
    await concatenateFiles(
      partials.map((p) => b.store.tusPath(p.id)),
      b.store.payloadPath(t.id),
    );
  } finally {
    b.tusLocks.delete(t.id);
  }
  const length = partials.reduce((sum, p) => sum + p.length, 0);
  for (const p of partials) discardUpload(b, t, p.id);
  const upload = registerUpload(b, t, { id: t.id, kind: 'final', length, offset: length, chunks: 0, metadata: header(req, 'upload-metadata') ?? null, concat: references });
  touch(b, t, upload);
  markStarted(b, t);
  addStatus(b, t, 'UploadProcessing'); // immediately, without an event (§8.6)
  b.store.save(t);
  refreshSession(b, t, rc.caller);
  queueTusFinalize(b, t.id, true);
  reply(201, '', { location: tusLocation(t, upload), ...expiresHeader(upload) });
}

function head(rc: RequestContext, t: FileTransfer, uploadId: string): void {
  const { b } = rc;
  const upload = findUpload(b, t, uploadId);
  // A transfer uploaded in binary has no TUS upload, but the store reports its stored size as the offset.
  if (!upload && uploadId === t.id && t.hasFile) reply(200, '', { 'upload-offset': String(t.size), 'upload-length': String(t.size), 'cache-control': 'no-store' });
  if (!upload) return reply(404);
  refreshSession(b, t, rc.caller);
  const headers: Record<string, string> = {
    'upload-offset': String(upload.offset),
    'upload-length': String(upload.length),
    'cache-control': 'no-store',
  };
  if (upload.kind === 'partial') headers['upload-concat'] = 'partial';
  if (upload.kind === 'final') headers['upload-concat'] = `final;${(upload.concat ?? []).join(' ')}`;
  if (upload.metadata) headers['upload-metadata'] = upload.metadata;
  reply(200, '', headers);
}

async function patch(rc: RequestContext, t: FileTransfer, uploadId: string): Promise<void> {
  const { b, req } = rc;
  const upload = findUpload(b, t, uploadId) ?? reply(404);
  // tusdotnet compares the whole header: a charset parameter makes it another content type.
  const contentType = (header(req, 'content-type') ?? '').trim().toLowerCase();
  if (contentType !== OFFSET_STREAM) reply(415, `Content-Type ${OFFSET_STREAM} is required`);
  const offsetHeader = header(req, 'upload-offset');
  if (offsetHeader === undefined) reply(400, 'Missing Upload-Offset header');
  const parsedOffset = parseInt64(offsetHeader);
  if (parsedOffset === undefined || parsedOffset < 0n) reply(400, 'Header Upload-Offset must be a positive number');
  const checksum = header(req, 'upload-checksum');
  if (checksum !== undefined) {
    const [algorithm, value] = checksum.trim().split(' ');
    if (!algorithm || !value || !isBase64(value)) reply(400, 'Header Upload-Checksum must be on the format: <algorithm> <base64 checksum>');
    if (algorithm!.toLowerCase() !== 'md5') reply(400, 'Unsupported checksum algorithm. Supported algorithms are: md5');
  }
  if (upload.kind === 'final') reply(403, 'File with "Upload-Concat: final" cannot be patched');
  const offset = Number(parsedOffset);
  if (offset !== upload.offset) reply(409, `Offset does not match file. File offset: ${upload.offset}. Request offset: ${offsetHeader!.trim()}`);
  const declared = header(req, 'content-length');
  if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > upload.length - upload.offset) {
    reply(413, `Request contains more data than the file's upload length. Request data: ${declared}, upload length: ${upload.length}.`);
  }
  await writeChunk(rc, t, upload);
  refreshSession(b, t, rc.caller);
  // The store claims md5 but never verifies: the chunk is kept and the request still fails (§8.5).
  if (checksum !== undefined) reply(460, 'Header Upload-Checksum does not match the checksum of the file');
  reply(204, '', { 'upload-offset': String(upload.offset), ...expiresHeader(upload) });
}

/** Streams one body into the upload; completes the upload when its last byte arrives. */
async function writeChunk(rc: RequestContext, t: FileTransfer, upload: TusUpload): Promise<void> {
  const { b, req } = rc;
  if (upload.chunks >= MAX_TUS_CHUNKS) {
    req.resume();
    reply(400, `The upload has reached the maximum of ${MAX_TUS_CHUNKS} chunks. Upload in chunks of at least ${Math.ceil(upload.length / MAX_TUS_CHUNKS)} bytes.`);
  }
  if (b.tusLocks.has(upload.id)) {
    req.resume();
    reply(423, LOCKED);
  }
  b.tusLocks.add(upload.id);
  let written: number;
  try {
    written = await appendChunk(b.store.tusPath(upload.id), upload.offset, req, upload.length - upload.offset);
  } catch (error) {
    if (error instanceof TooMuchData) {
      req.resume();
      reply(400, `Request contains more data than the file's upload length. Request data: ${error.received}, upload length: ${upload.length}.`);
    }
    // The client went away mid-PATCH: nothing of this chunk counts; the client resumes from HEAD's offset.
    rc.res.destroy();
    throw new TusReply(499);
  } finally {
    b.tusLocks.delete(upload.id);
  }
  if (written === 0) return; // an empty PATCH: 204, offset unchanged
  upload.offset += written;
  upload.chunks += 1;
  touch(b, t, upload);
  if (upload.offset >= upload.length && upload.kind === 'single') {
    b.scheduler.cancel(`tus-expire:${upload.id}`);
    promote(b.store.tusPath(upload.id), b.store.payloadPath(t.id));
    b.store.save(t);
    queueTusFinalize(b, t.id, false);
    return;
  }
  b.store.save(t);
}

function terminate(rc: RequestContext, t: FileTransfer, uploadId: string): void {
  const { b } = rc;
  rc.req.resume();
  findUpload(b, t, uploadId) ?? reply(404);
  if (b.tusLocks.has(uploadId)) reply(423, LOCKED);
  discardUpload(b, t, uploadId); // the transfer's status is not changed (§8.5)
  b.store.save(t);
  reply(204);
}
