/** @module The run's ledger: entry types, the append-only writer, and redaction. */
export * from './entries.ts';
export { LedgerWriter, MemoryLedger, readLedger, type LedgerSink } from './writer.ts';
export { MASK, redactHeaders, redactText, redactUrl, redactValue, registerSecret } from './redact.ts';
