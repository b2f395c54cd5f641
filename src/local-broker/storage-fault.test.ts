/** @module Self-tests of the storage-fault control: an upload that fails in storage ends Failed with 500 code 8 and `uploadfailed` (§2.3), and the control is off unless enabled. */
import { expect, test } from '@playwright/test';
import { startTestBroker, type TestBroker } from './testing.ts';

let tb: TestBroker;
test.beforeAll(async () => {
  tb = await startTestBroker({ emulatorEndpoints: { faults: true } });
});
test.afterAll(async () => tb.close());

const upload = (id: string, body = 'payload') =>
  tb.call('POST', `/broker/api/v1/filetransfer/${id}/upload`, { token: tb.tokens.sender, headers: { 'content-type': 'application/octet-stream' }, body });

test('a storage outage on upload: 500 code 8, Failed with its text, uploadfailed to the sender; re-upload is then 409 code 4', async () => {
  const id = await tb.initialize({});
  const armed = await tb.call('POST', '/_emulator/faults/storage', { json: { failNextUploads: 1 } });
  expect([armed.status, armed.json()]).toEqual([200, { failNextUploads: 1 }]);
  const res = await upload(id);
  expect(res.status).toBe(500);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(res.json()).toMatchObject({ code: 'BRO-00008', detail: 'Error occurred while uploading file See /details for more information.' });
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  const o = await tb.overview(id);
  expect([o.fileTransferStatus, o.fileTransferStatusText]).toEqual(['Failed', 'Error occurred while uploading fileTransfer']);
  expect(tb.broker.events().filter((e) => e.resourceinstance === id).map((e) => e.type)).toEqual(['no.altinn.broker.filetransferinitialized', 'no.altinn.broker.uploadfailed']);
  expect((await upload(id)).status).toBe(409);
  // Only the armed number of uploads fail.
  const next = await tb.initialize({});
  expect((await upload(next)).status).toBe(200);
});

test('bad fault bodies are a 400 problem, and the endpoint does not exist unless enabled', async () => {
  expect((await tb.call('POST', '/_emulator/faults/storage', { json: { failNextUploads: -1 } })).status).toBe(400);
  const plain = await startTestBroker();
  try {
    expect((await plain.call('POST', '/_emulator/faults/storage', { json: { failNextUploads: 1 } })).status).toBe(404);
  } finally {
    await plain.close();
  }
});
