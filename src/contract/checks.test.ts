import { expect, test } from '@playwright/test';
import { ConfigError } from '../config/errors.ts';
import { checkResponse, enabledChecks, type CheckResult } from './checks.ts';
import { prepareContract, REFERENCE_CONTRACT_PATH } from './contract-set.ts';
import { describeResponseFinding } from './findings.ts';
import { exchange, goodOverview, miniContract, TRANSFER_ID } from './testing.ts';

const contract = miniContract();
const verdictOf = (results: CheckResult[], id: string) => results.find((r) => r.checkId === id)!;
const failing = (results: CheckResult[]) => results.filter((r) => r.verdict === 'FAIL').map((r) => r.checkId);

test('a correct response passes every check', () => {
  const results = checkResponse(contract, exchange());
  expect(results.map((r) => r.verdict)).toEqual(['PASS', 'PASS', 'PASS', 'PASS', 'PASS']);
});

test('an undocumented status is caught, and the checks that need it say why they skip', () => {
  const results = checkResponse(contract, exchange({ status: 418 }));
  expect(failing(results)).toEqual(['status_code_conformance']);
  expect(verdictOf(results, 'status_code_conformance').findings[0]).toMatchObject({ kind: 'undocumented-status', received: 418, documented: ['200', '401', '404', '406'] });
  expect(verdictOf(results, 'response_schema_conformance')).toMatchObject({ verdict: 'SKIP', reason: 'status 418 is not documented' });
});

test('an undocumented content type is caught', () => {
  const results = checkResponse(contract, exchange({ headers: { 'content-type': 'text/html', 'x-content-type-options': 'nosniff' } }));
  expect(failing(results)).toEqual(['content_type_conformance']);
  expect(describeResponseFinding(verdictOf(results, 'content_type_conformance').findings[0]!)).toContain('text/html is not documented');
});

test('charset parameters do not matter, the media type does', () => {
  const results = checkResponse(contract, exchange({ headers: { 'content-type': 'Application/JSON;charset=UTF-8', 'x-content-type-options': 'nosniff' } }));
  expect(failing(results)).toEqual([]);
});

test('a missing required property is caught with its instance path', () => {
  const { checksum: _, ...body } = goodOverview();
  const r = verdictOf(checkResponse(contract, exchange({ json: body })), 'response_schema_conformance');
  expect(r.verdict).toBe('FAIL');
  expect(r.findings[0]).toMatchObject({ kind: 'schema', keyword: 'required', params: { missingProperty: 'checksum' } });
});

test('a wrong enum value is caught', () => {
  const r = verdictOf(checkResponse(contract, exchange({ json: { ...goodOverview(), fileTransferStatus: 'Downloaded' } })), 'response_schema_conformance');
  expect(r.findings[0]).toMatchObject({ keyword: 'enum', instancePath: '/fileTransferStatus' });
});

test('wrong formats are caught: uuid and date-time', () => {
  const r = verdictOf(checkResponse(contract, exchange({ json: { ...goodOverview(), fileTransferId: 'not-a-guid', created: '18.08.2026 10:00' } })), 'response_schema_conformance');
  expect(r.findings.map((f) => f.kind === 'schema' && [f.keyword, f.instancePath])).toEqual([
    ['format', '/fileTransferId'],
    ['format', '/created'],
  ]);
});

test('an extra property is caught where the schema forbids it', () => {
  const r = verdictOf(checkResponse(contract, exchange({ json: { ...goodOverview(), secretField: 1 } })), 'response_schema_conformance');
  expect(r.findings[0]).toMatchObject({ keyword: 'additionalProperties', params: { additionalProperty: 'secretField' } });
  expect(r.findings[0]).toMatchObject({ schemaPointer: expect.stringContaining('/paths/~1broker~1api~1v1~1filetransfer~1{fileTransferId}/get/responses/200') });
});

test('a missing required header is caught', () => {
  const results = checkResponse(contract, exchange({ headers: { 'content-type': 'application/json' } }));
  expect(failing(results)).toEqual(['response_headers_conformance']);
  expect(verdictOf(results, 'response_headers_conformance').findings[0]).toEqual({ kind: 'missing-header', names: ['X-Content-Type-Options'] });
});

