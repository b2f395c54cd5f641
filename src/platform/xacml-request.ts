/**
 * @module Reads the XACML JSON decision request a Broker sends to the authorization PDP
 * (`POST authorization/api/v1/authorize`) and refuses, as drift, anything not shaped the way the
 * Broker builds it: camelCase members with the unused ones written as null, one resource category
 * (resource id, the party's 9 digits, optionally the file transfer id), one or two action categories
 * (`write`, `read`, or `write` then `read` for search), one subject category from the caller's claims.
 * Facts from Altinn/altinn-broker@161ba122:src/Altinn.Broker.Integrations/Altinn/Authorization/AltinnAuthorizationService.cs
 * and XacmlMappers.cs.
 */
import { DriftError } from './drift.ts';

export interface DecisionQuestion {
  resourceId: string;
  /** The party's 9 digits. */
  party: string;
  /** Present on recipient checks. */
  instanceId?: string;
  actions: Array<'read' | 'write'>;
  /** Subject attributes by id (one value each). */
  subject: Map<string, string>;
}

/** Members of the request object, all written by the Broker's serializer (unused ones as null). */
const REQUEST_MEMBERS = [
  'returnPolicyIdList',
  'combinedDecision',
  'xPathVersion',
  'category',
  'resource',
  'action',
  'accessSubject',
  'recipientSubject',
  'intermediarySubject',
  'requestingMachine',
  'multiRequests',
  'xForwardedForHeader',
];
const NULL_MEMBERS = ['xPathVersion', 'category', 'recipientSubject', 'intermediarySubject', 'requestingMachine', 'multiRequests', 'xForwardedForHeader'];
const CATEGORY_MEMBERS = ['categoryId', 'id', 'content', 'attribute'];
const ATTRIBUTE_MEMBERS = ['attributeId', 'value', 'issuer', 'dataType', 'includeInResult'];

export const RESOURCE_ATTRIBUTE = 'urn:altinn:resource';
export const PARTY_ATTRIBUTE = 'urn:altinn:organization:identifier-no';
export const INSTANCE_ATTRIBUTE = 'urn:altinn:resource:instance-id';
export const ACTION_ATTRIBUTE = 'urn:oasis:names:tc:xacml:1.0:action:action-id';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const drift = (problem: string): never => {
  throw new DriftError(problem);
};

function exactMembers(value: Record<string, unknown>, expected: string[], where: string): void {
  const missing = expected.filter((k) => !Object.hasOwn(value, k));
  const extra = Object.keys(value).filter((k) => !expected.includes(k));
  if (missing.length) drift(`${where} lacks ${missing.join(', ')}`);
  if (extra.length) drift(`${where} has unexpected member(s) ${extra.join(', ')}`);
}

/** The attributes of one category as id → value, after checking the category and each attribute's shape. */
function categoryAttributes(category: unknown, where: string, repeatsAllowed = false): Map<string, string> {
  if (!isObject(category)) return drift(`${where} is not an object`);
  exactMembers(category, CATEGORY_MEMBERS, where);
  for (const k of ['categoryId', 'id', 'content']) if (category[k] !== null) drift(`${where}.${k} is not null`);
  const list = category.attribute;
  if (!Array.isArray(list) || list.length === 0) return drift(`${where}.attribute is not a non-empty array`);
  const attributes = new Map<string, string>();
  list.forEach((a, i) => {
    const at = `${where}.attribute[${i}]`;
    if (!isObject(a)) return drift(`${at} is not an object`);
    exactMembers(a, ATTRIBUTE_MEMBERS, at);
    if (typeof a.attributeId !== 'string' || !a.attributeId.startsWith('urn:')) drift(`${at}.attributeId is not a URN`);
    if (typeof a.value !== 'string') drift(`${at}.value is not a string`);
    if (typeof a.issuer !== 'string' || a.issuer === '') drift(`${at}.issuer is not a non-empty string`);
    if (a.dataType !== 'string') drift(`${at}.dataType is not "string"`);
    if (a.includeInResult !== false) drift(`${at}.includeInResult is not false`);
    if (attributes.has(a.attributeId as string)) {
      if (!repeatsAllowed) drift(`${at} repeats ${String(a.attributeId)}`);
      return;
    }
    attributes.set(a.attributeId as string, a.value as string);
  });
  return attributes;
}

