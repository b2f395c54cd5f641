/** @module Reading request bodies as ASP.NET's JSON input formatter does (§1.4b/c): media type, size limit, empty body, malformed JSON, nesting depth. */
import { FrameworkResponse, invalid } from './errors.ts';
import { frameworkProblemBody } from './problems.ts';
import { mediaType, type RequestContext } from './server.ts';

/** Kestrel's default MaxRequestBodySize. */
export const MAX_JSON_BODY_BYTES = 30_000_000;
const MAX_DEPTH = 64;

function isJsonMediaType(type: string | undefined): boolean {
  return type === 'application/json' || type === 'text/json' || (!!type && /^application\/[^/]*\+json$/.test(type));
}

async function readAll(rc: RequestContext, limit: number): Promise<Buffer> {
  const declared = Number(rc.req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new FrameworkResponse(413, { connection: 'close' });
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of rc.req) {
    total += (chunk as Buffer).length;
    if (total > limit) throw new FrameworkResponse(413, { connection: 'close' });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The JSON body bound to parameter `parameterName` (`initializeExt`, `resourceExt`, ...). A non-JSON media type is a
 * 415 ProblemDetails; an empty body, malformed JSON or a too-deep document is a 400 validation problem.
 */
export async function readJsonBody(rc: RequestContext, parameterName: string): Promise<unknown> {
  const contentType = rc.req.headers['content-type'];
  const type = mediaType(contentType);
  const unsupported = () => new FrameworkResponse(415, { 'content-type': rc.problemContentType }, frameworkProblemBody(415, rc.traceId));
  const required = { [parameterName]: [`The ${parameterName} field is required.`] };
  // A form posted where JSON is bound: the Broker answers 400 (the form is not read as the body).
  if (type === 'multipart/form-data' || type === 'application/x-www-form-urlencoded') invalid(required);
  if (!isJsonMediaType(type)) throw unsupported();
  // The JSON formatter reads UTF-8 and UTF-16 only; another charset is unsupported (415).
  const encoding = charsetOf(contentType);
  if (encoding === 'unsupported') throw unsupported();
  const raw = await readAll(rc, MAX_JSON_BODY_BYTES);
  let text = encoding === 'utf16le' ? raw.toString('utf16le') : markInvalidUtf8(raw).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') invalid({ '': ['A non-empty request body is required.'] });
  const syntaxError = checkDepth(text) ?? undefined;
  if (syntaxError) invalid({ $: [syntaxError], ...required });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    invalid({ $: [jsonErrorMessage(text, e as Error)], ...required });
  }
  // Invalid UTF-8 or a lone surrogate cannot become a .NET string: the reader stops at the first one.
  const broken = firstBrokenString(value, '$');
  if (broken !== undefined) invalid({ [broken]: [conversionError(broken.slice(2), 'System.String')], ...required });
  return value;
}

/** The charset parameter as the JSON formatter sees it: absent or UTF-8, UTF-16 (little-endian), or anything else. */
function charsetOf(contentType: string | undefined): 'utf8' | 'utf16le' | 'unsupported' {
  const first = (contentType ?? '').split(',')[0]!;
  const m = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(first);
  if (!m) return 'utf8';
  const charset = m[1]!.toLowerCase();
  if (charset === 'utf-8' || charset === 'utf8') return 'utf8';
  if (charset === 'utf-16' || charset === 'utf-16le' || charset === 'unicode') return 'utf16le';
  return 'unsupported';
}

/**
 * Each invalid UTF-8 sequence becomes the escape `\udc80` (a lone surrogate), so that inside a JSON string it
 * is found by `firstBrokenString` and outside one it is a syntax error, as the Broker's reader has it.
 */
export function markInvalidUtf8(buf: Buffer): Buffer {
  const out: Buffer[] = [];
  let start = 0;
  let i = 0;
  const marker = Buffer.from('\\udc80');
  while (i < buf.length) {
    const n = validSequenceLength(buf, i);
    if (n > 0) {
      i += n;
      continue;
    }
    out.push(buf.subarray(start, i), marker);
    i += 1;
    start = i;
  }
  if (start === 0) return buf;
  out.push(buf.subarray(start));
  return Buffer.concat(out);
}

/** Length of the well-formed UTF-8 sequence at `i` (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF), or 0. */
function validSequenceLength(b: Buffer, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < b.length && b[i + k]! >= lo && b[i + k]! <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((c >= 0xe1 && c <= 0xec) || c === 0xee || c === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** JSON path (`$.fileName`, `$.recipients[0]`) of the first string, key or value, holding a lone surrogate. */
function firstBrokenString(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = firstBrokenString(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (LONE_SURROGATE.test(k)) return `${path}.${k}`;
      const found = firstBrokenString(v, `${path}.${k}`);
      if (found) return found;
    }
  }
  return undefined;
}

/** Rejects documents nested deeper than System.Text.Json's default 64 before JSON.parse can recurse into them. */
function checkDepth(text: string): string | null {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (++depth > MAX_DEPTH) {
        const { line, column } = position(text, i);
        return `The maximum configured depth of ${MAX_DEPTH} has been exceeded. Cannot read next JSON ${c === '{' ? 'object' : 'array'}. Path: $ | LineNumber: ${line} | BytePositionInLine: ${column}.`;
      }
    } else if (c === '}' || c === ']') depth--;
  }
  return null;
}

function position(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const line = (before.match(/\n/g) ?? []).length;
  const column = Buffer.byteLength(before.slice(before.lastIndexOf('\n') + 1));
  return { line, column };
}

/** A System.Text.Json-style reader message (approximate wording, same `Path | LineNumber | BytePositionInLine` tail). */
function jsonErrorMessage(text: string, e: Error): string {
  const m = /position (\d+)/.exec(e.message);
  const index = m ? Number(m[1]) : text.length;
  const { line, column } = position(text, index);
  const tail = `Path: $ | LineNumber: ${line} | BytePositionInLine: ${column}.`;
  if (index >= text.length) return `Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed. ${tail}`;
  return `'${text[index]}' is an invalid start of a value. ${tail}`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Case-insensitive view of a JSON object's properties (System.Text.Json web defaults); the last duplicate wins. */
export function caseInsensitive(value: unknown): Map<string, unknown> | undefined {
  if (!isObject(value)) return undefined;
  const m = new Map<string, unknown>();
  for (const [k, v] of Object.entries(value)) m.set(k.toLowerCase(), v);
  return m;
}

/** The deserializer's type error for `$.<name>`. */
export function conversionError(jsonName: string, dotnetType: string): string {
  return `The JSON value could not be converted to ${dotnetType}. Path: $.${jsonName} | LineNumber: 0 | BytePositionInLine: 0.`;
}