test('a header value its schema does not allow is caught, naming the header and the value', () => {
  const results = checkResponse(contract, exchange({ headers: { 'content-type': 'application/json', 'x-content-type-options': 'sniff' } }));
  expect(failing(results)).toEqual(['response_headers_conformance']);
  const finding = verdictOf(results, 'response_headers_conformance').findings[0]!;
  expect(finding).toMatchObject({ kind: 'header-value', name: 'X-Content-Type-Options', value: 'sniff', keyword: 'const' });
  expect(describeResponseFinding(finding)).toContain('X-Content-Type-Options: "sniff"');
});

test('the reference contract checks Cache-Control by its value, through a $ref to components/headers', async () => {
  const reference = (await prepareContract(REFERENCE_CONTRACT_PATH, 'reference', 'reference')).compiled;
  const overview = { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' } };
  const results = checkResponse(reference, exchange({ ...overview, url: `/broker/api/v1/filetransfer/${TRANSFER_ID}` }));
  const headers = verdictOf(results, 'response_headers_conformance');
  expect(headers.verdict).toBe('FAIL');
  expect(headers.findings).toContainEqual(expect.objectContaining({ kind: 'header-value', name: 'Cache-Control', value: 'no-cache', schemaPointer: '/components/headers/CacheControl/schema' }));
  const good = checkResponse(reference, exchange({ ...overview, headers: { ...overview.headers, 'cache-control': 'no-store' }, url: `/broker/api/v1/filetransfer/${TRANSFER_ID}` }));
  expect(verdictOf(good, 'response_headers_conformance').verdict).toBe('PASS');
});

test('the extra-property finding names the property', () => {
  const r = verdictOf(checkResponse(contract, exchange({ json: { ...goodOverview(), secretField: 1 } })), 'response_schema_conformance');
  expect(describeResponseFinding(r.findings[0]!)).toContain("'secretField'");
});

test('a body that is not JSON under a JSON media type is caught', () => {
  const r = verdictOf(checkResponse(contract, exchange({ body: '<html>502 Bad Gateway</html>', bodyBytes: 28 })), 'response_schema_conformance');
  expect(r.findings[0]).toMatchObject({ kind: 'unparseable-body', mediaType: 'application/json' });
});

test('an empty 401 is fine where the contract allows an empty body, a body where none is documented is not', () => {
  const empty401 = checkResponse(contract, exchange({ status: 401, headers: {}, body: '', bodyBytes: 0 }));
  expect(failing(empty401)).toEqual([]);
  const empty404 = checkResponse(contract, exchange({ status: 404, headers: {}, body: '', bodyBytes: 0 }));
  expect(failing(empty404)).toEqual(['content_type_conformance']);
  const confirmWithBody = checkResponse(contract, { method: 'POST', url: `/broker/api/v1/filetransfer/${TRANSFER_ID}/confirmdownload`, status: 204, headers: { 'content-type': 'application/json' }, body: '{}', bodyBytes: 2 });
  expect(failing(confirmWithBody)).toEqual(['content_type_conformance']);
});

test('a body without Content-Type passes only where the contract says the Broker sends none (406)', () => {
  const text = 'This endpoint does not support the requested Accept header.';
  const bare406 = checkResponse(contract, exchange({ status: 406, headers: {}, body: text, bodyBytes: text.length }));
  expect(failing(bare406)).toEqual([]);
  const bare404 = checkResponse(contract, exchange({ status: 404, headers: {}, body: text, bodyBytes: text.length }));
  expect(failing(bare404)).toEqual(['content_type_conformance']);
});

test('an unknown operation is caught', () => {
  const results = checkResponse(contract, exchange({ url: '/broker/api/v1/nothing-here' }));
  expect(failing(results)).toEqual(['operation_documented']);
});

test('against a published contract a disagreement is a WARN, not a FAIL', () => {
  const results = checkResponse(miniContract('published'), exchange({ status: 418 }));
  expect(verdictOf(results, 'status_code_conformance').verdict).toBe('WARN');
});

test('checks are configured by id; a misspelt id is a configuration error', () => {
  expect(enabledChecks(['response_headers_conformance']).map((c) => c.id)).not.toContain('response_headers_conformance');
  expect(() => enabledChecks(['response_header_conformance'])).toThrow(ConfigError);
});

test('a check that throws is the harness ERROR and the other checks still run', () => {
  const broken = { ...enabledChecks()[0]!, id: 'broken', run: () => { throw new Error('boom'); } };
  const results = checkResponse(contract, exchange(), [broken, ...enabledChecks()]);
  expect(results[0]).toMatchObject({ checkId: 'broken', verdict: 'ERROR', reason: 'check broken threw: boom' });
  expect(results.slice(1).every((r) => r.verdict === 'PASS')).toBe(true);
});
