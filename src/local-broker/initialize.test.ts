/** @module Self-tests of E1 initialize: every §2.2 validation rule and message, the processing order (codes 6, 2, 21, 5, 28, 27, 26), normalisation and events. */
import { expect, test } from '@playwright/test';
import { startTestBroker, type TestBroker, ORGS, RESOURCE_1 } from './testing.ts';

let tb: TestBroker;
test.beforeAll(async () => {
  tb = await startTestBroker();
});
test.afterAll(async () => tb.close());

const FT = '/broker/api/v1/filetransfer';
const valid = () => ({
  fileName: 'input.txt',
  resourceId: RESOURCE_1,
  sendersFileTransferReference: 'ref',
  sender: `0192:${ORGS.sender}`,
  recipients: [`0192:${ORGS.recipient1}`],
});
const init = (json: unknown, token = tb.tokens.sender) => tb.call('POST', FT, { token, json });
const errorsOf = async (json: unknown) => {
  const res = await init(json);
  expect(res.status, res.text).toBe(400);
  return res.json().errors as Record<string, string[]>;
};

test('a valid initialize returns the id as JSON and writes Initialized for transfer and recipient', async () => {
  const before = tb.broker.events().length;
  const res = await init({ ...valid(), recipients: [`urn:altinn:organization:identifier-no:${ORGS.recipient1}`, `9908:${ORGS.recipient2}`] });
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  const { fileTransferId } = res.json();
  expect(fileTransferId).toMatch(/^[0-9a-f-]{36}$/);
  const o = await tb.overview(fileTransferId);
  expect(o.fileTransferStatus).toBe('Initialized');
  expect(o.fileTransferStatusText).toBe('Ready for upload');
  expect(o.recipients.map((r: any) => r.recipient)).toEqual([`0192:${ORGS.recipient1}`, `0192:${ORGS.recipient2}`]);
  expect(o.checksum).toBe('');
  expect(o.useVirusScan).toBe(true);
  expect(o.published).toBeNull();
  const created = Date.parse(o.created);
  expect(Date.parse(o.expirationTime) - created).toBe(30 * 86_400_000);
  const events = tb.broker.events().slice(before);
  expect(events.map((e) => e.type)).toEqual(['no.altinn.broker.filetransferinitialized']);
  expect(events[0]).toMatchObject({
    resource: `urn:altinn:resource:${RESOURCE_1}`,
    resourceinstance: fileTransferId,
    subject: `urn:altinn:organization:identifier-no:${ORGS.sender}`,
    data: { Role: 'Sender' },
  });
});

test('sender is stored verbatim, resource URN is stripped, explicit null checksum stays null', async () => {
  const id = (
    await init({ ...valid(), sender: `urn:altinn:organization:identifier-no:${ORGS.sender}`, resourceId: `urn:altinn:resource:${RESOURCE_1}`, checksum: null })
  ).json().fileTransferId;
  const o = await tb.overview(id);
  expect(o.sender).toBe(`urn:altinn:organization:identifier-no:${ORGS.sender}`);
  expect(o.resourceId).toBe(RESOURCE_1);
  expect(o.checksum).toBeNull();
});

test('resource TTL sets expirationTime', async () => {
  const id = (await init({ ...valid(), resourceId: 'altinn-broker-test-resource-2' })).json().fileTransferId;
  const o = await tb.overview(id);
  expect(Date.parse(o.expirationTime) - Date.parse(o.created)).toBe(7 * 86_400_000);
});

test('duplicate recipients: one in the overview, two Initialized entries in details', async () => {
  const id = (await init({ ...valid(), recipients: [`0192:${ORGS.recipient1}`, `0192:${ORGS.recipient1}`] })).json().fileTransferId;
  expect((await tb.overview(id)).recipients).toHaveLength(1);
  expect((await tb.details(id)).recipientFileTransferStatusHistory).toHaveLength(2);
});

test('property names are case-insensitive and unknown ones ignored', async () => {
  const res = await init({ FILENAME: 'a.txt', ResourceID: RESOURCE_1, SendersFileTransferReference: 'r', Sender: `0192:${ORGS.sender}`, recipients: [`0192:${ORGS.recipient1}`], whatever: 1 });
  expect(res.status).toBe(200);
});

test('missing required fields each get their message, keyed by C# name, in one problem', async () => {
  const errors = await errorsOf({});
  expect(errors).toEqual({
    FileName: ['The FileName field is required.'],
    ResourceId: ['The ResourceId field is required.'],
    SendersFileTransferReference: ['The field SendersFileTransferReference must be a string with a minimum length of 1 and a maximum length of 4096.'],
    Sender: ['The Sender field is required.'],
    Recipients: ['One or more recipients are required'],
  });
  expect((await errorsOf({ ...valid(), recipients: null })).Recipients).toEqual(['The Recipients field is required.']);
});

