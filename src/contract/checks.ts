/**
 * @module The registry of response checks (schemathesis-style): each has a stable id used in
 * environment files, the ledger and JUnit; a duplicate id throws at load and an unknown id in
 * configuration is a ConfigError. A check that does not apply says why (SKIP), never PASS.
 */
import type { ValidateFunction } from 'ajv';
import { ConfigError } from '../config/errors.ts';
import type { CompiledContract, OperationContract, ResponseContract } from './compile.ts';
import type { ResponseFinding, Verdict } from './findings.ts';
import { bareMediaType, isJsonMediaType } from './openapi-shape.ts';

/** One HTTP exchange as the checks see it. `body` is absent when the payload was streamed past us. */
export interface ExchangeView {
  method: string;
  /** Path and query, or a full URL. */
  url: string;
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body?: Buffer | string;
  bodyBytes: number;
  /** The body already parsed as JSON by whoever received it (parsed once, shared by every contract). */
  json?: unknown;
}

export interface CheckContext {
  contract: CompiledContract;
  exchange: ExchangeView;
  operation?: OperationContract;
  response?: ResponseContract;
  /** The response's bare media type (lower-case, no parameters), or null without Content-Type. */
  mediaType: string | null;
}

export type Severity = 'critical' | 'high' | 'medium' | 'low';

export interface ResponseCheck {
  id: string;
  /** Requirement id this check stands for in the ledger. */
  requirement: string;
  title: string;
  severity: Severity;
  /** `true`, or the reason the check does not apply (a SKIP, with that reason). */
  applies(ctx: CheckContext): true | { skip: string };
  run(ctx: CheckContext): ResponseFinding[];
}

export interface CheckResult {
  checkId: string;
  requirement: string;
  contract: string;
  verdict: Verdict;
  findings: ResponseFinding[];
  reason?: string;
}

const registry = new Map<string, ResponseCheck>();

export function registerCheck(check: ResponseCheck): void {
  if (registry.has(check.id)) throw new Error(`response check ${check.id} is registered twice`);
  registry.set(check.id, check);
}

export function allChecks(): ResponseCheck[] {
  return [...registry.values()];
}

/** The checks left after an environment's `checks.disabled`; a misspelt id is a configuration error. */
export function enabledChecks(disabled: readonly string[] = []): ResponseCheck[] {
  for (const id of disabled) {
    if (!registry.has(id)) throw new ConfigError(`checks.disabled names an unknown response check '${id}' (known: ${[...registry.keys()].join(', ')})`);
  }
  return allChecks().filter((c) => !disabled.includes(c.id));
}

function pathOf(url: string): string {
  if (url.startsWith('/')) return url.split('?')[0]!;
  try {
    return new URL(url, 'http://relative.invalid').pathname;
  } catch {
    return url.split('?')[0]!;
  }
}

const MAX_SCHEMA_FINDINGS = 20;

// Guards shared by several checks.
const needsOperation = (ctx: CheckContext) => (ctx.operation ? true : { skip: 'the operation is not in this contract' });
const needsResponse = (ctx: CheckContext) => (ctx.response ? true : { skip: ctx.operation ? `status ${ctx.exchange.status} is not documented` : 'the operation is not in this contract' });

registerCheck({
  id: 'operation_documented',
  requirement: 'CT-OPERATION-001',
  title: 'The operation called is documented',
  severity: 'high',
  applies: () => true,
  run: ({ operation, exchange }) => (operation ? [] : [{ kind: 'undocumented-operation', method: exchange.method.toUpperCase(), path: pathOf(exchange.url) }]),
});

registerCheck({
  id: 'status_code_conformance',
  requirement: 'CT-STATUS-001',
  title: 'The status code is documented for the operation',
  severity: 'high',
  applies: needsOperation,
  run: ({ operation, response, exchange }) =>
    response ? [] : [{ kind: 'undocumented-status', received: exchange.status, documented: [...operation!.responses.values()].map((r) => r.status) }],
});

registerCheck({
  id: 'content_type_conformance',
  requirement: 'CT-CONTENT-TYPE-001',
  title: 'The Content-Type is one documented for the status, or there is no body where none is documented',
  severity: 'medium',
  applies: needsResponse,
  run: (ctx) => {
    const { response, exchange } = ctx;
    const r = response!;
    const received = ctx.mediaType;
    const empty = exchange.bodyBytes === 0 && received === null;
    if (r.mediaTypes.length === 0) {
      return exchange.bodyBytes === 0 ? [] : [{ kind: 'unexpected-body', received, bytes: exchange.bodyBytes }];
    }
    if (empty && r.emptyBodyAllowed) return [];
    if (received === null && exchange.bodyBytes > 0 && r.contentTypeAbsentAllowed) return [];
    if (received !== null && mediaTypeMatches(received, r.mediaTypes)) return [];
    return [{ kind: 'content-type', received, documented: r.mediaTypes }];
  },
});

