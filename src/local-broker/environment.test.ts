/** @module Self-tests of what `environmentName` decides (deployed `test` by default, `Development` opt-in), background storage provisioning, and manual scan per resource. */
import { expect, test } from '@playwright/test';
import { DAY } from './duration.ts';
import type { Seed } from './seed.ts';
import { ORGS, RESOURCE_1, RESOURCE_2, startTestBroker } from './testing.ts';

const FT = '/broker/api/v1/filetransfer';
const SO = '/broker/api/v1/serviceowner';
const HOOK = '/broker/api/v1/webhooks/malwarescanresults';
const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
const cleanResult = (id: string) => [
  {
    eventType: 'Microsoft.Security.MalwareScanningResult',
    data: { blobUri: `https://x.blob.core.windows.net/c/${id}`, correlationId: 'c', eTag: 'e', scanFinishedTimeUtc: '2026-08-18T10:00:00Z', scanResultType: 'No threats found', scanResultDetails: { malwareNamesFound: [], sha256: 'abc' } },
  },
];

test('default: a deployed `test` Broker — lifetimes checked, both providers Ready, EICAR found, scan result too early → 503 code 30', async () => {
  const tb = await startTestBroker({ scanDelayMs: null });
  try {
    const so = await tb.call('GET', SO, { token: tb.tokens.serviceOwner });
    expect(so.json().storageProviders).toEqual([
      { type: 'AltinnAzure', deploymentStatus: 'Ready', deploymentEnvironment: 'test' },
      { type: 'AltinnAzureWithoutVirusScan', deploymentStatus: 'Ready', deploymentEnvironment: 'test' },
    ]);
    const expired = await tb.token(ORGS.sender, ['altinn:broker.write'], {}, { issuedAt: Math.floor(Date.now() / 1000) - 7200, expiresInSeconds: 60 });
    expect((await tb.call('GET', `${FT}?resourceId=${RESOURCE_1}`, { token: expired })).status).toBe(401);
    expect((await tb.initialize({ disableVirusScan: true })).length).toBe(36);

    const id = await tb.initialize();
    // Initialized: ignored (200, nothing changes); UploadStarted: 503 code 30 so Event Grid retries.
    expect((await tb.call('POST', HOOK, { json: cleanResult(id) })).status).toBe(200);
    expect((await tb.overview(id)).fileTransferStatus).toBe('Initialized');
    const t = tb.broker.broker.store.get(id)!;
    t.history.push({ status: 'UploadStarted', text: null, at: new Date().toISOString() });
    const early = await tb.call('POST', HOOK, { json: cleanResult(id) });
    expect([early.status, early.json().code]).toEqual([503, 'BRO-00030']);
  } finally {
    await tb.close();
  }
  const scanning = await startTestBroker();
  try {
    const id = await scanning.initialize();
    expect((await scanning.upload(id, `x${EICAR}x`)).status).toBe(200);
    expect((await scanning.overview(id)).fileTransferStatus).toBe('Failed');
  } finally {
    await scanning.close();
  }
});

test('Development: no lifetime check, only the virus-scan provider (503 code 21), every upload declared clean, scan result processed in UploadStarted', async () => {
  const tb = await startTestBroker({ environmentName: 'development' });
  try {
    const so = await tb.call('GET', SO, { token: tb.tokens.serviceOwner });
    expect(so.json().storageProviders).toEqual([{ type: 'AltinnAzure', deploymentStatus: 'Ready', deploymentEnvironment: 'Development' }]);
    const expired = await tb.token(ORGS.sender, ['altinn:broker.write'], {}, { issuedAt: Math.floor(Date.now() / 1000) - 7200, expiresInSeconds: 60 });
    expect((await tb.call('GET', `${FT}?resourceId=${RESOURCE_1}`, { token: expired })).status).toBe(200);
    const noScan = await tb.call('POST', FT, {
      token: tb.tokens.sender,
      json: { fileName: 'a.txt', resourceId: RESOURCE_1, sendersFileTransferReference: 'r', sender: `0192:${ORGS.sender}`, recipients: [`0192:${ORGS.recipient1}`], disableVirusScan: true },
    });
    expect([noScan.status, noScan.json().code]).toEqual([503, 'BRO-00021']);
    const id = await tb.initialize();
    expect((await tb.upload(id, EICAR)).status).toBe(200);
    expect((await tb.overview(id)).fileTransferStatus).toBe('Published');
  } finally {
    await tb.close();
  }
  const hook = await startTestBroker({ environmentName: 'Development', scanDelayMs: null });
  try {
    const id = await hook.initialize();
    const t = hook.broker.broker.store.get(id)!;
    t.history.push({ status: 'UploadStarted', text: null, at: new Date().toISOString() });
    expect((await hook.call('POST', HOOK, { json: cleanResult(id) })).status).toBe(200);
    expect((await hook.overview(id)).fileTransferStatus).toBe('Published');
  } finally {
    await hook.close();
  }
});

