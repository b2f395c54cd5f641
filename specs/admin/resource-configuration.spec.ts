/**
 * Service owner and resource configuration, and the clock-driven purges that
 * a short resource TTL or grace period makes observable over HTTP (§3.4, §3.5). Every test here
 * owns the environment's second ("scratch") resource, so the file runs serially and restores it.
 */
import { test } from '../../fixtures/index.ts';
import { SEEDED_RESOURCES, seedMissing } from '../../fixtures/data/local-seed.ts';
import { aPayload } from '../../fixtures/data/transfers.ts';
import { callOperation } from '../../fixtures/cells.ts';
import { waitFor } from '../../fixtures/polling.ts';
import type { BrokerClient } from '../../src/client/index.ts';
import type { ResourceConfiguration } from '../../src/client/models.ts';
import {
  compare,
  condition,
  EVENT_PREFIX,
  eventsAddressedAsDocumented,
  expectationResult,
  expiresAfter,
  ILLEGAL_CELLS,
  MissingScopeIsForbidden,
  RefusedCellAnswersExactly,
  rejectedWith,
  RESOURCE_BOUNDARIES,
  RESOURCE_RULES,
  statusHistoryIs,
  statusIs,
  transferIsIn,
  type ResponseLike,
} from '../../src/oracle/index.ts';

test.describe.configure({ mode: 'serial' });

/** What the scratch resource is restored to after each test (the local seed's resource 2). */
const RESTORE: ResourceConfiguration = { fileTransferTimeToLive: 'P7D', purgeFileTransferGracePeriod: 'PT1H', purgeFileTransferAfterAllRecipientsConfirmed: true, useManifestFileShim: false };

const PutAnswers204 = statusIs('ResourcePutAnswers204Empty', 'ADM-RES-012', '§9.3', 204);
const readsBack = (id: string, expected: Record<string, unknown>) =>
  condition<ResourceConfiguration | undefined>(`ResourceReadsBack`, id, '§9.4', (got) =>
    compare('resource configuration', Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, { expected: v, actual: (got as Record<string, unknown> | undefined)?.[k] }]))),
  );

test.describe('resource configuration @admin @destructive', () => {
  let scratch = '';
  test.beforeEach(async ({ environment, needs }) => {
    needs('configureResources');
    test.skip(environment.resources.length < 2, 'needs a second (scratch) resource the suite may reconfigure');
    scratch = environment.resources[1]!;
  });
  test.afterEach(async ({ actors }) => {
    if (scratch) await actors.serviceOwner.configureResource(scratch, RESTORE);
  });

  test('ADM-RES-012 PUT answers 204 and GET reads every key back (durations as TimeSpan)', async ({ actors, verify }) => {
    const so = actors.serviceOwner;
    verify(PutAnswers204, await so.configureResource(scratch, { fileTransferTimeToLive: 'P30D', purgeFileTransferGracePeriod: 'PT2H', purgeFileTransferAfterAllRecipientsConfirmed: true, maxFileTransferSize: 1_000_000 }));
    const got = await so.getResource(scratch);
    verify(statusIs('ResourceGetAnswers200', 'ADM-RES-012', '§9.4', 200), got);
    const keys = ['maxFileTransferSize', 'fileTransferTimeToLive', 'purgeFileTransferAfterAllRecipientsConfirmed', 'purgeFileTransferGracePeriod', 'useManifestFileShim', 'externalServiceCodeLegacy', 'externalServiceEditionCodeLegacy', 'requiredParty'];
    verify(condition('ResourceHasEveryKey', 'ADM-RES-012', '§9.4', (b: unknown) => compare('keys', { keys: { expected: keys, actual: Object.keys((b as object) ?? {}).filter((k) => keys.includes(k)) } })), got.body);
    verify(readsBack('ADM-RES-012', { fileTransferTimeToLive: '30.00:00:00', purgeFileTransferGracePeriod: '02:00:00', maxFileTransferSize: 1_000_000, purgeFileTransferAfterAllRecipientsConfirmed: true }), got.body);
  });

  test('ADM-RES-018 every resource rule violated once is refused and writes nothing', async ({ actors, verify }) => {
    const so = actors.serviceOwner;
    const before = (await so.getResource(scratch)).body;
    for (const rule of RESOURCE_RULES) {
      const res = await so.configureResource(scratch, rule.body as ResourceConfiguration);
      verify(condition<ResponseLike>(`ResourcePutRefuses_${rule.field}`, rule.id, '§9.3', (r) => expectationResult(r, rule.expect)), res);
    }
    const after = (await so.getResource(scratch)).body;
    verify(condition('RefusedPutWroteNothing', 'ADM-RES-018', '§9.3', () => compare('configuration', { configuration: { expected: before, actual: after } })), undefined);
  });

  test('ADM-RES-B01 the boundaries that must pass are stored and read back', async ({ actors, verify }) => {
    const so = actors.serviceOwner;
    for (const b of RESOURCE_BOUNDARIES) {
      verify(statusIs('BoundaryPutAnswers204', b.id, '§9.3', 204), await so.configureResource(scratch, b.body as ResourceConfiguration));
      verify(readsBack(b.id, b.reads), (await so.getResource(scratch)).body);
    }
  });

  test('ADM-RES-013 ADM-RES-014 ADM-RES-015 ADM-RES-016 ADM-RES-017 ownership and registry refusals', async ({ actors, environment, forge, verify }) => {
    const missing = seedMissing(environment);
    test.skip(!!missing, missing ?? '');
    const so = actors.serviceOwner;
    verify(rejectedWith('ForeignResourcePutIsNoAccess', 'ADM-RES-013', '§9.3', 'NoAccess'), await so.configureResource(SEEDED_RESOURCES.outsiderOwned, {}));
    verify(rejectedWith('OwnerlessResourcePutIsCode5', 'ADM-RES-014', '§9.3', 'ResourceNotRegistered'), await so.configureResource(SEEDED_RESOURCES.noOwner, {}));
    test.skip(!forge.signed, 'needs the issuer to mint a service-owner token for the outsider org');
    const outsiderOwner = so.as('outsider-serviceowner', { description: 'forged outsider service owner', token: () => forge.signed!(environment.actors.outsider!.org, ['altinn:serviceowner']) });
    verify(rejectedWith('UnregisteredOwnerPutIsCode24', 'ADM-RES-015', '§9.3', 'ServiceOwnerOfResourceNotConfigured'), await outsiderOwner.configureResource(SEEDED_RESOURCES.outsiderOwned, {}));
    verify(rejectedWith('UnconfiguredResourceGetIsCode25', 'ADM-RES-016', '§9.4', 'ResourceNotConfigured'), await so.getResource(SEEDED_RESOURCES.registryOnly));
    verify(statusIs('FirstPutConfigures', 'ADM-RES-017', '§9.3', 204), await so.configureResource(SEEDED_RESOURCES.registryOnly, {}));
    verify(statusIs('ConfiguredResourceReads', 'ADM-RES-017', '§9.3', 200), await so.getResource(SEEDED_RESOURCES.registryOnly));
  });
});

