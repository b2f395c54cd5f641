/** @module Self-tests of the controllable clock: the clock endpoints, scheduled work run in time order on advance, Purged from every state (§3.4, §3.5) and the stuck-upload rule. */
import { expect, test } from '@playwright/test';
import { existsSync } from 'node:fs';
import { ManualClock } from './clock.ts';
import { startLocalBroker } from './index.ts';
import { eventually, ORGS, RESOURCE_2, startTestBroker, type TestBroker } from './testing.ts';

const FT = '/broker/api/v1/filetransfer';
const TUS = `${FT}/upload/tus`;
const V = { 'tus-resumable': '1.0.0' };
const HOUR = 3_600_000;
const START = Date.parse('2026-08-18T10:00:00Z');

let tb: TestBroker;
let clock: ManualClock;
test.beforeAll(async () => {
  clock = new ManualClock(START);
  tb = await startTestBroker({ clock, validateLifetime: false, emulatorEndpoints: { clock: true, events: true } });
});
test.afterAll(async () => tb.close());

const advance = async (duration: string) => {
  const res = await tb.call('POST', '/_emulator/clock/advance', { json: { duration } });
  expect(res.status).toBe(200);
  return res.json<{ now: string }>().now;
};
const short = (id: string) => tb.broker.events().filter((e) => e.resourceinstance === id).map((e) => `${e.type.replace('no.altinn.broker.', '')}:${e.data.Role}`);
const status = async (id: string) => (await tb.overview(id)).fileTransferStatus as string;
const putResource = (json: Record<string, unknown>) => tb.call('PUT', `/broker/api/v1/resource/${RESOURCE_2}`, { token: tb.tokens.serviceOwner, json });

test('GET /_emulator/clock and POST /_emulator/clock/advance with milliseconds or an xs:duration; bad bodies are 400', async () => {
  const before = (await tb.call('GET', '/_emulator/clock')).json().now;
  expect(before).toBe(clock.now().toISOString());
  const res = await tb.call('POST', '/_emulator/clock/advance', { json: { milliseconds: 1500 } });
  expect(res.json()).toEqual({ now: new Date(Date.parse(before) + 1500).toISOString() });
  expect(await advance('PT1M')).toBe(new Date(Date.parse(before) + 61_500).toISOString());
  for (const json of [{}, { milliseconds: -1 }, { milliseconds: 1.5 }, { duration: 'soon' }, { duration: '-P1D' }, { milliseconds: 1, duration: 'PT1S' }, [1]]) {
    const bad = await tb.call('POST', '/_emulator/clock/advance', { json });
    expect(bad.status, JSON.stringify(json)).toBe(400);
  }
  expect(clock.now().toISOString()).toBe(new Date(Date.parse(before) + 61_500).toISOString()); // bad requests moved nothing
});

test('the clock endpoint refuses a clock that cannot move', async () => {
  await expect(startLocalBroker({ port: 0, clock: { now: () => new Date() }, emulatorEndpoints: { clock: true }, log: () => undefined })).rejects.toThrow(/controllable clock/);
});

test('advance runs due work in time order, each at its due time, before it answers', async () => {
  const shortLived = await tb.initialize({ resourceId: RESOURCE_2 }); // P7D
  const longLived = await tb.initialize(); // P30D
  await tb.upload(shortLived, 'x');
  await tb.upload(longLived, 'y');
  const expiries = await Promise.all([shortLived, longLived].map(async (id) => (await tb.overview(id)).expirationTime as string));
  await advance('P30D');
  expect([await status(shortLived), await status(longLived)]).toEqual(['Purged', 'Purged']);
  const purgedEvents = tb.broker.events().filter((e) => e.type === 'no.altinn.broker.filepurged' && [shortLived, longLived].includes(e.resourceinstance));
  expect(purgedEvents.map((e) => e.resourceinstance)).toEqual([shortLived, longLived]);
  // Each purge ran with the clock at its expirationTime, not at the end of the jump.
  expect(purgedEvents.map((e) => Date.parse(e.time))).toEqual(expiries.map((x) => Date.parse(x)));
});

