/**
 * @module Lints an OpenAPI document: structure (a maintained OpenAPI 3.0/3.1 validator), the
 * structural defect classes, unresolved `$ref`s, operationIds, security schemes, error bodies under
 * non-JSON media types, and examples that contradict their schema. Semantic rules run on the
 * repaired document, so an operation hidden by a misplaced brace is still examined.
 */
import { compileContract } from './compile.ts';
import { detectDefects, repairDocument } from './defects.ts';
import type { ContractFinding } from './findings.ts';
import type { LoadedContract } from './load.ts';
import { HTTP_METHODS, isJsonMediaType, isObject, openApiMinor } from './openapi-shape.ts';
import { escapeToken, pointerOf, resolvePointer, walk } from './pointer.ts';

type Doc = Record<string, unknown>;

export interface RefStats {
  total: number;
  resolved: number;
}

export interface LintReport {
  findings: ContractFinding[];
  /** The document with every known defect class repaired (what the publisher meant). */
  repaired: Doc;
  stats: {
    operationsAsPublished: number;
    operationsAfterRepair: number;
    refsAsPublished: RefStats;
    refsAfterRepair: RefStats;
  };
}

function countOperations(doc: Doc): number {
  if (!isObject(doc.paths)) return 0;
  return Object.values(doc.paths).reduce<number>((n, item) => n + (isObject(item) ? HTTP_METHODS.filter((m) => isObject(item[m])).length : 0), 0);
}

function refFindings(doc: Doc, stage: string): { findings: ContractFinding[]; stats: RefStats } {
  const findings: ContractFinding[] = [];
  let total = 0;
  walk(doc, (value, pointer) => {
    if (!isObject(value) || typeof value.$ref !== 'string') return;
    total++;
    const ref = value.$ref;
    if (!ref.startsWith('#')) {
      findings.push({ id: 'ref.external', severity: 'warning', pointer: `${pointer}/$ref`, message: `external reference ${ref} is not followed${stage}` });
      return;
    }
    if (resolvePointer(doc, ref) === undefined) {
      findings.push({ id: 'ref.unresolved', severity: 'error', pointer: `${pointer}/$ref`, message: `reference ${ref} does not resolve${stage}` });
    }
  });
  return { findings, stats: { total, resolved: total - findings.length } };
}

async function structureFindings(doc: Doc): Promise<ContractFinding[]> {
  // Loaded on first use (a fifth of a second): a process whose lint reports are all kept never needs it.
  const { Validator } = await import('@seriousme/openapi-schema-validator');
  const result = await new Validator({ allErrors: true }).validate(structuredClone(doc));
  if (result.valid) return [];
  if (typeof result.errors === 'string') return [{ id: 'oas.structure', severity: 'error', pointer: '', message: result.errors }];
  return (result.errors ?? [])
    .filter((e) => e.keyword !== 'if')
    .map((e) => {
      const extra = (e.params as { unevaluatedProperty?: string }).unevaluatedProperty;
      const pointer = extra === undefined ? e.instancePath : `${e.instancePath}/${escapeToken(extra)}`;
      return { id: 'oas.structure', severity: 'error' as const, pointer, message: `${e.message ?? e.keyword}${extra ? ` (${extra})` : ''}` };
    });
}

function* operations(doc: Doc): Generator<{ pointer: string; op: Doc; method: string; path: string }> {
  if (!isObject(doc.paths)) return;
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!isObject(item)) continue;
    for (const method of HTTP_METHODS) {
      if (isObject(item[method])) yield { pointer: pointerOf('paths', path, method), op: item[method] as Doc, method, path };
    }
  }
}

function operationIdFindings(doc: Doc): ContractFinding[] {
  return [...operations(doc)]
    .filter(({ op }) => typeof op.operationId !== 'string' || op.operationId === '')
    .map(({ pointer, method, path }) => ({
      id: 'operation.missing-operation-id',
      severity: 'warning' as const,
      pointer,
      message: `${method.toUpperCase()} ${path} has no operationId`,
    }));
}

function securityFindings(doc: Doc): ContractFinding[] {
  const schemes = isObject(doc.components) && isObject(doc.components.securitySchemes) ? Object.keys(doc.components.securitySchemes) : [];
  const out: ContractFinding[] = [];
  if (schemes.length === 0) {
    out.push({ id: 'security.no-schemes', severity: 'error', pointer: '/components/securitySchemes', message: 'no security schemes are declared, though the API requires bearer tokens with scopes' });
  }
  const global = Array.isArray(doc.security);
  for (const { pointer, op, method, path } of operations(doc)) {
    if (!global && !Array.isArray(op.security)) {
      out.push({ id: 'security.operation-unsecured', severity: 'warning', pointer, message: `${method.toUpperCase()} ${path} declares no security requirement` });
    }
    for (const req of Array.isArray(op.security) ? op.security : []) {
      for (const name of isObject(req) ? Object.keys(req) : []) {
        if (!schemes.includes(name)) {
          out.push({ id: 'security.unknown-scheme', severity: 'error', pointer: `${pointer}/security`, message: `security scheme ${name} is not declared` });
        }
      }
    }
  }
  return out;
}

