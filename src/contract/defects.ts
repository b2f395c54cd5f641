/**
 * @module The structural defect classes the published Broker document shows, each with a detector
 * (for lint) and a repair (so responses can be checked against what the publisher meant). A defect
 * found is an error finding; a repair applied is an info finding with the same id under `repair.`.
 */
import type { ContractFinding } from './findings.ts';
import { COMPONENT_TYPES, isObject, looksLikePathItem, looksLikeSchema, openApiMinor, PATH_ITEM_FIELDS, SCHEMA_KEYWORDS } from './openapi-shape.ts';
import { escapeToken, pointerOf, walk } from './pointer.ts';

type Doc = Record<string, unknown>;

interface Occurrence {
  pointer: string;
  message: string;
  /** Applies the repair to the document the occurrence was found in; returns what was done. */
  repair: () => string;
}

interface DefectClass {
  id: string;
  find(doc: Doc): Occurrence[];
}

const ROOT_FIELDS = new Set(['openapi', 'info', 'jsonSchemaDialect', 'servers', 'paths', 'webhooks', 'components', 'security', 'tags', 'externalDocs']);

const pathItemOutsidePaths: DefectClass = {
  id: 'structure.path-item-outside-paths',
  find(doc) {
    return Object.keys(doc)
      .filter((k) => k.startsWith('/') && !ROOT_FIELDS.has(k) && looksLikePathItem(doc[k]))
      .map((k) => ({
        pointer: pointerOf(k),
        message: `path item ${k} sits at the document root, outside "paths", so its operations are not part of the API`,
        repair: () => {
          const paths = (isObject(doc.paths) ? doc.paths : (doc.paths = {})) as Doc;
          if (!(k in paths)) paths[k] = doc[k];
          delete doc[k];
          return `moved ${k} into /paths`;
        },
      }));
  },
};

const webhookInsideWebhook: DefectClass = {
  id: 'structure.webhook-inside-webhook',
  find(doc) {
    if (!isObject(doc.webhooks)) return [];
    const webhooks = doc.webhooks;
    const out: Occurrence[] = [];
    for (const [name, item] of Object.entries(webhooks)) {
      if (!isObject(item)) continue;
      for (const [k, v] of Object.entries(item)) {
        if (PATH_ITEM_FIELDS.has(k) || k.startsWith('x-') || !looksLikePathItem(v)) continue;
        out.push({
          pointer: pointerOf('webhooks', name, k),
          message: `webhook ${k} is nested inside webhook ${name}, where a Path Item allows no such field`,
          repair: () => {
            if (!(k in webhooks)) webhooks[k] = v;
            delete item[k];
            return `moved ${k} up to /webhooks`;
          },
        });
      }
    }
    return out;
  },
};

function eachPathItem(doc: Doc): [string, Doc][] {
  return isObject(doc.paths) ? Object.entries(doc.paths).filter((e): e is [string, Doc] => isObject(e[1])) : [];
}

const responsesOnPathItem: DefectClass = {
  id: 'structure.responses-on-path-item',
  find(doc) {
    return eachPathItem(doc)
      .filter(([, item]) => isObject(item.responses))
      .map(([path, item]) => ({
        pointer: pointerOf('paths', path, 'responses'),
        message: `"responses" sits on the Path Item ${path}, not on an operation`,
        repair: () => {
          const target = Object.entries(item).find(([m, op]) => PATH_ITEM_FIELDS.has(m) && isObject(op) && !isObject(op.responses) && m !== 'parameters');
          const moved = target ? `moved into ${target[0]} ${path}` : 'dropped (no operation without responses)';
          if (target) (target[1] as Doc).responses = item.responses;
          delete item.responses;
          return moved;
        },
      }));
  },
};