test('Purged from Initialized and from Published at expirationTime: payload gone, metadata kept, download 403 code 7, confirm 400 code 10', async () => {
  const initialized = await tb.initialize({ recipients: [`0192:${ORGS.recipient1}`, `0192:${ORGS.recipient2}`] });
  const published = await tb.initialize();
  await tb.upload(published, 'payload');
  expect(existsSync(tb.broker.broker.store.payloadPath(published))).toBe(true);
  await advance('P30D');
  expect(short(initialized)).toEqual([
    'filetransferinitialized:Sender',
    'filepurged:Sender',
    'fileneverconfirmeddownloaded:Recipient',
    'fileneverconfirmeddownloaded:Recipient',
    'fileneverconfirmeddownloaded:Sender',
  ]);
  expect(short(published).slice(-3)).toEqual(['filepurged:Sender', 'fileneverconfirmeddownloaded:Recipient', 'fileneverconfirmeddownloaded:Sender']);
  const o = await tb.overview(published);
  expect(o).toMatchObject({ fileTransferStatus: 'Purged', fileTransferStatusText: 'FileTransfer has been purged', fileName: 'input.txt', fileTransferSize: 7 });
  expect(existsSync(tb.broker.broker.store.payloadPath(published))).toBe(false);
  const download = await tb.call('GET', `${FT}/${published}/download`, { token: tb.tokens.recipient1 });
  expect([download.status, download.json().code]).toEqual([403, 'BRO-00007']);
  const confirm = await tb.call('POST', `${FT}/${published}/confirmdownload`, { token: tb.tokens.recipient1 });
  expect([confirm.status, confirm.json().code]).toEqual([400, 'BRO-00010']);
  // A second purge trigger is a no-op.
  await advance('P30D');
  expect(short(published).filter((e) => e === 'filepurged:Sender')).toHaveLength(1);
});

test('Purged from UploadStarted (TTL shorter than a day): the TUS upload is discarded too', async () => {
  expect((await putResource({ fileTransferTimeToLive: 'PT12H' })).status).toBe(204);
  try {
    const id = await tb.initialize({ resourceId: RESOURCE_2 });
    await tb.call('POST', `${TUS}/${id}`, { token: tb.tokens.sender, headers: { ...V, 'upload-length': '10' } });
    expect(await status(id)).toBe('UploadStarted');
    await advance('PT11H59M');
    expect(await status(id)).toBe('UploadStarted');
    await advance('PT1M');
    expect(await status(id)).toBe('Purged');
    expect(short(id)).toEqual(['filetransferinitialized:Sender', 'filepurged:Sender', 'fileneverconfirmeddownloaded:Recipient', 'fileneverconfirmeddownloaded:Sender']);
    expect(existsSync(tb.broker.broker.store.tusPath(id))).toBe(false);
    expect((await tb.call('HEAD', `${TUS}/${id}`, { token: tb.tokens.sender, headers: V })).status).toBe(409);
  } finally {
    await putResource({ fileTransferTimeToLive: 'P7D' });
  }
});

test('Purged from Failed at expiry (with its purge events)', async () => {
  const id = await tb.initialize({ checksum: '0123456789abcdef0123456789abcdef' });
  expect((await tb.upload(id, 'x')).status).toBe(400);
  expect(await status(id)).toBe('Failed');
  await advance('P30D');
  expect(await status(id)).toBe('Purged');
  expect(short(id)).toEqual(['filetransferinitialized:Sender', 'filepurged:Sender', 'fileneverconfirmeddownloaded:Recipient', 'fileneverconfirmeddownloaded:Sender']);
});

