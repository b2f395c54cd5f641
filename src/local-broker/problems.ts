/** @module Renders every problem body the Broker emits (§1.4): domain errors, validation failures, framework 415 and unhandled 500s. */
import { brokerCode, type BrokerErrorDef } from './errors.ts';

const STATUS_TYPES: Record<number, [string, string]> = {
  400: ['https://tools.ietf.org/html/rfc9110#section-15.5.1', 'Bad Request'],
  401: ['https://tools.ietf.org/html/rfc9110#section-15.5.2', 'Unauthorized'],
  403: ['https://tools.ietf.org/html/rfc9110#section-15.5.4', 'Forbidden'],
  404: ['https://tools.ietf.org/html/rfc9110#section-15.5.5', 'Not Found'],
  409: ['https://tools.ietf.org/html/rfc9110#section-15.5.10', 'Conflict'],
  413: ['https://tools.ietf.org/html/rfc9110#section-15.5.14', 'Content Too Large'],
  415: ['https://tools.ietf.org/html/rfc9110#section-15.5.16', 'Unsupported Media Type'],
  416: ['https://tools.ietf.org/html/rfc9110#section-15.5.17', 'Range Not Satisfiable'],
  500: ['https://tools.ietf.org/html/rfc9110#section-15.6.1', 'Internal Server Error'],
  502: ['https://tools.ietf.org/html/rfc9110#section-15.6.3', 'Bad Gateway'],
  503: ['https://tools.ietf.org/html/rfc9110#section-15.6.4', 'Service Unavailable'],
};

const STATUS_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  416: 'Range Not Satisfiable',
  500: 'An error occurred while processing your request.',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

function typeAndTitle(status: number): [string, string] {
  return STATUS_TYPES[status] ?? ['about:blank', 'Error'];
}

/** Serializes key/value pairs in order, allowing a repeated key (System.Text.Json writes extension data without de-duplicating). */
function orderedJson(pairs: Array<[string, unknown]>): string {
  return `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
}

/** §1.4a: type, title, status, detail, code, traceId, statusDescription, traceId. */
export function brokerProblemBody(error: BrokerErrorDef, traceId: string): string {
  const [type, title] = typeAndTitle(error.status);
  return orderedJson([
    ['type', type],
    ['title', title],
    ['status', error.status],
    ['detail', error.detail],
    ['code', brokerCode(error.code)],
    ['traceId', traceId],
    ['statusDescription', STATUS_DESCRIPTIONS[error.status] ?? title],
    ['traceId', traceId],
  ]);
}

/** §1.4b: type, title, status, errors, traceId. */
export function validationProblemBody(errors: Record<string, string[]>, traceId: string): string {
  return orderedJson([
    ['type', STATUS_TYPES[400]![0]],
    ['title', 'One or more validation errors occurred.'],
    ['status', 400],
    ['errors', errors],
    ['traceId', traceId],
  ]);
}

/** A bare framework problem (415 from the JSON input formatter, 413): type, title, status, traceId. */
export function frameworkProblemBody(status: number, traceId: string): string {
  const [type, title] = typeAndTitle(status);
  return orderedJson([
    ['type', type],
    ['title', title],
    ['status', status],
    ['traceId', traceId],
  ]);
}

/** §1.1 step 5: the exception handler's 500 body. */
export function unhandledProblemBody(instance: string, traceId: string): string {
  const [type, title] = typeAndTitle(500);
  return orderedJson([
    ['type', type],
    ['title', title],
    ['status', 500],
    ['detail', ''],
    ['instance', instance],
    ['traceId', traceId],
  ]);
}
