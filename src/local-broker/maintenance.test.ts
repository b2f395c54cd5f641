/** @module Self-tests of E17/E18, the maintenance endpoints: scope, bodies, and the cleanup's hard delete of the use-case resource's old transfers. */
import { expect, test } from '@playwright/test';
import { existsSync } from 'node:fs';
import { DAY } from './duration.ts';
import { USE_CASE_TEST_RESOURCE } from './handlers/maintenance.ts';
import { ORGS, startTestBroker } from './testing.ts';

const CLEANUP = '/broker/api/v1/maintenance/cleanup-usecasetests';
const ROTATE = '/broker/api/v1/maintenance/maskinporten-jwk-rotation';

test('maintenance endpoints: 401 without a token, 403 without altinn:broker.maintenance, 200 with it', async () => {
  const tb = await startTestBroker();
  try {
    const maintenance = await tb.token(ORGS.sender, ['altinn:broker.maintenance']);
    for (const [path, json] of [[CLEANUP, undefined], [ROTATE, { confirmation: 'rotate-maskinporten-jwk' }]] as const) {
      expect((await tb.call('POST', path, { json })).status).toBe(401);
      expect((await tb.call('POST', path, { token: tb.tokens.serviceOwner, json })).status).toBe(403);
      const ok = await tb.call('POST', path, { token: maintenance, json });
      expect(ok.status).toBe(200);
      expect(ok.headers['content-type']).toBe('application/json; charset=utf-8');
    }
    expect((await tb.call('GET', CLEANUP, { token: maintenance })).status).toBe(405);
  } finally {
    await tb.close();
  }
});

test('cleanup-usecasetests hard-deletes only the use-case resource transfers older than minAgeDays, in the background', async () => {
  const tb = await startTestBroker({ validateLifetime: false }); // tokens outlive the 3-day clock jump
  try {
    const maintenance = await tb.token(ORGS.sender, ['altinn:broker.maintenance']);
    const old = await tb.initialize({ resourceId: USE_CASE_TEST_RESOURCE });
    expect((await tb.upload(old, 'old payload')).status).toBe(200);
    const otherResource = await tb.initialize();
    await tb.broker.advanceClock(3 * DAY);
    const recent = await tb.initialize({ resourceId: USE_CASE_TEST_RESOURCE });

    const res = await tb.call('POST', `${CLEANUP}?minAgeDays=2`, { token: maintenance });
    expect(res.status).toBe(200);
    const body = res.json();
    expect(Object.keys(body)).toEqual(['resourceId', 'fileTransfersFound', 'deleteFileTransfersJobId']);
    expect(body).toMatchObject({ resourceId: USE_CASE_TEST_RESOURCE, fileTransfersFound: 1 });
    expect(body.deleteFileTransfersJobId).toMatch(/^\d+$/);
    await tb.broker.scheduler.idle();
    await tb.broker.advanceClock(0);

    const gone = await tb.call('GET', `/broker/api/v1/filetransfer/${old}`, { token: tb.tokens.sender });
    expect(gone.status).toBe(404);
    expect(gone.json().code).toBe('BRO-00001');
    expect(existsSync(tb.broker.broker.store.payloadPath(old))).toBe(false);
    expect((await tb.call('GET', `/broker/api/v1/filetransfer/${recent}`, { token: tb.tokens.sender })).status).toBe(200);
    expect((await tb.call('GET', `/broker/api/v1/filetransfer/${otherResource}`, { token: tb.tokens.sender })).status).toBe(200);

    // Without minAgeDays every transfer of the resource created before now is found.
    const all = await tb.call('POST', CLEANUP, { token: maintenance });
    expect(all.json().fileTransfersFound).toBe(1);
    expect(Number(all.json().deleteFileTransfersJobId)).toBeGreaterThan(Number(body.deleteFileTransfersJobId));

    const bad = await tb.call('POST', `${CLEANUP}?minAgeDays=abc`, { token: maintenance });
    expect(bad.status).toBe(400);
    expect(bad.json().errors).toEqual({ minAgeDays: ["The value 'abc' is not valid."] });
  } finally {
    await tb.close();
  }
});

test('maskinporten-jwk-rotation: the exact confirmation enqueues a job; anything else is 400 with the message', async () => {
  const tb = await startTestBroker();
  try {
    const maintenance = await tb.token(ORGS.sender, ['altinn:broker.maintenance']);
    const ok = await tb.call('POST', ROTATE, { token: maintenance, json: { confirmation: 'rotate-maskinporten-jwk' } });
    expect(ok.json()).toEqual({ jobId: expect.stringMatching(/^\d+$/), message: 'Maskinporten JWK rotation was enqueued.' });
    const message = "Confirmation must be 'rotate-maskinporten-jwk' to trigger Maskinporten JWK rotation.";
    for (const json of [{}, { confirmation: 'Rotate-Maskinporten-JWK' }, { confirmation: null }]) {
      const res = await tb.call('POST', ROTATE, { token: maintenance, json });
      expect(res.status).toBe(400);
      expect(res.json()).toEqual({ message });
    }
    const wrongType = await tb.call('POST', ROTATE, { token: maintenance, json: { confirmation: 5 } });
    expect(wrongType.status).toBe(400);
    expect(Object.keys(wrongType.json().errors)).toContain('$.confirmation');
    const empty = await tb.call('POST', ROTATE, { token: maintenance, body: '', headers: { 'content-type': 'application/json' } });
    expect(empty.status).toBe(400);
    const text = await tb.call('POST', ROTATE, { token: maintenance, body: 'x', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
  } finally {
    await tb.close();
  }
});