test('Purged from AllConfirmedDownloaded: after the grace period with the flag on; at expiry with it off', async () => {
  const confirm = async (id: string) => {
    await tb.call('GET', `${FT}/${id}/download`, { token: tb.tokens.recipient1 });
    expect((await tb.call('POST', `${FT}/${id}/confirmdownload`, { token: tb.tokens.recipient1 })).status).toBe(204);
  };
  const graceful = await tb.initialize({ resourceId: RESOURCE_2 }); // grace PT1H
  await tb.upload(graceful, 'x');
  await confirm(graceful);
  await advance('PT59M');
  expect(await status(graceful)).toBe('AllConfirmedDownloaded');
  expect((await tb.call('GET', `${FT}/${graceful}/download`, { token: tb.tokens.recipient1 })).status).toBe(200); // still downloadable
  await advance('PT1M');
  expect(await status(graceful)).toBe('Purged');
  expect(short(graceful).slice(-2)).toEqual(['allconfirmeddownloaded:Sender', 'filepurged:Sender']); // everyone confirmed: no never-confirmed events

  expect((await putResource({ purgeFileTransferAfterAllRecipientsConfirmed: false })).status).toBe(204);
  try {
    const kept = await tb.initialize({ resourceId: RESOURCE_2 });
    await tb.upload(kept, 'x');
    await confirm(kept);
    await advance('P6D');
    expect(await status(kept)).toBe('AllConfirmedDownloaded');
    await advance('P1D');
    expect(await status(kept)).toBe('Purged');
    expect(short(kept).slice(-2)).toEqual(['allconfirmeddownloaded:Sender', 'filepurged:Sender']);
  } finally {
    await putResource({ purgeFileTransferAfterAllRecipientsConfirmed: true });
  }
});

test('stuck upload: UploadStarted for over 24 h with no TUS activity in the last hour → Failed with the stuck text and uploadfailed', async () => {
  const path = (id: string) => `${TUS}/${id}`;
  const quiet = await tb.initialize();
  const busy = await tb.initialize();
  for (const id of [quiet, busy]) await tb.call('POST', path(id), { token: tb.tokens.sender, headers: { ...V, 'upload-length': '10' } });
  await advance('PT23H50M');
  expect([await status(quiet), await status(busy)]).toEqual(['UploadStarted', 'UploadStarted']);
  const patch = await tb.call('PATCH', path(busy), {
    token: tb.tokens.sender,
    headers: { ...V, 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' },
    body: 'abc',
  });
  expect(patch.status).toBe(204);
  await advance('PT55M'); // at least one check ran after 24 h
  expect(await status(busy)).toBe('UploadStarted'); // activity within the last hour
  const failed = await tb.overview(quiet);
  expect(failed).toMatchObject({ fileTransferStatus: 'Failed', fileTransferStatusText: 'File transfer was stuck in UploadStarted as it failed upload mid-request.' });
  expect(short(quiet)).toEqual(['filetransferinitialized:Sender', 'uploadfailed:Sender']);
  expect((await tb.call('HEAD', path(quiet), { token: tb.tokens.sender, headers: V })).status).toBe(404);
  await advance('PT1H');
  expect(await status(busy)).toBe('Failed');
  expect(short(busy)).toEqual(['filetransferinitialized:Sender', 'uploadfailed:Sender']);
});

test('Upload-Expires: a TUS upload left alone for 24 h is gone (HEAD 404), the transfer stays UploadStarted until the stuck check', async () => {
  const id = await tb.initialize();
  const created = await tb.call('POST', `${TUS}/${id}`, { token: tb.tokens.sender, headers: { ...V, 'upload-length': '10' } });
  expect(Date.parse(String(created.headers['upload-expires']))).toBe(Math.floor((clock.now().getTime() + 24 * HOUR) / 1000) * 1000);
  await advance('PT23H59M');
  expect((await tb.call('HEAD', `${TUS}/${id}`, { token: tb.tokens.sender, headers: V })).status).toBe(200);
  await advance('PT1M');
  expect((await tb.call('HEAD', `${TUS}/${id}`, { token: tb.tokens.sender, headers: V })).status).toBe(404);
  expect(existsSync(tb.broker.broker.store.tusPath(id))).toBe(false);
  expect(await status(id)).toBe('UploadStarted');
});

test('in-process advanceClock does the same as the endpoint', async () => {
  const id = await tb.initialize({ resourceId: RESOURCE_2 });
  await tb.broker.advanceClock(7 * 24 * HOUR);
  expect(await eventually(async () => ((await status(id)) === 'Purged' ? true : undefined)), 'Purged after the in-process jump').toBe(true);
  expect((await tb.details(id)).fileTransferStatusHistory.map((h: { fileTransferStatus: string }) => h.fileTransferStatus)).toEqual(['Initialized', 'Purged']);
});
