/**
 * Events: which CloudEvents each transition emits, to whom, with which payload
 * shape. Gated on the `events` capability; a Broker whose events cannot be observed over HTTP yet
 * makes these `fixme` with the reason, never a pass.
 */
import { test } from '../../fixtures/index.ts';
import type { CloudEvent } from '../../fixtures/capabilities.ts';
import { aPayload, eicar, md5 } from '../../fixtures/data/transfers.ts';
import {
  CloudEventsMatchTheContract,
  compare,
  condition,
  EVENT_PREFIX,
  eventsAddressedAsDocumented,
  publishedEventIdsAreDeterministic,
  TimestampsCarryUtcOffset,
  transferIsIn,
  transition,
  type ExpectedEvent,
} from '../../src/oracle/index.ts';
import { waitFor } from '../../fixtures/polling.ts';
import { verifyTransitionEvents } from '../../fixtures/transition-events.ts';

/** The multiset of `type/Role` pairs the oracle expects for the given transitions. */
function expectedPairs(keys: string[], recipients: number): string[] {
  const pairs: string[] = [];
  const add = (e: ExpectedEvent) => {
    for (let i = 0; i < (e.count === 'each' ? recipients : 1); i++) pairs.push(`${EVENT_PREFIX}${e.type}/${e.role}`);
  };
  for (const k of keys) transition(k).events.forEach(add);
  return pairs.sort();
}

const EventsAsDocumented = (requirement: string, keys: string[], recipients: number) =>
  condition<CloudEvent[]>('EventsEmittedAsDocumented', requirement, '§5.1', (events) =>
    compare('events (type/Role)', { events: { expected: expectedPairs(keys, recipients), actual: events.map((e) => `${e.type}/${e.data?.Role}`).sort() } }),
  );

