/**
 * @module Reads ledger files while the workers still write them: each call parses only the lines
 * appended since the last, so a reporter that follows the run has the entries parsed by the time it
 * ends instead of reading megabytes then. `read` gives what `readLedger` would give for the file as it
 * is now (the last line even without its newline, torn lines counted).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parseLedgerLines, type ReadLedger } from './writer.ts';

interface Followed extends ReadLedger {
  /** Bytes consumed, up to and including the last newline seen. */
  offset: number;
}

const NEWLINE = 0x0a;

export class LedgerFollower {
  private readonly files = new Map<string, Followed>();

  /** Parses the complete lines appended to `path` since the last call (nothing if it does not exist yet). */
  catchUp(path: string): void {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return;
    }
    try {
      let followed = this.files.get(path);
      const size = fstatSync(fd).size;
      // A ledger only grows; one that shrank was replaced, and is read again from its start.
      if (!followed || size < followed.offset) this.files.set(path, (followed = { entries: [], skippedLines: 0, offset: 0 }));
      if (size === followed.offset) return;
      const bytes = Buffer.alloc(size - followed.offset);
      let got = 0;
      while (got < bytes.length) {
        const n = readSync(fd, bytes, got, bytes.length - got, followed.offset + got);
        if (n === 0) break;
        got += n;
      }
      // Only whole lines: a newline byte never occurs inside a multi-byte UTF-8 character.
      const end = bytes.lastIndexOf(NEWLINE, got - 1);
      if (end < 0) return;
      parseLedgerLines(bytes.toString('utf8', 0, end + 1), followed);
      followed.offset += end + 1;
    } finally {
      closeSync(fd);
    }
  }

  /** The file's entries as `readLedger` reads them now: caught up, and its unfinished last line parsed (not consumed). */
  read(path: string): ReadLedger {
    this.catchUp(path);
    const followed = this.files.get(path) ?? { entries: [], skippedLines: 0, offset: 0 };
    const rest: ReadLedger = { entries: [], skippedLines: 0 };
    let fd: number | undefined;
    try {
      fd = openSync(path, 'r');
      const size = fstatSync(fd).size;
      if (size > followed.offset) {
        const bytes = Buffer.alloc(size - followed.offset);
        const n = readSync(fd, bytes, 0, bytes.length, followed.offset);
        parseLedgerLines(bytes.toString('utf8', 0, n), rest);
      }
    } catch {
      // Gone since: what was read stands.
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    return { entries: [...followed.entries, ...rest.entries], skippedLines: followed.skippedLines + rest.skippedLines };
  }
}
