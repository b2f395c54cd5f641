/**
 * @module Conditions on a single response: exact Broker errors (status, `BRO-000NN`, detail,
 * RFC 9110 type/title), auth-layer refusals (empty body), validation problems, plain statuses.
 */
import { BROKER_ERRORS, PROBLEM_TYPES, VALIDATION_TITLE, wireCode, type BrokerErrorName } from '../errors.ts';
import { compare, condition, fail, pass, type Condition, type ConditionResult, type ResponseLike } from '../condition.ts';
import type { Expectation } from '../validation.ts';

/** The response is exactly the Broker domain error `name` (§1.4a). */
export function brokerErrorResult(res: ResponseLike, name: BrokerErrorName): ConditionResult {
  const e = BROKER_ERRORS[name];
  const t = PROBLEM_TYPES[e.status];
  return compare(`${name} (${wireCode(e)})`, {
    status: { expected: e.status, actual: res.status },
    code: { expected: wireCode(e), actual: res.problem?.code },
    detail: { expected: e.detail, actual: res.problem?.detail },
    ...(t ? { type: { expected: t.type, actual: res.problem?.type }, title: { expected: t.title, actual: res.problem?.title } } : {}),
  });
}

/** A Broker error as TUS renders it (§8.8): the status and a text/plain body that is the message. */
export function brokerTextErrorResult(res: ResponseLike, name: BrokerErrorName): ConditionResult {
  const e = BROKER_ERRORS[name];
  return compare(`${name} as TUS text`, {
    status: { expected: e.status, actual: res.status },
    contentType: { expected: 'text/plain…', actual: res.headers['content-type'] ?? null, ok: /^text\/plain/i.test(res.headers['content-type'] ?? '') },
    body: { expected: e.detail, actual: res.text },
  });
}

/** A condition named for what it proves, checking for one Broker error. */
export function rejectedWith(id: string, requirement: string, source: string, name: BrokerErrorName): Condition<ResponseLike> {
  return condition(id, requirement, source, (res) => brokerErrorResult(res, name));
}

/** An auth-layer refusal (§1.2): the status, an empty body, and `WWW-Authenticate: Bearer…` on 401. */
export function authRefusalResult(res: ResponseLike, status: 401 | 403): ConditionResult {
  return compare(`auth layer ${status}`, {
    status: { expected: status, actual: res.status },
    bodyBytes: { expected: 0, actual: res.bodyBytes },
    ...(status === 401 ? { wwwAuthenticate: { expected: 'Bearer…', actual: res.headers['www-authenticate'] ?? null, ok: /^Bearer/.test(res.headers['www-authenticate'] ?? '') } } : {}),
  });
}

export const RefusedWithoutToken = condition<ResponseLike>('RefusedWithoutToken', 'AUTH-001', '§1.2', (res) => authRefusalResult(res, 401));
export const ForgedTokenIsRefused = condition<ResponseLike>('ForgedTokenIsRefused', 'AUTH-002', '§1.2', (res) => authRefusalResult(res, 401));
export const ExpiredTokenIsRefused = condition<ResponseLike>('ExpiredTokenIsRefused', 'AUTH-003', '§1.2', (res) => authRefusalResult(res, 401));
export const MissingScopeIsForbidden = condition<ResponseLike>('MissingScopeIsForbidden', 'AUTH-004', '§1.2', (res) => authRefusalResult(res, 403));

/** The response has exactly this status (and, for 204, no body). */
export function statusIs(id: string, requirement: string, source: string, status: number): Condition<ResponseLike> {
  return condition(id, requirement, source, (res) =>
    compare(`status ${status}`, {
      status: { expected: status, actual: res.status },
      ...(status === 204 ? { bodyBytes: { expected: 0, actual: res.bodyBytes } } : {}),
      ...(res.status >= 400 && res.status !== status ? { problem: { expected: '-', actual: res.problem?.code ?? res.text.slice(0, 200), ok: false } } : {}),
    }),
  );
}

/** Evaluates a validation-table expectation (§1.4b) against a response. */
export function expectationResult(res: ResponseLike, expectation: Expectation): ConditionResult {
  switch (expectation.kind) {
    case 'broker':
      return brokerErrorResult(res, expectation.error);
    case 'status':
      return compare(`status ${expectation.status}`, {
        status: { expected: expectation.status, actual: res.status },
        ...(expectation.problemType ? { type: { expected: expectation.problemType, actual: res.problem?.type } } : {}),
      });
    case 'validation-key': {
      const keys = Object.keys(res.problem?.errors ?? {});
      const ok = res.status === 400 && keys.some((k) => expectation.keyPattern.test(k));
      return ok ? pass('validation problem with the expected key', String(expectation.keyPattern), keys) : fail('no validation problem with the expected key', { status: 400, key: String(expectation.keyPattern) }, { status: res.status, keys });
    }
    case 'validation': {
      const messages = res.problem?.errors?.[expectation.key];
      const matches = (m: string) => expectation.messages.some((x) => (expectation.startsWith ? m.startsWith(x) : m === x));
      return compare(`validation problem keyed "${expectation.key}"`, {
        status: { expected: 400, actual: res.status },
        title: { expected: VALIDATION_TITLE, actual: res.problem?.title },
        code: { expected: undefined, actual: res.problem?.code, ok: res.problem?.code === undefined },
        message: { expected: expectation.messages.length === 1 ? expectation.messages[0] : { anyOf: expectation.messages }, actual: messages ?? Object.keys(res.problem?.errors ?? {}), ok: !!messages?.some(matches) },
      });
    }
  }
}

/** HDR-001: the security headers the Broker sets on every response it handles (§10.4), by value. */
export const securityHeadersAre = condition<ResponseLike>('SecurityHeadersAreSet', 'HDR-001', '§10.4', (res) =>
  compare('security headers', {
    'cache-control': { expected: 'no-store', actual: res.headers['cache-control'] ?? '(absent)' },
    'x-content-type-options': { expected: 'nosniff', actual: res.headers['x-content-type-options'] ?? '(absent)' },
  }),
);
