/**
 * @module Strict doubles of the Altinn platform services a Broker calls, mounted on the Altinn issuer
 * double's server so that one base URL is the Broker's `AltinnOptions:PlatformGatewayUrl`:
 * the authorization PDP, the Resource Registry (resources and access-list memberships), Register
 * (party lookup, party by UUID) and the Events API (the Broker's CloudEvents POST, and the polling
 * read the harness uses). Decisions and registry data come from a local-Broker seed. A request not
 * shaped the way the Broker sends it is answered 400 and recorded as platform drift.
 * Facts from Altinn/altinn-broker@161ba122:src/Altinn.Broker.Integrations/ (Altinn/Authorization,
 * Altinn/ResourceRegistry, Altinn/Register, Altinn/Events).
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createLocalJWKSet, jwtVerify } from 'jose';
import type { Seed } from '../local-broker/seed.ts';
import type { AltinnIssuerDouble } from './altinn-issuer.ts';
import { DriftError, type DriftLog } from './drift.ts';
import { bearerToken, readBody, sendJson, sendText } from './http.ts';
import { readDecisionRequest, subjectOrg } from './xacml-request.ts';

export const PLATFORM_PATHS = {
  authorize: '/authorization/api/v1/authorize',
  resource: '/resourceregistry/api/v1/resource/',
  memberships: '/resourceregistry/api/v1/access-lists/memberships',
  partyLookup: '/register/api/v1/parties/lookup',
  partyByUuid: '/register/api/v1/parties/byuuid/',
  events: '/events/api/v1/events',
  drift: '/_doubles/drift',
  health: '/_doubles/health',
} as const;

const EVENT_TYPES = [
  'filetransferinitialized',
  'uploadprocessing',
  'published',
  'uploadfailed',
  'downloadconfirmed',
  'allconfirmeddownloaded',
  'filepurged',
  'fileneverconfirmeddownloaded',
].map((t) => `no.altinn.broker.${t}`);
const EVENT_MEMBERS = ['specversion', 'id', 'type', 'time', 'resource', 'resourceinstance', 'subject', 'source', 'data'];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** ISO 8601 date-time with an explicit offset (the Broker writes 7 fractional digits and `+00:00`). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})$/;
/** Events kept for the polling API; the oldest are dropped beyond this. */
const MAX_STORED_EVENTS = 100_000;

export interface StoredCloudEvent {
  specversion: string;
  id: string;
  type: string;
  time: string;
  resource: string;
  resourceinstance: string;
  subject: string;
  source: string;
  data: { Role: string };
}

export interface BrokerPlatformOptions {
  altinn: AltinnIssuerDouble;
  seed: Seed;
  drift: DriftLog;
  /** `AltinnOptions:PlatformSubscriptionKey` the Broker is started with ('' = none). */
  subscriptionKey?: string;
  /** 9-digit org → org code for `hasCompetentAuthority.orgcode` (default `{ '991825827': 'digdir' }`). */
  orgCodes?: Record<string, string>;
  /** The organisation of a system user (the Maskinporten double's), so system-user subjects are decided like their org. */
  systemUserOrg?: (systemUserId: string) => string | undefined;
}

export interface BrokerPlatform {
  /** The events the Broker has posted, oldest first. */
  events(): StoredCloudEvent[];
  /** Counts per call, for tests and the `doubles` status line. */
  readonly calls: Record<'authorize' | 'resource' | 'memberships' | 'partyLookup' | 'partyByUuid' | 'eventsPost' | 'eventsPoll', number>;
}

const bare = (org: string) => org.slice(org.lastIndexOf(':') + 1);

/** The party id Register gives an organisation: 50 000 000 + its last seven digits (991825827 → 51825827, as observed). */
export function partyIdOf(org: string): number {
  return 50_000_000 + (Number(bare(org)) % 10_000_000);
}

