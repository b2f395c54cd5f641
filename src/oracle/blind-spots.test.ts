/**
 * Self-tests of the conditions that close the oracle's blind spots: each passes one good input and
 * catches the deviation it exists for, with a message naming the field and the value; none throws on
 * a body that lacks what it reads.
 */
import { expect, test } from '@playwright/test';
import type { FileTransferDetails } from '../client/models.ts';
import {
  contentDispositionNames,
  ERROR_CODE_KEYS,
  eventsAddressedAsDocumented,
  expectedContentDisposition,
  expectedPublishedEventId,
  oracleCoverage,
  publishedEventIdsAreDeterministic,
  RefusalChangedNothing,
  REQUIREMENTS,
  searchIsCapped,
  securityHeadersAre,
  StatusChangedTimesMatchHistory,
  TimestampsCarryUtcOffset,
  TRANSITION_VARIANT_KEYS,
  EVENT_TRANSITION_KEYS,
  type ResponseLike,
} from './index.ts';

const ID = '6f1c2d8e-3b7a-4c1e-9a52-0d4f7e8b9c10';
const SENDER = '0192:991825827';
const R1 = '0192:986252932';
const R2 = '0192:313725138';
const subject = (org: string) => `urn:altinn:organization:identifier-no:${org.slice(5)}`;
const response = (o: Partial<ResponseLike>): ResponseLike => ({ status: 200, headers: {}, text: '', bodyBytes: 0, ...o });

test('a published event id is the .NET Guid of SHA-256(published:<id>:<role>:<actor>) (vector computed with Python uuid bytes_le)', () => {
  expect(expectedPublishedEventId(ID, 'Recipient', R1)).toBe('28061699-ed07-9183-5577-42bb3ee35768');
});

test('EVT-010: deterministic published ids pass; a random id is caught with both ids shown', () => {
  const events = [
    { type: 'no.altinn.broker.published', id: expectedPublishedEventId(ID, 'Sender', SENDER), data: { Role: 'Sender' } },
    { type: 'no.altinn.broker.published', id: expectedPublishedEventId(ID, 'Recipient', R1), data: { Role: 'Recipient' } },
  ];
  const c = publishedEventIdsAreDeterministic(ID, SENDER, [R1]);
  expect(c.evaluate(events).verdict).toBe('PASS');
  const random = c.evaluate([events[0]!, { ...events[1]!, id: '0f8fad5b-d9cb-469f-a165-70867728950e' }]);
  expect(random.verdict).toBe('FAIL');
  expect(random.message).toContain('ids');
  expect(JSON.stringify(random.actual)).toContain('0f8fad5b-d9cb-469f-a165-70867728950e');
  expect(c.evaluate([]).verdict).toBe('FAIL');
});

test("EVT-009: each event addressed to its party passes; a recipient's published event with the sender's subject is caught, named", () => {
  const steps = [{ key: 'UploadStarted->Published[upload-no-scan]', recipients: [R1, R2] }];
  const good = [
    { type: 'no.altinn.broker.published', subject: subject(SENDER), data: { Role: 'Sender' } },
    { type: 'no.altinn.broker.published', subject: subject(R1), data: { Role: 'Recipient' } },
    { type: 'no.altinn.broker.published', subject: subject(R2), data: { Role: 'Recipient' } },
  ];
  const c = eventsAddressedAsDocumented(steps, SENDER);
  expect(c.evaluate(good).verdict).toBe('PASS');
  const wrong = c.evaluate([good[0]!, good[1]!, { ...good[2]!, subject: subject(SENDER) }]);
  expect(wrong.verdict).toBe('FAIL');
  expect(wrong.message).toContain(`missing no.altinn.broker.published/Recipient/${subject(R2)}`);
  expect(wrong.message).toContain(`unexpected no.altinn.broker.published/Recipient/${subject(SENDER)}`);
  // filepurged after the last confirm: one to the sender; none at all is caught.
  const purge = eventsAddressedAsDocumented([{ key: 'AllConfirmedDownloaded->Purged[grace-elapsed]', recipients: [R1] }], SENDER, 'EVT-011');
  expect(purge.requirement).toBe('EVT-011');
  expect(purge.evaluate([{ type: 'no.altinn.broker.filepurged', subject: subject(SENDER), data: { Role: 'Sender' } }]).verdict).toBe('PASS');
  expect(purge.evaluate([]).message).toContain('missing no.altinn.broker.filepurged/Sender');
});

