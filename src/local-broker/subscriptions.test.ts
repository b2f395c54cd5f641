/** @module Self-tests of event delivery: every §5.1 type seen by a webhook subscriber and by polling, in the same order, with the §5.2 payload; handshake, retries, filters, paging. */
import { expect, test } from '@playwright/test';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrokerCloudEvent } from './events.ts';
import { eventually, ORGS, RESOURCE_1, startTestBroker, type TestBroker } from './testing.ts';

const FT = '/broker/api/v1/filetransfer';
const RESOURCE_URN = `urn:altinn:resource:${RESOURCE_1}`;

interface Received {
  contentType: string | undefined;
  body: Record<string, unknown>;
}

/** A tiny subscriber: records every POST; answers 503 to the first `failFirst` non-validation deliveries. */
async function startSubscriber(o: { failFirst?: number; rejectValidation?: boolean } = {}) {
  const received: Received[] = [];
  let failuresLeft = o.failFirst ?? 0;
  let attempts = 0;
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      const validation = body.type === 'platform.events.validatesubscription';
      attempts++;
      if (validation && o.rejectValidation) return void res.writeHead(400).end();
      if (!validation && failuresLeft > 0) {
        failuresLeft--;
        return void res.writeHead(503).end();
      }
      received.push({ contentType: req.headers['content-type'], body });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    attempts: () => attempts,
    events: () => received.filter((r) => r.body.type !== 'platform.events.validatesubscription').map((r) => r.body as unknown as BrokerCloudEvent),
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

let tb: TestBroker;
test.beforeAll(async () => {
  tb = await startTestBroker({
    validateLifetime: false, // the clock moves 30 days; tokens stay usable as in Development
    emulatorEndpoints: { events: true, subscriptions: true, clock: true },
    eventDelivery: { retryDelaysMs: [10, 20, 40], timeoutMs: 2000 },
  });
});
test.afterAll(async () => tb.close());

const subscribe = (json: unknown, token = tb.tokens.sender) => tb.call('POST', '/events/api/v1/subscriptions', { token, json });

/** Follows `Next` from `after=0` with a small page size until a page comes back empty. */
async function pollAll(query: string, token = tb.tokens.recipient1): Promise<{ events: BrokerCloudEvent[]; pages: number }> {
  let url = `/events/api/v1/events?resource=${encodeURIComponent(RESOURCE_URN)}&after=0&size=3${query}`;
  const events: BrokerCloudEvent[] = [];
  for (let pages = 0; ; pages++) {
    const res = await tb.call('GET', url, { token });
    expect(res.status).toBe(200);
    const page = res.json<BrokerCloudEvent[]>();
    if (page.length === 0) return { events, pages };
    expect(page.length).toBeLessThanOrEqual(3);
    events.push(...page);
    const next = new URL(String(res.headers.next));
    expect(next.searchParams.get('after')).toBe(page.at(-1)!.id);
    url = `${next.pathname}${next.search}`;
  }
}

test('every event type of §5.1 reaches a subscriber and the polling API, in the same order, with the §5.2 payload', async () => {
  test.setTimeout(30_000);
  const hook = await startSubscriber({ failFirst: 2 }); // the first event is delivered on the third attempt, the rest wait for it
  try {
    const created = await subscribe({ endPoint: hook.url, resourceFilter: RESOURCE_URN });
    expect(created.status).toBe(201);
    const sub = created.json();
    expect(sub).toMatchObject({ id: expect.any(Number), endPoint: hook.url, resourceFilter: RESOURCE_URN, subjectFilter: null, typeFilter: null });
    expect(String(created.headers.location)).toMatch(new RegExp(`/events/api/v1/subscriptions/${sub.id}$`));
    await eventually(async () => ((await tb.call('GET', `/events/api/v1/subscriptions/${sub.id}`, { token: tb.tokens.sender })).json().validated ? true : undefined));
    const validation = hook.received[0]!;
    expect(validation.body).toMatchObject({ specversion: '1.0', type: 'platform.events.validatesubscription', source: `${tb.url}/events/api/v1/subscriptions/${sub.id}` });
    const firstIndex = tb.broker.events().length;

    // 1. Two recipients both confirm: initialized, uploadprocessing, published ×3, downloadconfirmed ×4, allconfirmed, filepurged after the grace period.
    const a = await tb.initialize({ recipients: [`0192:${ORGS.recipient1}`, `0192:${ORGS.recipient2}`] });
    await tb.upload(a, 'payload a');
    for (const token of [tb.tokens.recipient1, tb.tokens.recipient2]) {
      await tb.call('GET', `${FT}/${a}/download`, { token });
      await tb.call('POST', `${FT}/${a}/confirmdownload`, { token });
    }
    // 2. Published, never downloaded, expires: filepurged + fileneverconfirmeddownloaded (recipient, sender).
    const b = await tb.initialize();
    await tb.upload(b, 'payload b');
    // 3. TUS upload whose initialize checksum does not match: uploadfailed.
    const c = await tb.initialize({ checksum: createHash('md5').update('other').digest('hex') });
    await tb.call('POST', `/broker/api/v1/filetransfer/upload/tus/${c}`, {
      token: tb.tokens.sender,
      headers: { 'tus-resumable': '1.0.0', 'upload-length': '3', 'content-type': 'application/offset+octet-stream' },
      body: 'abc',
    });
    await eventually(async () => ((await tb.overview(c)).fileTransferStatus === 'Failed' ? true : undefined));
    expect((await tb.call('POST', '/_emulator/clock/advance', { json: { duration: 'PT2H' } })).status).toBe(200);
    expect((await tb.overview(a)).fileTransferStatus).toBe('Purged');
    expect((await tb.call('POST', '/_emulator/clock/advance', { json: { duration: 'P30D' } })).status).toBe(200);
    expect((await tb.overview(b)).fileTransferStatus).toBe('Purged');

    const emitted = tb.broker.events().slice(firstIndex);
    const short = (e: BrokerCloudEvent) => `${e.resourceinstance === a ? 'a' : e.resourceinstance === b ? 'b' : 'c'}:${e.type.replace('no.altinn.broker.', '')}:${e.data.Role}`;
    expect(emitted.map(short)).toEqual([
      'a:filetransferinitialized:Sender',
      'a:uploadprocessing:Sender',
      'a:published:Sender',
      'a:published:Recipient',
      'a:published:Recipient',
      'a:downloadconfirmed:Recipient',
      'a:downloadconfirmed:Sender',
      'a:downloadconfirmed:Recipient',
      'a:downloadconfirmed:Sender',
      'a:allconfirmeddownloaded:Sender',
      'b:filetransferinitialized:Sender',
      'b:uploadprocessing:Sender',
      'b:published:Sender',
      'b:published:Recipient',
      'c:filetransferinitialized:Sender',
      'c:uploadprocessing:Sender',
      'c:uploadfailed:Sender',
      'a:filepurged:Sender',
      // b (Published) and c (Failed) expire 30 days after their initialize, in that order
      'b:filepurged:Sender',
      'b:fileneverconfirmeddownloaded:Recipient',
      'b:fileneverconfirmeddownloaded:Sender',
      'c:filepurged:Sender',
      'c:fileneverconfirmeddownloaded:Recipient',
      'c:fileneverconfirmeddownloaded:Sender',
    ]);
    const types = new Set(emitted.map((e) => e.type));
    for (const t of ['filetransferinitialized', 'uploadprocessing', 'published', 'uploadfailed', 'downloadconfirmed', 'allconfirmeddownloaded', 'filepurged', 'fileneverconfirmeddownloaded']) {
      expect(types.has(`no.altinn.broker.${t}`), t).toBe(true);
    }

    // The webhook got exactly these, in this order, despite the two failed attempts at the first one.
    await eventually(async () => (hook.events().length >= emitted.length ? true : undefined));
    await tb.broker.subscriptions.settled();
    expect(hook.events()).toEqual(emitted);
    expect(hook.attempts()).toBe(1 + emitted.length + 2);
    expect(hook.received.every((r) => r.contentType === 'application/cloudevents+json')).toBe(true);

    // Polling sees the same sequence (the log also holds earlier tests' events for this resource).
    const polled = (await pollAll('')).events;
    expect(polled.slice(polled.findIndex((e) => e.id === emitted[0]!.id))).toEqual(emitted);

    for (const e of emitted) {
      expect(Object.keys(e)).toEqual(['specversion', 'id', 'type', 'time', 'resource', 'resourceinstance', 'subject', 'source', 'data']);
      expect(e).toMatchObject({ specversion: '1.0', resource: RESOURCE_URN, source: `${tb.url}/broker/api/v1/filetransfer` });
      expect(e.subject).toMatch(/^urn:altinn:organization:identifier-no:\d{9}$/);
      expect(e.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?\+00:00$/);
      expect(e.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(['Sender', 'Recipient']).toContain(e.data.Role);
      expect(e.subject.endsWith(e.data.Role === 'Sender' ? ORGS.sender : '')).toBe(true);
    }
  } finally {
    await hook.close();
  }
});

test('filters: subject and type on a subscription and on polling; unknown `after` has nothing after it', async () => {
  const hook = await startSubscriber();
  try {
    const subject = `urn:altinn:organization:identifier-no:${ORGS.recipient1}`;
    const sub = (await subscribe({ endPoint: hook.url, resourceFilter: RESOURCE_URN, subjectFilter: subject, typeFilter: 'no.altinn.broker.published' })).json();
    await eventually(async () => (tb.broker.subscriptions.get(sub.id)?.validated ? true : undefined));
    const id = await tb.initialize();
    await tb.upload(id, 'x');
    await tb.broker.subscriptions.settled();
    expect(hook.events().map((e) => [e.type, e.subject, e.resourceinstance])).toEqual([['no.altinn.broker.published', subject, id]]);

    const polled = await pollAll(`&subject=${encodeURIComponent(subject)}&type=no.altinn.broker.published`);
    expect(polled.events.every((e) => e.subject === subject && e.type === 'no.altinn.broker.published')).toBe(true);
    expect(polled.events.at(-1)!.resourceinstance).toBe(id);
    const unknown = await tb.call('GET', `/events/api/v1/events?resource=${RESOURCE_URN}&after=nope`, { token: tb.tokens.sender });
    expect(unknown.json()).toEqual([]);
    expect(new URL(String(unknown.headers.next)).searchParams.get('after')).toBe('nope');
    expect((await tb.call('DELETE', `/events/api/v1/subscriptions/${sub.id}`, { token: tb.tokens.sender })).status).toBe(200);
    expect((await tb.call('GET', `/events/api/v1/subscriptions/${sub.id}`, { token: tb.tokens.sender })).status).toBe(404);
  } finally {
    await hook.close();
  }
});

test('a subscription whose endpoint refuses the handshake stays unvalidated and receives nothing', async () => {
  const hook = await startSubscriber({ rejectValidation: true });
  try {
    const sub = (await subscribe({ endPoint: hook.url, resourceFilter: RESOURCE_URN })).json();
    await tb.initialize();
    await tb.broker.subscriptions.settled();
    expect(tb.broker.subscriptions.get(sub.id)?.validated).toBe(false);
    expect(hook.attempts()).toBe(4); // the handshake with its three retries
    expect(hook.events()).toEqual([]);
  } finally {
    await hook.close();
  }
});

test('Events API input and auth: 400 texts, 401 without a token, 403 without a usable scope', async () => {
  const poll = (q: string, token?: string) => tb.call('GET', `/events/api/v1/events${q}`, { token });
  expect((await poll('?after=0', tb.tokens.sender)).json().detail).toBe("The 'resource' parameter must be defined.");
  expect((await poll(`?resource=${RESOURCE_URN}`, tb.tokens.sender)).json().detail).toBe("The 'after' parameter must be defined.");
  expect((await poll(`?resource=${RESOURCE_URN}&after=0&size=0`, tb.tokens.sender)).status).toBe(400);
  expect((await poll(`?resource=${RESOURCE_URN}&after=0`)).status).toBe(401);
  const eventsOnly = await tb.token(ORGS.outsider, ['altinn:events.subscribe']);
  expect((await poll(`?resource=${RESOURCE_URN}&after=0`, eventsOnly)).status).toBe(200);
  const unrelated = await tb.token(ORGS.outsider, ['altinn:something.else']);
  expect((await poll(`?resource=${RESOURCE_URN}&after=0`, unrelated)).status).toBe(403);
  expect((await subscribe({ endPoint: 'not a url', resourceFilter: RESOURCE_URN })).status).toBe(400);
  expect((await subscribe({ endPoint: 'http://127.0.0.1:9/x', resourceFilter: RESOURCE_1 })).status).toBe(400);
  expect((await subscribe({ endPoint: 'http://127.0.0.1:9/x', resourceFilter: RESOURCE_URN }, unrelated)).status).toBe(403);
});

test('the Events and subscription APIs are absent unless enabled', async () => {
  const plain = await startTestBroker({}, tb.issuer);
  try {
    expect((await plain.call('GET', `/events/api/v1/events?resource=${RESOURCE_URN}&after=0`, { token: plain.tokens.sender })).status).toBe(404);
    expect((await plain.call('POST', '/events/api/v1/subscriptions', { token: plain.tokens.sender, json: {} })).status).toBe(404);
    expect((await plain.call('GET', '/_emulator/clock')).status).toBe(404);
  } finally {
    await plain.close();
  }
});
