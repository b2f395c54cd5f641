import { expect, test } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { ContractLoadError, loadContract } from './load.ts';
import { miniContractDocument } from './testing.ts';

const dir = mkdtempSync(join(tmpdir(), 'contract-load-'));
function file(name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

async function expectLoadError(source: string, message: RegExp) {
  const error = await loadContract(source).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ContractLoadError);
  expect((error as Error).message).toMatch(message);
  expect((error as Error).message).not.toContain('\n    at ');
}

test('JSON and YAML contracts load, with a digest of the bytes read', async () => {
  const json = await loadContract(file('c.json', JSON.stringify(miniContractDocument())));
  expect(json.format).toBe('json');
  expect(json.findings).toEqual([]);
  expect(json.sha256).toMatch(/^[0-9a-f]{64}$/);
  const yaml = await loadContract(file('c.yaml', toYaml(miniContractDocument())));
  expect(yaml.format).toBe('yaml');
  expect(yaml.document).toEqual(json.document);
});

test('a trailing comma loads tolerantly with a finding at the comma (line and column, CRLF counted once)', async () => {
  const text = '{\r\n  "openapi": "3.1.0",\r\n  "info": {"title": "t", "version": "1",},\r\n  "paths": {}\r\n}';
  const loaded = await loadContract(file('comma.json', text));
  expect(loaded.findings).toEqual([
    expect.objectContaining({ id: 'json.trailing-comma', severity: 'error', line: 3, column: 40 }),
  ]);
  expect(loaded.document.info).toEqual({ title: 't', version: '1' });
});

test('garbage gives a one-line reason, never a stack trace', async () => {
  await expectLoadError(file('empty.json', ''), /is empty$/);
  await expectLoadError(file('blank.yaml', '  \n\n'), /is empty$/);
  await expectLoadError(file('binary.bin', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00])), /binary file/);
  await expectLoadError(file('latin1.yaml', Buffer.from([0x6f, 0x70, 0x65, 0x6e, 0x61, 0x70, 0x69, 0x3a, 0x20, 0xe6, 0xf8])), /not UTF-8/);
  await expectLoadError(file('page.html', '<!DOCTYPE html><html><body>Sign in</body></html>'), /HTML or XML page/);
  await expectLoadError(file('bad.yaml', 'openapi: 3.1.0\ninfo: [unclosed\n'), /is not valid YAML \(line \d+, column \d+\)/);
  await expectLoadError(file('bad.json', '{"openapi": "3.1.0", "info": '), /is not valid JSON \(line 1, column \d+\)/);
  await expectLoadError(file('list.json', '[1, 2]'), /does not hold an object/);
  await expectLoadError(file('swagger.json', '{"swagger": "2.0"}'), /Swagger 2 is not supported/);
  await expectLoadError(join(dir, 'missing.json'), /^no file at /);
  await expectLoadError(dir, /is not a file$/);
});

test('URLs: a 404 and an unreachable host are clear errors; a served contract loads', async () => {
  const server: Server = createServer((req, res) => {
    if (req.url === '/openapi.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(miniContractDocument()));
    } else {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html>Not Found</html>');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    expect((await loadContract(`${base}/openapi.json`)).document.openapi).toBe('3.1.0');
    await expectLoadError(`${base}/nope.json`, /answered 404 Not Found$/);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
  const unused = createServer();
  await new Promise<void>((r) => unused.listen(0, '127.0.0.1', r));
  const deadPort = (unused.address() as AddressInfo).port;
  await new Promise((r) => unused.close(r));
  await expectLoadError(`http://127.0.0.1:${deadPort}/openapi.json`, /^cannot fetch .*: ECONNREFUSED$/);
});
