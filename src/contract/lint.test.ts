import { expect, test } from '@playwright/test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { compileContract } from './compile.ts';
import { lintContract } from './lint.ts';
import { loadContract, type LoadedContract } from './load.ts';
import { miniContractDocument } from './testing.ts';

const PUBLISHED = process.env.BROKER_PUBLISHED_CONTRACT ?? join(process.cwd(), '..', 'shared', 'contracts', 'altinn-broker-v1.published.json');

function loaded(document: Record<string, unknown>): LoadedContract {
  return { source: 'test', sha256: '', format: 'json', document, findings: [] };
}
const ids = (findings: { id: string }[]) => findings.map((f) => f.id);

test('a clean contract lints with nothing but the absence of security to report', async () => {
  const report = await lintContract(loaded(miniContractDocument()));
  expect(ids(report.findings).filter((id) => !id.startsWith('security.'))).toEqual([]);
});

test('each defect class is found, and repaired so the document means what was intended', async () => {
  const doc = miniContractDocument() as any;
  // Path item outside paths; schema outside schemas; a stray keyword; nullable in 3.1; encoding as media type.
  doc['/broker/api/v1/serviceowner'] = { get: { operationId: 'getServiceOwner', responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Owner' } } } } } } };
  doc.components.Owner = { type: 'object', required: ['name'], properties: { name: { type: 'string', nullable: true } } };
  doc.components.schemas.additionalProperties = false;
  doc.paths['/broker/api/v1/filetransfer/upload'] = {
    post: { operationId: 'upload', requestBody: { content: { 'multipart/form-data': { schema: { type: 'object', properties: { a: { type: 'string' } } } }, encoding: { a: { contentType: 'text/plain' } } } } },
    responses: { '200': { description: 'ok' } },
  };
  doc.webhooks = { 'no.altinn.broker.published': { post: { responses: { '200': { description: 'ok' } } }, 'no.altinn.broker.filepurged': { post: { responses: { '200': { description: 'ok' } } } } } };
  const report = await lintContract(loaded(doc));
  expect(ids(report.findings)).toEqual(expect.arrayContaining([
    'structure.path-item-outside-paths',
    'structure.schema-outside-schemas',
    'structure.stray-keyword-in-schemas',
    'schema.nullable-in-3.1',
    'structure.encoding-as-media-type',
    'structure.responses-on-path-item',
    'structure.webhook-inside-webhook',
    'ref.unresolved',
  ]));
  expect(report.stats.refsAsPublished.resolved).toBeLessThan(report.stats.refsAsPublished.total);
  expect(report.stats.refsAfterRepair.resolved).toBe(report.stats.refsAfterRepair.total);
  const r = report.repaired as any;
  expect(r.paths['/broker/api/v1/serviceowner']).toBeDefined();
  expect(r.components.schemas.Owner.properties.name.type).toEqual(['string', 'null']);
  expect(r.components.schemas.Overview.additionalProperties).toBe(false);
  expect(r.paths['/broker/api/v1/filetransfer/upload'].post.responses['200']).toBeDefined();
  expect(r.paths['/broker/api/v1/filetransfer/upload'].post.requestBody.content['multipart/form-data'].encoding).toBeDefined();
  expect(Object.keys(r.webhooks)).toEqual(['no.altinn.broker.published', 'no.altinn.broker.filepurged']);
  // Each repair is recorded as an info finding.
  expect(report.findings.filter((f) => f.id.startsWith('repair.')).every((f) => f.severity === 'info')).toBe(true);
  // The repaired contract validates null where the publisher meant it.
  const compiled = compileContract(report.repaired, { name: 'p', role: 'published', source: 't', sha256: '' });
  expect(compiled.validateAt('/components/schemas/Owner', { name: null })).toMatchObject({ valid: true });
});

test('semantic rules: missing operationId, missing security, error bodies under octet-stream, contradicting examples', async () => {
  const doc = miniContractDocument() as any;
  delete doc.paths['/broker/api/v1/filetransfer/{fileTransferId}/confirmdownload'].post.operationId;
  doc.paths['/broker/api/v1/filetransfer/{fileTransferId}'].get.responses['404'].content = { 'application/octet-stream': { schema: { $ref: '#/components/schemas/Problem' } } };
  doc.paths['/broker/api/v1/filetransfer/{fileTransferId}'].get.responses['200'].content['application/json'].example = { fileTransferId: 'x' };
  const report = await lintContract(loaded(doc));
  const found = ids(report.findings);
  expect(found).toContain('operation.missing-operation-id');
  expect(found).toContain('security.no-schemes');
  expect(found).toContain('response.error-body-media-type');
  expect(report.findings.find((f) => f.id === 'example.contradicts-schema')?.pointer).toBe('/paths/~1broker~1api~1v1~1filetransfer~1{fileTransferId}/get/responses/200/content/application~1json/example');
});

test('an OpenAPI 3.0 document compiles with nullable mapped to JSON Schema', () => {
  const doc = { openapi: '3.0.3', info: { title: 't', version: '1' }, paths: {}, components: { schemas: { S: { type: 'string', nullable: true } } } };
  const compiled = compileContract(doc, { name: 'x', role: 'published', source: 't', sha256: '' });
  expect(compiled.validateAt('/components/schemas/S', null)).toMatchObject({ valid: true });
  expect(compiled.validateAt('/components/schemas/S', 3)).toMatchObject({ valid: false });
});

test('the published Broker document: every known defect is reported, and after repair all 12 operations are indexed', async () => {
  test.skip(!existsSync(PUBLISHED), `published contract not found at ${PUBLISHED} (set BROKER_PUBLISHED_CONTRACT)`);
  const report = await lintContract(await loadContract(PUBLISHED));
  const count = (id: string) => report.findings.filter((f) => f.id === id).length;
  expect(report.findings.find((f) => f.id === 'json.trailing-comma')).toMatchObject({ line: 1096, column: 73 });
  expect(count('structure.path-item-outside-paths')).toBe(6);
  expect(count('structure.schema-outside-schemas')).toBe(13);
  expect(count('ref.unresolved')).toBe(50);
  expect(count('schema.nullable-in-3.1')).toBe(46);
  expect(count('response.error-body-media-type')).toBe(4);
  expect(count('operation.missing-operation-id')).toBe(12);
  expect(count('security.no-schemes')).toBe(1);
  expect(count('example.contradicts-schema')).toBe(3);
  expect(count('structure.webhook-inside-webhook')).toBe(2);
  expect(report.stats.operationsAsPublished).toBe(4);
  expect(report.stats.operationsAfterRepair).toBe(12);
  expect(report.stats.refsAsPublished).toEqual({ total: 62, resolved: 12 });
  expect(report.stats.refsAfterRepair.resolved / report.stats.refsAfterRepair.total).toBeGreaterThanOrEqual(0.95);
  const compiled = compileContract(report.repaired, { name: 'published', role: 'published', source: PUBLISHED, sha256: '' });
  expect(compiled.operations).toHaveLength(12);
  expect(compiled.findings.filter((f) => f.severity === 'error')).toEqual([]);
});
