/** @module Self-tests of clock-driven work: expiry purge and purge after all confirmed, run by the scheduler off an injected clock. */
import { expect, test } from '@playwright/test';
import type { Clock } from './clock.ts';
import { startTestBroker, type TestBroker, ORGS } from './testing.ts';

class StepClock implements Clock {
  constructor(public ms: number) {}
  now() {
    return new Date(this.ms);
  }
}

const FT = '/broker/api/v1/filetransfer';
let tb: TestBroker;
const clock = new StepClock(Date.parse('2026-08-18T10:00:00Z'));
test.beforeAll(async () => {
  tb = await startTestBroker({ clock, validateLifetime: false });
});
test.afterAll(async () => tb.close());

const types = (id: string) => tb.broker.events().filter((e) => e.resourceinstance === id).map((e) => `${e.type.replace('no.altinn.broker.', '')}:${e.data.Role}`);

test('nothing happens before expirationTime; at expirationTime the transfer is Purged with its events', async () => {
  const id = await tb.initialize({ recipients: [`0192:${ORGS.recipient1}`, `0192:${ORGS.recipient2}`] });
  await tb.upload(id, 'x');
  const expires = Date.parse((await tb.overview(id)).expirationTime);
  clock.ms = expires - 1;
  await tb.broker.scheduler.runDue();
  expect((await tb.overview(id)).fileTransferStatus).toBe('Published');
  clock.ms = expires;
  await tb.broker.scheduler.runDue();
  const o = await tb.overview(id);
  expect(o).toMatchObject({ fileTransferStatus: 'Purged', fileTransferStatusText: 'FileTransfer has been purged' });
  expect(types(id).slice(-4)).toEqual(['filepurged:Sender', 'fileneverconfirmeddownloaded:Recipient', 'fileneverconfirmeddownloaded:Recipient', 'fileneverconfirmeddownloaded:Sender']);
  expect((await tb.call('GET', `${FT}/${id}/download`, { token: tb.tokens.recipient1 })).json().code).toBe('BRO-00007');
  expect((await tb.call('POST', `${FT}/${id}/confirmdownload`, { token: tb.tokens.recipient1 })).json().code).toBe('BRO-00010');
  const search = await tb.call('GET', `${FT}?resourceId=altinn-broker-test-resource-1&status=Purged`, { token: tb.tokens.sender });
  expect(search.json()).toContain(id);
});

test('after all confirmed, the purge waits for the grace period (PT2H default)', async () => {
  const id = await tb.initialize();
  await tb.upload(id, 'x');
  await tb.call('GET', `${FT}/${id}/download`, { token: tb.tokens.recipient1 });
  await tb.call('POST', `${FT}/${id}/confirmdownload`, { token: tb.tokens.recipient1 });
  const confirmedAt = clock.ms;
  clock.ms = confirmedAt + 2 * 3_600_000 - 1;
  await tb.broker.scheduler.runDue();
  expect((await tb.overview(id)).fileTransferStatus).toBe('AllConfirmedDownloaded');
  clock.ms = confirmedAt + 2 * 3_600_000;
  await tb.broker.scheduler.runDue();
  expect((await tb.overview(id)).fileTransferStatus).toBe('Purged');
  expect(types(id).slice(-1)).toEqual(['filepurged:Sender']);
});
