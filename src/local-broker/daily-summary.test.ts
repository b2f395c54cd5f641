/** @module Self-tests of E15/E16, the API-key statistics endpoints: the key filter's answers, the per-IP hourly limit, and the daily summary report. */
import { expect, test } from '@playwright/test';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startTestBroker, type TestBroker } from './testing.ts';

const E15 = '/broker/api/v1/statistics/generate-daily-summary';
const E16 = '/broker/api/v1/statistics/generate-and-download-daily-summary';
const KEY = 'statistics-key-for-tests';
const withKey = (key: string, ip = '10.0.0.1') => ({ 'x-api-key': key, 'x-forwarded-for': `${ip}, 10.9.9.9` });

test('the API-key filter: missing, empty, unconfigured and wrong keys are 401 with the Broker’s error texts', async () => {
  const unconfigured = await startTestBroker();
  const tb = await startTestBroker({ statisticsApiKey: KEY }, unconfigured.issuer);
  try {
    const error = async (t: TestBroker, headers: Record<string, string>) => {
      const res = await t.call('POST', E15, { json: {}, headers });
      expect(res.status).toBe(401);
      return res.json().error;
    };
    expect(await error(tb, {})).toBe('API key required for statistics endpoints');
    expect(await error(tb, { 'x-api-key': ' ' })).toBe('API key cannot be empty');
    expect(await error(unconfigured, { 'x-api-key': KEY })).toBe('API key validation not configured');
    expect(await error(tb, { 'x-api-key': `${KEY}x` })).toBe('Invalid API key');
    expect(await error(tb, { 'x-api-key': KEY.toUpperCase() })).toBe('Invalid API key');
    // A token is no substitute for the key.
    expect((await tb.call('POST', E16, { json: {}, token: tb.tokens.serviceOwner })).status).toBe(401);
  } finally {
    await tb.close();
    await unconfigured.close();
  }
});

test('10 calls per client IP and sliding hour (5 in Development), with the rate-limit headers; 429 after', async () => {
  const tb = await startTestBroker({ statisticsApiKey: KEY });
  const dev = await startTestBroker({ statisticsApiKey: KEY, environmentName: 'Development' }, tb.issuer);
  try {
    for (let i = 1; i <= 10; i++) {
      const res = await tb.call('POST', E15, { json: {}, headers: withKey(KEY) });
      expect(res.status).toBe(404); // no transfers yet: the call still counts
      expect(res.json().code).toBe('BRO-06001');
      expect(res.headers['x-ratelimit-limit']).toBe('10');
      expect(res.headers['x-ratelimit-remaining']).toBe(String(10 - i));
    }
    const limited = await tb.call('POST', E15, { json: {}, headers: withKey(KEY) });
    expect(limited.status).toBe(429);
    expect(Object.keys(limited.json())).toEqual(['error', 'retryAfter', 'resetTime']);
    expect(limited.json().error).toBe('Rate limit exceeded');
    expect(limited.headers['retry-after']).toBe(String(limited.json().retryAfter));
    expect(Number(limited.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect((await tb.call('POST', E15, { json: {}, headers: withKey(KEY, '10.0.0.2') })).status).toBe(404); // another client
    await tb.broker.advanceClock(60 * 60 * 1000);
    expect((await tb.call('POST', E15, { json: {}, headers: withKey(KEY) })).status).toBe(404); // the hour has slid

    for (let i = 0; i < 5; i++) expect((await dev.call('POST', E16, { json: {}, headers: withKey(KEY) })).headers['x-ratelimit-limit']).toBe('5');
    expect((await dev.call('POST', E16, { json: {}, headers: withKey(KEY) })).status).toBe(429);
  } finally {
    await dev.close();
    await tb.close();
  }
});

test('E15 stores the Parquet report and describes it; E16 returns the same report with its facts in headers', async () => {
  const tb = await startTestBroker({ statisticsApiKey: KEY });
  try {
    const a = await tb.initialize({ recipients: ['0192:986252932', '0192:313725138'] });
    expect((await tb.upload(a, 'twelve bytes')).status).toBe(200);
    await tb.initialize();
    const bad = await tb.call('POST', E15, { json: { altinn2Included: 'yes' }, headers: withKey(KEY) });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.json().errors)).toContain('$.altinn2Included');

    const res = await tb.call('POST', E15, { json: { altinn2Included: true }, headers: withKey(KEY) });
    expect(res.status).toBe(200);
    const body = res.json();
    expect(Object.keys(body)).toEqual(['filePath', 'fileHash', 'fileSizeBytes', 'serviceOwnerCount', 'totalFileTransferCount', 'generatedAt', 'environment', 'altinn2Included']);
    expect(body).toMatchObject({ serviceOwnerCount: 1, totalFileTransferCount: 3, environment: 'test', altinn2Included: false });
    expect(body.generatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}\+00:00$/);
    const stored = readFileSync(fileURLToPath(body.filePath));
    expect(stored.length).toBe(body.fileSizeBytes);
    expect(createHash('md5').update(stored).digest('base64')).toBe(body.fileHash);
    expect(body.filePath).toMatch(/\/\d{8}_\d{6}_daily_summary_report_A3_test\.parquet$/);
    expectParquet(stored);

    const file = await tb.call('POST', E16, { json: null, headers: withKey(KEY, '10.0.0.3') });
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('application/octet-stream');
    expect(file.headers['content-disposition']).toMatch(/^attachment; filename=\d{8}_\d{6}_daily_summary_report_A3_test\.parquet; filename\*=UTF-8''/);
    expect(file.headers).toMatchObject({
      'x-file-size': String(file.body.length),
      'x-file-hash': createHash('md5').update(file.body).digest('base64'),
      'x-service-owner-count': '1',
      'x-total-filetransfer-count': '3',
      'x-environment': 'test',
      'x-altinn2-included': 'False',
    });
    expectParquet(file.body);
    expect((await tb.call('POST', E16, { json: {}, headers: { ...withKey(KEY), accept: 'application/json' } })).status).toBe(406);
  } finally {
    await tb.close();
  }
});

/** The Parquet frame: magic at both ends, a footer of the stated length naming every column of the Broker's report. */
function expectParquet(file: Buffer): void {
  expect(file.subarray(0, 4).toString()).toBe('PAR1');
  expect(file.subarray(-4).toString()).toBe('PAR1');
  const footerLength = file.readUInt32LE(file.length - 8);
  const footer = file.subarray(file.length - 8 - footerLength, file.length - 8).toString('latin1');
  for (const column of ['date', 'year', 'month', 'day', 'service_owner_id_pk', 'service_owner_name', 'file_sender_id', 'resource_id', 'altinn_resource_service', 'recipient_type', 'altinn_version', 'filetransfercount', 'databasestoragebytes', 'filestoragebytes']) {
    expect(footer).toContain(column);
  }
  const data = file.toString('latin1');
  for (const value of ['991825827', 'Digitaliseringsdirektoratet test', 'altinn-broker-test-resource-1', 'Organization', 'Altinn3']) expect(data).toContain(value);
}
