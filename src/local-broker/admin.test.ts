/** @module Self-tests of service owner (E10/E11), resource (E12/E13, codes 5, 6, 11–18, 24, 25) and the malware webhook (E19). */
import { expect, test } from '@playwright/test';
import { formatTimeSpan, parseXsDuration } from './duration.ts';
import { startTestBroker, type TestBroker, ORGS } from './testing.ts';

let tb: TestBroker;
test.beforeAll(async () => {
  tb = await startTestBroker();
});
test.afterAll(async () => tb.close());

const SO = '/broker/api/v1/serviceowner';
const RES = '/broker/api/v1/resource';

test('xs:duration parsing and TimeSpan formatting', () => {
  expect(formatTimeSpan(parseXsDuration('P30D')!)).toBe('30.00:00:00');
  expect(formatTimeSpan(parseXsDuration('PT2H')!)).toBe('02:00:00');
  expect(formatTimeSpan(parseXsDuration('PT1M')!)).toBe('00:01:00');
  expect(formatTimeSpan(parseXsDuration('P1DT2H')!)).toBe('1.02:00:00');
  expect(formatTimeSpan(parseXsDuration('-P1D')!)).toBe('-1.00:00:00');
  expect(parseXsDuration('P1Y')).toBe(365 * 86_400_000);
  expect(parseXsDuration('P1M')).toBe(30 * 86_400_000);
  for (const bad of ['P1W', 'P', 'PT', '30D', 'P1.5D', '']) expect(parseXsDuration(bad), bad).toBeUndefined();
});

