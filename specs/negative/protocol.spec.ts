/**
 * Protocol-level refusals that come before the Broker's own checks:
 * a non-GUID id, a wrong Content-Type on upload (415 even without a token), an unsupported Accept
 * header (406 before authentication).
 */
import { test } from '../../fixtures/index.ts';
import { compare, condition, expectationResult, type ResponseLike } from '../../src/oracle/index.ts';

const ACCEPT_406 = 'This endpoint does not support the requested Accept header. Supported Accept headers are: application/json, */*.';

const NonGuidIdIsValidationProblem = condition<ResponseLike>('NonGuidIdIsValidationProblem', 'NEG-ID-001', '§2', (res) =>
  expectationResult(res, { kind: 'validation-key', keyPattern: /^fileTransferId$/i }),
);
const WrongContentTypeIsEmpty415 = condition<ResponseLike>('WrongContentTypeIsEmpty415', 'NEG-CT-001', '§1.4c', (res) =>
  compare('415 from routing', { status: { expected: 415, actual: res.status }, bodyBytes: { expected: 0, actual: res.bodyBytes } }),
);
const UnsupportedAcceptIs406PlainText = condition<ResponseLike>('UnsupportedAcceptIs406PlainText', 'NEG-ACCEPT-001', '§1.1', (res) =>
  compare('406 before authentication', {
    status: { expected: 406, actual: res.status },
    // The 406 has no Content-Type, so the client keeps no text: the body is compared by its length.
    bodyBytes: { expected: Buffer.byteLength(ACCEPT_406), actual: res.bodyBytes },
    ...(res.text ? { body: { expected: ACCEPT_406, actual: res.text } } : {}),
  }),
);

test.describe('protocol refusals @negative', () => {
  test('NEG-ID-001 a non-GUID file transfer id is a 400 validation problem keyed fileTransferId', async ({ sender, verify }) => {
    verify(NonGuidIdIsValidationProblem, await sender.getFileTransferOverview('not-a-guid'));
  });

  test('NEG-CT-001 upload with Content-Type text/plain is an empty 415, even without a token', async ({ actors, flow, verify }) => {
    const { id } = await flow.initialize();
    verify(WrongContentTypeIsEmpty415, await actors.anonymous.uploadFileTransfer(id, Buffer.from('x'), { 'content-type': 'text/plain' }));
    verify(WrongContentTypeIsEmpty415, await actors.sender.uploadFileTransfer(id, Buffer.from('x'), { 'content-type': 'text/plain' }));
  });

  test('NEG-ACCEPT-001 Accept: application/xml on overview is a plain 406, before authentication', async ({ actors, verify }) => {
    const id = crypto.randomUUID();
    for (const client of [actors.anonymous, actors.sender]) {
      verify(UnsupportedAcceptIs406PlainText, await client.call({ method: 'GET', path: `/broker/api/v1/filetransfer/${id}`, headers: { accept: 'application/xml' } }));
    }
  });
});
