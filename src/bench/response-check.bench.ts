/**
 * @module Measures the cost of checking one response against the reference contract with a warm
 * validator cache: a `details` body of a published two-recipient transfer, all five checks.
 */
import { allChecks, checkResponse, prepareContract, REFERENCE_CONTRACT_PATH, type ExchangeView } from '../contract/index.ts';

const ID = '6f1c2d8e-3b7a-4c1e-9a52-0d4f7e8b9c10';
const t = (s: number) => `2026-08-18T10:00:${String(s).padStart(2, '0')}.117401+00:00`;

function detailsBody(): string {
  const recipients = ['0192:986252932', '0192:313725138'];
  return JSON.stringify({
    fileTransferStatusHistory: [
      { fileTransferStatus: 'Initialized', fileTransferStatusText: 'Ready for upload', fileTransferStatusChanged: t(0) },
      { fileTransferStatus: 'UploadStarted', fileTransferStatusText: 'Upload started', fileTransferStatusChanged: t(1) },
      { fileTransferStatus: 'UploadProcessing', fileTransferStatusText: 'Processing upload', fileTransferStatusChanged: t(2) },
      { fileTransferStatus: 'Published', fileTransferStatusText: 'Ready for download', fileTransferStatusChanged: t(3) },
    ],
    recipientFileTransferStatusHistory: recipients.map((r) => ({
      recipient: r,
      recipientFileTransferStatusCode: 'Initialized',
      recipientFileTransferStatusText: 'Initialized',
      recipientFileTransferStatusChanged: t(0),
    })),
    published: t(3),
    fileTransferId: ID,
    resourceId: 'altinn-broker-test-resource-1',
    fileName: 'input.txt',
    sendersFileTransferReference: 'test-data',
    checksum: '0d1b08c34858921bc7c662b228acb7ba',
    useVirusScan: true,
    fileTransferSize: 41,
    fileTransferStatus: 'Published',
    fileTransferStatusText: 'Ready for download',
    fileTransferStatusChanged: t(3),
    created: t(0),
    expirationTime: '2026-09-17T10:00:00.117401+00:00',
    sender: '0192:991825827',
    recipients: recipients.map((r) => ({
      recipient: r,
      currentRecipientFileTransferStatusCode: 'Initialized',
      currentRecipientFileTransferStatusText: 'Initialized',
      currentRecipientFileTransferStatusChanged: t(0),
    })),
    propertyList: {},
  });
}

/**
 * `responseCheckMicros`: the five checks against one contract, given the body as the client parsed it
 * (once per response, shared by all contracts). `responseParseMicros`: that one parse, reported apart.
 */
export async function benchResponseCheck(iterations = 20_000): Promise<{ responseCheckMicros: number; responseParseMicros: number; allPassed: boolean }> {
  const { compiled } = await prepareContract(REFERENCE_CONTRACT_PATH, 'reference', 'reference');
  const body = Buffer.from(detailsBody());
  const exchange: ExchangeView = {
    method: 'GET',
    url: `/broker/api/v1/filetransfer/${ID}/details`,
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' },
    body,
    bodyBytes: body.length,
    json: JSON.parse(body.toString('utf8')),
  };
  const checks = allChecks();
  const first = checkResponse(compiled, exchange, checks);
  const allPassed = first.every((r) => r.verdict === 'PASS');
  for (let i = 0; i < 2_000; i++) checkResponse(compiled, exchange, checks); // warm-up
  // Median of batches, so one GC pause does not decide the figure.
  const batch = 200;
  const perCall: number[] = [];
  for (let b = 0; b < iterations / batch; b++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) checkResponse(compiled, exchange, checks);
    perCall.push(Number(process.hrtime.bigint() - t0) / 1000 / batch);
  }
  const median = (xs: number[]) => Number([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(2));
  const parse: number[] = [];
  for (let b = 0; b < iterations / batch; b++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) JSON.parse(body.toString('utf8'));
    parse.push(Number(process.hrtime.bigint() - t0) / 1000 / batch);
  }
  return { responseCheckMicros: median(perCall), responseParseMicros: median(parse), allPassed };
}
