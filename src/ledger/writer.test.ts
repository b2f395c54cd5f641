/** @module Self-tests of reading a ledger back: whole, or only some types of entry (the reporter's first pass). */
import { expect, test } from '@playwright/test';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LedgerEntry } from './entries.ts';
import { LedgerWriter, readLedger } from './writer.ts';

test('a ledger reads back whole, or only the types asked for; text that merely mentions a type is no entry of it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-read-'));
  try {
    const path = join(dir, 'worker-0.ndjson');
    const writer = new LedgerWriter(path);
    const boundary = { testId: 't1', title: 'a test', file: 'specs/x.spec.ts', tags: [] };
    writer.record({ type: 'test-start', ...boundary, at: '2026-12-06T00:00:00.000Z' });
    // An exchange whose body speaks of test-start entries: escaped in its string, so no marker.
    writer.record({ type: 'note', testId: 't1', message: 'body: {"type":"test-start"}', at: '2026-12-06T00:00:00.500Z' } as unknown as LedgerEntry);
    writer.record({ type: 'test-end', ...boundary, status: 'passed', at: '2026-12-06T00:00:01.000Z' });
    writer.close();
    appendFileSync(path, '{"type":"test-start","testId":"t2"'); // torn by a crash
    const whole = readLedger(path);
    expect(whole.entries.map((e) => e.type)).toEqual(['test-start', 'note', 'test-end']);
    expect(whole.skippedLines).toBe(1);
    const starts = readLedger(path, { types: ['test-start'] });
    expect(starts.entries.map((e) => e.type)).toEqual(['test-start']);
    expect(starts.skippedLines).toBe(1);
    expect(readLedger(path, { types: ['test-end', 'run-start'] }).entries.map((e) => e.type)).toEqual(['test-end']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
