import { expect, test } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { explain, loadExplanations, type ExplanationRule } from './contract-diff.ts';
import { CHANGE_IDS, diffDocuments, type ChangeId, type ContractChange } from './diff.ts';
import { ContractLoadError } from './load.ts';

type Doc = Record<string, any>;

// The cases run in order; the last test checks that together they produced every change class.
test.describe.configure({ mode: 'serial' });
const seen = new Set<ChangeId>();

/** A small contract: one GET with a query parameter and a 200 body, one POST with a JSON request body. */
function base(): Doc {
  return {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    paths: {
      '/items/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        get: {
          parameters: [{ name: 'expand', in: 'query', schema: { type: 'string', enum: ['all', 'none'] } }],
          responses: {
            '200': {
              description: 'ok',
              headers: { ETag: { required: true, schema: { type: 'string' } } },
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } },
            },
            '404': { description: 'no', content: { 'application/problem+json': { schema: { type: 'object' } } } },
          },
        },
      },
      '/items': {
        post: {
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/NewItem' } } } },
          responses: { '201': { description: 'created' } },
        },
      },
    },
    components: {
      schemas: {
        Item: {
          type: 'object',
          required: ['id', 'status'],
          properties: {
            id: { type: 'string', format: 'uuid' },
            status: { type: 'string', enum: ['Open', 'Closed'] },
            size: { type: 'integer', format: 'int64' },
            note: { type: 'string' },
            tags: { type: 'array', items: { type: 'string' } },
          },
        },
        NewItem: {
          type: 'object',
          required: ['name'],
          properties: { name: { type: 'string' }, kind: { type: 'string', enum: ['a', 'b'] }, size: { type: 'integer' } },
        },
      },
    },
  };
}

const GET = '/paths/~1items~1{id}/get';
const POST = '/paths/~1items/post';
const ITEM = '/components/schemas/Item';
const NEW = '/components/schemas/NewItem';

function changes(mutate: (b: Doc) => void, mutateA: (a: Doc) => void = () => undefined): ContractChange[] {
  const a = base();
  const b = base();
  mutateA(a);
  mutate(b);
  const found = diffDocuments(a, b).changes;
  for (const c of found) seen.add(c.id);
  return found;
}

/** The one change a mutation causes: its id, class and both pointers. */
function only(mutate: (b: Doc) => void, mutateA?: (a: Doc) => void): Pick<ContractChange, 'id' | 'breaking' | 'a' | 'b'> {
  const all = changes(mutate, mutateA);
  expect(all.map((c) => `${c.id} ${c.location}`), 'exactly one difference').toHaveLength(1);
  const { id, breaking, a, b } = all[0]!;
  return { id, breaking, a, b };
}

test('identical documents, and the same schema said in 3.0 and in 3.1 words, have no differences', () => {
  expect(diffDocuments(base(), base()).changes).toEqual([]);
  const a = base();
  a.components.schemas.Item.properties.note = { type: ['string', 'null'] };
  const b = base();
  b.openapi = '3.0.3';
  b.components.schemas.Item.properties.note = { type: 'string', nullable: true };
  expect(diffDocuments(a, b).changes).toEqual([]);
  // Raw bytes: 3.0 writes `format: binary`, 3.1 `contentMediaType` (or nothing).
  const bin = base();
  bin.paths['/items'].post.requestBody.content['application/octet-stream'] = { schema: { type: 'string', contentMediaType: 'application/octet-stream' } };
  const bin30 = base();
  bin30.openapi = '3.0.3';
  bin30.paths['/items'].post.requestBody.content['application/octet-stream'] = { schema: { type: 'string', format: 'binary' } };
  expect(diffDocuments(bin, bin30).changes).toEqual([]);
  // A nullable reference: 3.1 `anyOf [$ref, null]`, 3.0 `allOf [$ref]` with `nullable: true`.
  const ref31 = base();
  ref31.components.schemas.Item.properties.status = { anyOf: [{ $ref: '#/components/schemas/Status' }, { type: 'null' }] };
  ref31.components.schemas.Status = { type: 'string', enum: ['Open', 'Closed'] };
  const ref30 = structuredClone(ref31);
  ref30.openapi = '3.0.3';
  ref30.components.schemas.Item.properties.status = { allOf: [{ $ref: '#/components/schemas/Status' }], nullable: true };
  expect(diffDocuments(ref31, ref30).changes).toEqual([]);
  expect(diffDocuments(base(), ref30).changes.map((c) => c.id)).toEqual(['schema.nullable-added']);
  // A single-member allOf around a $ref (what generators write) is the $ref.
  const c = base();
  c.components.schemas.Item.properties.status = { allOf: [{ $ref: '#/components/schemas/Status' }] };
  c.components.schemas.Status = { type: 'string', enum: ['Open', 'Closed'] };
  expect(diffDocuments(base(), c).changes).toEqual([]);
});