test.describe('events @events', () => {
  test.beforeEach(async ({ needs, probes }) => {
    needs('events');
    const missing = await probes.eventsMissing();
    test.fixme(!!missing, missing ?? '');
  });

  test('EVT-001 EVT-002 EVT-003 EVT-004 EVT-009 EVT-010 initialize, publish and confirms emit the documented events, each to its party, published ids deterministic', async ({ flow, actors, environment, probes, verify, contracts }) => {
    // Without the capability (a Broker with only the virus-scan storage provider answers 503 code 21 to
    // `disableVirusScan: true`) the transfer takes the scanned path, and its events are expected instead.
    const noScan = environment.capabilities.disableVirusScan;
    test.skip(actors.recipients.length < 2, 'needs two recipients');
    const recipients = [flow.orgOf(0), flow.orgOf(1)];
    const { id, body } = await flow.published({ disableVirusScan: noScan, recipients });
    for (const r of actors.recipients.slice(0, 2)) {
      await r.downloadFileTransfer(id);
      await r.confirmDownload(id);
    }
    const publishKeys = noScan ? ['UploadStarted->Published[upload-no-scan]'] : ['UploadStarted->UploadProcessing[upload-scan]', 'UploadProcessing->Published[scan-clean]'];
    const keys = ['none->Initialized[initialize]', ...publishKeys, 'Recipient:DownloadStarted->DownloadConfirmed[confirm-not-last]', 'Published->AllConfirmedDownloaded[confirm-last]'];
    const want = expectedPairs(keys, 2).length;
    const events = (await waitFor(() => probes.eventsFor(id), (e) => e.length >= want, environment.polling)).value;
    if (events.length > 0) verify(CloudEventsMatchTheContract(contracts[0]!.compiled), events);
    verify(EventsAsDocumented('EVT-002', keys, 2), events, { cite: ['EVT-001', 'EVT-003'], events: keys });
    verify(condition<CloudEvent[]>('CloudEventShape', 'EVT-004', '§5.2', (list) =>
      compare('payload', {
        specversion: { expected: '1.0', actual: [...new Set(list.map((e) => e.specversion))] , ok: list.every((e) => e.specversion === '1.0') },
        resource: { expected: `urn:altinn:resource:${environment.resources[0]}`, actual: [...new Set(list.map((e) => e.resource))], ok: list.every((e) => e.resource === `urn:altinn:resource:${environment.resources[0]}`) },
        subject: { expected: 'urn:altinn:organization:identifier-no:<9 digits>', actual: [...new Set(list.map((e) => e.subject))], ok: list.every((e) => /^urn:altinn:organization:identifier-no:\d{9}$/.test(e.subject ?? '')) },
      })), events);
    const steps = [
      { key: 'none->Initialized[initialize]', recipients },
      ...publishKeys.map((key) => ({ key, recipients })),
      { key: 'Recipient:DownloadStarted->DownloadConfirmed[confirm-not-last]', recipients: [recipients[0]!] },
      { key: 'Published->AllConfirmedDownloaded[confirm-last]', recipients: [recipients[1]!] },
    ];
    verify(eventsAddressedAsDocumented(steps, body.sender!), events, { events: steps.map((x) => x.key) });
    verify(publishedEventIdsAreDeterministic(id, body.sender!, recipients), events);
    verify(TimestampsCarryUtcOffset, events);
  });

  test('EVT-005 EVT-006 a non-TUS checksum mismatch emits no uploadfailed; a scanned upload emits uploadprocessing', async ({ flow, sender, environment, probes, verify, contracts }) => {
    const bad = (await flow.initialize({ checksum: md5('x') })).id;
    await sender.uploadFileTransfer(bad, aPayload().bytes);
    const badKeys = ['none->Initialized[initialize]', 'UploadStarted->Failed[checksum-mismatch]'];
    const badEvents = (await waitFor(() => probes.eventsFor(bad), (e) => e.length >= expectedPairs(badKeys, 1).length, environment.polling)).value;
    if (badEvents.length > 0) verify(CloudEventsMatchTheContract(contracts[0]!.compiled), badEvents);
    verify(EventsAsDocumented('EVT-005', badKeys, 1), badEvents, { events: badKeys });
    const { id: scanned, body } = await flow.published({ disableVirusScan: false });
    const keys = ['none->Initialized[initialize]', 'UploadStarted->UploadProcessing[upload-scan]', 'UploadProcessing->Published[scan-clean]'];
    const events = (await waitFor(() => probes.eventsFor(scanned), (e) => e.length >= expectedPairs(keys, 1).length, environment.polling)).value;
    if (events.length > 0) verify(CloudEventsMatchTheContract(contracts[0]!.compiled), events);
    verify(EventsAsDocumented('EVT-006', keys, 1), events, { events: keys });
    verify(eventsAddressedAsDocumented(keys.map((key) => ({ key, recipients: body.recipients ?? [] })), body.sender!), events, { transition: 'UploadProcessing->Published[scan-clean]' });
    verify(publishedEventIdsAreDeterministic(scanned, body.sender!, body.recipients ?? []), events);
  });

  test('EVT-008 malware found emits uploadfailed and fileneverconfirmeddownloaded', async ({ flow, sender, environment, probes, verify, contracts, needs }) => {
    needs('malwareScan');
    const { id } = await flow.initialize({ disableVirusScan: false });
    await sender.uploadFileTransfer(id, eicar().bytes);
    const keys = ['none->Initialized[initialize]', 'UploadStarted->UploadProcessing[upload-scan]', 'UploadProcessing->Failed[scan-malware]'];
    const events = (await waitFor(() => probes.eventsFor(id), (e) => e.length >= expectedPairs(keys, 1).length, environment.polling)).value;
    if (events.length > 0) verify(CloudEventsMatchTheContract(contracts[0]!.compiled), events);
    verify(EventsAsDocumented('EVT-008', keys, 1), events, { transition: 'UploadProcessing->Failed[scan-malware]', events: keys });
  });
});

type OwnBroker = Parameters<Parameters<typeof test>[2]>[0]['ownBroker'];
type Needs = Parameters<Parameters<typeof test>[2]>[0]['needs'];

/** A Broker of the test's own whose clock moves and whose events can be read; SKIP (or fixme) with the reason otherwise. */
async function clockedBroker(ownBroker: OwnBroker, needs: Needs) {
  needs('clock');
  needs('events');
  const own = await ownBroker();
  test.skip(!own, 'moving the clock needs an embedded Broker of its own');
  const missing = (await own!.probes.clockMissing()) ?? (await own!.probes.eventsMissing());
  test.fixme(!!missing, missing ?? '');
  return own!;
}

