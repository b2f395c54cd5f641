/**
 * @module What the contract layer reports, as data: findings about a contract document (lint and
 * repair) and findings about a response checked against a contract. Text is rendered from data.
 */

export type Severity = 'error' | 'warning' | 'info';

/** A defect (or a repair) in a contract document. `pointer` is a JSON Pointer into the document as parsed. */
export interface ContractFinding {
  /** Stable rule id, e.g. `json.trailing-comma`, `ref.unresolved`, `repair.path-item-outside-paths`. */
  id: string;
  severity: Severity;
  pointer: string;
  message: string;
  line?: number;
  column?: number;
}

/** Verdicts every check and condition ends in (DESIGN principle 2). ERROR = the harness itself broke. */
export type Verdict = 'PASS' | 'FAIL' | 'WARN' | 'SKIP' | 'INFO' | 'ERROR';

/** What is wrong with one response, by kind (schemathesis-style typed failures). */
export type ResponseFinding =
  | { kind: 'undocumented-operation'; method: string; path: string }
  | { kind: 'undocumented-status'; received: number; documented: string[] }
  | { kind: 'content-type'; received: string | null; documented: string[] }
  | { kind: 'unexpected-body'; received: string | null; bytes: number }
  | { kind: 'schema'; keyword: string; instancePath: string; schemaPointer: string; params: Record<string, unknown>; message: string }
  | { kind: 'unparseable-body'; mediaType: string; reason: string }
  | { kind: 'missing-header'; names: string[] }
  | { kind: 'header-value'; name: string; value: string; keyword: string; schemaPointer: string; message: string }
  | { kind: 'no-validator'; reason: string };

/** Renders a response finding as one line: "Received … / Documented …". */
export function describeResponseFinding(f: ResponseFinding): string {
  switch (f.kind) {
    case 'undocumented-operation':
      return `${f.method} ${f.path} is not an operation of this contract`;
    case 'undocumented-status':
      return `status ${f.received} is not documented (documented: ${f.documented.join(', ') || 'none'})`;
    case 'content-type':
      return `content type ${f.received ?? '(none)'} is not documented (documented: ${f.documented.join(', ') || 'no body'})`;
    case 'unexpected-body':
      return `a body of ${f.bytes} bytes (${f.received ?? 'no content type'}) where the contract documents none`;
    case 'schema': {
      // Name the offending property, not only the rule (`must NOT have additional properties: 'extra'`).
      const p = f.params;
      const named = typeof p.additionalProperty === 'string' ? `: '${p.additionalProperty}'` : typeof p.missingProperty === 'string' ? `: '${p.missingProperty}'` : '';
      return `body${f.instancePath || ''} ${f.message}${named} (${f.keyword} at ${f.schemaPointer})`;
    }
    case 'header-value':
      return `header ${f.name}: ${JSON.stringify(f.value)} ${f.message} (${f.keyword} at ${f.schemaPointer})`;
    case 'unparseable-body':
      return `body is not valid ${f.mediaType}: ${f.reason}`;
    case 'missing-header':
      return `required header${f.names.length > 1 ? 's' : ''} missing: ${f.names.join(', ')}`;
    case 'no-validator':
      return `cannot validate: ${f.reason}`;
  }
}