test('E10 provisions the new owner’s providers in the background: DeployingResources and 503 code 21 until ready', async () => {
  const org = ORGS.outsider;
  const seed: Seed = {
    serviceOwners: [],
    resourceRegistry: [{ resourceId: 'new-owner-resource', ownerOrgNumber: org }],
    resources: [],
    policies: { 'new-owner-resource': { [org]: { read: true, write: true } } },
  };
  const tb = await startTestBroker({ seed, storageProvisioningDelayMs: 60_000 });
  try {
    const owner = await tb.token(org, ['altinn:serviceowner']);
    expect((await tb.call('POST', SO, { token: owner, json: { name: 'New owner' } })).status).toBe(200);
    const deploying = (await tb.call('GET', SO, { token: owner })).json().storageProviders;
    expect(deploying.map((p: { deploymentStatus: string }) => p.deploymentStatus)).toEqual(['DeployingResources', 'DeployingResources']);
    expect((await tb.call('PUT', '/broker/api/v1/resource/new-owner-resource', { token: owner, json: {} })).status).toBe(204);
    const body = { fileName: 'a.txt', resourceId: 'new-owner-resource', sendersFileTransferReference: 'r', sender: `0192:${org}`, recipients: [`0192:${org}`] };
    const early = await tb.call('POST', FT, { token: tb.tokens.outsider, json: body });
    expect([early.status, early.json().code]).toEqual([503, 'BRO-00021']);
    await tb.broker.advanceClock(60_000);
    expect((await tb.call('GET', SO, { token: owner })).json().storageProviders.every((p: { deploymentStatus: string }) => p.deploymentStatus === 'Ready')).toBe(true);
    expect((await tb.call('POST', FT, { token: tb.tokens.outsider, json: body })).status).toBe(200);
  } finally {
    await tb.close();
  }
});

test('manual scan per resource: uploads to a manualScan resource wait for the webhook while others are scanned at once', async () => {
  const { default: base } = await import('./default-seed.json', { with: { type: 'json' } });
  const seed = structuredClone(base) as Seed;
  seed.resources!.find((r) => r.resourceId === RESOURCE_2)!.manualScan = true;
  const tb = await startTestBroker({ seed, scanDelayMs: 0 });
  try {
    const held = await tb.initialize({ resourceId: RESOURCE_2 });
    expect((await tb.upload(held, 'held')).status).toBe(200);
    const scanned = await tb.initialize();
    expect((await tb.upload(scanned, 'scanned')).status).toBe(200);
    expect((await tb.overview(scanned)).fileTransferStatus).toBe('Published');
    await tb.broker.advanceClock(DAY / 48); // half an hour: the scan would long have run
    expect((await tb.overview(held)).fileTransferStatus).toBe('UploadProcessing');
    expect((await tb.call('POST', HOOK, { json: cleanResult(held) })).status).toBe(200);
    expect((await tb.overview(held)).fileTransferStatus).toBe('Published');
  } finally {
    await tb.close();
  }
  await expect(startTestBroker({ seed: { ...seed, resources: [{ resourceId: 'x', serviceOwner: ORGS.sender, manualScan: 'yes' as unknown as boolean }] } })).rejects.toThrow(/manualScan must be true or false/);
});

test('an unknown environment name is refused at start, naming the four', async () => {
  await expect(startTestBroker({ environmentName: 'Prod' })).rejects.toThrow("environmentName must be one of Development, test, staging, production; got 'Prod'");
});
