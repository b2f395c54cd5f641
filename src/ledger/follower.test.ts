/** @module Self-tests of following ledgers while they are written: what the follower has read always equals a fresh `readLedger`. */
import { expect, test } from '@playwright/test';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LedgerFollower } from './follower.ts';
import { readLedger } from './writer.ts';

function inTemp(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-follow-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const line = (i: number, text = `exchange ${i}`) => `${JSON.stringify({ type: 'note', testId: `t${i}`, message: text, at: '2026-12-06T00:00:00.000Z' })}\n`;

test('appended in pieces that split lines and characters anywhere, the ledger reads as readLedger reads it whole', () => {
  inTemp((dir) => {
    const path = join(dir, 'worker-0.ndjson');
    // Multi-byte characters (ø, €, an emoji), so some cuts fall inside one.
    const bytes = Buffer.from(Array.from({ length: 40 }, (_, i) => line(i, `Ærøskøbing € ${'🙂'.repeat(i % 3)} ${i}`)).join(''));
    const follower = new LedgerFollower();
    writeFileSync(path, '');
    let at = 0;
    for (const cut of [1, 7, 50, 51, 52, 300, 301, 777, 1500, 1501, 2222, bytes.length]) {
      appendFileSync(path, bytes.subarray(at, Math.min(cut, bytes.length)));
      at = Math.min(cut, bytes.length);
      follower.catchUp(path);
      expect(follower.read(path)).toEqual(readLedger(path));
    }
    expect(follower.read(path).entries).toHaveLength(40);
    expect(follower.read(path).skippedLines).toBe(0);
  });
});

test('a torn last line counts as skipped, as readLedger counts it, and is read once its newline comes', () => {
  inTemp((dir) => {
    const path = join(dir, 'worker-0.ndjson');
    writeFileSync(path, line(1) + line(2) + '{"type":"note","testId":"t3"');
    const follower = new LedgerFollower();
    follower.catchUp(path);
    expect(follower.read(path)).toEqual(readLedger(path));
    expect(follower.read(path).skippedLines).toBe(1);
    appendFileSync(path, ',"message":"m","at":"2026-12-06T00:00:00.000Z"}\n');
    expect(follower.read(path)).toEqual(readLedger(path));
    expect(follower.read(path).entries.map((e) => (e as { testId?: string }).testId)).toEqual(['t1', 't2', 't3']);
    // A corrupt line in the middle stays counted once, however often the file is read.
    appendFileSync(path, 'not json\n' + line(4));
    follower.catchUp(path);
    follower.catchUp(path);
    expect(follower.read(path)).toEqual(readLedger(path));
    expect(follower.read(path).skippedLines).toBe(1);
  });
});

test('a ledger that shrank was replaced and is read again from its start; one that does not exist reads empty', () => {
  inTemp((dir) => {
    const path = join(dir, 'worker-0.ndjson');
    const follower = new LedgerFollower();
    expect(follower.read(path)).toEqual({ entries: [], skippedLines: 0 });
    writeFileSync(path, line(1) + line(2) + line(3));
    follower.catchUp(path);
    writeFileSync(path, line(9));
    expect(follower.read(path)).toEqual(readLedger(path));
    expect(follower.read(path).entries.map((e) => (e as { testId?: string }).testId)).toEqual(['t9']);
  });
});
