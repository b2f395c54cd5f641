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
  if (!isJsonMediaType(mediaType(rc.req.headers['content-type']))) {
    throw new FrameworkResponse(415, { 'content-type': rc.problemContentType }, frameworkProblemBody(415, rc.traceId));
  }
  const raw = await readAll(rc, MAX_JSON_BODY_BYTES);
  let text = raw.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') invalid({ '': ['A non-empty request body is required.'] });
  const syntaxError = checkDepth(text) ?? undefined;
  if (syntaxError) invalid({ $: [syntaxError], [parameterName]: [`The ${parameterName} field is required.`] });
  try {
    return JSON.parse(text);
  } catch (e) {
    invalid({ $: [jsonErrorMessage(text, e as Error)], [parameterName]: [`The ${parameterName} field is required.`] });
  }
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
