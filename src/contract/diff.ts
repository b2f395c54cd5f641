/**
 * @module Compares two OpenAPI documents (a = before, b = after) operation by operation: operations,
 * parameters, request bodies, responses (status codes, media types, headers) and schemas down to
 * their properties (added, removed, type, format, required, nullable, enum values). Each difference
 * is classed breaking or not for a client written against `a` and talking to a server that behaves
 * as `b` says, and names the place on both sides by JSON pointer. Documents are compared as given:
 * load and repair them first (`diffContractSources` in `contract-diff.ts`).
 *
 * Written here rather than taken from npm: `openapi-diff` classes schema changes only as whole
 * request/response "scope" changes (no property-level type, format, required, nullable or enum
 * classes, no pointer on both sides) and brings an HTTP client and a second parser; oasdiff is a
 * Go binary; Optic's utilities are its internal packages.
 */
import { HTTP_METHODS, isObject } from './openapi-shape.ts';
import { escapeToken, pointerOf, resolvePointer } from './pointer.ts';
import { viewOfParts, type SchemaParts, type SchemaView } from './schema-view.ts';

type Doc = Record<string, unknown>;

/** Stable ids of the change classes. */
export const CHANGE_IDS = [
  'operation.added',
  'operation.removed',
  'parameter.added',
  'parameter.removed',
  'parameter.name-case-changed',
  'parameter.required-changed',
  'request-body.added',
  'request-body.removed',
  'request-body.required-changed',
  'request-body.media-type-added',
  'request-body.media-type-removed',
  'response.status-added',
  'response.status-removed',
  'response.media-type-added',
  'response.media-type-removed',
  'response.header-added',
  'response.header-removed',
  'response.header-required-changed',
  'schema.property-added',
  'schema.property-removed',
  'schema.type-changed',
  'schema.format-changed',
  'schema.required-added',
  'schema.required-removed',
  'schema.nullable-added',
  'schema.nullable-removed',
  'schema.enum-values-added',
  'schema.enum-values-removed',
] as const;
export type ChangeId = (typeof CHANGE_IDS)[number];

export interface Explanation {
  /** Why the difference is expected (one or two sentences). */
  reason: string;
  /** Where the fact comes from: `Altinn/altinn-broker@<commit>:<path>[#Lnn]` or a public URL. */
  citation: string;
  /** The id of the explanation rule that matched. */
  rule: string;
}

export interface ContractChange {
  id: ChangeId;
  breaking: boolean;
  /** `METHOD /path` as written in `a` (or `b` when only there). */
  operation: string;
  /** Where within the operation, readable: `response 200 application/json body.items[].status`. */
  location: string;
  message: string;
  /** JSON pointer in `a` of the thing (or, when it is only in `b`, of the place it would be); null when `a` has no such place. */
  a: string | null;
  b: string | null;
  explained?: Explanation;
}

export interface ContractDiff {
  a: string;
  b: string;
  changes: ContractChange[];
  counts: { total: number; breaking: number; nonBreaking: number; explained: number; unexplainedBreaking: number };
}

interface Ctx {
  docA: Doc;
  docB: Doc;
  out: ContractChange[];
  operation: string;
}

const deref = (doc: Doc, v: unknown, pointer: string): { value: unknown; pointer: string } => {
  let value = v;
  let at = pointer;
  for (let i = 0; i < 10 && isObject(value) && typeof value.$ref === 'string' && value.$ref.startsWith('#'); i++) {
    at = value.$ref.slice(1);
    value = resolvePointer(doc, value.$ref);
  }
  return { value, pointer: at };
};

/** `/a/{x}/b` and `/A/{y}/b` are the same route: literals compare case-insensitively (as ASP.NET routes), parameters by position. */
const routeKey = (path: string) => path.split('/').map((s) => (/^\{[^}]+\}$/.test(s) ? '{}' : s.toLowerCase())).join('/');

interface OperationAt {
  method: string;
  path: string;
  pointer: string;
  op: Doc;
  pathItem: Doc;
}

function operationsOf(doc: Doc): Map<string, OperationAt> {
  const out = new Map<string, OperationAt>();
  const paths = isObject(doc.paths) ? doc.paths : {};
  for (const [path, raw] of Object.entries(paths)) {
    const item = deref(doc, raw, pointerOf('paths', path)).value;
    if (!isObject(item)) continue;
    for (const method of HTTP_METHODS) {
      if (isObject(item[method])) out.set(`${method.toUpperCase()} ${routeKey(path)}`, { method: method.toUpperCase(), path, pointer: pointerOf('paths', path, method), op: item[method] as Doc, pathItem: item });
    }
  }
  return out;
}