test('operations: removed is breaking, added is not; path parameters match by position and literals by case', () => {
  expect(only((b) => delete b.paths['/items'])).toEqual({ id: 'operation.removed', breaking: true, a: POST, b: null });
  expect(only((b) => (b.paths['/items'].delete = { responses: { '204': { description: 'gone' } } }))).toEqual({ id: 'operation.added', breaking: false, a: null, b: '/paths/~1items/delete' });
  expect(
    changes((b) => {
      b.paths['/Items/{itemId}'] = b.paths['/items/{id}'];
      b.paths['/Items/{itemId}'].parameters[0].name = 'itemId';
      delete b.paths['/items/{id}'];
    }),
  ).toEqual([]);
});

test('parameters: added required / now required / enum narrowed break a client; optional additions, removals and case do not', () => {
  const add = (required: boolean) => (b: Doc) => b.paths['/items/{id}'].get.parameters.push({ name: 'limit', in: 'query', required, schema: { type: 'integer' } });
  expect(only(add(true))).toEqual({ id: 'parameter.added', breaking: true, a: GET, b: `${GET}/parameters/1` });
  expect(only(add(false))).toMatchObject({ id: 'parameter.added', breaking: false });
  expect(only((b) => (b.paths['/items/{id}'].get.parameters = []))).toEqual({ id: 'parameter.removed', breaking: false, a: `${GET}/parameters/0`, b: GET });
  expect(only((b) => (b.paths['/items/{id}'].get.parameters[0].required = true))).toMatchObject({ id: 'parameter.required-changed', breaking: true });
  expect(only((b) => (b.paths['/items/{id}'].get.parameters[0].required = false), (a) => (a.paths['/items/{id}'].get.parameters[0].required = true))).toMatchObject({ id: 'parameter.required-changed', breaking: false });
  expect(only((b) => (b.paths['/items/{id}'].get.parameters[0].name = 'Expand'))).toMatchObject({ id: 'parameter.name-case-changed', breaking: false });
  // In a request, fewer allowed values break the client; more do not.
  expect(only((b) => (b.paths['/items/{id}'].get.parameters[0].schema.enum = ['all']))).toEqual({ id: 'schema.enum-values-removed', breaking: true, a: `${GET}/parameters/0/schema`, b: `${GET}/parameters/0/schema` });
  expect(only((b) => b.paths['/items/{id}'].get.parameters[0].schema.enum.push('some'))).toMatchObject({ id: 'schema.enum-values-added', breaking: false });
  // The path-item level parameter is compared too.
  expect(only((b) => (b.paths['/items/{id}'].parameters[0].schema.format = 'int64'))).toEqual({ id: 'schema.format-changed', breaking: true, a: '/paths/~1items~1{id}/parameters/0/schema', b: '/paths/~1items~1{id}/parameters/0/schema' });
});

test('request bodies: a new required body, a removed media type and a newly required property break; the rest does not', () => {
  expect(only((b) => delete b.paths['/items'].post.requestBody)).toEqual({ id: 'request-body.removed', breaking: false, a: `${POST}/requestBody`, b: POST });
  expect(only((b) => (b.paths['/items'].post.requestBody = base().paths['/items'].post.requestBody), (a) => delete a.paths['/items'].post.requestBody)).toMatchObject({ id: 'request-body.added', breaking: true });
  expect(only((b) => (b.paths['/items'].post.requestBody.required = false))).toMatchObject({ id: 'request-body.required-changed', breaking: false });
  expect(only((b) => (b.paths['/items'].post.requestBody.required = true), (a) => (a.paths['/items'].post.requestBody.required = false))).toMatchObject({ id: 'request-body.required-changed', breaking: true });
  const media = (b: Doc) => {
    b.paths['/items'].post.requestBody.content = { 'application/xml': b.paths['/items'].post.requestBody.content['application/json'] };
  };
  expect(changes(media).map((c) => [c.id, c.breaking])).toEqual([['request-body.media-type-removed', true], ['request-body.media-type-added', false]]);
  expect(only((b) => b.components.schemas.NewItem.required.push('kind'))).toEqual({ id: 'schema.required-added', breaking: true, a: `${NEW}/properties/kind`, b: `${NEW}/properties/kind` });
  expect(only((b) => (b.components.schemas.NewItem.required = []))).toMatchObject({ id: 'schema.required-removed', breaking: false });
  expect(only((b) => (b.components.schemas.NewItem.properties.colour = { type: 'string' }))).toEqual({ id: 'schema.property-added', breaking: false, a: NEW, b: `${NEW}/properties/colour` });
  expect(only((b) => {
    b.components.schemas.NewItem.properties.colour = { type: 'string' };
    b.components.schemas.NewItem.required.push('colour');
  })).toMatchObject({ id: 'schema.property-added', breaking: true });
  expect(only((b) => delete b.components.schemas.NewItem.properties.size)).toMatchObject({ id: 'schema.property-removed', breaking: false });
  // A request that may no longer be null breaks; one that now may be does not.
  expect(only((b) => (b.components.schemas.NewItem.properties.name.type = ['string', 'null']))).toMatchObject({ id: 'schema.nullable-added', breaking: false });
  expect(only((b) => (b.components.schemas.NewItem.properties.name.type = 'string'), (a) => (a.components.schemas.NewItem.properties.name.type = ['string', 'null']))).toMatchObject({ id: 'schema.nullable-removed', breaking: true });
  // integer → number widens a request (fine), number → integer narrows it.
  expect(only((b) => (b.components.schemas.NewItem.properties.size.type = 'number'))).toMatchObject({ id: 'schema.type-changed', breaking: false });
  expect(only((b) => (b.components.schemas.NewItem.properties.size.type = 'integer'), (a) => (a.components.schemas.NewItem.properties.size.type = 'number'))).toMatchObject({ id: 'schema.type-changed', breaking: true });
});