/** A ProblemDetails-like schema: a $ref named *Problem*, or an object with status and title/type. */
function looksLikeProblem(doc: Doc, schema: unknown): boolean {
  if (!isObject(schema)) return false;
  if (typeof schema.$ref === 'string') {
    if (/problem/i.test(schema.$ref)) return true;
    return looksLikeProblem(doc, resolvePointer(doc, schema.$ref));
  }
  return isObject(schema.properties) && 'status' in schema.properties && ('title' in schema.properties || 'type' in schema.properties);
}

function errorMediaTypeFindings(doc: Doc): ContractFinding[] {
  const out: ContractFinding[] = [];
  for (const { pointer, op } of operations(doc)) {
    if (!isObject(op.responses)) continue;
    for (const [status, response] of Object.entries(op.responses)) {
      if (!/^[45]/.test(status) || !isObject(response) || !isObject(response.content)) continue;
      for (const [mediaType, media] of Object.entries(response.content)) {
        const bare = mediaType.split(';')[0]!.trim().toLowerCase();
        if (isJsonMediaType(bare) || bare === 'text/plain') continue;
        if (isObject(media) && looksLikeProblem(doc, media.schema)) {
          out.push({
            id: 'response.error-body-media-type',
            severity: 'error',
            pointer: `${pointer}/responses/${escapeToken(status)}/content/${escapeToken(mediaType)}`,
            message: `error body (ProblemDetails) declared under ${mediaType}; an error body is application/json or application/problem+json`,
          });
        }
      }
    }
  }
  return out;
}

/** Every `example` and `examples.*.value` next to a schema must validate against it. */
function exampleFindings(doc: Doc): ContractFinding[] {
  // Only the schemas beside examples are needed here; the contract's own compile reports the others.
  const compiled = compileContract(doc, { name: 'lint', role: 'published', source: 'lint', sha256: '', eager: false });
  const out: ContractFinding[] = [];
  const check = (schemaPointer: string, value: unknown, examplePointer: string) => {
    const r = compiled.validateAt(schemaPointer, value);
    if ('error' in r) return; // an uncompilable schema is reported elsewhere
    if (!r.valid) {
      const first = r.errors[0];
      out.push({
        id: 'example.contradicts-schema',
        severity: 'error',
        pointer: examplePointer,
        message: `example does not match its schema: ${first ? `${first.instancePath || '(root)'} ${first.message}` : 'invalid'}${r.errors.length > 1 ? ` (+${r.errors.length - 1} more)` : ''}`,
      });
    }
  };
  walk(doc, (value, pointer) => {
    if (!isObject(value) || !('schema' in value) || !isObject(value.schema)) return;
    // Media type objects and parameters: `example` / `examples` beside `schema`.
    if ('example' in value) check(`${pointer}/schema`, value.example, `${pointer}/example`);
    if (isObject(value.examples)) {
      for (const [name, ex] of Object.entries(value.examples)) {
        if (isObject(ex) && 'value' in ex) check(`${pointer}/schema`, ex.value, `${pointer}/examples/${escapeToken(name)}/value`);
      }
    }
  });
  return out;
}

/** Drops structure errors already explained, more precisely, by a defect finding at or around the same place. */
function withoutCovered(structure: ContractFinding[], specific: ContractFinding[]): ContractFinding[] {
  return structure.filter((s) => !specific.some((d) => d.pointer === s.pointer || s.pointer.startsWith(`${d.pointer}/`) || d.pointer.startsWith(`${s.pointer}/`)));
}

export async function lintContract(loaded: LoadedContract): Promise<LintReport> {
  const doc = loaded.document;
  const defects = detectDefects(doc);
  const structure = withoutCovered(await structureFindings(doc), defects);
  const asPublished = refFindings(doc, '');
  const { document: repaired, repairs } = repairDocument(doc);
  const afterRepair = refFindings(repaired, ' (even after repair)');
  const findings: ContractFinding[] = [
    ...loaded.findings,
    ...defects,
    ...structure,
    ...asPublished.findings,
    ...afterRepair.findings,
    ...(openApiMinor(doc) === 'other' ? [{ id: 'oas.version', severity: 'error' as const, pointer: '/openapi', message: `OpenAPI version ${String(doc.openapi)} is not 3.0 or 3.1` }] : []),
    ...operationIdFindings(repaired),
    ...securityFindings(repaired),
    ...errorMediaTypeFindings(repaired),
    ...exampleFindings(repaired),
    ...repairs,
  ];
  return {
    findings,
    repaired,
    stats: {
      operationsAsPublished: countOperations(doc),
      operationsAfterRepair: countOperations(repaired),
      refsAsPublished: asPublished.stats,
      refsAfterRepair: afterRepair.stats,
    },
  };
}
