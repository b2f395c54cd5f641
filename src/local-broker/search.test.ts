/** @module Self-tests of E6 search (§6): filters, date rules, role, recipientStatus on the latest actor status, order, cap, URN senders. */
import { expect, test } from '@playwright/test';
import type { Clock } from './clock.ts';
import { startTestBroker, type TestBroker, ORGS, RESOURCE_1 } from './testing.ts';

/** A clock the test moves by hand, so timestamps are distinct and known. */
class StepClock implements Clock {
  constructor(public ms: number) {}
  now() {
    return new Date(this.ms);
  }
}

let tb: TestBroker;
const clock = new StepClock(Date.parse('2026-08-18T10:00:00Z'));
let a: string, b: string, c: string, urnSent: string;
/** Set-up, not a test: three transfers a minute apart, one published, one downloaded by recipient 1. */
test.beforeAll(async () => {
  tb = await startTestBroker({ clock, validateLifetime: false });
  a = await tb.initialize();
  clock.ms += 60_000;
  b = await tb.initialize({ recipients: [`0192:${ORGS.recipient1}`, `0192:${ORGS.recipient2}`] });
  clock.ms += 60_000;
  c = await tb.initialize({ recipients: [`0192:${ORGS.recipient2}`] });
  clock.ms += 60_000;
  await tb.upload(b, 'x'); // published at 10:03
  clock.ms += 60_000;
  await tb.call('GET', `${FT}/${b}/download`, { token: tb.tokens.recipient1 });
  urnSent = await tb.initialize({ sender: `urn:altinn:organization:identifier-no:${ORGS.sender}` });
});
test.afterAll(async () => tb.close());

const FT = '/broker/api/v1/filetransfer';
const search = async (q: string, token = tb.tokens.sender) => {
  const res = await tb.call('GET', `${FT}?resourceId=${RESOURCE_1}${q}`, { token });
  expect(res.status, res.text).toBe(200);
  return res.json() as string[];
};

test.describe.configure({ mode: 'serial' });

test('sender sees its transfers newest first; orderAscending reverses; URN-sent transfers are not found by the sender', async () => {
  const all = await search('');
  expect(all).toEqual([c, b, a]);
  expect(await search('&orderAscending=true')).toEqual([a, b, c]);
  expect(all).not.toContain(urnSent);
});

test('recipients see only their transfers; role filters', async () => {
  expect(await search('', tb.tokens.recipient1)).toEqual([urnSent, b, a]);
  expect(await search('', tb.tokens.recipient2)).toEqual([c, b]);
  expect(await search('&role=Recipient')).toEqual([]);
  expect(await search('&role=sender')).toEqual([c, b, a]);
});

test('status filters on the current status; from/to compare the time the status was entered', async () => {
  expect(await search('&status=Published')).toEqual([b]);
  expect(await search('&status=3')).toEqual([b]);
  expect(await search('&status=Initialized')).toEqual([c, a]);
  // b entered Published at 10:03 while it was created at 10:01.
  expect(await search('&status=Published&from=2026-08-18T10:02:00Z')).toEqual([b]);
  expect(await search('&from=2026-08-18T10:02:00Z&to=2026-08-18T10:03:00Z')).toEqual([c]);
});

test('from alone is strict, to alone is strict, both inclusive', async () => {
  expect(await search('&from=2026-08-18T10:01:00Z')).toEqual([c]);
  expect(await search('&to=2026-08-18T10:01:00Z')).toEqual([a]);
  expect(await search('&from=2026-08-18T10:00:00Z&to=2026-08-18T10:01:00Z')).toEqual([b, a]);
  expect(await search('&from=2026-08-18%2010:00:00&to=2026-08-18%2010:01:00')).toEqual([b, a]);
});

test('recipientStatus matches the latest actor status of the caller', async () => {
  expect(await search('&recipientStatus=DownloadStarted', tb.tokens.recipient1)).toEqual([b]);
  expect(await search('&recipientStatus=Initialized', tb.tokens.recipient1)).toEqual([urnSent, a]);
  expect(await search('&recipientStatus=Initialized', tb.tokens.sender)).toEqual([]);
});

test('bad parameters: missing resourceId, bad enum, bad date, bad bool are validation problems', async () => {
  const missing = await tb.call('GET', FT, { token: tb.tokens.sender });
  expect(missing.status).toBe(400);
  expect(missing.json().errors).toEqual({ resourceId: ['The resourceId field is required.'] });
  for (const [q, key] of [['&status=Nope', 'status'], ['&status=9', 'status'], ['&from=yesterday', 'from'], ['&orderAscending=maybe', 'orderAscending'], ['&role=x', 'role']]) {
    const res = await tb.call('GET', `${FT}?resourceId=${RESOURCE_1}${q}`, { token: tb.tokens.sender });
    expect(res.status, q).toBe(400);
    expect(Object.keys(res.json().errors)).toEqual([key]);
  }
});

test('unknown resource or URN resource id is 401 code 6; caller who never acted gets []', async () => {
  const res = await tb.call('GET', `${FT}?resourceId=urn:altinn:resource:${RESOURCE_1}`, { token: tb.tokens.sender });
  expect(res.status).toBe(401);
  expect(res.json().code).toBe('BRO-00006');
  expect(await search('', tb.tokens.outsider)).toEqual([]);
});

test('at most 100 ids', async () => {
  for (let i = 0; i < 101; i++) {
    clock.ms += 1000;
    await tb.initialize({ resourceId: 'altinn-broker-test-resource-2' });
  }
  const res = await tb.call('GET', `${FT}?resourceId=altinn-broker-test-resource-2`, { token: tb.tokens.sender });
  expect(res.json()).toHaveLength(100);
});
