/**
 * @module What a condition is: a small named check (its name is the assertion, e.g.
 * `ConfirmBeforeDownloadIsRejected`) with a default requirement and a source, that evaluates an
 * input and returns PASS or FAIL with expected and actual (or SKIP with a reason).
 */
import type { Verdict } from '../contract/findings.ts';

export interface ConditionResult {
  verdict: Extract<Verdict, 'PASS' | 'FAIL' | 'WARN' | 'SKIP' | 'INFO'>;
  message: string;
  expected?: unknown;
  actual?: unknown;
}

export interface Condition<In> {
  id: string;
  requirement: string;
  source: string;
  evaluate(input: In): ConditionResult;
}

/** The part of a BrokerClient `Checked` response conditions look at. */
export interface ResponseLike {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
  problem?: { type?: string; title?: string; status?: number; detail?: string; code?: string; errors?: Record<string, string[]> };
  text: string;
  bodyBytes: number;
  md5?: string;
  exchangeId?: string;
}

export function condition<In>(id: string, requirement: string, source: string, evaluate: (input: In) => ConditionResult): Condition<In> {
  return { id, requirement, source, evaluate };
}

export const pass = (message: string, expected?: unknown, actual?: unknown): ConditionResult => ({ verdict: 'PASS', message, expected, actual });
export const fail = (message: string, expected?: unknown, actual?: unknown): ConditionResult => ({ verdict: 'FAIL', message, expected, actual });
export const skip = (message: string): ConditionResult => ({ verdict: 'SKIP', message });

/** PASS when every named part matches; FAIL names the parts that did not, with expected and actual for all. */
export function compare(what: string, parts: Record<string, { expected: unknown; actual: unknown; ok?: boolean }>): ConditionResult {
  const expected: Record<string, unknown> = {};
  const actual: Record<string, unknown> = {};
  const wrong: string[] = [];
  for (const [name, p] of Object.entries(parts)) {
    expected[name] = p.expected;
    actual[name] = p.actual;
    const ok = p.ok ?? JSON.stringify(p.expected) === JSON.stringify(p.actual);
    if (!ok) wrong.push(name);
  }
  return wrong.length === 0 ? pass(`${what}: as expected`, expected, actual) : fail(`${what}: ${wrong.join(', ')} differ${wrong.length === 1 ? 's' : ''}`, expected, actual);
}
