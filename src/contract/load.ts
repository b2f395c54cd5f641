/**
 * @module Loads a contract from a file path or URL, as JSON or YAML. Strictly invalid JSON that a
 * tolerant parser can still read (the published Broker document has a trailing comma) is loaded
 * with a finding that names line and column; anything unusable is a ContractLoadError with a
 * one-line reason.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { json5Library, yamlLibrary } from '../deferred.ts';
import type { ContractFinding } from './findings.ts';

export class ContractLoadError extends Error {
  override readonly name = 'ContractLoadError';
}

export interface LoadedContract {
  /** Where it came from, as given (path or URL). */
  source: string;
  /** SHA-256 of the bytes read, so reports say exactly which document was used. */
  sha256: string;
  format: 'json' | 'yaml';
  document: Record<string, unknown>;
  /** Parse findings (e.g. `json.trailing-comma`); lint and repair add their own. */
  findings: ContractFinding[];
}

const FETCH_TIMEOUT_MS = 15_000;


/** The bytes of a file path or http(s) URL; a ContractLoadError with a one-line reason when unreadable. */
export async function readSource(source: string): Promise<Buffer> {
  if (/^https?:\/\//i.test(source)) {
    let res: Response;
    try {
      res = await fetch(source, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/json, application/yaml, text/yaml, */*' } });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new ContractLoadError(`cannot fetch ${source}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
    }
    if (!res.ok) throw new ContractLoadError(`cannot fetch ${source}: the server answered ${res.status} ${res.statusText}`.trim());
    return Buffer.from(await res.arrayBuffer());
  }
  const path = resolve(source);
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new ContractLoadError(`no file at ${source}`);
  if (!info.isFile()) throw new ContractLoadError(`${source} is not a file`);
  return readFile(path);
}

/** Line and column (1-based) of a character offset; CRLF counts as one line break. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function strictJsonFinding(text: string, error: Error): ContractFinding {
  const m = /position (\d+)/.exec(error.message);
  const offset = m ? Number(m[1]) : 0;
  // A trailing comma is reported where the parser expected the next member; walk back to the comma.
  let i = offset - 1;
  while (i >= 0 && /\s/.test(text[i]!)) i--;
  const at = text[offset];
  if (i >= 0 && text[i] === ',' && (at === '}' || at === ']')) {
    const { line, column } = lineColumnAt(text, i);
    return { id: 'json.trailing-comma', severity: 'error', pointer: '', line, column, message: `trailing comma at line ${line}, column ${column}: strict JSON parsers reject the document` };
  }
  const { line, column } = lineColumnAt(text, offset);
  return { id: 'json.strict-parse', severity: 'error', pointer: '', line, column, message: `not strict JSON at line ${line}, column ${column}: ${error.message}` };
}

function parseJson(text: string, source: string): { value: unknown; findings: ContractFinding[] } {
  try {
    return { value: JSON.parse(text), findings: [] };
  } catch (strictError) {
    try {
      const value = json5Library().parse(text);
      return { value, findings: [strictJsonFinding(text, strictError as Error)] };
    } catch (e) {
      const le = e as { lineNumber?: number; columnNumber?: number; message: string };
      throw new ContractLoadError(`${source} is not valid JSON (line ${le.lineNumber ?? '?'}, column ${le.columnNumber ?? '?'}): ${le.message.replace(/^JSON5: /, '')}`);
    }
  }
}

function parseYamlText(text: string, source: string): unknown {
  const { parse: parseYaml, YAMLParseError } = yamlLibrary();
  try {
    return parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    if (e instanceof YAMLParseError) {
      const pos = e.linePos?.[0];
      throw new ContractLoadError(`${source} is not valid YAML${pos ? ` (line ${pos.line}, column ${pos.col})` : ''}: ${e.message.split('\n')[0]}`);
    }
    throw new ContractLoadError(`${source} is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** Parses contract bytes; `source` names it in messages. */
export function parseContract(bytes: Buffer, source: string): LoadedContract {
  if (bytes.length === 0 || bytes.toString('utf8').trim() === '') throw new ContractLoadError(`${source} is empty`);
  if (bytes.includes(0)) throw new ContractLoadError(`${source} is a binary file, not JSON or YAML`);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes).replace(/^\uFEFF/, '');
  if (text.includes('\uFFFD')) throw new ContractLoadError(`${source} is not UTF-8 text (binary or another encoding)`);
  const first = text.trimStart()[0];
  if (first === '<') throw new ContractLoadError(`${source} is an HTML or XML page, not an OpenAPI document`);
  const isJson = first === '{' || first === '[';
  const { value, findings } = isJson ? parseJson(text, source) : { value: parseYamlText(text, source), findings: [] };
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new ContractLoadError(`${source} does not hold an object, so it is not an OpenAPI document`);
  }
  const doc = value as Record<string, unknown>;
  if (typeof doc.openapi !== 'string') {
    throw new ContractLoadError(`${source} is not an OpenAPI 3 document: it has no "openapi" version field${typeof doc.swagger === 'string' ? ' (Swagger 2 is not supported)' : ''}`);
  }
  return {
    source,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    format: isJson ? 'json' : 'yaml',
    document: doc,
    findings,
  };
}

export async function loadContract(source: string): Promise<LoadedContract> {
  return parseContract(await readSource(source), source);
}
