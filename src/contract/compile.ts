/**
 * @module Compiles a contract into an index of operations and AJV validators, once per operation ×
 * status × media type, with one Ajv instance per contract (contracts may share `$id`s). The dialect
 * follows the document: Ajv 2020 for OpenAPI 3.1, draft-07 for 3.0 with `nullable` mapped.
 */
import { Ajv, type ValidateFunction, type Options as AjvOptions } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { findNullable, mapNullable } from './defects.ts';
import type { ContractFinding } from './findings.ts';
import { bareMediaType, HTTP_METHODS, isObject, openApiMinor } from './openapi-shape.ts';
import { escapeToken, pointerOf, resolvePointer, walk } from './pointer.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv, options: { mode: 'fast' | 'full' }) => Ajv;

export type ContractRole = 'reference' | 'published' | 'served';

export interface ResponseContract {
  /** The key as written: `200`, `4XX` or `default`. */
  status: string;
  pointer: string;
  /** Declared media types, bare and lower-case. Empty = no body documented. */
  mediaTypes: string[];
  /** `x-empty-body-allowed`: an empty body without Content-Type is conformant too. */
  emptyBodyAllowed: boolean;
  /** `x-content-type-absent-allowed`: a body sent without any Content-Type is conformant (the Broker's 406). */
  contentTypeAbsentAllowed: boolean;
  requiredHeaders: string[];
  /** Every header with a schema, and the document pointer of that schema (header values are checked with AJV). */
  headerSchemas: { name: string; schemaPointer: string }[];
}

export interface OperationContract {
  /** operationId, or `METHOD /path` when the document has none. */
  id: string;
  hasOperationId: boolean;
  method: string;
  pathTemplate: string;
  pointer: string;
  responses: Map<string, ResponseContract>;
  matcher: RegExp;
  literalSegments: number;
}

export interface CompiledContract {
  name: string;
  role: ContractRole;
  source: string;
  sha256: string;
  document: Record<string, unknown>;
  operations: OperationContract[];
  /** Findings made while compiling (schemas that do not compile, strict-mode warnings). */
  findings: ContractFinding[];
  findOperation(method: string, path: string): OperationContract | undefined;
  findResponse(op: OperationContract, status: number): ResponseContract | undefined;
  /** The compiled body validator, or why there is none. */
  validator(response: ResponseContract, mediaType: string): ValidateFunction | { error: string } | undefined;
  /** Validates any value against the schema at a document pointer (examples, CloudEvents). */
  validateAt(schemaPointer: string, value: unknown): { valid: boolean; errors: NonNullable<ValidateFunction['errors']> } | { error: string };
}

const DOC_KEY = 'contract';

/** OpenAPI's own formats; AJV in strict mode refuses unknown ones. */
function addOpenApiFormats(ajv: Ajv): void {
  const int = (bits: number) => (n: number) => Number.isInteger(n) && Math.abs(n) <= 2 ** (bits - 1);
  ajv.addFormat('int32', { type: 'number', validate: int(32) });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  for (const f of ['float', 'double']) ajv.addFormat(f, { type: 'number', validate: () => true });
  for (const f of ['byte', 'binary', 'password']) ajv.addFormat(f, () => true);
}

function newAjv(minor: '3.0' | '3.1' | 'other', strict: boolean, log: (msg: string) => void): Ajv {
  const options: AjvOptions = {
    allErrors: true,
    strict: strict ? true : 'log',
    strictRequired: false,
    strictTypes: strict ? true : 'log',
    allowUnionTypes: true,
    validateSchema: false,
    logger: { log: () => undefined, warn: (...a: unknown[]) => log(a.map(String).join(' ')), error: (...a: unknown[]) => log(a.map(String).join(' ')) },
  };
  const ajv: Ajv = minor === '3.0' ? new Ajv(options) : (new Ajv2020(options) as unknown as Ajv);
  // "fast" formats: single regular expressions; the full mode's calendar arithmetic costs ~2 µs per timestamp.
  addFormats(ajv, { mode: 'fast' });
  addOpenApiFormats(ajv);
  // OpenAPI's schema extras, and the root fields (the whole document is added as one schema resource).
  for (const k of ['example', 'xml', 'externalDocs', 'discriminator', 'openapi', 'info', 'jsonSchemaDialect', 'servers', 'paths', 'webhooks', 'components', 'security', 'tags']) {
    ajv.addKeyword(k);
  }
  return ajv;
}