/** A stable party UUID per organisation (Register's real ones are random; only stability matters here). */
export function partyUuidOf(org: string): string {
  const h = createHash('sha256').update(`party:${bare(org)}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function party(org: string) {
  return {
    partyId: partyIdOf(org),
    partyUuid: partyUuidOf(org),
    partyTypeName: 2,
    orgNumber: bare(org),
    ssn: null,
    unitType: 'AS',
    name: `Organisation ${bare(org)}`,
    isDeleted: false,
    onlyHierarchyElementWithNoAccess: false,
    person: null,
    organization: null,
    childParties: null,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const drift = (problem: string): never => {
  throw new DriftError(problem);
};

function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  try {
    return JSON.parse(text);
  } catch {
    return drift('the body is not JSON');
  }
}

export function mountBrokerPlatform(options: BrokerPlatformOptions): BrokerPlatform {
  const { altinn, seed } = options;
  const keys = createLocalJWKSet(altinn.publicJwks);
  const subscriptionKey = options.subscriptionKey ?? '';
  const orgCodes = options.orgCodes ?? { '991825827': 'digdir' };
  const stored: StoredCloudEvent[] = [];
  const calls: BrokerPlatform['calls'] = { authorize: 0, resource: 0, memberships: 0, partyLookup: 0, partyByUuid: 0, eventsPost: 0, eventsPoll: 0 };
  const registry = (id: string) => (seed.resourceRegistry ?? []).find((r) => r.resourceId === id);

  /** The Broker's own Altinn token (from the exchange double); anything else is answered 401, which makes the Broker fetch a new one once. */
  async function authenticated(req: IncomingMessage): Promise<boolean> {
    const token = bearerToken(req);
    if (!token) return false;
    try {
      await jwtVerify(token, keys, { issuer: altinn.issuer, algorithms: ['RS256'], requiredClaims: ['exp'] });
      return true;
    } catch {
      return false;
    }
  }

  /** Calls 3 and 5 carry the subscription key (possibly empty); the Resource Registry and Events calls carry none. */
  function checkSubscriptionKey(req: IncomingMessage, expected: boolean): void {
    const sent = req.headers['ocp-apim-subscription-key'];
    if (!expected) {
      if (sent !== undefined) drift('carries Ocp-Apim-Subscription-Key, which this call is made without');
      return;
    }
    if ((sent ?? '') !== subscriptionKey) drift(subscriptionKey ? 'lacks the configured Ocp-Apim-Subscription-Key' : 'carries an Ocp-Apim-Subscription-Key the Broker was not configured with');
  }

  async function authorize(req: IncomingMessage, res: ServerResponse): Promise<void> {
    calls.authorize += 1;
    checkSubscriptionKey(req, true);
    if (mediaType(req) !== 'application/json') drift(`Content-Type is '${req.headers['content-type'] ?? ''}', not application/json`);
    const question = readDecisionRequest(await jsonBody(req));
    const systemUser = question.subject.get('urn:altinn:systemuser:uuid');
    const org = systemUser !== undefined ? options.systemUserOrg?.(systemUser) : subjectOrg(question.subject);
    const table = seed.policies?.[question.resourceId];
    let decision: 'Permit' | 'Deny' | 'NotApplicable' = 'NotApplicable';
    if (table && org) {
      const rights = Object.hasOwn(table, org) ? table[org] : undefined;
      const partyOk = !(seed.requireCallerIsParty ?? true) || question.party === org;
      // One combined decision: the search check (write and read) passes with either right, as the local Broker decides.
      decision = partyOk && question.actions.some((a) => rights?.[a] === true) ? 'Permit' : 'Deny';
    }
    sendJson(res, 200, {
      response: [{ decision, status: { statusCode: { value: 'urn:oasis:names:tc:xacml:1.0:status:ok' } }, obligations: null, category: null }],
    });
  }

  function resource(req: IncomingMessage, res: ServerResponse, id: string): void {
    calls.resource += 1;
    checkSubscriptionKey(req, false);
    if (!id || id.includes('/') || id.startsWith('urn:')) drift(`the resource id '${id}' is not a bare resource id`);
    const entry = registry(decodeURIComponent(id));
    if (!entry) return sendText(res, 404, '');
    const owner = entry.ownerOrgNumber ? bare(entry.ownerOrgNumber) : undefined;
    sendJson(res, 200, {
      identifier: entry.resourceId,
      title: { en: entry.resourceId, nb: entry.resourceId, nn: entry.resourceId },
      description: { en: 'A Broker resource of the conformance seed', nb: '', nn: '' },
      hasCompetentAuthority: owner
        ? { organization: owner, orgcode: orgCodes[owner] ?? `org${owner}`, name: { en: `Organisation ${owner}`, nb: `Organisation ${owner}`, nn: `Organisation ${owner}` } }
        : { name: { en: 'No owner', nb: 'No owner', nn: 'No owner' } },
      status: 'Completed',
      resourceType: 'CorrespondenceService',
      delegable: true,
      visible: true,
      accessListMode: entry.accessListMode ?? 'Disabled',
      keywords: [],
      contactPoints: [],
      resourceReferences: [],
    });
  }

  function memberships(req: IncomingMessage, res: ServerResponse): void {
    calls.memberships += 1;
    checkSubscriptionKey(req, false);
    const query = (req.url ?? '').split('?')[1] ?? '';
    // The Broker writes the URNs unencoded: resource=urn:altinn:resource:<id>&party=urn:altinn:organization:identifier-no:<9 digits>.
    const match = /^resource=urn:altinn:resource:([^&:]+)&party=urn:altinn:organization:identifier-no:([0-9]{9})$/.exec(query);
    if (!match) return drift(`the query '${query}' is not resource=urn:altinn:resource:<id>&party=urn:altinn:organization:identifier-no:<9 digits>`);
    const [, resourceId, org] = match as unknown as [string, string, string];
    const entry = registry(resourceId);
    if (entry?.accessListMode !== 'Enabled') drift(`asked for access-list memberships of ${resourceId}, whose accessListMode is not Enabled`);
    const member = (entry!.accessList ?? []).map(bare).includes(org);
    sendJson(res, 200, {
      data: member ? [{ party: `urn:altinn:party:uuid:${partyUuidOf(org)}`, resource: `urn:altinn:resource:${resourceId}`, since: '2025-01-01T00:00:00+00:00' }] : [],
    });
  }

  async function partyLookup(req: IncomingMessage, res: ServerResponse): Promise<void> {
    calls.partyLookup += 1;
    checkSubscriptionKey(req, true);
    if (mediaType(req) !== 'application/json') drift(`Content-Type is '${req.headers['content-type'] ?? ''}', not application/json`);
    const body = await jsonBody(req);
    if (!isObject(body)) return drift('the body is not a JSON object');
    const members = Object.keys(body);
    if (members.length !== 2 || !members.includes('ssn') || !members.includes('orgNo')) drift(`the body's members are ${members.join(', ') || 'none'}, not ssn and orgNo`);
    if (body.ssn !== null) drift('ssn is not null');
    if (typeof body.orgNo !== 'string' || !/^[0-9]{9}$/.test(body.orgNo)) drift('orgNo is not 9 digits');
    sendJson(res, 200, party(body.orgNo as string));
  }

  function partyByUuid(req: IncomingMessage, res: ServerResponse, uuid: string): void {
    calls.partyByUuid += 1;
    checkSubscriptionKey(req, true);
    if (!GUID.test(uuid)) drift(`'${uuid}' is not a party UUID`);
    const orgs = new Set<string>();
    for (const r of seed.resourceRegistry ?? []) for (const o of r.accessList ?? []) orgs.add(bare(o));
    const org = [...orgs].find((o) => partyUuidOf(o) === uuid.toLowerCase());
    if (!org) return sendText(res, 404, '');
    sendJson(res, 200, party(org));
  }

  async function ingestEvent(req: IncomingMessage, res: ServerResponse): Promise<void> {
    calls.eventsPost += 1;
    checkSubscriptionKey(req, false);
    if (mediaType(req) !== 'application/cloudevents+json') drift(`Content-Type is '${req.headers['content-type'] ?? ''}', not application/cloudevents+json`);
    const event = await jsonBody(req);
    if (Array.isArray(event)) drift('the body is a batch; the Broker posts one CloudEvent per request');
    if (!isObject(event)) return drift('the body is not a JSON object');
    const missing = EVENT_MEMBERS.filter((k) => !Object.hasOwn(event, k));
    const extra = Object.keys(event).filter((k) => !EVENT_MEMBERS.includes(k));
    if (missing.length) drift(`the CloudEvent lacks ${missing.join(', ')}`);
    if (extra.length) drift(`the CloudEvent has unexpected member(s) ${extra.join(', ')}`);
    if (event.specversion !== '1.0') drift('specversion is not "1.0"');
    if (typeof event.id !== 'string' || !GUID.test(event.id)) drift('id is not a GUID');
    if (typeof event.type !== 'string' || !EVENT_TYPES.includes(event.type)) drift(`type '${String(event.type)}' is not a Broker event type`);
    if (typeof event.time !== 'string' || !DATE_TIME.test(event.time)) drift(`time '${String(event.time)}' is not a date-time with an offset`);
    if (typeof event.resource !== 'string' || !/^urn:altinn:resource:[^:]+$/.test(event.resource)) drift('resource is not urn:altinn:resource:<id>');
    if (typeof event.resourceinstance !== 'string' || !GUID.test(event.resourceinstance)) drift('resourceinstance is not a file transfer id');
    if (typeof event.subject !== 'string' || !/^urn:altinn:organization:identifier-no:[0-9]{9}$/.test(event.subject)) drift('subject is not urn:altinn:organization:identifier-no:<9 digits>');
    const source = `${altinn.baseUrl}/broker/api/v1/filetransfer`;
    if (event.source !== source) drift(`source '${String(event.source)}' is not ${source} (PlatformGatewayUrl + broker/api/v1/filetransfer)`);
    const data = event.data;
    if (!isObject(data) || Object.keys(data).length !== 1 || (data.Role !== 'Sender' && data.Role !== 'Recipient')) drift('data is not {"Role":"Sender"|"Recipient"}');
    stored.push(event as unknown as StoredCloudEvent);
    if (stored.length > MAX_STORED_EVENTS) stored.splice(0, stored.length - MAX_STORED_EVENTS);
    sendText(res, 200, '');
  }

  /** The Altinn Events API's polling read, as the harness reads it: `?resource=&after=[&subject=][&type=…][&size=]`, a `next` header. */
  function pollEvents(req: IncomingMessage, res: ServerResponse): void {
    calls.eventsPoll += 1;
    const url = new URL(req.url ?? '', altinn.baseUrl);
    const q = url.searchParams;
    const problem = (detail: string) => sendJson(res, 400, { type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1', title: 'Bad Request', status: 400, detail }, { 'content-type': 'application/problem+json; charset=utf-8' });
    const resourceUrn = q.get('resource') ?? '';
    const after = q.get('after') ?? '';
    if (!resourceUrn.startsWith('urn:altinn:resource:')) return problem("The 'resource' parameter must begin with urn:altinn:resource:");
    if (!after) return problem("The 'after' parameter must be defined.");
    const sizeText = q.get('size');
    const size = sizeText === null || sizeText === '' ? 50 : Number(sizeText);
    if (!Number.isInteger(size) || size < 1) return problem("The 'size' parameter must be a number larger that 0.");
    const subject = q.get('subject') || undefined;
    const types = q.getAll('type').filter(Boolean);
    let start = 0;
    if (after !== '0') {
      const i = stored.findIndex((e) => e.id === after);
      start = i === -1 ? stored.length : i + 1;
    }
    const page = stored
      .slice(start)
      .filter((e) => e.resource === resourceUrn && (!subject || e.subject === subject) && (types.length === 0 || types.includes(e.type)))
      .slice(0, Math.min(size, 1000));
    const next = new URLSearchParams(q);
    next.set('after', page.at(-1)?.id ?? after);
    res.setHeader('next', `${altinn.baseUrl}${PLATFORM_PATHS.events}?${next}`);
    sendJson(res, 200, page, { 'content-type': 'application/cloudevents+json; charset=utf-8' });
  }

  const calling = (path: string, method: string | undefined): string | undefined => {
    if (path === PLATFORM_PATHS.authorize && method === 'POST') return 'PDP decision';
    if (path.startsWith(PLATFORM_PATHS.resource) && method === 'GET') return 'Resource Registry resource';
    if (path === PLATFORM_PATHS.memberships && method === 'GET') return 'Resource Registry access-list memberships';
    if (path === PLATFORM_PATHS.partyLookup && method === 'POST') return 'Register party lookup';
    if (path.startsWith(PLATFORM_PATHS.partyByUuid) && method === 'GET') return 'Register party by UUID';
    if (path === PLATFORM_PATHS.events && method === 'POST') return 'Events ingest';
    if (path === PLATFORM_PATHS.events && method === 'GET') return 'Events poll';
    return undefined;
  };
  const known = (path: string) =>
    path === PLATFORM_PATHS.authorize ||
    path.startsWith(PLATFORM_PATHS.resource) ||
    path === PLATFORM_PATHS.memberships ||
    path === PLATFORM_PATHS.partyLookup ||
    path.startsWith(PLATFORM_PATHS.partyByUuid) ||
    path === PLATFORM_PATHS.events;

  altinn.mount(async (req, res, path) => {
    if (path === PLATFORM_PATHS.drift && req.method === 'GET') {
      const since = new URL(req.url ?? '', altinn.baseUrl).searchParams.get('since') ?? undefined;
      sendJson(res, 200, options.drift.lines(since));
      return true;
    }
    if (path === PLATFORM_PATHS.health && req.method === 'GET') {
      sendJson(res, 200, { issuer: altinn.issuer, kid: altinn.publicJwks.keys[0]?.kid, events: stored.length });
      return true;
    }
    if (!known(path)) return false;
    const call = calling(path, req.method);
    try {
      if (!call) drift(`${req.method} is not how the Broker calls ${path}`);
      if (!(await authenticated(req))) {
        // Not drift when a token merely expired: the Broker's handler then fetches a fresh one once.
        if (call !== 'Events poll' && !bearerToken(req)) options.drift.record({ call: call!, method: req.method ?? '', path, problem: 'no bearer token' });
        sendText(res, 401, '', { 'www-authenticate': 'Bearer error="invalid_token"' });
        return true;
      }
      if (call === 'PDP decision') await authorize(req, res);
      else if (call === 'Resource Registry resource') resource(req, res, path.slice(PLATFORM_PATHS.resource.length));
      else if (call === 'Resource Registry access-list memberships') memberships(req, res);
      else if (call === 'Register party lookup') await partyLookup(req, res);
      else if (call === 'Register party by UUID') partyByUuid(req, res, path.slice(PLATFORM_PATHS.partyByUuid.length));
      else if (call === 'Events ingest') await ingestEvent(req, res);
      else pollEvents(req, res);
    } catch (e) {
      if (!(e instanceof DriftError)) throw e;
      const line = options.drift.record({ call: call ?? 'unknown call', method: req.method ?? '', path, problem: e.message });
      if (!res.headersSent) sendJson(res, 400, { title: 'Platform drift', status: 400, detail: line.problem });
    }
    return true;
  });

  return { events: () => [...stored], calls };
}
