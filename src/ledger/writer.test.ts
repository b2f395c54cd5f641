/** @module Self-tests of reading a ledger back. */
import { expect, test } from '@playwright/test';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LedgerEntry } from './entries.ts';
import { LedgerWriter, readLedger } from './writer.ts';

test('a ledger reads back whole; a line torn by a crash is skipped and counted', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-read-'));
  try {
    const path = join(dir, 'worker-0.ndjson');
    const writer = new LedgerWriter(path);
    const boundary = { testId: 't1', title: 'a test', file: 'specs/x.spec.ts', tags: [] };
    writer.record({ type: 'test-start', ...boundary, at: '2026-12-06T00:00:00.000Z' });
    writer.record({ type: 'note', testId: 't1', message: 'body: {"type":"test-start"}', at: '2026-12-06T00:00:00.500Z' } as unknown as LedgerEntry);
    writer.record({ type: 'test-end', ...boundary, status: 'passed', at: '2026-12-06T00:00:01.000Z' });
    writer.close();
    appendFileSync(path, '{"type":"test-start","testId":"t2"'); // torn by a crash
    const whole = readLedger(path);
    expect(whole.entries.map((e) => e.type)).toEqual(['test-start', 'note', 'test-end']);
    expect(whole.skippedLines).toBe(1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
