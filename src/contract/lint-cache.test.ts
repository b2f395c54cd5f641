import { expect, test } from '@playwright/test';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileContract } from './compile.ts';
import { prepareContract, REFERENCE_CONTRACT_PATH } from './contract-set.ts';
import { lintContract } from './lint.ts';
import { keptCompileFindings, lintedContract } from './lint-cache.ts';
import { loadContract } from './load.ts';

let dir: string;
test.beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lint-cache-'));
});
test.afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('the first read lints and keeps the report; the kept report is what a later read returns', async () => {
  const fresh = await lintContract(await loadContract(REFERENCE_CONTRACT_PATH));
  const first = await lintedContract(REFERENCE_CONTRACT_PATH, dir);
  expect({ findings: first.findings, repaired: first.repaired, stats: first.stats }).toEqual(JSON.parse(JSON.stringify(fresh)));
  const kept = readdirSync(dir);
  expect(kept).toHaveLength(1);
  expect(kept[0]).toMatch(new RegExp(`^${first.sha256}-[0-9a-f]{16}\\.json$`));
  // A doctored kept report is returned as it is: proof that the second read does not lint again.
  const file = join(dir, kept[0]!);
  const doctored = { ...JSON.parse(readFileSync(file, 'utf8')), findings: [{ id: 'kept', severity: 'warning', pointer: '', message: 'read from the cache' }] };
  writeFileSync(file, JSON.stringify(doctored));
  expect((await lintedContract(REFERENCE_CONTRACT_PATH, dir)).findings).toEqual(doctored.findings);
});

test('other bytes are linted afresh; an unreadable kept report is linted again and replaced', async () => {
  const a = join(dir, 'a.json');
  const doc = { openapi: '3.0.1', info: { title: 't', version: '1' }, paths: {} };
  writeFileSync(a, JSON.stringify(doc));
  const first = await lintedContract(a, join(dir, 'cache'));
  writeFileSync(a, JSON.stringify({ ...doc, info: { title: 'changed', version: '1' } }));
  const second = await lintedContract(a, join(dir, 'cache'));
  expect(second.sha256).not.toBe(first.sha256);
  expect((second.repaired.info as { title: string }).title).toBe('changed');
  expect(readdirSync(join(dir, 'cache'))).toHaveLength(2);
  const file = join(dir, 'cache', `${second.sha256}-${readdirSync(join(dir, 'cache')).find((f) => f.startsWith(second.sha256))!.split('-')[1]}`);
  writeFileSync(file, '{ not json');
  expect((await lintedContract(a, join(dir, 'cache'))).repaired).toEqual(second.repaired);
  expect(() => JSON.parse(readFileSync(file, 'utf8'))).not.toThrow();
});

test('compile findings are kept per contract and role: the second ask compiles nothing', async () => {
  let compiles = 0;
  const finding = { id: 'schema.does-not-compile', severity: 'error' as const, pointer: '/x', message: 'schema does not compile: x' };
  const compileAll = () => (compiles++, [finding]);
  expect(keptCompileFindings('ab'.repeat(32), 'published', compileAll, dir)).toEqual([finding]);
  expect(keptCompileFindings('ab'.repeat(32), 'published', compileAll, dir)).toEqual([finding]);
  expect(compiles).toBe(1);
  expect(keptCompileFindings('ab'.repeat(32), 'reference', compileAll, dir)).toEqual([finding]);
  expect(compiles).toBe(2);
});

test('a prepared contract reports the findings of every schema, kept or compiled, the same either way', async () => {
  const lint = await lintContract(await loadContract(REFERENCE_CONTRACT_PATH));
  const eager = compileContract(lint.repaired, { name: 'reference', role: 'reference', source: REFERENCE_CONTRACT_PATH, sha256: '' });
  const expected = [...lint.findings, ...eager.findings];
  expect((await prepareContract(REFERENCE_CONTRACT_PATH, 'reference', 'reference')).findings).toEqual(expected);
  expect((await prepareContract(REFERENCE_CONTRACT_PATH, 'reference', 'reference')).findings).toEqual(expected);
});
