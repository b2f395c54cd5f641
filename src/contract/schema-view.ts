/**
 * @module A flat view of a JSON Schema for comparing contracts: `$ref`s followed, `allOf` merged,
 * `oneOf`/`anyOf` folded into one union, and both nullability dialects (3.0 `nullable`, 3.1
 * `type: [x, 'null']`) read as one flag. Two documents that say the same thing in different words
 * give the same view; each part keeps the pointer of the place that says it.
 */
import { isObject } from './openapi-shape.ts';
import { escapeToken, resolvePointer } from './pointer.ts';

/** A schema at a place in its document. */
export interface SchemaPart {
  schema: unknown;
  pointer: string;
}

/** Several parts meant together: all must hold (`allOf`) or any may (`oneOf`/`anyOf`). */
export interface SchemaParts {
  parts: SchemaPart[];
  mode: 'all' | 'any';
}

export interface SchemaView {
  /** Where the schema is written (after following `$ref`s): the first part that constrains it. */
  pointer: string;
  /** Allowed JSON types without `null`; undefined = any type. */
  types?: Set<string>;
  /** Whether `null` is allowed; undefined = the schema does not say. */
  nullable?: boolean;
  format?: string;
  /** Allowed values (`enum` or `const`) without `null`; undefined = any value. */
  enum?: unknown[];
  properties: Map<string, SchemaParts>;
  required: Set<string>;
  items?: SchemaParts;
  /** The schema names object properties or requires some (so `required` and property changes mean something). */
  objectLike: boolean;
}

const MAX_REF_HOPS = 20;
/** Compositions nest this deep at most (a schema that is its own allOf member would not end). */
const MAX_DEPTH = 40;