test('length, pattern and list rules', async () => {
  expect((await errorsOf({ ...valid(), fileName: 'x'.repeat(256) })).FileName).toEqual([
    'The field FileName must be a string with a minimum length of 1 and a maximum length of 255.',
  ]);
  expect((await errorsOf({ ...valid(), resourceId: 'a:b' })).ResourceId).toEqual(['Invalid Resource identifier format']);
  expect((await errorsOf({ ...valid(), sender: '991825827' })).Sender).toEqual([
    'Organization numbers should be on the form countrycode:organizationnumber (e.g. 0192:910753614) or urn:altinn:organization:identifier-no:organizationnumber',
  ]);
  expect((await errorsOf({ ...valid(), recipients: [] })).Recipients).toEqual(['One or more recipients are required']);
  expect((await errorsOf({ ...valid(), recipients: ['x', 'y'] })).Recipients).toEqual([
    'Each recipient should be on the form countrycode:organizationnumber (e.g. 0192:910753614) or urn:altinn:organization:identifier-no:organizationnumber',
  ]);
  expect((await errorsOf({ ...valid(), sendersFileTransferReference: null })).SendersFileTransferReference).toEqual([
    'The SendersFileTransferReference field is required.',
  ]);
  expect((await errorsOf({ ...valid(), sendersFileTransferReference: 'x'.repeat(4097) })).SendersFileTransferReference).toEqual([
    'The field SendersFileTransferReference must be a string with a minimum length of 1 and a maximum length of 4096.',
  ]);
});

test('over 500 chars of senders reference is a 400 here, not the real Broker\'s 500', async () => {
  expect((await errorsOf({ ...valid(), sendersFileTransferReference: 'x'.repeat(501) })).SendersFileTransferReference).toEqual([
    'The field SendersFileTransferReference must be a string with a maximum length of 500.',
  ]);
});

test('propertyList rules', async () => {
  const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v']));
  expect((await errorsOf({ ...valid(), propertyList: eleven })).PropertyList).toEqual(['PropertyList can contain at most 10 properties']);
  const key = 'k'.repeat(51);
  expect((await errorsOf({ ...valid(), propertyList: { [key]: 'v' } })).PropertyList).toEqual([
    `PropertyList Key can not be longer than 50. Length:51, KeyValue:${key}`,
  ]);
  const value = 'v'.repeat(3001);
  expect((await errorsOf({ ...valid(), propertyList: { k: value } })).PropertyList).toEqual([
    `PropertyList Value can not be longer than 3000. Length:3001, Value:${value}`,
  ]);
  expect((await errorsOf({ ...valid(), propertyList: null })).PropertyList).toEqual(['The PropertyList field is required.']);
  // A null value: the real Broker answers 500; we answer a 400 keyed PropertyList.
  expect((await errorsOf({ ...valid(), propertyList: { k: null } })).PropertyList).toEqual(['PropertyList Value can not be null. Key:k']);
  expect((await init({ ...valid(), propertyList: { a: 'b' } })).status).toBe(200);
});

test('checksum rules: 32 chars, lower case, hex not checked', async () => {
  expect((await errorsOf({ ...valid(), checksum: 'abc' })).Checksum).toEqual(['The checksum, if used, must be a MD5 hash with a length of 32 characters']);
  expect((await errorsOf({ ...valid(), checksum: 'A'.repeat(32) })).Checksum).toEqual(['The checksum, if used, must be a MD5 hash in lower case']);
  expect((await init({ ...valid(), checksum: 'z'.repeat(32) })).status).toBe(200);
});

test('malformed JSON, wrong types, deep nesting and an empty body are validation problems', async () => {
  const bad = await tb.call('POST', FT, { token: tb.tokens.sender, body: '{"fileName": ', headers: { 'content-type': 'application/json' } });
  expect(bad.status).toBe(400);
  expect(Object.keys(bad.json().errors)).toEqual(['$', 'initializeExt']);
  expect(bad.json().errors.initializeExt).toEqual(['The initializeExt field is required.']);

  const typed = await init({ ...valid(), recipients: 'x' });
  expect(Object.keys(typed.json().errors)).toEqual(['$.recipients', 'initializeExt']);
  expect((await init({ ...valid(), disableVirusScan: 'yes' })).json().errors['$.disableVirusScan']).toBeTruthy();

  const deep = '['.repeat(10_000) + ']'.repeat(10_000);
  const nested = await tb.call('POST', FT, { token: tb.tokens.sender, body: deep, headers: { 'content-type': 'application/json' } });
  expect(nested.status).toBe(400);
  expect(nested.json().errors.$[0]).toContain('maximum configured depth of 64');

  const empty = await tb.call('POST', FT, { token: tb.tokens.sender, body: '', headers: { 'content-type': 'application/json' } });
  expect(empty.status).toBe(400);
  expect(empty.json().errors).toEqual({ '': ['A non-empty request body is required.'] });
});

