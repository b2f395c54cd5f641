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
    this.advance(path);
  }

  /** The file's entries as `readLedger` reads them now: caught up, and its unfinished last line parsed (not consumed). */
  read(path: string): ReadLedger {
    const { followed, rest } = this.advance(path);
    const last: ReadLedger = { entries: [], skippedLines: 0 };
    parseLedgerLines(rest, last);
    return { entries: [...followed.entries, ...last.entries], skippedLines: followed.skippedLines + last.skippedLines };
  }

  /** Parses the whole lines appended since the last call; returns the file's state and the text after its last newline. */
  private advance(path: string): { followed: Followed; rest: string } {
    let followed = this.files.get(path) ?? { entries: [], skippedLines: 0, offset: 0 };
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return { followed, rest: '' }; // not written yet, or gone: what was read stands
    }
    try {
      const size = fstatSync(fd).size;
      // A ledger only grows; one that shrank was replaced, and is read again from its start.
      if (size < followed.offset) followed = { entries: [], skippedLines: 0, offset: 0 };
      this.files.set(path, followed);
      const bytes = Buffer.alloc(size - followed.offset);
      let got = 0;
      while (got < bytes.length) {
        const n = readSync(fd, bytes, got, bytes.length - got, followed.offset + got);
        if (n === 0) break;
        got += n;
      }
      // Only whole lines are consumed: a newline byte never occurs inside a multi-byte UTF-8 character.
      const end = got > 0 ? bytes.lastIndexOf(NEWLINE, got - 1) : -1;
      if (end >= 0) {
        parseLedgerLines(bytes.toString('utf8', 0, end + 1), followed);
        followed.offset += end + 1;
      }
      return { followed, rest: bytes.toString('utf8', end + 1, got) };
    } finally {
      closeSync(fd);
    }
  }
}