const details = (): FileTransferDetails =>
  ({
    fileTransferId: ID,
    created: '2026-08-18T10:00:00.1+00:00',
    fileTransferStatus: 'Published',
    fileTransferStatusChanged: '2026-08-18T10:00:02.3+00:00',
    expirationTime: '2026-09-17T10:00:00.1+00:00',
    published: '2026-08-18T10:00:02.3+00:00',
    recipients: [{ recipient: R1, currentRecipientFileTransferStatusCode: 'DownloadStarted', currentRecipientFileTransferStatusText: '', currentRecipientFileTransferStatusChanged: '2026-08-18T10:00:05+00:00' }],
    fileTransferStatusHistory: [
      { fileTransferStatus: 'Initialized', fileTransferStatusText: '', fileTransferStatusChanged: '2026-08-18T10:00:00.1+00:00' },
      { fileTransferStatus: 'Published', fileTransferStatusText: '', fileTransferStatusChanged: '2026-08-18T10:00:02.3+00:00' },
    ],
    recipientFileTransferStatusHistory: [
      { recipient: R1, recipientFileTransferStatusCode: 'Initialized', recipientFileTransferStatusText: '', recipientFileTransferStatusChanged: '2026-08-18T10:00:00.1+00:00' },
      { recipient: R1, recipientFileTransferStatusCode: 'DownloadStarted', recipientFileTransferStatusText: '', recipientFileTransferStatusChanged: '2026-08-18T10:00:05+00:00' },
    ],
  }) as unknown as FileTransferDetails;

test('LC-STATE-003: status-changed times equal to the latest history entries pass; `created` in their place is caught, naming the field', () => {
  expect(StatusChangedTimesMatchHistory.evaluate(details()).verdict).toBe('PASS');
  const d = details();
  const stale = { ...d, fileTransferStatusChanged: d.created, recipients: [{ ...d.recipients[0]!, currentRecipientFileTransferStatusChanged: d.created }] };
  const r = StatusChangedTimesMatchHistory.evaluate(stale as FileTransferDetails);
  expect(r.verdict).toBe('FAIL');
  expect(r.message).toContain('fileTransferStatusChanged');
  expect(r.message).toContain(`${R1}.currentRecipientFileTransferStatusChanged`);
  expect(StatusChangedTimesMatchHistory.evaluate({ fileTransferId: ID } as unknown as FileTransferDetails).verdict).toBe('FAIL');
  expect(StatusChangedTimesMatchHistory.evaluate(undefined).verdict).toBe('FAIL');
});

test('LC-TIME-001: +00:00 timestamps pass; a Z timestamp is caught with its path and value', () => {
  expect(TimestampsCarryUtcOffset.evaluate(details()).verdict).toBe('PASS');
  const r = TimestampsCarryUtcOffset.evaluate({ ...details(), created: '2026-08-18T10:00:00.1Z' });
  expect(r.verdict).toBe('FAIL');
  expect(r.message).toContain('$.created = "2026-08-18T10:00:00.1Z"');
  const nested = TimestampsCarryUtcOffset.evaluate([{ type: 'x', time: '2026-08-18T10:11:12.1234567+01:00' }]);
  expect(nested.message).toContain('$[0].time');
  expect(TimestampsCarryUtcOffset.evaluate(undefined).verdict).toBe('FAIL');
});

test('DL-FULL-002: the expected header quotes names with spaces, replaces non-ASCII by _ and percent-encodes filename*', () => {
  expect(expectedContentDisposition('report.pdf').header).toBe("attachment; filename=report.pdf; filename*=UTF-8''report.pdf");
  expect(expectedContentDisposition('my file.txt').header).toBe(`attachment; filename="my file.txt"; filename*=UTF-8''my%20file.txt`);
  expect(expectedContentDisposition('År ø.txt').header).toBe(`attachment; filename="_r _.txt"; filename*=UTF-8''%C3%85r%20%C3%B8.txt`);
  expect(expectedContentDisposition('a"b\\c.txt').plain).toBe('"a\\"b\\\\c.txt"');
});