test('a non-JSON content type on initialize is a 415 ProblemDetails (after authentication)', async () => {
  const res = await tb.call('POST', FT, { token: tb.tokens.sender, body: 'hi', headers: { 'content-type': 'text/plain' } });
  expect(res.status).toBe(415);
  expect(res.json()).toMatchObject({ type: 'https://tools.ietf.org/html/rfc9110#section-15.5.16', title: 'Unsupported Media Type', status: 415 });
  expect((await tb.call('POST', FT, { body: 'hi', headers: { 'content-type': 'text/plain' } })).status).toBe(401);
});

test('a body over the Kestrel limit is 413 without a 500', async () => {
  const res = await tb.call('POST', FT, { token: tb.tokens.sender, body: Buffer.alloc(30_000_001, 32), headers: { 'content-type': 'application/json' } });
  expect(res.status).toBe(413);
});

test('processing step 1: no write right for the sender party, or an unconfigured resource, is 401 code 6', async () => {
  const asOutsiderForSender = await init(valid(), tb.tokens.outsider);
  expect(asOutsiderForSender.status).toBe(401);
  expect(asOutsiderForSender.json().code).toBe('BRO-00006');
  const unconfigured = await init({ ...valid(), resourceId: 'altinn-broker-test-resource-registry-only' });
  expect(unconfigured.json().code).toBe('BRO-00006');
});

test('processing steps 3, 6, 7 and 8 give codes 2, 5, 28, 27 and 26', async () => {
  expect((await init({ ...valid(), resourceId: 'altinn-broker-test-resource-unregistered-owner' })).json().code).toBe('BRO-00002');
  expect((await init({ ...valid(), resourceId: 'altinn-broker-test-resource-not-in-registry' })).json()).toMatchObject({ status: 403, code: 'BRO-00005' });
  const accessList = { ...valid(), resourceId: 'altinn-broker-test-resource-access-list' };
  expect((await init(accessList)).status).toBe(200);
  expect((await init({ ...accessList, recipients: [`0192:${ORGS.recipient2}`] })).json().code).toBe('BRO-00028');
  const requiredParty = { ...valid(), resourceId: 'altinn-broker-test-resource-required-party' };
  expect((await init(requiredParty)).status).toBe(200);
  expect((await init({ ...requiredParty, recipients: [`0192:${ORGS.recipient1}`, `0192:${ORGS.recipient2}`] })).json().code).toBe('BRO-00027');
  expect((await init({ ...requiredParty, recipients: [`0192:${ORGS.recipient2}`] })).json().code).toBe('BRO-00026');
});

test('rejections create nothing and emit nothing', async () => {
  const transfers = tb.broker.broker.store.transfers.size;
  const events = tb.broker.events().length;
  await init({ ...valid(), recipients: [] });
  await init(valid(), tb.tokens.outsider);
  await init({ ...valid(), resourceId: 'altinn-broker-test-resource-required-party', recipients: [`0192:${ORGS.recipient2}`] });
  expect(tb.broker.broker.store.transfers.size).toBe(transfers);
  expect(tb.broker.events().length).toBe(events);
});

test('code 21 when the service owner lacks the storage provider; code 20 only in Production', async () => {
  const seed = {
    serviceOwners: [{ orgNumber: ORGS.sender, name: 'SO', storageProviders: ['AltinnAzure' as const] }],
    resourceRegistry: [{ resourceId: 'r', ownerOrgNumber: ORGS.sender }],
    resources: [{ resourceId: 'r', serviceOwner: ORGS.sender }],
    policies: { r: { [ORGS.sender]: { read: true, write: true } } },
  };
  const dev = await startTestBroker({ seed }, tb.issuer);
  const prod = await startTestBroker({ seed, environmentName: 'Production' }, tb.issuer);
  try {
    const body = { ...valid(), resourceId: 'r', disableVirusScan: true };
    const r21 = await dev.call('POST', FT, { token: tb.tokens.sender, json: body });
    expect(r21.status).toBe(503);
    expect(r21.json().code).toBe('BRO-00021');
    expect((await prod.call('POST', FT, { token: tb.tokens.sender, json: body })).json().code).toBe('BRO-00020');
  } finally {
    await dev.close();
    await prod.close();
  }
});

test('caller org from authorization_details wins over urn:altinn:orgNumber', async () => {
  const token = await tb.token(ORGS.outsider, ['altinn:broker.write'], {
    authorization_details: [{ type: 'urn:altinn:systemuser', systemuser_id: ['x'], systemuser_org: { authority: 'iso6523-actorid-upis', ID: `0192:${ORGS.sender}` }, system_id: 'y' }],
  });
  expect((await init(valid(), token)).status).toBe(200);
  const consumerOnly = await tb.issuer.sign({ scope: 'altinn:broker.write', consumer: { authority: 'iso6523-actorid-upis', ID: `0192:${ORGS.sender}` } });
  expect((await init(valid(), consumerOnly)).status).toBe(200);
});
