/**
 * @module Self-tests of the strict platform doubles: each call sent exactly as a Broker sends it
 * (headers, body shape, member order, nulls, chunked bodies) gets the documented answer from the
 * default seed; each malformed variant gets 400 and one drift line naming what is wrong.
 */
import { test, expect } from '@playwright/test';
import { makeEvent } from '../local-broker/events.ts';
import { loadSeed } from '../local-broker/seed.ts';
import { formatTimestamp } from '../local-broker/time-format.ts';
import { startAltinnIssuer, type AltinnIssuerDouble } from './altinn-issuer.ts';
import { mountBrokerPlatform, partyIdOf, partyUuidOf, type BrokerPlatform } from './broker-platform.ts';
import { driftLog, type DriftLog } from './drift.ts';

const SENDER = '991825827';
const RECIPIENT = '986252932';
const OTHER_RECIPIENT = '313725138';
const OUTSIDER = '314249879';
const RESOURCE = 'altinn-broker-test-resource-1';
const ACCESS_LIST = 'altinn-broker-test-resource-access-list';
const TRANSFER = '94f3ef0b-a809-4799-a55e-7519ea18bbdf';
const SYSTEM_USER = '1f6a2c3e-4b5d-4e6f-8a9b-0c1d2e3f4a5b';

let altinn: AltinnIssuerDouble;
let platform: BrokerPlatform;
let drift: DriftLog;
let brokerToken: string;

test.beforeAll(async () => {
  altinn = await startAltinnIssuer();
  drift = driftLog();
  platform = mountBrokerPlatform({ altinn, seed: loadSeed(undefined), drift, systemUserOrg: (id) => (id === SYSTEM_USER ? RECIPIENT : undefined) });
  // The Broker's own Altinn token, as the exchange double issues it.
  brokerToken = await altinn.sign({ scope: 'altinn:events.publish altinn:serviceowner', 'urn:altinn:orgNumber': SENDER });
});
test.afterAll(async () => altinn.close());

const attribute = (attributeId: string, value: string, issuer = 'Altinn') => ({ attributeId, value, issuer, dataType: 'string', includeInResult: false });
const category = (attributes: unknown[]) => ({ categoryId: null, id: null, content: null, attribute: attributes });

/** The XACML request as the Broker builds it (member order and nulls as its serializer writes them). */
function decisionRequest(o: { resourceId: string; party: string; instanceId?: string; actions: string[]; org: string; systemUser?: string }) {
  const issuer = altinn.issuer;
  // A system user's subject is that one attribute: the PEP drops every other.
  const subject = o.systemUser
    ? [attribute('urn:altinn:systemuser:uuid', o.systemUser, issuer)]
    : [
        attribute('urn:scope', 'altinn:broker.write altinn:broker.read', issuer),
        attribute('urn:altinn:sessionid', crypto.randomUUID(), issuer),
        attribute('urn:altinn:authenticatemethod', 'maskinporten', issuer),
        attribute('urn:altinn:authlevel', '3', issuer),
        attribute('urn:altinn:organizationnumber', o.org, issuer),
        attribute('urn:altinn:organization:identifier-no', o.org, issuer),
      ];
  return {
    request: {
      returnPolicyIdList: false,
      combinedDecision: false,
      xPathVersion: null,
      category: null,
      resource: [
        category([
          attribute('urn:altinn:resource', o.resourceId),
          attribute('urn:altinn:organization:identifier-no', o.party),
          ...(o.instanceId ? [attribute('urn:altinn:resource:instance-id', o.instanceId)] : []),
        ]),
      ],
      action: o.actions.map((a) => category([attribute('urn:oasis:names:tc:xacml:1.0:action:action-id', a)])),
      accessSubject: [category(subject)],
      recipientSubject: null,
      intermediarySubject: null,
      requestingMachine: null,
      multiRequests: null,
      xForwardedForHeader: null,
    },
  };
}