function collectExtensionKeywords(doc: unknown): Set<string> {
  const names = new Set<string>();
  walk(doc, (value) => {
    if (isObject(value)) for (const k of Object.keys(value)) if (k.startsWith('x-')) names.add(k);
  });
  return names;
}

function pathMatcher(template: string, basePath: string): { matcher: RegExp; literalSegments: number } {
  const segments = template.split('/').filter(Boolean);
  const pattern = segments
    .map((s) => (/^\{[^}]+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\{[^}]+\\\}/g, '[^/]+')))
    .join('/');
  const base = basePath.replace(/\/$/, '');
  return {
    matcher: new RegExp(`^(?:${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})?/${pattern}/?$`, 'i'),
    literalSegments: segments.filter((s) => !s.includes('{')).length,
  };
}

function serverBasePath(doc: Record<string, unknown>): string {
  const servers = Array.isArray(doc.servers) ? doc.servers : [];
  const url = isObject(servers[0]) && typeof servers[0].url === 'string' ? servers[0].url : '/';
  try {
    return new URL(url, 'http://base.invalid').pathname;
  } catch {
    return '/';
  }
}

function indexOperations(doc: Record<string, unknown>): OperationContract[] {
  const ops: OperationContract[] = [];
  const basePath = serverBasePath(doc);
  const paths = isObject(doc.paths) ? doc.paths : {};
  for (const [template, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      const pointer = pointerOf('paths', template, method);
      const responses = new Map<string, ResponseContract>();
      if (isObject(op.responses)) {
        for (const [status, raw] of Object.entries(op.responses)) {
          const resolved = deref(doc, raw);
          if (!isObject(resolved)) continue;
          const content = isObject(resolved.content) ? resolved.content : {};
          const headers = isObject(resolved.headers) ? resolved.headers : {};
          responses.set(status.toUpperCase(), {
            status,
            pointer: `${pointer}/responses/${escapeToken(status)}`,
            mediaTypes: Object.keys(content).map((m) => bareMediaType(m) ?? m),
            emptyBodyAllowed: resolved['x-empty-body-allowed'] === true,
            contentTypeAbsentAllowed: resolved['x-content-type-absent-allowed'] === true,
            requiredHeaders: Object.entries(headers)
              .filter(([name, h]) => name.toLowerCase() !== 'content-type' && isObject(deref(doc, h)) && (deref(doc, h) as Record<string, unknown>).required === true)
              .map(([name]) => name),
            headerSchemas: Object.entries(headers).flatMap(([name, h]) => {
              if (name.toLowerCase() === 'content-type') return [];
              const at = headerPointer(doc, h, `${pointer}/responses/${escapeToken(status)}/headers/${escapeToken(name)}`);
              const header = deref(doc, h);
              return isObject(header) && isObject(header.schema) ? [{ name, schemaPointer: `${at}/schema` }] : [];
            }),
          });
        }
      }
      const opId = typeof op.operationId === 'string' && op.operationId ? op.operationId : undefined;
      ops.push({
        id: opId ?? `${method.toUpperCase()} ${template}`,
        hasOperationId: !!opId,
        method: method.toUpperCase(),
        pathTemplate: template,
        pointer,
        responses,
        ...pathMatcher(template, basePath),
      });
    }
  }
  // Literal segments win over templates: `/filetransfer/upload` before `/filetransfer/{id}`.
  return ops.sort((a, b) => b.literalSegments - a.literalSegments);
}

/** The pointer of the header object itself: where its `$ref` chain ends, else where it is written. */
function headerPointer(doc: unknown, value: unknown, written: string, depth = 0): string {
  if (depth < 10 && isObject(value) && typeof value.$ref === 'string' && value.$ref.startsWith('#')) {
    const target = decodeURIComponent(value.$ref.slice(1));
    return headerPointer(doc, resolvePointer(doc, target), target, depth + 1);
  }
  return written;
}

/** Follows a local `$ref` (response, header, parameter objects); leaves schemas to AJV. */
function deref(doc: unknown, value: unknown, depth = 0): unknown {
  if (depth < 10 && isObject(value) && typeof value.$ref === 'string' && value.$ref.startsWith('#')) {
    return deref(doc, resolvePointer(doc, value.$ref), depth + 1);
  }
  return value;
}

/** Ajv reads `$ref` fragments as URI fragments: escape per RFC 6901, then percent-encode. */
function refTo(pointer: string): string {
  return `${DOC_KEY}#${pointer.split('/').map((t) => encodeURIComponent(t).replace(/%7E/gi, '~')).join('/')}`;
}