test('responses: a removed success, media type or required header, and every widening of a body break a client; the rest does not', () => {
  const R200 = `${GET}/responses/200`;
  expect(only((b) => delete b.paths['/items/{id}'].get.responses['200'].headers, (a) => (a.paths['/items/{id}'].get.responses['200'].headers.ETag.required = true))).toEqual({
    id: 'response.header-removed',
    breaking: true,
    a: `${R200}/headers/ETag`,
    b: R200,
  });
  expect(only((b) => (b.paths['/items/{id}'].get.responses['200'].headers['X-Extra'] = { schema: { type: 'string' } }))).toMatchObject({ id: 'response.header-added', breaking: false, b: `${R200}/headers/X-Extra` });
  expect(only((b) => (b.paths['/items/{id}'].get.responses['200'].headers.ETag.required = false))).toMatchObject({ id: 'response.header-required-changed', breaking: true });
  expect(only((b) => delete b.paths['/items/{id}'].get.responses['200'])).toEqual({ id: 'response.status-removed', breaking: true, a: R200, b: `${GET}/responses` });
  expect(only((b) => delete b.paths['/items/{id}'].get.responses['404'])).toMatchObject({ id: 'response.status-removed', breaking: false });
  expect(only((b) => (b.paths['/items/{id}'].get.responses['429'] = { description: 'slow down' }))).toEqual({ id: 'response.status-added', breaking: false, a: `${GET}/responses`, b: `${GET}/responses/429` });
  expect(changes((b) => (b.paths['/items/{id}'].get.responses['404'].content = { 'application/json': { schema: { type: 'object' } } })).map((c) => [c.id, c.breaking])).toEqual([
    ['response.media-type-removed', true],
    ['response.media-type-added', false],
  ]);
  // Body schemas, down to properties, array items included.
  expect(only((b) => delete b.components.schemas.Item.properties.note)).toEqual({ id: 'schema.property-removed', breaking: true, a: `${ITEM}/properties/note`, b: ITEM });
  expect(only((b) => (b.components.schemas.Item.properties.extra = { type: 'string' }))).toMatchObject({ id: 'schema.property-added', breaking: false });
  expect(only((b) => (b.components.schemas.Item.required = ['id']))).toEqual({ id: 'schema.required-removed', breaking: true, a: `${ITEM}/properties/status`, b: `${ITEM}/properties/status` });
  expect(only((b) => b.components.schemas.Item.required.push('note'))).toMatchObject({ id: 'schema.required-added', breaking: false });
  expect(only((b) => (b.components.schemas.Item.properties.note.type = ['string', 'null']))).toEqual({ id: 'schema.nullable-added', breaking: true, a: `${ITEM}/properties/note`, b: `${ITEM}/properties/note` });
  expect(only((b) => (b.components.schemas.Item.properties.note.type = 'string'), (a) => (a.components.schemas.Item.properties.note.nullable = true))).toMatchObject({ id: 'schema.nullable-removed', breaking: false });
  expect(only((b) => (b.components.schemas.Item.properties.size.type = 'number'))).toMatchObject({ id: 'schema.type-changed', breaking: true });
  expect(only((b) => (b.components.schemas.Item.properties.size.type = 'integer'), (a) => (a.components.schemas.Item.properties.size.type = 'number'))).toMatchObject({ id: 'schema.type-changed', breaking: false });
  expect(only((b) => (b.components.schemas.Item.properties.size.format = 'int32'))).toMatchObject({ id: 'schema.format-changed', breaking: true });
  expect(only((b) => delete b.components.schemas.Item.properties.id.format)).toMatchObject({ id: 'schema.format-changed', breaking: true });
  expect(only((b) => (b.components.schemas.Item.properties.note.format = 'email'))).toMatchObject({ id: 'schema.format-changed', breaking: false });
  expect(only((b) => b.components.schemas.Item.properties.status.enum.push('Archived'))).toMatchObject({ id: 'schema.enum-values-added', breaking: true });
  expect(only((b) => (b.components.schemas.Item.properties.status.enum = ['Open']))).toMatchObject({ id: 'schema.enum-values-removed', breaking: false });
  expect(only((b) => (b.components.schemas.Item.properties.tags.items = { type: 'integer' }))).toEqual({ id: 'schema.type-changed', breaking: true, a: `${ITEM}/properties/tags/items`, b: `${ITEM}/properties/tags/items` });
});