/** A chunked body (no Content-Length), as the Broker's HttpClient sends JSON. */
function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(c) {
      c.enqueue(bytes.subarray(0, 10));
      c.enqueue(bytes.subarray(10));
      c.close();
    },
  });
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}, raw?: string) {
  const res = await fetch(`${altinn.baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${brokerToken}`, ...headers },
    body: chunked(raw ?? JSON.stringify(body)),
    duplex: 'half',
  } as RequestInit);
  return { status: res.status, text: await res.text(), headers: res.headers };
}

const PDP_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'ocp-apim-subscription-key': '' };

async function decide(o: Parameters<typeof decisionRequest>[0]) {
  const res = await post('/authorization/api/v1/authorize', decisionRequest(o), PDP_HEADERS);
  expect(res.status, res.text).toBe(200);
  const body = JSON.parse(res.text) as { response: Array<{ decision: string; status: unknown; obligations: unknown; category: unknown }> };
  expect(body.response).toHaveLength(1);
  expect(body.response[0]).toMatchObject({ status: { statusCode: { value: 'urn:oasis:names:tc:xacml:1.0:status:ok' } }, obligations: null, category: null });
  return body.response[0]!.decision;
}

/** The call must be refused with 400 and leave exactly one new drift line matching `problem`. */
async function expectDrift(send: () => Promise<{ status: number; text: string }>, problem: RegExp) {
  const before = drift.lines().length;
  const res = await send();
  expect(res.status, res.text).toBe(400);
  const added = drift.lines().slice(before);
  expect(added.map((l) => l.problem)).toEqual([expect.stringMatching(problem)]);
}

test('PDP: sender, recipient and search checks shaped as the Broker sends them are decided from the seed', async () => {
  expect(await decide({ resourceId: RESOURCE, party: SENDER, actions: ['write'], org: SENDER })).toBe('Permit');
  expect(await decide({ resourceId: RESOURCE, party: RECIPIENT, instanceId: TRANSFER, actions: ['read'], org: RECIPIENT })).toBe('Permit');
  expect(await decide({ resourceId: RESOURCE, party: SENDER, actions: ['write', 'read'], org: SENDER })).toBe('Permit');
  // A right counts only for the caller's own party (requireCallerIsParty, the seed's default).
  expect(await decide({ resourceId: RESOURCE, party: SENDER, actions: ['write'], org: RECIPIENT })).toBe('Deny');
  // The access-list resource grants the second recipient read only; the outsider nothing.
  expect(await decide({ resourceId: ACCESS_LIST, party: OTHER_RECIPIENT, actions: ['write'], org: OTHER_RECIPIENT })).toBe('Deny');
  expect(await decide({ resourceId: ACCESS_LIST, party: OUTSIDER, actions: ['write', 'read'], org: OUTSIDER })).toBe('Deny');
  expect(await decide({ resourceId: 'no-such-resource', party: SENDER, actions: ['write'], org: SENDER })).toBe('NotApplicable');
  // A system user is decided as its organisation; an unknown one is not applicable.
  expect(await decide({ resourceId: RESOURCE, party: RECIPIENT, instanceId: TRANSFER, actions: ['read'], org: '', systemUser: SYSTEM_USER })).toBe('Permit');
  expect(await decide({ resourceId: RESOURCE, party: SENDER, actions: ['write'], org: '', systemUser: SYSTEM_USER })).toBe('Deny');
  expect(await decide({ resourceId: RESOURCE, party: RECIPIENT, instanceId: TRANSFER, actions: ['read'], org: '', systemUser: crypto.randomUUID() })).toBe('NotApplicable');
  expect(drift.lines()).toEqual([]);
});

