/** @module E3 initialize-and-upload from multipart/form-data (§2.4): form fields bound case-insensitively, the file part staged while hashing. */
import busboy from 'busboy';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { FrameworkResponse, ValidationProblem } from '../errors.ts';
import { validateInitialize, type RawInitialize } from '../initialize-validation.ts';
import { completeUpload, startUpload } from '../lifecycle.ts';
import { promote, streamToFile, PayloadTooLarge, type StoredPayload } from '../payload.ts';
import { frameworkProblemBody } from '../problems.ts';
import { mediaType, sendJson, type RequestContext } from '../server.ts';
import { failOnNulWhenMutated, initializeTransfer } from './initialize.ts';
import { checkUploadAllowed } from './upload.ts';

/** ASP.NET's multipart body length limit (int.MaxValue). */
export const MULTIPART_FILE_LIMIT = 2_147_483_647;
const FILE_FIELD = 'filetransfer';

class ClientAborted extends Error {}

interface FormData {
  fields: Array<[string, string]>;
  file?: { staging: string; stored: StoredPayload };
  fileTooLarge: boolean;
}

function readForm(rc: RequestContext, stagingDirFor: () => string): Promise<FormData> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: rc.req.headers, defParamCharset: 'utf8', limits: { fieldSize: 1 << 20, fields: 1000, parts: 1000 } });
    } catch {
      reject(new ValidationProblem({ '': ['Failed to read the request form. Missing content-type boundary.'] }));
      return;
    }
    const form: FormData = { fields: [], fileTooLarge: false };
    const writes: Array<Promise<void>> = [];
    parser.on('field', (name, value) => form.fields.push([name, value]));
    parser.on('file', (name, stream) => {
      if (name.toLowerCase() !== FILE_FIELD || form.file || writes.length) {
        stream.resume();
        return;
      }
      const staging = stagingDirFor();
      writes.push(
        streamToFile(stream, staging, MULTIPART_FILE_LIMIT).then(
          (stored) => void (form.file = { staging, stored }),
          (error) => {
            if (error instanceof PayloadTooLarge) form.fileTooLarge = true;
            else throw error;
            stream.resume();
          },
        ),
      );
    });
    parser.on('error', (error) => reject(new ValidationProblem({ '': [`Failed to read the request form. ${(error as Error).message}`] })));
    parser.on('close', () => {
      Promise.all(writes).then(() => resolve(form), reject);
    });
    rc.req.on('aborted', () => reject(new ClientAborted()));
    rc.req.pipe(parser);
  });
}

/** Binds `Metadata.*` form values the way ASP.NET's form binder does (empty value → null). */
function bindMetadata(fields: Array<[string, string]>): { raw: RawInitialize; errors: Record<string, string[]> } {
  const raw: RawInitialize = {};
  const errors: Record<string, string[]> = {};
  const plainRecipients: Array<string | null> = [];
  const indexedRecipients = new Map<number, string | null>();
  const properties: Record<string, string> = {};
  let hasProperties = false;
  const nullable = (v: string) => (v === '' ? null : v);
  for (const [name, value] of fields) {
    const lower = name.toLowerCase();
    if (!lower.startsWith('metadata.')) continue;
    const prop = lower.slice('metadata.'.length);
    const simple: Record<string, keyof RawInitialize> = {
      filename: 'fileName',
      resourceid: 'resourceId',
      sendersfiletransferreference: 'sendersFileTransferReference',
      sender: 'sender',
      checksum: 'checksum',
    };
    if (simple[prop]) (raw as Record<string, unknown>)[simple[prop]] = nullable(value);
    else if (prop === 'disablevirusscan') {
      if (/^(true|false)$/i.test(value.trim())) raw.disableVirusScan = value.trim().toLowerCase() === 'true';
      else if (value !== '') errors['Metadata.DisableVirusScan'] = [`The value '${value}' is not valid for DisableVirusScan.`];
    } else if (prop === 'recipients') plainRecipients.push(nullable(value));
    else if (/^recipients\[\d+\]$/.test(prop)) {
      const index = Number(prop.slice(11, -1));
      if (!indexedRecipients.has(index)) indexedRecipients.set(index, nullable(value));
    }
    else {
      const m = /^propertylist(?:\[(.+)\]|\.(.+))$/.exec(name.slice('metadata.'.length).replace(/^propertylist/i, 'propertylist'));
      if (m) {
        hasProperties = true;
        properties[m[1] ?? m[2]!] = value;
      }
    }
  }
  // The collection binder takes plain values when there are any; otherwise indexes 0, 1, 2… up to the first gap.
  if (plainRecipients.length) raw.recipients = plainRecipients;
  else if (indexedRecipients.has(0)) {
    const list: Array<string | null> = [];
    while (indexedRecipients.has(list.length)) list.push(indexedRecipients.get(list.length)!);
    raw.recipients = list;
  }
  if (hasProperties) raw.propertyList = properties;
  return { raw, errors };
}

export async function multipartHandler(rc: RequestContext): Promise<void> {
  const { b } = rc;
  const type = mediaType(rc.req.headers['content-type']);
  // Without a Content-Type there is no form to read: every Metadata field and the file are simply missing.
  if (type && type !== 'multipart/form-data') {
    throw new FrameworkResponse(415, { 'content-type': rc.problemContentType }, frameworkProblemBody(415, rc.traceId));
  }
  let form: FormData;
  try {
    form = type ? await readForm(rc, () => b.store.stagingPath(randomUUID(), 'multipart')) : (rc.req.resume(), { fields: [], fileTooLarge: false });
  } catch (error) {
    if (error instanceof ClientAborted) {
      rc.res.destroy(); // the client went away; nothing was created
      return;
    }
    throw error;
  }
  const stagingFile = form.file?.staging;
  try {
    const { raw, errors } = bindMetadata(form.fields);
    failOnNulWhenMutated(b, raw);
    if (form.fileTooLarge) errors.FileTransfer = [`Multipart body length limit ${MULTIPART_FILE_LIMIT} exceeded.`];
    else if (!form.file) errors.FileTransfer = ['The FileTransfer field is required.'];
    const input = validateInitialize(raw, 'Metadata.', errors);
    const t = initializeTransfer(b, rc.caller, input);
    const file = form.file!;
    checkUploadAllowed(b, rc.caller, t, file.stored.size);
    startUpload(b, t);
    promote(file.staging, b.store.payloadPath(t.id));
    await completeUpload(b, t, file.stored);
    sendJson(rc, 200, { fileTransferId: t.id });
  } finally {
    if (stagingFile) rmSync(stagingFile, { force: true });
  }
}
