/** @module Every named condition of the oracle. */
export * from './responses.ts';
export * from './lifecycle.ts';
export * from './cells.ts';
export * from './events.ts';
export * from './robustness.ts';
export * from './tus.ts';
export * from './download.ts';
export * from './search.ts';