test('service owner: GET for the seeded owner, 404 code 7004 for others, POST creates once then 409 code 7002', async () => {
  const get = await tb.call('GET', SO, { token: tb.tokens.serviceOwner });
  expect(get.status).toBe(200);
  expect(get.json()).toEqual({
    name: 'Digitaliseringsdirektoratet test',
    storageProviders: [
      { type: 'AltinnAzure', deploymentStatus: 'Ready', deploymentEnvironment: 'test' },
      { type: 'AltinnAzureWithoutVirusScan', deploymentStatus: 'Ready', deploymentEnvironment: 'test' },
    ],
  });
  const other = await tb.token(ORGS.outsider, ['altinn:serviceowner']);
  expect((await tb.call('GET', SO, { token: other })).json()).toMatchObject({ status: 404, code: 'BRO-07004' });
  const created = await tb.call('POST', SO, { token: other, json: { name: 'Outsider AS' } });
  expect(created.status).toBe(200);
  expect(created.text).toBe('');
  const again = await tb.call('POST', SO, { token: other, json: { name: 'Outsider AS' } });
  expect(again.status).toBe(409);
  expect(again.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  expect(again.json().code).toBe('BRO-07002');
  expect((await tb.call('GET', SO, { token: other })).json().name).toBe('Outsider AS');
});

test('service owner POST: name required, 415 empty body for a wrong content type, 403 for a sender token, 7001 without an org claim', async () => {
  const token = await tb.token('123456789', ['altinn:serviceowner']);
  expect((await tb.call('POST', SO, { token, json: {} })).json().errors).toEqual({ Name: ['The Name field is required.'] });
  const wrong = await tb.call('POST', SO, { body: '{}', headers: { 'content-type': 'text/plain' } });
  expect(wrong.status).toBe(415);
  expect(wrong.text).toBe('');
  expect((await tb.call('POST', SO, { token, body: '{"name":"x"}' })).status).toBe(415); // no Content-Type: formatter 415
  expect((await tb.call('POST', SO, { token: tb.tokens.sender, json: { name: 'x' } })).status).toBe(403);
  const noOrg = await tb.issuer.sign({ scope: 'altinn:serviceowner' });
  expect((await tb.call('POST', SO, { token: noOrg, json: { name: 'x' } })).json().code).toBe('BRO-07001');
});

test('resource GET returns every key with TimeSpan durations; 400 code 25 when not configured; 401 code 6 for another org', async () => {
  const res = await tb.call('GET', `${RES}/altinn-broker-test-resource-2`, { token: tb.tokens.serviceOwner });
  expect(res.status).toBe(200);
  expect(res.text).toBe(
    JSON.stringify({
      maxFileTransferSize: null,
      fileTransferTimeToLive: '7.00:00:00',
      purgeFileTransferAfterAllRecipientsConfirmed: true,
      purgeFileTransferGracePeriod: '01:00:00',
      useManifestFileShim: false,
      externalServiceCodeLegacy: null,
      externalServiceEditionCodeLegacy: null,
      requiredParty: null,
    }),
  );
  expect((await tb.call('GET', `${RES}/altinn-broker-test-resource-registry-only`, { token: tb.tokens.serviceOwner })).json().code).toBe('BRO-00025');
  const other = await tb.token(ORGS.outsider, ['altinn:serviceowner']);
  expect((await tb.call('GET', `${RES}/altinn-broker-test-resource-1`, { token: other })).json().code).toBe('BRO-00006');
});

test('resource PUT: field rules give codes 11, 12, 14, 15, 17, 18, 22 and change nothing', async () => {
  const put = (json: unknown, id = 'altinn-broker-test-resource-1') => tb.call('PUT', `${RES}/${id}`, { token: tb.tokens.serviceOwner, json });
  const before = (await tb.call('GET', `${RES}/altinn-broker-test-resource-1`, { token: tb.tokens.serviceOwner })).text;
  const cases: Array<[unknown, string]> = [
    [{ maxFileTransferSize: -1 }, 'BRO-00011'],
    [{ maxFileTransferSize: 0 }, 'BRO-00012'],
    [{ maxFileTransferSize: 1_677_721_600_001 }, 'BRO-00022'],
    [{ fileTransferTimeToLive: 'P1W' }, 'BRO-00014'],
    [{ fileTransferTimeToLive: 'P366D' }, 'BRO-00015'],
    [{ purgeFileTransferGracePeriod: 'two hours' }, 'BRO-00017'],
    [{ purgeFileTransferGracePeriod: 'PT25H' }, 'BRO-00018'],
  ];
  for (const [json, code] of cases) {
    const res = await put(json);
    expect(res.status, JSON.stringify(json)).toBe(400);
    expect(res.json().code).toBe(code);
  }
  const shim = await put({ useManifestFileShim: true });
  expect(shim.json().errors).toEqual({
    '': ['ExternalServiceCodeLegacy must be set and not be an empty string.', 'ExternalServiceEditionCodeLegacy must be set and not be zero.'],
  });
  expect((await put({ maxFileTransferSize: 'big' })).json().errors['$.maxFileTransferSize']).toBeTruthy();
  expect((await tb.call('GET', `${RES}/altinn-broker-test-resource-1`, { token: tb.tokens.serviceOwner })).text).toBe(before);
});

test('resource PUT: 204, values round-trip; P1D and PT24H grace accepted; requiredParty "" clears', async () => {
  const id = 'altinn-broker-test-resource-1';
  const res = await tb.call('PUT', `${RES}/${id}`, {
    token: tb.tokens.serviceOwner,
    json: { fileTransferTimeToLive: 'P1DT2H', purgeFileTransferGracePeriod: 'P1D', requiredParty: '0192:986252932', useManifestFileShim: true, externalServiceCodeLegacy: 'abc', externalServiceEditionCodeLegacy: '2' },
  });
  expect(res.status).toBe(204);
  expect(res.text).toBe('');
  let got = (await tb.call('GET', `${RES}/${id}`, { token: tb.tokens.serviceOwner })).json();
  expect(got).toMatchObject({ fileTransferTimeToLive: '1.02:00:00', purgeFileTransferGracePeriod: '1.00:00:00', requiredParty: '0192:986252932', externalServiceEditionCodeLegacy: 2 });
  await tb.call('PUT', `${RES}/${id}`, { token: tb.tokens.serviceOwner, json: { requiredParty: '', fileTransferTimeToLive: 'P30D', purgeFileTransferGracePeriod: 'PT24H', useManifestFileShim: false } });
  got = (await tb.call('GET', `${RES}/${id}`, { token: tb.tokens.serviceOwner })).json();
  expect(got).toMatchObject({ requiredParty: null, fileTransferTimeToLive: '30.00:00:00', purgeFileTransferGracePeriod: '1.00:00:00' });
});

test('resource PUT ownership: registry-only resource is configured by {} ; codes 5, 6 and 24', async () => {
  const put = (id: string, token = tb.tokens.serviceOwner) => tb.call('PUT', `${RES}/${id}`, { token, json: {} });
  expect((await put('altinn-broker-test-resource-registry-only')).status).toBe(204);
  expect((await tb.call('GET', `${RES}/altinn-broker-test-resource-registry-only`, { token: tb.tokens.serviceOwner })).status).toBe(200);
  expect((await put('no-such-resource')).json()).toMatchObject({ status: 403, code: 'BRO-00005' });
  expect((await put('altinn-broker-test-resource-no-owner')).json().code).toBe('BRO-00005');
  expect((await put('altinn-broker-test-resource-outsider-owned')).json().code).toBe('BRO-00006');
  const outsiderNotOwner = await tb.token('222222222', ['altinn:serviceowner']);
  expect((await put('altinn-broker-test-resource-1', outsiderNotOwner)).json().code).toBe('BRO-00006');
  // Owner of the registry entry, but not a registered service owner (in a fresh broker so E10 above does not interfere).
  const fresh = await startTestBroker({}, tb.issuer);
  try {
    const outsider = await tb.token(ORGS.outsider, ['altinn:serviceowner']);
    const res = await fresh.call('PUT', `${RES}/altinn-broker-test-resource-outsider-owned`, { token: outsider, json: {} });
    expect(res.json().code).toBe('BRO-00024');
  } finally {
    await fresh.close();
  }
});

test('resource PUT: malformed body names resourceExt; wrong content type is an empty 415', async () => {
  const res = await tb.call('PUT', `${RES}/altinn-broker-test-resource-1`, { token: tb.tokens.serviceOwner, body: '{', headers: { 'content-type': 'application/json' } });
  expect(Object.keys(res.json().errors)).toEqual(['$', 'resourceExt']);
  const wrong = await tb.call('PUT', `${RES}/altinn-broker-test-resource-1`, { body: 'x', headers: { 'content-type': 'text/plain' } });
  expect(wrong.status).toBe(415);
  expect(wrong.text).toBe('');
});

test('malware webhook: handshake, 503 code 30 while UploadStarted, clean → Published, malicious → Failed, duplicates ignored', async () => {
  const hook = await startTestBroker({ scanDelayMs: null }, tb.issuer);
  const post = (events: unknown) => hook.call('POST', '/broker/api/v1/webhooks/malwarescanresults', { json: events });
  const result = (id: string, scanResultType: string) => [
    {
      eventType: 'Microsoft.Security.MalwareScanningResult',
      data: { blobUri: `https://x.blob.core.windows.net/c/${id}`, correlationId: 'c1', eTag: 'e', scanFinishedTimeUtc: '2026-08-18T10:00:00Z', scanResultType, scanResultDetails: { malwareNamesFound: ['X'], sha256: 'abc' } },
    },
  ];
  try {
    const shake = await post([{ eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent', data: { validationCode: 'v-123' } }]);
    expect(shake.json()).toEqual({ validationResponse: 'v-123' });

    const clean = await hook.initialize();
    const t = hook.broker.broker.store.get(clean)!;
    t.history.push({ status: 'UploadStarted', text: null, at: new Date().toISOString() });
    const early = await post(result(clean, 'No threats found'));
    expect(early.status).toBe(503);
    expect(early.json().code).toBe('BRO-00030');
    t.history.pop();

    await hook.upload(clean, 'x');
    expect((await hook.overview(clean)).fileTransferStatus).toBe('UploadProcessing');
    expect((await post(result(clean, 'No threats found'))).status).toBe(200);
    expect((await hook.overview(clean)).fileTransferStatus).toBe('Published');
    expect((await post(result(clean, 'Malicious'))).status).toBe(200); // ignored
    expect((await hook.overview(clean)).fileTransferStatus).toBe('Published');

    const bad = await hook.initialize();
    await hook.upload(bad, 'x');
    await post(result(bad, 'Malicious'));
    const o = await hook.overview(bad);
    expect(o.fileTransferStatus).toBe('Failed');
    expect(o.fileTransferStatusText).toBe(
      'Malware scan failed: Malicious. Extra details: {"CorrelationId":"c1","BlobUri":"https://x.blob.core.windows.net/c/' +
        bad +
        '","ETag":"e","ScanFinishedTimeUtc":"2026-08-18T10:00:00Z","ScanResultType":"Malicious","ScanResultDetails":{"MalwareNamesFound":["X"],"Sha256":"abc","NotScannedReason":null}}',
    );
    const wrong = await hook.call('POST', '/broker/api/v1/webhooks/malwarescanresults', { body: '[]', headers: { 'content-type': 'text/plain' } });
    expect(wrong.status).toBe(415);
  } finally {
    await hook.close();
  }
});

test('monthly statistics CSV: counts per sender/recipient, codes 6003, 6005, 25, 6; Accept must allow text/csv', async () => {
  const stats = await startTestBroker({}, tb.issuer);
  try {
    const id = await stats.initialize({ recipients: [`0192:${ORGS.recipient1}`, `0192:${ORGS.recipient2}`] });
    await stats.upload(id, 'x');
    await stats.call('GET', `/broker/api/v1/filetransfer/${id}/download`, { token: stats.tokens.recipient1 });
    await stats.call('GET', `/broker/api/v1/filetransfer/${id}/download`, { token: stats.tokens.recipient1 });
    await stats.call('POST', `/broker/api/v1/filetransfer/${id}/confirmdownload`, { token: stats.tokens.recipient1 });
    const now = new Date();
    const q = `year=${now.getUTCFullYear()}&month=${now.getUTCMonth() + 1}`;
    const res = await stats.call('GET', `/broker/api/v1/statistics/monthly?${q}`, { token: stats.tokens.serviceOwner });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv');
    expect(res.headers['content-disposition']).toContain(`monthly_statistics_all-resources_${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}.csv`);
    const [header, ...rows] = res.text.trim().split('\n');
    expect(header).toBe('year,month,resourceId,senderVendor,recipientVendor,sender,recipient,totalFileTransfers,uploadCount,totalTransferDownloadAttempts,transfersWithDownloadConfirmed');
    expect(rows).toEqual([
      `${now.getUTCFullYear()},${now.getUTCMonth() + 1},altinn-broker-test-resource-1,,,0192:${ORGS.sender},0192:${ORGS.recipient2},1,1,0,0`,
      `${now.getUTCFullYear()},${now.getUTCMonth() + 1},altinn-broker-test-resource-1,,,0192:${ORGS.sender},0192:${ORGS.recipient1},1,1,2,1`,
    ]);
    const get = (query: string, headers: Record<string, string> = {}) => stats.call('GET', `/broker/api/v1/statistics/monthly?${query}`, { token: stats.tokens.serviceOwner, headers });
    expect((await get('year=2026&month=13')).json().code).toBe('BRO-06003');
    expect((await get('year=9999&month=12')).json().code).toBe('BRO-06003');
    expect((await get(`${q}&includeEndUser=false`)).json().code).toBe('BRO-06005');
    expect((await get(`${q}&resourceId=altinn-broker-test-resource-registry-only`)).json().code).toBe('BRO-00025');
    const wrongOwner = await get(`${q}&resourceId=altinn-broker-test-resource-unregistered-owner`);
    expect(wrongOwner.json().code).toBe('BRO-00006');
    expect(wrongOwner.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    const notCsv = await get(q, { accept: 'application/json' });
    expect(notCsv.status).toBe(406);
    expect(notCsv.text).toBe('This endpoint does not support the requested Accept header. Supported Accept headers are: text/csv, */*.');
  } finally {
    await stats.close();
  }
});