test('a oneOf of error variants is compared as one union: properties every variant has, values any variant allows', () => {
  const a = base();
  a.paths['/items/{id}'].get.responses['404'].content['application/problem+json'].schema = {
    oneOf: [
      { type: 'object', required: ['code'], properties: { code: { const: 'E1' }, detail: { type: 'string' } } },
      { type: 'object', required: ['code'], properties: { code: { const: 'E2' } } },
    ],
  };
  const b = structuredClone(a);
  b.paths['/items/{id}'].get.responses['404'].content['application/problem+json'].schema.oneOf[1].properties.code.const = 'E3';
  const found = diffDocuments(a, b).changes.map((c) => [c.id, c.breaking, c.message]);
  expect(found).toEqual([
    ['schema.enum-values-added', true, 'new values E3'],
    ['schema.enum-values-removed', false, 'values no longer allowed E2'],
  ]);
});

test('recursive schemas (a tree of nodes, a schema that is its own allOf member) are compared without running away', () => {
  const a = base();
  a.components.schemas.Node = { type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/components/schemas/Node' } } } };
  a.components.schemas.Loop = { allOf: [{ $ref: '#/components/schemas/Loop' }], type: 'object' };
  a.components.schemas.Item.properties.tree = { $ref: '#/components/schemas/Node' };
  a.components.schemas.Item.properties.loop = { $ref: '#/components/schemas/Loop' };
  const b = structuredClone(a);
  b.components.schemas.Node.properties.name.type = 'integer';
  expect(diffDocuments(a, b).changes.map((c) => [c.id, c.location])).toEqual([['schema.type-changed', 'response 200 application/json tree.name']]);
});

test('explanations mark the differences they match, report rules that match nothing, and reject a bad file with its place', () => {
  const diff = diffDocuments(base(), (() => {
    const b = base();
    delete b.components.schemas.Item.properties.note;
    b.paths['/items/{id}'].get.responses['429'] = { description: 'gateway' };
    return b;
  })());
  const rules: ExplanationRule[] = [
    { id: 'gateway-429', match: { change: ['response.status-added'], b: '/responses/429$' }, reason: 'the gateway adds it', citation: 'https://example.invalid/gateway' },
    { id: 'stale', match: { change: ['operation.removed'] }, reason: 'gone', citation: 'x' },
  ];
  const { diff: explained, unused } = explain(diff, rules);
  expect(explained.changes.find((c) => c.id === 'response.status-added')?.explained).toEqual({ rule: 'gateway-429', reason: 'the gateway adds it', citation: 'https://example.invalid/gateway' });
  expect(explained.changes.find((c) => c.id === 'schema.property-removed')?.explained).toBeUndefined();
  expect(explained.counts).toMatchObject({ total: 2, breaking: 1, explained: 1, unexplainedBreaking: 1 });
  expect(unused).toEqual(['stale']);

  const dir = mkdtempSync(join(tmpdir(), 'explain-'));
  const file = join(dir, 'e.yaml');
  writeFileSync(file, 'explanations:\n  - id: x\n    match: { chnage: [operation.added] }\n    reason: r\n    citation: c\n');
  expect(() => loadExplanations(file)).toThrow(ContractLoadError);
  expect(() => loadExplanations(file)).toThrow(/explanations\[0\] \(x\): unknown match field "chnage"/);
  writeFileSync(file, 'explanations:\n  - id: x\n    match: { operation: "(" }\n    reason: r\n    citation: c\n');
  expect(() => loadExplanations(file)).toThrow(/match.operation is not a regular expression/);
  expect(() => loadExplanations(join(dir, 'missing.yaml'))).toThrow(/no explanations file/);
});

test('the hand-made pairs above produced every change class there is', () => {
  expect(CHANGE_IDS.filter((id) => !seen.has(id))).toEqual([]);
});