const encodingAsMediaType: DefectClass = {
  id: 'structure.encoding-as-media-type',
  find(doc) {
    const out: Occurrence[] = [];
    walk(doc, (value, pointer, key) => {
      if (key !== 'content' || !isObject(value) || !isObject(value.encoding)) return;
      const content = value;
      const target = Object.keys(content).find((m) => m.startsWith('multipart/') || m === 'application/x-www-form-urlencoded');
      out.push({
        pointer: `${pointer}/encoding`,
        message: '"encoding" is listed as a media type inside "content" instead of inside the multipart media type',
        repair: () => {
          if (target && isObject(content[target]) && !('encoding' in (content[target] as Doc))) (content[target] as Doc).encoding = content.encoding;
          delete content.encoding;
          return target ? `moved into ${target}` : 'dropped (no form media type to hold it)';
        },
      });
    });
    return out;
  },
};

const schemaOutsideSchemas: DefectClass = {
  id: 'structure.schema-outside-schemas',
  find(doc) {
    if (!isObject(doc.components)) return [];
    const components = doc.components;
    return Object.keys(components)
      .filter((k) => !COMPONENT_TYPES.has(k) && !k.startsWith('x-') && looksLikeSchema(components[k]))
      .map((k) => ({
        pointer: pointerOf('components', k),
        message: `schema ${k} sits directly under /components, so #/components/schemas/${k} does not resolve`,
        repair: () => {
          const schemas = (isObject(components.schemas) ? components.schemas : (components.schemas = {})) as Doc;
          if (!(k in schemas)) schemas[k] = components[k];
          delete components[k];
          return `moved ${k} into /components/schemas`;
        },
      }));
  },
};

/** `components/schemas/description: "…"` and `additionalProperties: false`: keywords cut off the schema before them. */
const strayKeywordInSchemas: DefectClass = {
  id: 'structure.stray-keyword-in-schemas',
  find(doc) {
    if (!isObject(doc.components) || !isObject(doc.components.schemas)) return [];
    const schemas = doc.components.schemas as Doc;
    const keys = Object.keys(schemas);
    const out: Occurrence[] = [];
    keys.forEach((k, i) => {
      const v = schemas[k];
      if (!SCHEMA_KEYWORDS.has(k) || looksLikeSchema(v)) return;
      // The owner is the nearest preceding entry that is a real schema.
      const owner = keys.slice(0, i).reverse().find((o) => looksLikeSchema(schemas[o]));
      out.push({
        pointer: pointerOf('components', 'schemas', k),
        message: `/components/schemas/${k} is the keyword "${k}" of a schema${owner ? ` (apparently ${owner})` : ''}, cut off by a misplaced brace`,
        repair: () => {
          if (owner && isObject(schemas[owner]) && !(k in (schemas[owner] as Doc))) (schemas[owner] as Doc)[k] = v;
          delete schemas[k];
          return owner ? `gave "${k}" back to ${owner}` : `dropped "${k}"`;
        },
      });
    });
    return out;
  },
};

/** Property schemas that landed beside `properties` (as unknown keywords) or non-schemas inside it. */
const misplacedProperty: DefectClass = {
  id: 'structure.misplaced-property',
  find(doc) {
    const out: Occurrence[] = [];
    walk(doc, (value, pointer) => {
      if (!isObject(value) || !isObject(value.properties)) return;
      const schema = value;
      const props = value.properties as Doc;
      for (const [k, v] of Object.entries(schema)) {
        if (SCHEMA_KEYWORDS.has(k) || k.startsWith('x-') || !looksLikeSchema(v)) continue;
        out.push({
          pointer: `${pointer}/${escapeToken(k)}`,
          message: `property schema "${k}" sits beside "properties" instead of inside it, so it is ignored`,
          repair: () => {
            if (!(k in props)) props[k] = v;
            delete schema[k];
            return `moved "${k}" into properties`;
          },
        });
      }
      const propKeys = Object.keys(props);
      propKeys.forEach((k, i) => {
        const v = props[k];
        if (isObject(v) || typeof v === 'boolean') return;
        const owner = k === 'description' || k === 'title' ? propKeys.slice(0, i).reverse().find((o) => isObject(props[o])) : undefined;
        out.push({
          pointer: `${pointer}/properties/${escapeToken(k)}`,
          message: `properties/${k} is not a schema (${JSON.stringify(v).slice(0, 40)})`,
          repair: () => {
            if (owner && isObject(props[owner]) && !(k in (props[owner] as Doc))) (props[owner] as Doc)[k] = v;
            delete props[k];
            return owner ? `gave "${k}" back to property ${owner}` : `dropped properties/${k}`;
          },
        });
      });
    });
    return out;
  },
};