test('PDP: a request not shaped as the Broker builds it is 400 with a drift line', async () => {
  const good = () => decisionRequest({ resourceId: RESOURCE, party: SENDER, actions: ['write'], org: SENDER });
  const send = (body: unknown, headers = PDP_HEADERS) => () => post('/authorization/api/v1/authorize', body, headers);
  const withoutNull = good() as { request: Record<string, unknown> };
  delete withoutNull.request.xForwardedForHeader;
  await expectDrift(send(withoutNull), /request lacks xForwardedForHeader/);
  const prefixed = decisionRequest({ resourceId: RESOURCE, party: `0192:${SENDER}`, actions: ['write'], org: SENDER });
  await expectDrift(send(prefixed), /identifier-no is not 9 digits/);
  const urnResource = decisionRequest({ resourceId: `urn:altinn:resource:${RESOURCE}`, party: SENDER, actions: ['write'], org: SENDER });
  await expectDrift(send(urnResource), /not a bare resource id/);
  await expectDrift(send(decisionRequest({ resourceId: RESOURCE, party: SENDER, actions: ['subscribe'], org: SENDER })), /action\[0\] is not one .* of read or write/);
  await expectDrift(send(decisionRequest({ resourceId: RESOURCE, party: SENDER, actions: ['read'], org: SENDER })), /recipient \(read\) check lacks the instance id/);
  const pascal = { Request: good().request };
  await expectDrift(send(pascal), /the body lacks request/);
  const multi = good() as { request: Record<string, unknown> };
  multi.request.multiRequests = { requestReference: [] };
  await expectDrift(send(multi), /request.multiRequests is not null/);
  await expectDrift(send(good(), { ...PDP_HEADERS, 'content-type': 'text/plain' }), /Content-Type is 'text\/plain'/);
  await expectDrift(send(good(), { 'content-type': 'application/json', 'ocp-apim-subscription-key': 'a-key' }), /Ocp-Apim-Subscription-Key the Broker was not configured with/);
  await expectDrift(() => post('/authorization/api/v1/authorize', undefined, PDP_HEADERS, '{"request":'), /not JSON/);
});

