/** @module E7 download (§7): checks in order, single byte ranges, Content-Disposition as ASP.NET writes it, streamed from disk. */
import { createReadStream, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Errors, fail } from '../errors.ts';
import { routeGuid } from '../guid.ts';
import { recordDownload } from '../lifecycle.ts';
import { currentStatus } from '../model.ts';
import type { RequestContext } from '../server.ts';

/** A single satisfiable-or-not range, or undefined when the header is absent, malformed, multi-range or another unit. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  // A number beyond 64 bits does not parse: the header is ignored (full 200).
  if ([m[1], m[2]].some((d) => d !== '' && BigInt(d!) > 9_223_372_036_854_775_807n)) return undefined;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(size - n, 0), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? undefined : Number(m[2]);
  if (end !== undefined && end < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(end ?? size - 1, size - 1) };
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const ATTR_CHAR = /[A-Za-z0-9!#$&+\-.^_`|~]/;

/** `attachment; filename=<name>; filename*=UTF-8''<encoded>` (ASP.NET `ContentDispositionHeaderValue`). */
export function contentDisposition(fileName: string): string {
  const ascii = [...fileName].map((c) => (c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) < 0x7f ? c : '_')).join('');
  const plain = TOKEN.test(ascii) ? ascii : `"${ascii.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  const encoded = [...Buffer.from(fileName, 'utf8')]
    .map((byte) => {
      const c = String.fromCharCode(byte);
      return byte < 0x80 && ATTR_CHAR.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
  return `attachment; filename=${plain}; filename*=UTF-8''${encoded}`;
}

export async function downloadHandler(rc: RequestContext): Promise<void> {
  const { b } = rc;
  const t = b.store.get(routeGuid(rc.params)) ?? fail(Errors.FileTransferNotFound);
  if (!b.canReceive(rc.caller, t)) fail(Errors.NoAccessToResource);
  const status = currentStatus(t);
  if (status !== 'Published' && status !== 'AllConfirmedDownloaded') fail(Errors.FileTransferNotAvailable);
  if (!t.hasFile) fail(Errors.NoFileUploaded);
  b.registryResource(t.resourceId) ?? fail(Errors.ResourceNotRegistered);
  const resource = b.resource(t.resourceId) ?? fail(Errors.ResourceNotRegistered);
  b.serviceOwner(resource.serviceOwner) ?? fail(Errors.ServiceOwnerNotConfigured);

  const path = b.store.payloadPath(t.id);
  const size = statSync(path).size;
  const rangeHeader = rc.req.headers.range;
  const range = parseRange(rangeHeader, size);
  if (range === 'unsatisfiable') fail(Errors.RangeNotSatisfiable);
  if (!rc.caller.org) fail(Errors.NoAccessToResource);
  recordDownload(b, t, rc.caller.org, range !== undefined);

  const headers: Record<string, string | number> = {
    'content-type': 'application/octet-stream',
    'content-disposition': b.mutated('content-disposition-without-filename') ? contentDisposition(t.fileName).replace(/; filename=[^;]*(?=; filename\*=)/, '') : contentDisposition(t.fileName),
    'accept-ranges': 'bytes',
  };
  if (range) {
    headers['content-range'] = `bytes ${range.start}-${range.end}/${size}`;
    headers['content-length'] = range.end - range.start + 1;
    rc.res.writeHead(206, headers);
  } else {
    headers['content-length'] = size;
    rc.res.writeHead(200, headers);
  }
  if (size === 0) return void rc.res.end();
  const source = createReadStream(path, range ? { start: range.start, end: range.end } : {});
  try {
    await pipeline(source, rc.res);
  } catch {
    rc.res.destroy(); // client went away mid-download
  }
}
