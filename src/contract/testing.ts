/** @module Small builders shared by the contract layer's self-tests (a minimal Broker-like contract). */
import { compileContract, type CompiledContract, type ContractRole } from './compile.ts';
import type { ExchangeView } from './checks.ts';

const securityHeaders = {
  'X-Content-Type-Options': { required: true, schema: { type: 'string', const: 'nosniff' } },
};

/** A tiny OpenAPI 3.1 contract with the shapes the checks care about. */
export function miniContractDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'mini', version: '1' },
    paths: {
      '/broker/api/v1/filetransfer/{fileTransferId}': {
        get: {
          operationId: 'getFileTransferOverview',
          responses: {
            '200': {
              description: 'overview',
              headers: securityHeaders,
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Overview' } } },
            },
            '401': {
              description: 'no token (empty) or no access (problem)',
              'x-empty-body-allowed': true,
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } },
            },
            '406': { description: 'Accept not supported (plain text, no Content-Type)', 'x-content-type-absent-allowed': true, content: { 'text/plain': { schema: { type: 'string' } } } },
            '404': { description: 'not found', content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } } },
          },
        },
      },
      '/broker/api/v1/filetransfer/{fileTransferId}/confirmdownload': {
        post: { operationId: 'confirmDownload', responses: { '204': { description: 'confirmed' } } },
      },
    },
    components: {
      schemas: {
        Overview: {
          type: 'object',
          additionalProperties: false,
          required: ['fileTransferId', 'fileTransferStatus', 'created', 'checksum'],
          properties: {
            fileTransferId: { type: 'string', format: 'uuid' },
            fileTransferStatus: { enum: ['Initialized', 'UploadStarted', 'Published'] },
            created: { type: 'string', format: 'date-time' },
            checksum: { type: ['string', 'null'] },
          },
        },
        Problem: {
          type: 'object',
          required: ['status', 'code'],
          properties: { status: { type: 'integer' }, code: { type: 'string', pattern: '^BRO-\\d{5}$' } },
        },
      },
    },
  };
}

export function miniContract(role: ContractRole = 'reference'): CompiledContract {
  return compileContract(miniContractDocument(), { name: role, role, source: 'mini', sha256: '' });
}

export const TRANSFER_ID = '6f1c2d8e-3b7a-4c1e-9a52-0d4f7e8b9c10';

export function goodOverview(): Record<string, unknown> {
  return { fileTransferId: TRANSFER_ID, fileTransferStatus: 'Published', created: '2026-08-18T10:00:00.11742+00:00', checksum: null };
}

export function exchange(overrides: Partial<ExchangeView> & { json?: unknown } = {}): ExchangeView {
  const { json, ...rest } = overrides;
  const body = json === undefined ? JSON.stringify(goodOverview()) : JSON.stringify(json);
  return {
    method: 'GET',
    url: `/broker/api/v1/filetransfer/${TRANSFER_ID}`,
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff' },
    body,
    bodyBytes: Buffer.byteLength(body),
    ...rest,
  };
}