test('DL-FULL-002: a header without the plain filename= is caught, naming the part', () => {
  const name = 'my file.txt';
  const c = contentDispositionNames(name);
  expect(c.evaluate(response({ headers: { 'content-disposition': expectedContentDisposition(name).header } })).verdict).toBe('PASS');
  const r = c.evaluate(response({ headers: { 'content-disposition': `attachment; filename*=UTF-8''my%20file.txt` } }));
  expect(r.verdict).toBe('FAIL');
  expect(r.message).toContain('filename differs');
  expect((r.actual as Record<string, unknown>).filename).toBe('(absent)');
  expect(c.evaluate(response({ headers: {} })).verdict).toBe('FAIL');
});

test('SEARCH-014: exactly 100 ids pass; 101 are caught', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`);
  expect(searchIsCapped(101).evaluate(response({ body: ids(100) })).verdict).toBe('PASS');
  const r = searchIsCapped(101).evaluate(response({ body: ids(101) }));
  expect(r.verdict).toBe('FAIL');
  expect(r.message).toContain('count');
  expect(searchIsCapped(101).evaluate(response({ body: { not: 'an array' } })).verdict).toBe('FAIL');
});

test('HDR-001: no-store and nosniff pass; a wrong Cache-Control is caught with its value', () => {
  expect(securityHeadersAre.evaluate(response({ headers: { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } })).verdict).toBe('PASS');
  const r = securityHeadersAre.evaluate(response({ headers: { 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' } }));
  expect(r.verdict).toBe('FAIL');
  expect(r.message).toContain('cache-control');
  expect((r.actual as Record<string, string>)['cache-control']).toBe('no-cache');
});

test('NEG-NOCHANGE-001: details without a recipient history are a FAIL with a message, never a TypeError', () => {
  const d = details();
  expect(RefusalChangedNothing.evaluate({ before: d, after: d }).verdict).toBe('PASS');
  const { recipientFileTransferStatusHistory: _, ...without } = d;
  const r = RefusalChangedNothing.evaluate({ before: d, after: without as FileTransferDetails });
  expect(r.verdict).toBe('FAIL');
  expect(r.message).toContain('after: recipientFileTransferStatusHistory is absent');
  expect(RefusalChangedNothing.evaluate({ before: undefined, after: d }).message).toContain('before: no details body');
});

test('coverage counts variants, events per transition and the error codes answered, each with its reason when missing', () => {
  const base = { type: 'verdict' as const, condition: 'c', message: '', exchangeIds: [], at: '' };
  const exchange = { type: 'exchange' as const, id: 'x', actor: 'sender', operationId: 'op', request: { method: 'POST', url: '/', headers: {}, bodyBytes: 0 }, startedAt: '', durationMs: 1, checks: [], response: { status: 400, headers: {}, bodyBytes: 10, bodyExcerpt: '{"code":"BRO-00009","detail":"x"}' } };
  const c = oracleCoverage([
    { ...base, requirement: 'LC-FAIL-004', verdict: 'PASS', transition: 'UploadStarted->Failed[checksum-mismatch]', variant: 'binary+scan' },
    { ...base, requirement: 'EVT-011', verdict: 'FAIL', events: ['AllConfirmedDownloaded->Purged[grace-elapsed]'] },
    { ...base, requirement: 'LC-FAIL-001', verdict: 'SKIP', transition: 'UploadStarted->Failed[checksum-mismatch]', variant: 'binary+no-scan' },
    exchange,
  ]);
  expect(c.variants.total).toBe(TRANSITION_VARIANT_KEYS.length);
  expect(c.variants.covered).toBe(1);
  expect(c.variants.missing).toContain('UploadStarted->Failed[checksum-mismatch]{binary+no-scan}');
  expect(c.events.total).toBe(EVENT_TRANSITION_KEYS.length);
  expect(c.events.covered).toBe(1);
  expect(c.errorCodes.total).toBe(ERROR_CODE_KEYS.length);
  expect(c.errorCodes.covered).toBe(1);
  expect(c.errorCodes.unreached['BRO-00021']).toMatch(/storage provider/);
});

test('every new requirement carries a public citation of the Broker source', () => {
  for (const id of ['EVT-009', 'EVT-010', 'EVT-011', 'LC-FAIL-004', 'LC-STATE-003', 'LC-TIME-001', 'VAL-INIT-039', 'SEARCH-014', 'DL-FULL-002', 'HDR-001']) {
    expect(REQUIREMENTS.find((r) => r.id === id)?.citation, id).toMatch(/^Altinn\/altinn-broker@161ba122:src\//);
  }
});
