/**
 * @module Why a test failed, read from Playwright's errors: an assertion about the Broker (FAIL),
 * or something that says nothing about the Broker's conformance (ERROR): it could not be reached,
 * the test ran out of time, or the harness or its configuration threw.
 */
import type { FailureKind } from './entries.ts';

const ANSI = /\u001b\[[0-9;]*m/g;

/** `status` is Playwright's (failed, timedOut); `errors` its TestInfo errors. An assertion anywhere makes it a FAIL. */
export function failureKindOf(status: string, errors: { message?: string; stack?: string }[]): FailureKind {
  const messages = errors.map((e) => (e.message ?? e.stack ?? '').replace(ANSI, ''));
  if (messages.some((m) => /\bexpect(\.soft)?\(/.test(m))) return 'assertion';
  if (messages.some((m) => /^TransportError\b/.test(m))) return 'transport';
  if (status === 'timedOut' || messages.some((m) => /^Test timeout of \d+ms exceeded/.test(m))) return 'timeout';
  return 'harness';
}
