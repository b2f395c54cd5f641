/** @module Self-tests that a restart with the same dataDir keeps transfers, payloads, configuration and pending scans. */
import { expect, test } from '@playwright/test';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAltinnIssuer, type AltinnIssuerDouble } from '../platform/altinn-issuer.ts';
import { eventually, startTestBroker, ORGS } from './testing.ts';

let issuer: AltinnIssuerDouble;
let dataDir: string;
test.beforeAll(async () => {
  issuer = await startAltinnIssuer();
  dataDir = mkdtempSync(join(tmpdir(), 'local-broker-persist-'));
});
test.afterAll(async () => {
  await issuer.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('transfers, histories, payloads and service owners survive a restart', async () => {
  const first = await startTestBroker({ dataDir }, issuer);
  const id = await first.initialize({ propertyList: { k: 'v' } });
  await first.upload(id, 'persisted bytes');
  await first.call('GET', `/broker/api/v1/filetransfer/${id}/download`, { token: first.tokens.recipient1 });
  const so = await first.token(ORGS.outsider, ['altinn:serviceowner']);
  expect((await first.call('POST', '/broker/api/v1/serviceowner', { token: so, json: { name: 'Persisted AS' } })).status).toBe(200);
  const details = await first.details(id);
  await first.close();
  expect(readdirSync(join(dataDir, 'payloads')).filter((f) => f.endsWith('.part'))).toEqual([]);

  const second = await startTestBroker({ dataDir }, issuer);
  try {
    expect(await second.details(id)).toEqual(details);
    const download = await second.call('GET', `/broker/api/v1/filetransfer/${id}/download`, { token: second.tokens.recipient1 });
    expect(download.text).toBe('persisted bytes');
    expect((await second.call('GET', '/broker/api/v1/serviceowner', { token: so })).json().name).toBe('Persisted AS');
    expect((await second.upload(id, 'again')).json().code).toBe('BRO-00004');
  } finally {
    await second.close();
  }
});

test('a simulated scan pending at shutdown completes after restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'local-broker-persist-scan-'));
  try {
    const first = await startTestBroker({ dataDir: dir, scanDelayMs: 3_600_000 }, issuer);
    const id = await first.initialize();
    await first.upload(id, 'x');
    expect((await first.overview(id)).fileTransferStatus).toBe('UploadProcessing');
    await first.close();
    const second = await startTestBroker({ dataDir: dir, scanDelayMs: 5 }, issuer);
    try {
      await eventually(async () => ((await second.overview(id)).fileTransferStatus === 'Published' ? true : undefined));
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