/** `nullable` is OpenAPI 3.0; in 3.1 it is ignored, so nothing is nullable. Map it to a type union. */
const nullableIn31: DefectClass = {
  id: 'schema.nullable-in-3.1',
  find(doc) {
    if (openApiMinor(doc) !== '3.1') return [];
    return findNullable(doc).map(({ pointer, schema }) => ({
      pointer: `${pointer}/nullable`,
      message: '"nullable" is an OpenAPI 3.0 keyword; a 3.1 document ignores it, so null is not actually allowed here',
      repair: () => {
        mapNullable(schema);
        return 'mapped to a type union with "null"';
      },
    }));
  },
};

export function findNullable(doc: unknown): { pointer: string; schema: Doc }[] {
  const out: { pointer: string; schema: Doc }[] = [];
  walk(doc, (value, pointer) => {
    if (isObject(value) && 'nullable' in value && typeof value.nullable === 'boolean') out.push({ pointer, schema: value });
  });
  return out;
}

/** Rewrites `nullable: true` into JSON Schema: a type union, `null` in an enum, or anyOf around a $ref. */
export function mapNullable(schema: Doc): void {
  const nullable = schema.nullable === true;
  delete schema.nullable;
  if (!nullable) return;
  if (typeof schema.$ref === 'string') {
    const ref = schema.$ref;
    delete schema.$ref;
    schema.anyOf = [{ $ref: ref }, { type: 'null' }];
    return;
  }
  if (typeof schema.type === 'string') schema.type = [schema.type, 'null'];
  else if (Array.isArray(schema.type) && !schema.type.includes('null')) schema.type = [...schema.type, 'null'];
  if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum = [...schema.enum, null];
  for (const k of ['allOf', 'oneOf', 'anyOf'] as const) {
    if (Array.isArray(schema[k]) && schema.type === undefined) {
      schema.anyOf = [{ [k]: schema[k] }, { type: 'null' }];
      if (k !== 'anyOf') delete schema[k];
      break;
    }
  }
}

/** Order matters: structure first (so later classes see schemas where they belong), nullable last. */
export const DEFECT_CLASSES: readonly DefectClass[] = [
  pathItemOutsidePaths,
  webhookInsideWebhook,
  responsesOnPathItem,
  encodingAsMediaType,
  schemaOutsideSchemas,
  strayKeywordInSchemas,
  misplacedProperty,
  nullableIn31,
];

export function detectDefects(doc: Doc): ContractFinding[] {
  return DEFECT_CLASSES.flatMap((c) => c.find(doc).map((o) => ({ id: c.id, severity: 'error' as const, pointer: o.pointer, message: o.message })));
}

/** Repairs a deep copy; every repair is an info finding. Runs each class to a fixed point (moves can reveal more). */
export function repairDocument(original: Doc): { document: Doc; repairs: ContractFinding[] } {
  const doc = structuredClone(original);
  const repairs: ContractFinding[] = [];
  for (const c of DEFECT_CLASSES) {
    for (let round = 0; round < 5; round++) {
      const found = c.find(doc);
      if (found.length === 0) break;
      for (const o of found) {
        const done = o.repair();
        repairs.push({ id: `repair.${c.id}`, severity: 'info', pointer: o.pointer, message: `${o.message}: ${done}` });
      }
    }
  }
  return { document: doc, repairs };
}