test('PDP: no bearer token is 401 (and drift); a token of another issuer is 401 (the Broker then fetches a new one)', async () => {
  const before = drift.lines().length;
  const body = JSON.stringify(decisionRequest({ resourceId: RESOURCE, party: SENDER, actions: ['write'], org: SENDER }));
  const anonymous = await fetch(`${altinn.baseUrl}/authorization/api/v1/authorize`, { method: 'POST', headers: PDP_HEADERS, body });
  expect(anonymous.status).toBe(401);
  expect(drift.lines().slice(before).map((l) => l.problem)).toEqual(['no bearer token']);
  const other = await startAltinnIssuer();
  try {
    const foreign = await other.sign({ scope: 'x' });
    const res = await fetch(`${altinn.baseUrl}/authorization/api/v1/authorize`, { method: 'POST', headers: { ...PDP_HEADERS, authorization: `Bearer ${foreign}` }, body });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('invalid_token');
  } finally {
    await other.close();
  }
});

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${altinn.baseUrl}${path}`, { headers: { authorization: `Bearer ${brokerToken}`, ...headers } });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

test('Resource Registry: a seeded resource has the members the Broker reads; an unknown one is 404', async () => {
  const res = await get(`/resourceregistry/api/v1/resource/${RESOURCE}`);
  expect(res.status).toBe(200);
  const body = JSON.parse(res.text) as Record<string, unknown>;
  expect(body).toMatchObject({ identifier: RESOURCE, accessListMode: 'Disabled', hasCompetentAuthority: { organization: SENDER, orgcode: 'digdir' } });
  expect(typeof body.title).toBe('object');
  expect(typeof body.description).toBe('object');
  const noOwner = JSON.parse((await get('/resourceregistry/api/v1/resource/altinn-broker-test-resource-no-owner')).text) as { hasCompetentAuthority: Record<string, unknown> };
  expect(noOwner.hasCompetentAuthority.organization).toBeUndefined();
  expect((await get('/resourceregistry/api/v1/resource/altinn-broker-test-resource-not-in-registry')).status).toBe(404);
  await expectDrift(() => get(`/resourceregistry/api/v1/resource/${RESOURCE}`, { 'ocp-apim-subscription-key': '' }), /carries Ocp-Apim-Subscription-Key/);
});

test('access lists and Register: a member resolves to its party UUID and back to its org; a non-member has no data', async () => {
  const member = await get(`/resourceregistry/api/v1/access-lists/memberships?resource=urn:altinn:resource:${ACCESS_LIST}&party=urn:altinn:organization:identifier-no:${RECIPIENT}`);
  expect(member.status).toBe(200);
  const data = (JSON.parse(member.text) as { data: Array<{ party: string; resource: string; since: string }> }).data;
  expect(data).toHaveLength(1);
  expect(data[0]!.party).toBe(`urn:altinn:party:uuid:${partyUuidOf(RECIPIENT)}`);
  expect(data[0]!.resource).toBe(`urn:altinn:resource:${ACCESS_LIST}`);
  expect(Number.isNaN(Date.parse(data[0]!.since))).toBe(false);
  const party = await get(`/register/api/v1/parties/byuuid/${data[0]!.party.slice(data[0]!.party.lastIndexOf(':') + 1)}`, { 'ocp-apim-subscription-key': '' });
  expect(party.status).toBe(200);
  expect(JSON.parse(party.text)).toMatchObject({ orgNumber: RECIPIENT, partyId: partyIdOf(RECIPIENT), partyTypeName: 2 });
  const none = await get(`/resourceregistry/api/v1/access-lists/memberships?resource=urn:altinn:resource:${ACCESS_LIST}&party=urn:altinn:organization:identifier-no:${OTHER_RECIPIENT}`);
  expect(JSON.parse(none.text)).toEqual({ data: [] });
  await expectDrift(
    () => get(`/resourceregistry/api/v1/access-lists/memberships?resource=urn%3Aaltinn%3Aresource%3A${ACCESS_LIST}&party=urn%3Aaltinn%3Aorganization%3Aidentifier-no%3A${RECIPIENT}`),
    /is not resource=urn:altinn:resource:<id>&party=/,
  );
  await expectDrift(
    () => get(`/resourceregistry/api/v1/access-lists/memberships?resource=urn:altinn:resource:${RESOURCE}&party=urn:altinn:organization:identifier-no:${RECIPIENT}`),
    /accessListMode is not Enabled/,
  );
  expect((await get(`/register/api/v1/parties/byuuid/${crypto.randomUUID()}`, { 'ocp-apim-subscription-key': '' })).status).toBe(404);
});

test('Register party lookup: the Broker\'s body gets a Party with a numeric partyId and partyTypeName; other bodies are drift', async () => {
  const headers = { 'content-type': 'application/json; charset=utf-8', 'ocp-apim-subscription-key': '' };
  const res = await post('/register/api/v1/parties/lookup', { ssn: null, orgNo: SENDER }, headers);
  expect(res.status).toBe(200);
  expect(JSON.parse(res.text)).toMatchObject({ partyId: 51825827, partyTypeName: 2, orgNumber: SENDER, partyUuid: partyUuidOf(SENDER), isDeleted: false });
  await expectDrift(() => post('/register/api/v1/parties/lookup', { ssn: null, orgNo: `0192:${SENDER}` }, headers), /orgNo is not 9 digits/);
  await expectDrift(() => post('/register/api/v1/parties/lookup', { orgNo: SENDER }, headers), /members are orgNo, not ssn and orgNo/);
});

const EVENT_HEADERS = { 'content-type': 'application/cloudevents+json' };

function brokerEvent(overrides: Record<string, unknown> = {}) {
  return {
    specversion: '1.0',
    id: crypto.randomUUID(),
    type: 'no.altinn.broker.filetransferinitialized',
    time: '2026-12-06T07:49:04.1875301+00:00',
    resource: `urn:altinn:resource:${RESOURCE}`,
    resourceinstance: TRANSFER,
    subject: `urn:altinn:organization:identifier-no:${SENDER}`,
    source: `${altinn.baseUrl}/broker/api/v1/filetransfer`,
    data: { Role: 'Sender' },
    ...overrides,
  };
}

test('Events: the Broker\'s CloudEvent POST is stored and read back through the polling API, with paging', async () => {
  const first = brokerEvent();
  expect((await post('/events/api/v1/events', first, EVENT_HEADERS)).status).toBe(200);
  // The embedded local Broker's events (its own event builder) have the same shape.
  const local = makeEvent({ type: 'published', time: formatTimestamp(new Date()), resourceId: RESOURCE, fileTransferId: TRANSFER, actor: `0192:${RECIPIENT}`, role: 'Recipient', source: `${altinn.baseUrl}/broker/api/v1/filetransfer` });
  expect((await post('/events/api/v1/events', local, { 'content-type': 'application/cloudevents+json; charset=utf-8' })).status).toBe(200);
  expect(platform.events().slice(-2)).toEqual([first, local]);

  const page = await get(`/events/api/v1/events?resource=urn:altinn:resource:${RESOURCE}&after=0&size=1`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toContain('application/cloudevents+json');
  expect(JSON.parse(page.text)).toEqual([first]);
  const next = new URL(page.headers.get('next')!);
  expect(next.searchParams.get('after')).toBe(first.id);
  const second = await get(`${next.pathname}${next.search}`);
  expect(JSON.parse(second.text)).toEqual([local]);
  expect((await fetch(`${altinn.baseUrl}/events/api/v1/events?resource=urn:altinn:resource:${RESOURCE}&after=0`)).status).toBe(401);
  expect((await get('/events/api/v1/events?resource=x&after=0')).status).toBe(400);
});

test('Events: a POST not shaped as the Broker sends it is 400 with a drift line and is not stored', async () => {
  const stored = platform.events().length;
  await expectDrift(() => post('/events/api/v1/events', [brokerEvent()], EVENT_HEADERS), /batch/);
  await expectDrift(() => post('/events/api/v1/events', brokerEvent(), { 'content-type': 'application/json' }), /not application\/cloudevents\+json/);
  await expectDrift(() => post('/events/api/v1/events', brokerEvent({ alternativesubject: '/org/1' }), EVENT_HEADERS), /unexpected member\(s\) alternativesubject/);
  await expectDrift(() => post('/events/api/v1/events', brokerEvent({ type: 'no.altinn.broker.Published' }), EVENT_HEADERS), /is not a Broker event type/);
  await expectDrift(() => post('/events/api/v1/events', brokerEvent({ subject: `/party/${SENDER}` }), EVENT_HEADERS), /subject is not/);
  await expectDrift(() => post('/events/api/v1/events', brokerEvent({ source: 'http://127.0.0.1:1/broker/api/v1/filetransfer' }), EVENT_HEADERS), /PlatformGatewayUrl/);
  await expectDrift(() => post('/events/api/v1/events', brokerEvent({ time: '2026-12-06T07:49:04' }), EVENT_HEADERS), /not a date-time with an offset/);
  await expectDrift(() => post('/events/api/v1/events', brokerEvent({ data: { role: 'Sender' } }), EVENT_HEADERS), /data is not/);
  await expectDrift(() => post('/events/api/v1/events', brokerEvent(), { ...EVENT_HEADERS, 'ocp-apim-subscription-key': '' }), /carries Ocp-Apim-Subscription-Key/);
  expect(platform.events()).toHaveLength(stored);
});

test('a method the Broker never uses on a platform path is drift too', async () => {
  await expectDrift(() => get('/authorization/api/v1/authorize'), /GET is not how the Broker calls/);
});