function mediaTypeMatches(received: string, documented: string[]): boolean {
  return documented.some((d) => d === received || d === '*/*' || (d.endsWith('/*') && received.startsWith(d.slice(0, -1))));
}

registerCheck({
  id: 'response_schema_conformance',
  requirement: 'CT-SCHEMA-001',
  title: 'The body matches the documented schema',
  severity: 'high',
  applies: (ctx) => {
    const guard = needsResponse(ctx);
    if (guard !== true) return guard;
    const mt = ctx.mediaType;
    if (mt === null || ctx.exchange.bodyBytes === 0) return { skip: 'no body' };
    if (!mediaTypeMatches(mt, ctx.response!.mediaTypes)) return { skip: `content type ${mt} is not documented (see content_type_conformance)` };
    if (!isJsonMediaType(mt)) return { skip: `${mt} bodies are not schema-checked` };
    if (ctx.exchange.body === undefined) return { skip: 'the body was streamed, not kept' };
    return true;
  },
  run: ({ contract, response, exchange, mediaType }) => {
    const mt = mediaType!;
    const documented = response!.mediaTypes.find((d) => d === mt) ?? response!.mediaTypes.find((d) => mediaTypeMatches(mt, [d]))!;
    const validator = contract.validator(response!, documented);
    if (validator === undefined) return [];
    if (typeof validator !== 'function') return [{ kind: 'no-validator', reason: validator.error }];
    let data: unknown = exchange.json;
    if (data === undefined) {
      try {
        data = JSON.parse(typeof exchange.body === 'string' ? exchange.body : exchange.body!.toString('utf8'));
      } catch (e) {
        return [{ kind: 'unparseable-body', mediaType: mt, reason: (e as Error).message }];
      }
    }
    return schemaFindings(validator, data, response!.pointer);
  },
});

function schemaFindings(validate: ValidateFunction, data: unknown, responsePointer: string): ResponseFinding[] {
  if (validate(data)) return [];
  // Copy right away: `errors` is replaced on the next call.
  return (validate.errors ?? []).slice(0, MAX_SCHEMA_FINDINGS).map((e) => ({
    kind: 'schema' as const,
    keyword: e.keyword,
    instancePath: e.instancePath,
    schemaPointer: `${responsePointer}${e.schemaPath.replace(/^[^#]*#/, '')}`,
    params: { ...(e.params as Record<string, unknown>) },
    message: e.message ?? e.keyword,
  }));
}

registerCheck({
  id: 'response_headers_conformance',
  requirement: 'CT-HEADERS-001',
  title: 'Every header the contract marks required is present, and every documented header present has a value its schema allows',
  severity: 'medium',
  applies: needsResponse,
  run: ({ contract, response, exchange }) => {
    const missing = response!.requiredHeaders.filter((h) => exchange.headers[h.toLowerCase()] === undefined);
    const findings: ResponseFinding[] = missing.length === 0 ? [] : [{ kind: 'missing-header', names: missing }];
    for (const { name, schemaPointer } of response!.headerSchemas) {
      const value = exchange.headers[name.toLowerCase()];
      if (value === undefined) continue;
      const r = contract.validateAt(schemaPointer, value);
      if ('error' in r) {
        findings.push({ kind: 'no-validator', reason: `header ${name}: ${r.error}` });
        continue;
      }
      for (const e of r.errors.slice(0, 3)) findings.push({ kind: 'header-value', name, value, keyword: e.keyword, schemaPointer, message: e.message ?? e.keyword });
    }
    return findings;
  },
});

/**
 * Runs the checks against one contract. The reference contract is truth, so its failures are FAIL;
 * a published or served contract is only an input, so disagreement with it is a WARN (drift).
 */
export function checkResponse(contract: CompiledContract, exchange: ExchangeView, checks: readonly ResponseCheck[] = allChecks()): CheckResult[] {
  const operation = contract.findOperation(exchange.method, pathOf(exchange.url));
  const response = operation ? contract.findResponse(operation, exchange.status) : undefined;
  const ctx: CheckContext = { contract, exchange, operation, response, mediaType: bareMediaType(exchange.headers['content-type']) };
  const failVerdict: Verdict = contract.role === 'reference' ? 'FAIL' : 'WARN';
  return checks.map((check) => {
    const base = { checkId: check.id, requirement: check.requirement, contract: contract.name };
    try {
      const applies = check.applies(ctx);
      if (applies !== true) return { ...base, verdict: 'SKIP', findings: [], reason: applies.skip };
      const findings = check.run(ctx);
      return { ...base, verdict: findings.length === 0 ? 'PASS' : failVerdict, findings };
    } catch (e) {
      // A bug in a check does not stop the run: it is the harness's ERROR, named.
      return { ...base, verdict: 'ERROR', findings: [], reason: `check ${check.id} threw: ${(e as Error).message}` };
    }
  });
}