test.describe('events of clock-driven purges @events @slow', () => {
  test('EVT-007 an expiry purge emits filepurged and fileneverconfirmeddownloaded for the unconfirmed recipient', async ({ ownBroker, needs, verify, contracts }) => {
    const { flow, actors, probes } = await clockedBroker(ownBroker, needs);
    test.skip(actors.recipients.length < 2, 'needs two recipients');
    const { id } = await flow.published({ recipients: [flow.orgOf(0), flow.orgOf(1)] });
    await actors.recipients[0]!.downloadFileTransfer(id);
    await actors.recipients[0]!.confirmDownload(id);
    // An Initialized and a Failed transfer expire in the same jump: their purges announce the unconfirmed recipient too.
    const initialized = (await flow.initialize()).id;
    const failed = (await flow.initialize({ checksum: md5('other bytes') })).id;
    await actors.sender.uploadFileTransfer(failed, aPayload().bytes);
    const t0 = performance.now();
    await probes.advanceClock('P31D');
    const waited = await flow.waitForStatus(id, ['Purged']);
    verify(transferIsIn('Purged', 'LC-CLOCK-001'), waited.value, { transition: 'Published->Purged[expiry]', elapsedMs: performance.now() - t0 });
    const purgeTypes = ['filepurged', 'fileneverconfirmeddownloaded'].map((t) => `${EVENT_PREFIX}${t}`);
    const want = expectedPairs(['Published->Purged[expiry]'], 1);
    const events = (await waitFor(async () => (await probes.eventsFor(id)).filter((e) => purgeTypes.includes(e.type)), (e) => e.length >= want.length, flow.polling)).value;
    if (events.length > 0) verify(CloudEventsMatchTheContract(contracts[0]!.compiled), events);
    verify(EventsAsDocumented('EVT-007', ['Published->Purged[expiry]'], 1), events, { events: ['Published->Purged[expiry]'] });
    const neverConfirmed = events.filter((e) => e.type.endsWith('fileneverconfirmeddownloaded') && e.data?.Role === 'Recipient').map((e) => e.subject);
    verify(condition('NeverConfirmedGoesToTheUnconfirmedRecipient', 'EVT-007', '§5.1', () =>
      compare('recipient subjects', { subjects: { expected: [`urn:altinn:organization:identifier-no:${flow.orgOf(1).slice(-9)}`], actual: neverConfirmed } })), undefined);
    verify(eventsAddressedAsDocumented([{ key: 'Published->Purged[expiry]', recipients: [flow.orgOf(1)] }], flow.body().sender!, 'EVT-007'), events, { events: ['Published->Purged[expiry]'], cite: ['EVT-009'] });
    for (const [other, key] of [[initialized, 'Initialized->Purged[expiry]'], [failed, 'Failed->Purged[expiry]']] as const) {
      verify(transferIsIn('Purged', 'LC-CLOCK-001'), (await flow.waitForStatus(other, ['Purged'])).value, { transition: key });
      await verifyTransitionEvents({ probes, verify, polling: flow.polling, id: other, sender: flow.body().sender!, steps: [{ key, recipients: [flow.orgOf(0)] }], requirement: 'EVT-007' });
    }
  });

  test('EVT-011 the purge that follows the last confirm emits filepurged to the sender', async ({ ownBroker, needs, verify, contracts }) => {
    const { flow, actors, probes } = await clockedBroker(ownBroker, needs);
    const { id, body } = await flow.published({});
    await actors.recipients[0]!.downloadFileTransfer(id);
    await actors.recipients[0]!.confirmDownload(id);
    const t0 = performance.now();
    // Past any grace period the Broker allows (at most 24 h), well before the transfer's expiry.
    await probes.advanceClock('PT25H');
    const waited = await flow.waitForStatus(id, ['Purged']);
    verify(transferIsIn('Purged', 'LC-CLOCK-002'), waited.value, { transition: 'AllConfirmedDownloaded->Purged[grace-elapsed]', elapsedMs: performance.now() - t0 });
    const key = 'AllConfirmedDownloaded->Purged[grace-elapsed]';
    const want = expectedPairs([key], 1);
    const type = `${EVENT_PREFIX}filepurged`;
    const events = (await waitFor(async () => (await probes.eventsFor(id)).filter((e) => e.type === type), (e) => e.length >= want.length, flow.polling)).value;
    if (events.length > 0) verify(CloudEventsMatchTheContract(contracts[0]!.compiled), events);
    verify(EventsAsDocumented('EVT-011', [key], 1), events, { transition: key, events: [key] });
    verify(eventsAddressedAsDocumented([{ key, recipients: body.recipients ?? [] }], body.sender!, 'EVT-011'), events, { cite: ['EVT-009'] });
  });
});
