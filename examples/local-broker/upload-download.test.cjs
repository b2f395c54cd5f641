// The local Broker from plain JavaScript (CommonJS): start it with an issuer double, send a file, download it.
// Run with `node --test` once the package is installed (or after `npm run build` inside this repository).
const assert = require('node:assert/strict');
const { test } = require('node:test');
const { startAltinnIssuer, startLocalBroker } = require('broker-conformance/local-broker');

test('a file goes from sender to recipient through the local Broker', async (t) => {
  const issuer = await startAltinnIssuer();
  const broker = await startLocalBroker({ port: 0, trustedIssuers: [issuer.openIdConfigurationUrl], log: () => {} });
  t.after(async () => {
    await broker.close();
    await issuer.close();
  });
  // Altinn-style enterprise tokens for the default seed's sender and recipient.
  const token = (org, scopes) =>
    issuer.sign({ scope: scopes.join(' '), 'urn:altinn:orgNumber': org, consumer: { authority: 'iso6523-actorid-upis', ID: `0192:${org}` } });
  const sender = { authorization: `Bearer ${await token('991825827', ['altinn:broker.write', 'altinn:broker.read'])}` };
  const recipient = { authorization: `Bearer ${await token('986252932', ['altinn:broker.read'])}` };
  const api = `${broker.url}/broker/api/v1/filetransfer`;

  const init = await fetch(api, {
    method: 'POST',
    headers: { ...sender, 'content-type': 'application/json' },
    body: JSON.stringify({
      fileName: 'hello.txt',
      resourceId: 'altinn-broker-test-resource-1',
      sendersFileTransferReference: 'example',
      sender: '0192:991825827',
      recipients: ['0192:986252932'],
    }),
  });
  assert.equal(init.status, 200);
  const { fileTransferId } = await init.json();

  const upload = await fetch(`${api}/${fileTransferId}/upload`, {
    method: 'POST',
    headers: { ...sender, 'content-type': 'application/octet-stream' },
    body: 'Hello, Broker!',
  });
  assert.equal(upload.status, 200);
  // The simulated malware scan runs inside the upload request by default, so the file is ready at once.
  const overview = await (await fetch(`${api}/${fileTransferId}`, { headers: recipient })).json();
  assert.equal(overview.fileTransferStatus, 'Published');

  const download = await fetch(`${api}/${fileTransferId}/download`, { headers: recipient });
  assert.equal(download.status, 200);
  assert.equal(await download.text(), 'Hello, Broker!');
  const confirm = await fetch(`${api}/${fileTransferId}/confirmdownload`, { method: 'POST', headers: recipient });
  assert.equal(confirm.status, 204);
  assert.deepEqual(
    broker.events().filter((e) => e.resourceinstance === fileTransferId).map((e) => e.type.replace('no.altinn.broker.', '')),
    ['filetransferinitialized', 'uploadprocessing', 'published', 'published', 'downloadconfirmed', 'downloadconfirmed', 'allconfirmeddownloaded'],
  );
});
