/** @module Facts about the OpenAPI object model that lint and repair both need. */

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export const PATH_ITEM_FIELDS = new Set(['$ref', 'summary', 'description', 'servers', 'parameters', ...HTTP_METHODS]);

export const COMPONENT_TYPES = new Set([
  'schemas',
  'responses',
  'parameters',
  'examples',
  'requestBodies',
  'headers',
  'securitySchemes',
  'links',
  'callbacks',
  'pathItems',
]);

/** JSON Schema 2020-12 keywords plus OpenAPI's schema extras; anything else in a schema is suspect. */
export const SCHEMA_KEYWORDS = new Set([
  '$schema', '$id', '$ref', '$anchor', '$dynamicRef', '$dynamicAnchor', '$defs', '$comment', '$vocabulary',
  'type', 'enum', 'const', 'format', 'title', 'description', 'default', 'examples', 'deprecated', 'readOnly', 'writeOnly',
  'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum',
  'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'maxContains', 'minContains',
  'maxProperties', 'minProperties', 'required', 'dependentRequired', 'dependentSchemas',
  'properties', 'patternProperties', 'additionalProperties', 'propertyNames', 'unevaluatedProperties',
  'items', 'prefixItems', 'contains', 'unevaluatedItems',
  'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else',
  'contentEncoding', 'contentMediaType', 'contentSchema',
  // OpenAPI additions
  'discriminator', 'xml', 'externalDocs', 'example', 'nullable',
]);

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** An object that reads like a JSON Schema (has a schema keyword), as opposed to a stray value. */
export function looksLikeSchema(v: unknown): v is Record<string, unknown> {
  return isObject(v) && ['type', '$ref', 'properties', 'enum', 'allOf', 'anyOf', 'oneOf', 'items', 'format'].some((k) => k in v);
}

export function looksLikePathItem(v: unknown): v is Record<string, unknown> {
  return isObject(v) && HTTP_METHODS.some((m) => isObject(v[m]));
}

export function isJsonMediaType(mediaType: string): boolean {
  const bare = mediaType.split(';')[0]!.trim().toLowerCase();
  return bare === 'application/json' || bare.endsWith('+json') || bare === '*/*' || bare === 'application/*';
}

export function bareMediaType(contentType: string | null | undefined): string | null {
  if (!contentType) return null;
  return contentType.split(';')[0]!.trim().toLowerCase() || null;
}

export function openApiMinor(doc: Record<string, unknown>): '3.0' | '3.1' | 'other' {
  const v = String(doc.openapi ?? '');
  if (v.startsWith('3.0')) return '3.0';
  if (v.startsWith('3.1')) return '3.1';
  return 'other';
}