export interface CompileOptions {
  name: string;
  role: ContractRole;
  source: string;
  sha256: string;
  /**
   * Compile every operation × status × media type now (default), so broken schemas are findings at
   * load; false compiles each validator on first use (a test worker that checks a few operations, the
   * examples lint), the findings then only of what was used.
   */
  eager?: boolean;
}

/** Compiles a (repaired) OpenAPI document. The reference contract compiles strict; others log warnings as findings. */
export function compileContract(document: Record<string, unknown>, options: CompileOptions): CompiledContract {
  const minor = openApiMinor(document);
  const doc = structuredClone(document);
  if (minor === '3.0') for (const { schema } of findNullable(doc)) mapNullable(schema);
  const findings: ContractFinding[] = [];
  const strict = options.role === 'reference';
  const ajv = newAjv(minor, strict, (message) => {
    findings.push({ id: 'schema.strict-mode', severity: 'warning', pointer: '', message });
  });
  for (const k of collectExtensionKeywords(doc)) ajv.addKeyword(k);
  ajv.addSchema(doc, DOC_KEY);

  const operations = indexOperations(doc);
  const validators = new Map<string, ValidateFunction | { error: string }>();
  const compileAt = (schemaPointer: string): ValidateFunction | { error: string } => {
    const cached = validators.get(schemaPointer);
    if (cached) return cached;
    let result: ValidateFunction | { error: string };
    try {
      result = ajv.compile({ $ref: refTo(schemaPointer) });
    } catch (e) {
      const message = (e as Error).message.split('\n')[0] ?? String(e);
      result = { error: message };
      findings.push({ id: 'schema.does-not-compile', severity: 'error', pointer: schemaPointer, message: `schema does not compile: ${message}` });
    }
    validators.set(schemaPointer, result);
    return result;
  };

  const schemaPointerFor = (response: ResponseContract, mediaType: string): string | undefined => {
    const raw = resolvePointer(doc, response.pointer);
    const resolved = deref(doc, raw);
    if (!isObject(resolved) || !isObject(resolved.content)) return undefined;
    const key = Object.keys(resolved.content).find((m) => (bareMediaType(m) ?? m) === mediaType);
    if (key === undefined || !isObject(resolved.content[key]) || !('schema' in (resolved.content[key] as object))) return undefined;
    // Compile against the response object's real location (after following a $ref'd response).
    const base = isObject(raw) && typeof raw.$ref === 'string' ? raw.$ref.replace(/^#/, '') : response.pointer;
    return `${base}/content/${escapeToken(key)}/schema`;
  };

  const operationsByMethod = new Map<string, OperationContract[]>();
  for (const op of operations) operationsByMethod.set(op.method, [...(operationsByMethod.get(op.method) ?? []), op]);
  const validatorsByResponse = new WeakMap<ResponseContract, Map<string, ValidateFunction | { error: string } | undefined>>();

  // Compile every operation × status × media type now, so broken schemas are findings at load.
  if (options.eager !== false) for (const op of operations) {
    for (const r of op.responses.values()) {
      for (const m of r.mediaTypes) {
        const p = schemaPointerFor(r, m);
        if (p) compileAt(p);
      }
    }
  }

  return {
    name: options.name,
    role: options.role,
    source: options.source,
    sha256: options.sha256,
    document: doc,
    operations,
    findings,
    findOperation(method, path) {
      const bare = path.split('?')[0]!;
      return operationsByMethod.get(method.toUpperCase())?.find((o) => o.matcher.test(bare));
    },
    findResponse(op, status) {
      const s = String(status);
      return op.responses.get(s) ?? op.responses.get(`${s[0]}XX`) ?? op.responses.get('DEFAULT');
    },
    validator(response, mediaType) {
      let byMedia = validatorsByResponse.get(response);
      if (!byMedia) validatorsByResponse.set(response, (byMedia = new Map()));
      if (!byMedia.has(mediaType)) {
        const p = schemaPointerFor(response, mediaType);
        byMedia.set(mediaType, p === undefined ? undefined : compileAt(p));
      }
      return byMedia.get(mediaType);
    },
    validateAt(schemaPointer, value) {
      const v = compileAt(schemaPointer);
      if ('error' in v && typeof v !== 'function') return { error: v.error };
      const fn = v as ValidateFunction;
      const valid = fn(value) as boolean;
      return { valid, errors: fn.errors ? [...fn.errors] : [] };
    },
  };
}