function push(ctx: Ctx, change: Omit<ContractChange, 'operation'>): void {
  ctx.out.push({ operation: ctx.operation, ...change });
}

// ---------- schemas ----------

const NUMERIC_WIDER: Record<string, string> = { integer: 'number' };

/** Does every value of type set `inner` fit `outer`? (integer fits number) */
function typesFit(inner: Set<string>, outer: Set<string>): boolean {
  return [...inner].every((t) => outer.has(t) || (NUMERIC_WIDER[t] !== undefined && outer.has(NUMERIC_WIDER[t]!)));
}

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
const typeText = (v: SchemaView) => (v.types ? [...v.types].sort().join('|') || 'null' : 'any');

/**
 * Compares two schemas. `direction`: `response` (the server writes, the client reads: widening
 * breaks) or `request` (the client writes, the server reads: narrowing breaks).
 */
function compareSchemas(ctx: Ctx, a: SchemaParts, b: SchemaParts, direction: 'request' | 'response', prefix: string, where: string, seen: Set<string>): void {
  const va = viewOfParts(ctx.docA, a);
  const vb = viewOfParts(ctx.docB, b);
  // A pair of places compared once is not compared again: recursion ends, and a component both sides share is reported once per operation.
  const seenKey = `${va.pointer}|${vb.pointer}|${direction}`;
  if (seen.has(seenKey)) return;
  seen.add(seenKey);
  const response = direction === 'response';
  const at = { a: va.pointer, b: vb.pointer };
  const label = `${prefix} ${where || '(root)'}`;

  // type: a set of JSON types, or any.
  if (va.types && vb.types) {
    const widened = !typesFit(vb.types, va.types);
    const narrowed = !typesFit(va.types, vb.types);
    if (widened || narrowed) {
      push(ctx, { id: 'schema.type-changed', breaking: response ? widened : narrowed, location: label, message: `type ${typeText(va)} → ${typeText(vb)}`, ...at });
    }
  } else if (va.types || vb.types) {
    // any → typed narrows; typed → any widens.
    const widened = !vb.types;
    push(ctx, { id: 'schema.type-changed', breaking: response ? widened : !widened, location: label, message: `type ${typeText(va)} → ${typeText(vb)}`, ...at });
  }

  const na = va.nullable === true;
  const nb = vb.nullable === true;
  if (na !== nb) {
    push(ctx, nb
      ? { id: 'schema.nullable-added', breaking: response, location: label, message: `may now be null`, ...at }
      : { id: 'schema.nullable-removed', breaking: !response, location: label, message: `may no longer be null`, ...at });
  }

  if (va.format !== vb.format) {
    // Adding a format narrows what is allowed; removing one widens it; changing it does both.
    const breaking = va.format && vb.format ? true : response ? !vb.format : !va.format;
    push(ctx, { id: 'schema.format-changed', breaking, location: label, message: `format ${va.format ?? '(none)'} → ${vb.format ?? '(none)'}`, ...at });
  }

  if (va.enum || vb.enum) {
    const k = (v: unknown) => JSON.stringify(v);
    if (va.enum && vb.enum) {
      const added = vb.enum.filter((v) => !va.enum!.some((w) => k(w) === k(v)));
      const removed = va.enum.filter((v) => !vb.enum!.some((w) => k(w) === k(v)));
      if (added.length > 0) push(ctx, { id: 'schema.enum-values-added', breaking: response, location: label, message: `new values ${added.map(show).join(', ')}`, ...at });
      if (removed.length > 0) push(ctx, { id: 'schema.enum-values-removed', breaking: !response, location: label, message: `values no longer allowed ${removed.map(show).join(', ')}`, ...at });
    } else if (va.enum) {
      push(ctx, { id: 'schema.enum-values-added', breaking: response, location: label, message: `no longer limited to ${va.enum.map(show).join(', ')}`, ...at });
    } else {
      push(ctx, { id: 'schema.enum-values-removed', breaking: !response, location: label, message: `now limited to ${vb.enum!.map(show).join(', ')}`, ...at });
    }
  }

  if (va.objectLike || vb.objectLike) {
    const path = (name: string) => (where ? `${where}.${name}` : name);
    const prop = (name: string) => `${prefix} ${path(name)}`;
    for (const [name, sub] of va.properties) {
      const other = vb.properties.get(name);
      if (!other) {
        push(ctx, { id: 'schema.property-removed', breaking: response, location: prop(name), message: `property removed`, a: sub.parts[0]!.pointer, b: vb.pointer });
        continue;
      }
      const reqA = va.required.has(name);
      const reqB = vb.required.has(name);
      if (reqA && !reqB) push(ctx, { id: 'schema.required-removed', breaking: response, location: prop(name), message: `no longer required`, a: sub.parts[0]!.pointer, b: other.parts[0]!.pointer });
      if (!reqA && reqB) push(ctx, { id: 'schema.required-added', breaking: !response, location: prop(name), message: `now required`, a: sub.parts[0]!.pointer, b: other.parts[0]!.pointer });
      compareSchemas(ctx, sub, other, direction, prefix, path(name), seen);
    }
    for (const [name, sub] of vb.properties) {
      if (va.properties.has(name)) continue;
      const required = vb.required.has(name);
      push(ctx, { id: 'schema.property-added', breaking: !response && required, location: prop(name), message: `property added${required ? ' (required)' : ''}`, a: va.pointer, b: sub.parts[0]!.pointer });
    }
  }

  if (va.items && vb.items) compareSchemas(ctx, va.items, vb.items, direction, prefix, `${where}[]`, seen);
}