function follow(doc: unknown, part: SchemaPart): SchemaPart & { siblings?: Record<string, unknown> } {
  let { schema, pointer } = part;
  for (let hops = 0; hops < MAX_REF_HOPS && isObject(schema) && typeof schema.$ref === 'string' && schema.$ref.startsWith('#'); hops++) {
    const { $ref, ...rest } = schema;
    const target = resolvePointer(doc, $ref as string);
    if (target === undefined) break;
    // A 3.1 `$ref` with siblings (description aside) means both: keep the siblings as one more allOf member.
    const meaningful = Object.keys(rest).filter((k) => !['description', 'title', 'example', 'examples', 'summary'].includes(k));
    if (meaningful.length > 0) return { schema: target, pointer: ($ref as string).replace(/^#/, ''), siblings: rest };
    schema = target;
    pointer = ($ref as string).replace(/^#/, '');
  }
  return { schema, pointer };
}

function typesOf(s: Record<string, unknown>): { types?: Set<string>; nullable?: boolean } {
  const raw = s.type;
  const list = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw.filter((t): t is string => typeof t === 'string') : undefined;
  let nullable: boolean | undefined = list ? list.includes('null') : undefined;
  if (s.nullable === true) nullable = true;
  if (s.nullable === false && nullable === undefined) nullable = false;
  const types = list ? new Set(list.filter((t) => t !== 'null')) : undefined;
  return { types, nullable };
}

function ownView(doc: unknown, schema: Record<string, unknown>, pointer: string, depth: number): SchemaView {
  const { types, nullable: typeNullable } = typesOf(schema);
  let nullable = typeNullable;
  let values: unknown[] | undefined = Array.isArray(schema.enum) ? schema.enum : 'const' in schema ? [schema.const] : undefined;
  if (values?.includes(null)) {
    nullable = true;
    values = values.filter((v) => v !== null);
  }
  const properties = new Map<string, SchemaParts>();
  if (isObject(schema.properties)) {
    for (const [name, sub] of Object.entries(schema.properties)) {
      properties.set(name, { parts: [{ schema: sub, pointer: `${pointer}/properties/${escapeToken(name)}` }], mode: 'all' });
    }
  }
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : []);
  const items = isObject(schema.items) ? { parts: [{ schema: schema.items, pointer: `${pointer}/items` }], mode: 'all' as const } : undefined;
  const view: SchemaView = {
    pointer,
    types,
    nullable,
    // `format: binary` is 3.0's way to say "raw bytes"; 3.1 says it with contentMediaType or nothing: the same meaning.
    format: typeof schema.format === 'string' && schema.format !== 'binary' ? schema.format : undefined,
    enum: values,
    properties,
    required,
    items,
    objectLike: properties.size > 0 || required.size > 0 || (types?.has('object') ?? false),
  };
  const members = (key: string) => (Array.isArray(schema[key]) ? (schema[key] as unknown[]).map((m, i) => ({ schema: m, pointer: `${pointer}/${key}/${i}` })) : []);
  const all = members('allOf').map((p) => viewOf(doc, p, depth + 1));
  const anyParts = [...members('oneOf'), ...members('anyOf')];
  const views = [view, ...all];
  if (anyParts.length > 0) views.push(combineAny(anyParts.map((p) => viewOf(doc, p, depth + 1))));
  return views.length === 1 ? view : combineAll(views);
}

/** The view of one schema part (following `$ref`s). */
export function viewOf(doc: unknown, part: SchemaPart, depth = 0): SchemaView {
  const followed = follow(doc, part);
  if (!isObject(followed.schema) || depth > MAX_DEPTH) return { pointer: followed.pointer, properties: new Map(), required: new Set(), objectLike: false };
  const base = ownView(doc, followed.schema, followed.pointer, depth);
  if (!followed.siblings) return base;
  return combineAll([base, viewOf(doc, { schema: followed.siblings, pointer: part.pointer }, depth + 1)]);
}

/** The view of several parts together. */
export function viewOfParts(doc: unknown, parts: SchemaParts): SchemaView {
  const views = parts.parts.map((p) => viewOf(doc, p));
  if (views.length === 1) return views[0]!;
  return parts.mode === 'all' ? combineAll(views) : combineAny(views);
}

const key = (v: unknown) => JSON.stringify(v);

function mergeProperties(views: SchemaView[], mode: 'all' | 'any'): Map<string, SchemaParts> {
  const out = new Map<string, SchemaParts>();
  for (const v of views) {
    for (const [name, sub] of v.properties) {
      const seen = out.get(name);
      out.set(name, seen ? { parts: [...seen.parts, ...sub.parts], mode: seen.mode === 'any' || sub.mode === 'any' || mode === 'any' ? 'any' : 'all' } : sub);
    }
  }
  return out;
}

function mergeItems(views: SchemaView[], mode: 'all' | 'any'): SchemaParts | undefined {
  const withItems = views.filter((v) => v.items);
  if (withItems.length === 0) return undefined;
  return { parts: withItems.flatMap((v) => v.items!.parts), mode };
}

/** allOf: every member holds. */
function combineAll(views: SchemaView[]): SchemaView {
  const typed = views.filter((v) => v.types);
  let types: Set<string> | undefined;
  for (const v of typed) types = types ? new Set([...types].filter((t) => v.types!.has(t) || (t === 'integer' && v.types!.has('number')))) : new Set(v.types);
  const said = views.filter((v) => v.nullable !== undefined);
  const withEnum = views.filter((v) => v.enum);
  let values: unknown[] | undefined;
  for (const v of withEnum) values = values ? values.filter((x) => v.enum!.some((y) => key(y) === key(x))) : [...v.enum!];
  const constraining = views.find((v) => v.types || v.enum || v.properties.size > 0) ?? views[0]!;
  return {
    pointer: constraining.pointer,
    types,
    // 3.0 generators write a nullable reference as `{ allOf: [{ $ref }], nullable: true }`: an untyped `nullable: true` wins.
    nullable: said.length === 0 ? undefined : said.some((v) => v.nullable === true && !v.types) || said.every((v) => v.nullable),
    format: views.find((v) => v.format)?.format,
    enum: values,
    properties: mergeProperties(views, 'all'),
    required: new Set(views.flatMap((v) => [...v.required])),
    items: mergeItems(views, 'all'),
    objectLike: views.some((v) => v.objectLike),
  };
}

/** oneOf / anyOf: any member may hold. A member that only admits `null` makes the union nullable. */
function combineAny(views: SchemaView[]): SchemaView {
  const onlyNull = (v: SchemaView) => v.nullable === true && v.types?.size === 0 && !v.enum;
  const real = views.filter((v) => !onlyNull(v));
  const nullable = views.some((v) => v.nullable === true) ? true : views.every((v) => v.nullable === false) ? false : undefined;
  if (real.length === 1) return { ...real[0]!, nullable: nullable ?? real[0]!.nullable };
  const formats = new Set(real.map((v) => v.format));
  const objects = real.filter((v) => v.objectLike);
  return {
    pointer: real[0]?.pointer ?? views[0]!.pointer,
    types: real.every((v) => v.types) ? new Set(real.flatMap((v) => [...v.types!])) : undefined,
    nullable,
    format: formats.size === 1 ? [...formats][0] : undefined,
    enum: real.length > 0 && real.every((v) => v.enum) ? dedupe(real.flatMap((v) => v.enum!)) : undefined,
    properties: mergeProperties(real, 'any'),
    required: objects.length === 0 ? new Set() : new Set([...objects[0]!.required].filter((r) => objects.every((o) => o.required.has(r)))),
    items: mergeItems(real, 'any'),
    objectLike: objects.length > 0,
  };
}

function dedupe(values: unknown[]): unknown[] {
  const seen = new Set<string>();
  return values.filter((v) => !seen.has(key(v)) && !!seen.add(key(v)));
}