test.describe('service owner @admin', () => {
  test('ADM-SO-001 ADM-SO-002 ADM-SO-003 GET answers name and providers; a second registration is 409 code 7002; non-JSON is an empty 415', async ({ actors, needs, verify }) => {
    needs('serviceOwnerAdmin');
    const so = actors.serviceOwner;
    const got = await so.getServiceOwner();
    verify(condition<typeof got>('ServiceOwnerShowsNameAndProviders', 'ADM-SO-001', '§9.2', (r) =>
      compare('service owner', {
        status: { expected: 200, actual: r.status },
        name: { expected: 'a non-empty name', actual: r.body?.name, ok: !!r.body?.name },
        storageProviders: { expected: 'AltinnAzure* with a deployment status', actual: r.body?.storageProviders, ok: !!r.body?.storageProviders?.length && r.body.storageProviders.every((p) => /^AltinnAzure/.test(p.type) && /^(NotStarted|DeployingResources|Ready)$/.test(p.deploymentStatus)) },
      })), got);
    verify(rejectedWith('SecondRegistrationIsCode7002', 'ADM-SO-002', '§9.1', 'ServiceOwnerAlreadyExists'), await so.initializeServiceOwner({ name: 'again' }));
    const wrongType = await so.call({ method: 'POST', path: '/broker/api/v1/serviceowner', headers: { 'content-type': 'text/plain' }, body: 'name' });
    verify(condition<ResponseLike>('NonJsonServiceOwnerIsEmpty415', 'ADM-SO-003', '§9.1, §1.4c', (r) => compare('415', { status: { expected: 415, actual: r.status }, bodyBytes: { expected: 0, actual: r.bodyBytes } })), wrongType);
  });

  test('ADM-SO-004 GET serviceowner for an unregistered organisation is 404 code 7004', async ({ actors, environment, forge, needs, verify }) => {
    needs('serviceOwnerAdmin');
    test.skip(!forge.signed || !environment.actors.outsider, 'needs the issuer to mint a service-owner token for an unregistered org');
    const stranger = actors.serviceOwner.as('outsider-serviceowner', { description: 'forged outsider service owner', token: () => forge.signed!(environment.actors.outsider!.org, ['altinn:serviceowner']) });
    verify(rejectedWith('UnknownServiceOwnerIsCode7004', 'ADM-SO-004', '§9.2', 'ServiceOwnerNotFound'), await stranger.getServiceOwner());
  });

  test('AUTH-009 service-owner endpoints refuse sender and recipient tokens with 403 empty', async ({ actors, environment, verify }) => {
    for (const who of [actors.sender, actors.recipient] as BrokerClient[]) {
      verify(MissingScopeIsForbidden, await who.getServiceOwner(), { requirement: 'AUTH-009' });
      verify(MissingScopeIsForbidden, await who.getResource(environment.resources[0]!), { requirement: 'AUTH-009' });
      verify(MissingScopeIsForbidden, await who.configureResource(environment.resources[0]!, {}), { requirement: 'AUTH-009' });
    }
  });
});