const single = (schema: unknown, pointer: string): SchemaParts => ({ parts: [{ schema, pointer }], mode: 'all' });

// ---------- parameters ----------

interface ParameterAt {
  name: string;
  in: string;
  required: boolean;
  pointer: string;
  schema?: unknown;
}

function parametersOf(doc: Doc, o: OperationAt): ParameterAt[] {
  const byKey = new Map<string, ParameterAt>();
  const add = (list: unknown, base: string) => {
    if (!Array.isArray(list)) return;
    list.forEach((raw, i) => {
      const { value, pointer } = deref(doc, raw, `${base}/parameters/${i}`);
      if (!isObject(value) || typeof value.name !== 'string' || typeof value.in !== 'string') return;
      byKey.set(`${value.in}:${value.name}`, {
        name: value.name,
        in: value.in,
        required: value.required === true || value.in === 'path',
        pointer,
        schema: value.schema,
      });
    });
  };
  add(o.pathItem.parameters, o.pointer.replace(/\/[^/]+$/, ''));
  add(o.op.parameters, o.pointer);
  return [...byKey.values()];
}

function compareParameters(ctx: Ctx, a: OperationAt, b: OperationAt): void {
  const pa = parametersOf(ctx.docA, a);
  const pb = parametersOf(ctx.docB, b);
  const matched = new Set<ParameterAt>();
  // Path parameters match by position (names may differ); headers case-insensitively (HTTP); others exactly, then by case.
  const pathNames = (path: string) => [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  const namesA = pathNames(a.path);
  const namesB = pathNames(b.path);
  const find = (p: ParameterAt) => {
    const free = pb.filter((q) => !matched.has(q) && q.in === p.in);
    if (p.in === 'path') {
      const i = namesA.indexOf(p.name);
      return free.find((q) => q.name === (i >= 0 ? namesB[i] : p.name));
    }
    return free.find((q) => q.name === p.name) ?? free.find((q) => q.name.toLowerCase() === p.name.toLowerCase());
  };
  for (const p of pa) {
    const q = find(p);
    const label = `${p.in} parameter ${p.name}`;
    if (!q) {
      push(ctx, { id: 'parameter.removed', breaking: false, location: label, message: `removed (a client that still sends it is ignored)`, a: p.pointer, b: b.pointer });
      continue;
    }
    matched.add(q);
    if (q.name !== p.name && p.in !== 'header' && p.in !== 'path') {
      push(ctx, { id: 'parameter.name-case-changed', breaking: false, location: label, message: `spelt ${q.name} (names bind case-insensitively in ASP.NET, not per OpenAPI)`, a: p.pointer, b: q.pointer });
    }
    if (p.required !== q.required) {
      push(ctx, { id: 'parameter.required-changed', breaking: q.required, location: label, message: `${q.required ? 'now required' : 'now optional'}`, a: p.pointer, b: q.pointer });
    }
    if (p.schema !== undefined && q.schema !== undefined) compareSchemas(ctx, single(p.schema, `${p.pointer}/schema`), single(q.schema, `${q.pointer}/schema`), 'request', label, '', new Set());
  }
  for (const q of pb) {
    if (matched.has(q)) continue;
    const label = `${q.in} parameter ${q.name}`;
    push(ctx, { id: 'parameter.added', breaking: q.required, location: label, message: `added${q.required ? ' (required)' : ''}`, a: a.pointer, b: q.pointer });
  }
}

// ---------- bodies ----------

const bare = (m: string) => m.split(';')[0]!.trim().toLowerCase();

function contentOf(owner: Doc, pointer: string): Map<string, { pointer: string; schema?: unknown }> {
  const out = new Map<string, { pointer: string; schema?: unknown }>();
  if (!isObject(owner.content)) return out;
  for (const [media, raw] of Object.entries(owner.content)) {
    out.set(bare(media), { pointer: `${pointer}/content/${escapeToken(media)}`, schema: isObject(raw) ? raw.schema : undefined });
  }
  return out;
}

function compareRequestBodies(ctx: Ctx, a: OperationAt, b: OperationAt): void {
  const ra = a.op.requestBody === undefined ? undefined : deref(ctx.docA, a.op.requestBody, `${a.pointer}/requestBody`);
  const rb = b.op.requestBody === undefined ? undefined : deref(ctx.docB, b.op.requestBody, `${b.pointer}/requestBody`);
  const label = 'request body';
  if (!isObject(ra?.value) && !isObject(rb?.value)) return;
  if (!isObject(ra?.value)) {
    const required = (rb!.value as Doc).required === true;
    push(ctx, { id: 'request-body.added', breaking: required, location: label, message: `added${required ? ' (required)' : ''}`, a: a.pointer, b: rb!.pointer });
    return;
  }
  if (!isObject(rb?.value)) {
    push(ctx, { id: 'request-body.removed', breaking: false, location: label, message: 'removed', a: ra!.pointer, b: b.pointer });
    return;
  }
  const va = ra!.value as Doc;
  const vb = rb!.value as Doc;
  if ((va.required === true) !== (vb.required === true)) {
    push(ctx, { id: 'request-body.required-changed', breaking: vb.required === true, location: label, message: `${vb.required === true ? 'now required' : 'now optional'}`, a: ra!.pointer, b: rb!.pointer });
  }
  compareMedia(ctx, va, ra!.pointer, vb, rb!.pointer, 'request', label);
}

/** Media types of a body, and the schema of each media type both sides have. */
function compareMedia(ctx: Ctx, a: Doc, aPointer: string, b: Doc, bPointer: string, direction: 'request' | 'response', label: string): void {
  const ca = contentOf(a, aPointer);
  const cb = contentOf(b, bPointer);
  const removed: ChangeId = direction === 'request' ? 'request-body.media-type-removed' : 'response.media-type-removed';
  const added: ChangeId = direction === 'request' ? 'request-body.media-type-added' : 'response.media-type-added';
  for (const [media, at] of ca) {
    const other = cb.get(media);
    if (!other) {
      push(ctx, { id: removed, breaking: true, location: `${label} ${media}`, message: 'media type removed', a: at.pointer, b: bPointer });
      continue;
    }
    if (at.schema !== undefined && other.schema !== undefined) {
      compareSchemas(ctx, single(at.schema, `${at.pointer}/schema`), single(other.schema, `${other.pointer}/schema`), direction, `${label} ${media}`, '', new Set());
    }
  }
  for (const [media, at] of cb) {
    if (ca.has(media)) continue;
    push(ctx, { id: added, breaking: false, location: `${label} ${media}`, message: 'media type added', a: aPointer, b: at.pointer });
  }
}

// ---------- responses ----------

function headersOf(doc: Doc, response: Doc, pointer: string): Map<string, { name: string; pointer: string; required: boolean }> {
  const out = new Map<string, { name: string; pointer: string; required: boolean }>();
  if (!isObject(response.headers)) return out;
  for (const [name, raw] of Object.entries(response.headers)) {
    if (name.toLowerCase() === 'content-type') continue; // described by the media type
    const { value } = deref(doc, raw, `${pointer}/headers/${escapeToken(name)}`);
    out.set(name.toLowerCase(), { name, pointer: `${pointer}/headers/${escapeToken(name)}`, required: isObject(value) && value.required === true });
  }
  return out;
}

function compareResponses(ctx: Ctx, a: OperationAt, b: OperationAt): void {
  const ra = isObject(a.op.responses) ? a.op.responses : {};
  const rb = isObject(b.op.responses) ? b.op.responses : {};
  const norm = (s: string) => s.toUpperCase();
  const keysB = new Map(Object.keys(rb).map((k) => [norm(k), k]));
  const keysA = new Map(Object.keys(ra).map((k) => [norm(k), k]));
  for (const [status, key] of keysA) {
    const pa = `${a.pointer}/responses/${escapeToken(key)}`;
    const keyB = keysB.get(status);
    if (keyB === undefined) {
      // A client handles the success it was promised; an error it no longer gets costs it nothing.
      const success = status.startsWith('2');
      push(ctx, { id: 'response.status-removed', breaking: success, location: `response ${key}`, message: `removed${success ? ' (a success a client relies on)' : ''}`, a: pa, b: `${b.pointer}/responses` });
      continue;
    }
    const pb = `${b.pointer}/responses/${escapeToken(keyB)}`;
    const da = deref(ctx.docA, ra[key], pa);
    const db = deref(ctx.docB, rb[keyB], pb);
    if (!isObject(da.value) || !isObject(db.value)) continue;
    const label = `response ${key}`;
    compareMedia(ctx, da.value, da.pointer, db.value, db.pointer, 'response', label);
    const ha = headersOf(ctx.docA, da.value, da.pointer);
    const hb = headersOf(ctx.docB, db.value, db.pointer);
    for (const [name, h] of ha) {
      const other = hb.get(name);
      if (!other) {
        push(ctx, { id: 'response.header-removed', breaking: h.required, location: `${label} header ${h.name}`, message: `removed${h.required ? ' (it was required)' : ''}`, a: h.pointer, b: db.pointer });
      } else if (h.required !== other.required) {
        push(ctx, { id: 'response.header-required-changed', breaking: h.required, location: `${label} header ${h.name}`, message: `${other.required ? 'now required' : 'now optional'}`, a: h.pointer, b: other.pointer });
      }
    }
    for (const [name, h] of hb) {
      if (!ha.has(name)) push(ctx, { id: 'response.header-added', breaking: false, location: `${label} header ${h.name}`, message: 'added', a: da.pointer, b: h.pointer });
    }
  }
  for (const [status, key] of keysB) {
    if (keysA.has(status)) continue;
    push(ctx, { id: 'response.status-added', breaking: false, location: `response ${key}`, message: `added`, a: `${a.pointer}/responses`, b: `${b.pointer}/responses/${escapeToken(key)}` });
  }
}

// ---------- operations ----------

/** Every difference between two (loaded, repaired) OpenAPI documents, in document order of `a`, then `b`'s additions. */
export function diffDocuments(docA: Doc, docB: Doc, names: { a: string; b: string } = { a: 'a', b: 'b' }): ContractDiff {
  const out: ContractChange[] = [];
  const opsA = operationsOf(docA);
  const opsB = operationsOf(docB);
  for (const [key, oa] of opsA) {
    const ctx: Ctx = { docA, docB, out, operation: `${oa.method} ${oa.path}` };
    const ob = opsB.get(key);
    if (!ob) {
      push(ctx, { id: 'operation.removed', breaking: true, location: 'operation', message: 'removed', a: oa.pointer, b: null });
      continue;
    }
    compareParameters(ctx, oa, ob);
    compareRequestBodies(ctx, oa, ob);
    compareResponses(ctx, oa, ob);
  }
  for (const [key, ob] of opsB) {
    if (opsA.has(key)) continue;
    out.push({ id: 'operation.added', breaking: false, operation: `${ob.method} ${ob.path}`, location: 'operation', message: 'added', a: null, b: ob.pointer });
  }
  return withCounts({ a: names.a, b: names.b, changes: out });
}

export function withCounts(diff: Omit<ContractDiff, 'counts'>): ContractDiff {
  const breaking = diff.changes.filter((c) => c.breaking).length;
  return {
    ...diff,
    counts: {
      total: diff.changes.length,
      breaking,
      nonBreaking: diff.changes.length - breaking,
      explained: diff.changes.filter((c) => c.explained).length,
      unexplainedBreaking: diff.changes.filter((c) => c.breaking && !c.explained).length,
    },
  };
}
