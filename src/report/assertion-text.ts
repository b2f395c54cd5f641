/**
 * @module Turns a test's error text (Playwright's `expect` output) into what a reader needs: a
 * headline, and expected/actual values when the text carries them. The assertion library's own
 * wording (`expect(received).toBe(expected) // Object.is equality`, diff markers, ANSI colours) is
 * dropped: the report shows values, not matcher calls.
 */

export interface CleanAssertion {
  /** The first meaningful line: the soft assertion's message (`LC-CONFIRM-002 LastConfirmAnswers204: …`), or the error. */
  headline: string;
  expected?: string;
  actual?: string;
  /** Remaining lines that say something (a deep-equality diff without its markers' legend), if any. */
  detail?: string;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const MATCHER_HINT = /^expect(?:\.soft)?\((?:received|actual)?\)(?:\.not)?(?:\.[A-Za-z]+)+\(.*?\)(?:\s*\/\/.*)?$/;
const LEGEND = /^[-+] (?:Expected|Received)\s+[-+] \d+$/;
const VALUE = /^\s*(Expected|Received|expected|actual)(?: value)?:\s?(.*)$/;

export function cleanAssertion(raw: string): CleanAssertion {
  const lines = raw.replace(ANSI, '').replace(/\r/g, '').split('\n');
  let headline = '';
  let expected: string | undefined;
  let actual: string | undefined;
  const rest: string[] = [];
  for (const line of lines) {
    const t = line.trim();
    if (!t || MATCHER_HINT.test(t) || LEGEND.test(t)) continue;
    const value = VALUE.exec(line);
    if (value) {
      const which = value[1]!.toLowerCase();
      if (which === 'expected') expected ??= value[2]!.trim();
      else actual ??= value[2]!.trim();
      continue;
    }
    if (/^\s*at\s/.test(line)) continue; // stack frames
    if (!headline) headline = t.replace(/^(?:Error|AssertionError|TypeError):\s*/, '');
    else rest.push(line);
  }
  return {
    headline: headline || 'failed without a message',
    ...(expected !== undefined ? { expected } : {}),
    ...(actual !== undefined ? { actual } : {}),
    ...(rest.length ? { detail: rest.join('\n') } : {}),
  };
}

/** One line for a check's message: the headline, then `expected X, actual Y` when known. */
export function assertionMessage(c: CleanAssertion): string {
  if (c.expected === undefined && c.actual === undefined) return c.headline;
  return `${c.headline} (expected ${c.expected ?? '?'}, actual ${c.actual ?? '?'})`;
}