test.describe('purge on a short TTL and grace period @lifecycle @slow @destructive', () => {
  let scratch = '';
  test.beforeEach(async ({ environment, needs }) => {
    needs('configureResources', 'a short TTL/grace period on the scratch resource makes expiry observable');
    test.skip(environment.resources.length < 2, 'needs a second (scratch) resource the suite may reconfigure');
    scratch = environment.resources[1]!;
  });
  test.afterEach(async ({ actors }) => {
    if (scratch) await actors.serviceOwner.configureResource(scratch, RESTORE);
  });

  test('LC-CLOCK-001 at expirationTime Initialized, Published and Failed transfers are Purged; Purged refuses download and confirm', async ({ actors, flow, matrixActors, probes, verify }) => {
    const so = actors.serviceOwner;
    verify(PutAnswers204, await so.configureResource(scratch, { fileTransferTimeToLive: 'PT2S' }));
    const t0 = performance.now();
    const initialized = (await flow.initialize({ resourceId: scratch })).id;
    const published = (await flow.published({ resourceId: scratch })).id;
    const failed = (await flow.initialize({ resourceId: scratch, checksum: aPayload(8).md5 })).id;
    await actors.sender.uploadFileTransfer(failed, aPayload().bytes);
    await so.configureResource(scratch, RESTORE);
    // The TTL itself, so a purge that never comes points at the expiry the Broker wrote, not only at the status.
    for (const id of [initialized, published, failed]) verify(expiresAfter(2000, 'LC-CLOCK-001'), await flow.overview(id), { cite: ['LC-EXPIRY-001'] });

    for (const [id, key, history] of [
      [initialized, 'Initialized->Purged[expiry]', ['Initialized', 'Purged']],
      [published, 'Published->Purged[expiry]', null],
      [failed, 'Failed->Purged[expiry]', ['Initialized', 'UploadStarted', 'Failed', 'Purged']],
    ] as const) {
      const waited = await flow.waitForStatus(id, ['Purged']);
      verify(transferIsIn('Purged', 'LC-CLOCK-001'), waited.value, { transition: key, elapsedMs: performance.now() - t0 });
      if (history) verify(statusHistoryIs([...history], 'LC-CLOCK-001'), await flow.details(id));
    }
    // The Purged situation of the illegal-move matrix, on the published transfer.
    for (const cell of ILLEGAL_CELLS.filter((c) => c.situation.id === 'Purged')) {
      if (cell.operation === 'tusCreate' && (await probes.tusMissing())) continue;
      const res = await callOperation(matrixActors[cell.actor], cell.operation, published);
      verify(RefusedCellAnswersExactly, { cell, response: res }, { cell: cell.key, cite: [cell.requirement] });
    }
  });

  test('LC-CLOCK-002 EVT-011 after the grace period following the last confirm the transfer is Purged, and filepurged goes to the sender', async ({ actors, flow, recipient, probes, verify }) => {
    const so = actors.serviceOwner;
    verify(PutAnswers204, await so.configureResource(scratch, { purgeFileTransferGracePeriod: 'PT1S', purgeFileTransferAfterAllRecipientsConfirmed: true }));
    const { id } = await flow.published({ resourceId: scratch });
    await recipient.downloadFileTransfer(id);
    const t0 = performance.now();
    verify(statusIs('LastConfirmAnswers204', 'LC-CONFIRM-002', '§2.9', 204), await recipient.confirmDownload(id));
    const waited = await flow.waitForStatus(id, ['Purged']);
    verify(transferIsIn('Purged', 'LC-CLOCK-002'), waited.value, { transition: 'AllConfirmedDownloaded->Purged[grace-elapsed]', elapsedMs: performance.now() - t0 });
    const details = await flow.details(id);
    verify(condition('PurgeFollowsAllConfirmed', 'LC-CLOCK-002', '§3.5', (d: typeof details) => compare('last two statuses', { tail: { expected: ['AllConfirmedDownloaded', 'Purged'], actual: d?.fileTransferStatusHistory.slice(-2).map((h) => h.fileTransferStatus) } })), details);
    if (await probes.eventsMissing()) return; // the events of this purge are then shown on an embedded Broker (events.spec)
    const key = 'AllConfirmedDownloaded->Purged[grace-elapsed]';
    const type = `${EVENT_PREFIX}filepurged`;
    const events = (await waitFor(async () => (await probes.eventsFor(id)).filter((e) => e.type === type), (e) => e.length >= 1, flow.polling)).value;
    verify(eventsAddressedAsDocumented([{ key, recipients: [flow.orgOf(0)] }], flow.body().sender!, 'EVT-011'), events, { events: [key], cite: ['EVT-009'] });
  });
});
