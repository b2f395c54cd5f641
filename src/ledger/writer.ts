/**
 * @module Appends ledger entries to disk as the run goes: one JSON line per record, written with a
 * single synchronous append so a crash or Ctrl-C loses at most the record being written. Every
 * record passes through redaction here, the one boundary no artefact can bypass.
 */
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LedgerEntry } from './entries.ts';
import { redactValue } from './redact.ts';

export interface LedgerSink {
  record(entry: LedgerEntry): void;
}

export class LedgerWriter implements LedgerSink {
  private fd: number | undefined;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
  }

  record(entry: LedgerEntry): void {
    if (this.fd === undefined) throw new Error(`ledger ${this.path} is closed`);
    writeSync(this.fd, `${JSON.stringify(redactValue(entry))}\n`);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Keeps entries in memory (self-tests), still redacted like the file writer. */
export class MemoryLedger implements LedgerSink {
  readonly entries: LedgerEntry[] = [];
  record(entry: LedgerEntry): void {
    this.entries.push(redactValue(entry));
  }
}

/** What reading a ledger gives: its entries, and how many lines were torn or corrupt. */
export interface ReadLedger {
  entries: LedgerEntry[];
  skippedLines: number;
}

/** Reads a ledger file; a torn last line (crash mid-write) or a corrupt line is skipped and counted. */
export function readLedger(path: string): ReadLedger {
  const read: ReadLedger = { entries: [], skippedLines: 0 };
  parseLedgerLines(readFileSync(path, 'utf8'), read);
  return read;
}

/** Parses ledger lines into `into` (one JSON entry a line; blank lines ignored; the unparsable counted). */
export function parseLedgerLines(text: string, into: ReadLedger): void {
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      into.entries.push(JSON.parse(line) as LedgerEntry);
    } catch {
      into.skippedLines++;
    }
  }
}