export function readDecisionRequest(body: unknown): DecisionQuestion {
  if (!isObject(body)) return drift('the body is not a JSON object');
  exactMembers(body, ['request'], 'the body');
  const request = body.request;
  if (!isObject(request)) return drift('request is not an object');
  exactMembers(request, REQUEST_MEMBERS, 'request');
  if (request.returnPolicyIdList !== false) drift('request.returnPolicyIdList is not false');
  if (request.combinedDecision !== false) drift('request.combinedDecision is not false');
  for (const k of NULL_MEMBERS) if (request[k] !== null) drift(`request.${k} is not null`);

  const resources = request.resource;
  if (!Array.isArray(resources) || resources.length !== 1) return drift('request.resource is not an array of one category');
  const resource = categoryAttributes(resources[0], 'request.resource[0]');
  const unknownResource = [...resource.keys()].filter((k) => ![RESOURCE_ATTRIBUTE, PARTY_ATTRIBUTE, INSTANCE_ATTRIBUTE].includes(k));
  if (unknownResource.length) drift(`request.resource[0] has unexpected attribute(s) ${unknownResource.join(', ')}`);
  const resourceId = resource.get(RESOURCE_ATTRIBUTE);
  if (!resourceId || resourceId.startsWith('urn:')) drift(`${RESOURCE_ATTRIBUTE} is not a bare resource id`);
  const party = resource.get(PARTY_ATTRIBUTE);
  if (!party || !/^[0-9]{9}$/.test(party)) drift(`${PARTY_ATTRIBUTE} is not 9 digits (the prefix is stripped)`);
  const instanceId = resource.get(INSTANCE_ATTRIBUTE);
  if (instanceId !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(instanceId)) drift(`${INSTANCE_ATTRIBUTE} is not a file transfer id`);

  const actionCategories = request.action;
  if (!Array.isArray(actionCategories) || actionCategories.length < 1 || actionCategories.length > 2) return drift('request.action is not an array of one or two categories');
  const actions = actionCategories.map((c, i) => {
    const attributes = categoryAttributes(c, `request.action[${i}]`);
    const value = attributes.get(ACTION_ATTRIBUTE);
    if (attributes.size !== 1 || (value !== 'read' && value !== 'write')) return drift(`request.action[${i}] is not one ${ACTION_ATTRIBUTE} of read or write`);
    return value;
  });
  if (actions.length === 2 && (actions[0] !== 'write' || actions[1] !== 'read')) drift('two action categories are not write then read (the search check)');
  if (actions.length === 2 && instanceId !== undefined) drift('the search check carries an instance id');
  if (actions.length === 1 && actions[0] === 'read' && instanceId === undefined) drift('a recipient (read) check lacks the instance id');
  if (actions.length === 1 && actions[0] === 'write' && instanceId !== undefined) drift('a sender (write) check carries an instance id');

  const subjects = request.accessSubject;
  if (!Array.isArray(subjects) || subjects.length !== 1) return drift('request.accessSubject is not an array of one category');
  // Subject attributes follow the caller's claims (a claim given twice gives two attributes): the first counts.
  const subject = categoryAttributes(subjects[0], 'request.accessSubject[0]', true);

  return { resourceId: resourceId!, party: party!, ...(instanceId !== undefined ? { instanceId } : {}), actions, subject };
}

/** The subject's organisation (9 digits), as the PEP maps an enterprise or Maskinporten caller; undefined for people and system users. */
export function subjectOrg(subject: Map<string, string>): string | undefined {
  const org = subject.get('urn:altinn:organization:identifier-no') ?? subject.get('urn:altinn:organizationnumber');
  const match = org ? /^(?:0192:)?([0-9]{9})$/.exec(org) : null;
  return match?.[1];
}
