/**
 * Self-tests of the oracle: each condition passes one good input and catches one bad one, the
 * matrix encodes the documented check order for sample cells, the tables are well-formed, and
 * coverage counts only judged verdicts.
 */
import { expect, test } from '@playwright/test';
import {
  BROKER_ERRORS,
  brokerErrorResult,
  authRefusalResult,
  expectationResult,
  expectedOutcome,
  ILLEGAL_CELLS,
  INIT_RULES,
  KNOWN_DEFECTS,
  knownDefectFor,
  LegacyPartialUrlIsServed,
  RefusalChangedNothing,
  StatusHistoryIsChronological,
  TusUploadExpiresIn24Hours,
  UnknownPartialUploadIsNotFound,
  requirement,
  oracleCoverage,
  PublishedFieldMatchesHistory,
  NoSecondPublishedEntry,
  RefusedCellAnswersExactly,
  REQUIREMENTS,
  SITUATIONS,
  statusHistoryIs,
  TRANSITIONS,
  transferIsIn,
  wireCode,
  type ResponseLike,
} from './index.ts';
import type { FileTransferDetails } from '../client/models.ts';

const problem = (status: number, code: string, detail: string, type = '', title = ''): ResponseLike => ({ status, headers: {}, problem: { status, code, detail, type, title }, text: '', bodyBytes: 10 });
const situation = (id: string) => SITUATIONS.find((s) => s.id === id)!;

test('a Broker error passes only with status, code, detail, type and title all right', () => {
  const e = BROKER_ERRORS.FileTransferAlreadyUploaded;
  expect(wireCode(e)).toBe('BRO-00004');
  expect(brokerErrorResult(problem(409, 'BRO-00004', e.detail, 'https://tools.ietf.org/html/rfc9110#section-15.5.10', 'Conflict'), 'FileTransferAlreadyUploaded').verdict).toBe('PASS');
  const wrong = brokerErrorResult(problem(409, 'BRO-00003', e.detail, 'https://tools.ietf.org/html/rfc9110#section-15.5.10', 'Conflict'), 'FileTransferAlreadyUploaded');
  expect(wrong.verdict).toBe('FAIL');
  expect(wrong.message).toContain('code');
});

test('an auth refusal needs the status, an empty body and, for 401, WWW-Authenticate: Bearer', () => {
  expect(authRefusalResult({ status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' }, text: '', bodyBytes: 0 }, 401).verdict).toBe('PASS');
  expect(authRefusalResult({ status: 401, headers: {}, text: '', bodyBytes: 0 }, 401).verdict).toBe('FAIL');
  expect(authRefusalResult({ status: 403, headers: {}, text: '{}', bodyBytes: 2 }, 403).verdict).toBe('FAIL');
});

test('validation expectations match the key and one of the messages', () => {
  const rule = INIT_RULES.find((r) => r.id === 'VAL-INIT-019')!;
  const good: ResponseLike = { status: 400, headers: {}, problem: { title: 'One or more validation errors occurred.', errors: { PropertyList: ['PropertyList can contain at most 10 properties'] } }, text: '', bodyBytes: 1 };
  expect(expectationResult(good, rule.expect).verdict).toBe('PASS');
  const lowerCase = { ...good, problem: { ...good.problem, errors: { PropertyList: ['propertyList can contain at most 10 properties'] } } };
  expect(expectationResult(lowerCase, rule.expect).verdict).toBe('FAIL');
});

test('the matrix follows the documented check order', () => {
  expect(expectedOutcome(situation('Nonexistent'), 'confirm', 'outsider')).toMatchObject({ error: 'FileTransferNotFound' }); // 404 before access
  expect(expectedOutcome(situation('Published'), 'upload', 'sender')).toMatchObject({ error: 'FileTransferAlreadyUploaded' });
  expect(expectedOutcome(situation('Published'), 'upload', 'recipient')).toMatchObject({ layer: 'auth', status: 403 });
  expect(expectedOutcome(situation('Published'), 'confirm', 'recipient')).toMatchObject({ error: 'ConfirmBeforeDownload' });
  expect(expectedOutcome(situation('Published+Confirmed'), 'confirm', 'recipient')).toEqual({ allowed: true, status: 204 });
  expect(expectedOutcome(situation('AllConfirmedDownloaded'), 'confirm', 'recipient')).toMatchObject({ error: 'ConfirmRequiresPublished' });
  // The location is stored before the checksum comparison: the status check answers, code 10; download 403 code 7.
  expect(expectedOutcome(situation('Failed:checksum'), 'confirm', 'recipient')).toMatchObject({ error: 'ConfirmRequiresPublished' });
  expect(expectedOutcome(situation('Failed:checksum'), 'download', 'recipient')).toMatchObject({ error: 'NotReadyForDownload' });
  expect(expectedOutcome(situation('Initialized'), 'confirm', 'recipient')).toMatchObject({ error: 'NoFileUploadedYet' });
  expect(expectedOutcome(situation('Failed:malware'), 'confirm', 'recipient')).toMatchObject({ error: 'ConfirmRequiresPublished' });
  expect(expectedOutcome(situation('Purged'), 'download', 'recipient')).toMatchObject({ error: 'NotReadyForDownload' });
  expect(expectedOutcome(situation('Initialized'), 'download', 'sender')).toMatchObject({ error: 'NoAccess' });
  const cell = ILLEGAL_CELLS.find((c) => c.key === 'Published|upload|sender')!;
  expect(RefusedCellAnswersExactly.evaluate({ cell, response: problem(409, 'BRO-00004', BROKER_ERRORS.FileTransferAlreadyUploaded.detail, 'https://tools.ietf.org/html/rfc9110#section-15.5.10', 'Conflict') }).verdict).toBe('PASS');
  expect(RefusedCellAnswersExactly.evaluate({ cell, response: { status: 200, headers: {}, text: '', bodyBytes: 0 } }).verdict).toBe('FAIL');
});

test('tables are well-formed: unique keys, catalogued requirements', () => {
  const keys = (xs: readonly { key: string }[]) => new Set(xs.map((x) => x.key)).size === xs.length;
  expect(keys(TRANSITIONS)).toBe(true);
  expect(keys(ILLEGAL_CELLS)).toBe(true);
  const ids = new Set(REQUIREMENTS.map((r) => r.id));
  expect([...TRANSITIONS.map((t) => t.requirement), ...ILLEGAL_CELLS.map((c) => c.requirement)].filter((id) => !ids.has(id))).toEqual([]);
});

test('state conditions catch a wrong status, a wrong text, a second Published and a missing published field', () => {
  const at = '2026-01-01T00:00:00+00:00';
  const details = {
    fileTransferStatus: 'Published', fileTransferStatusText: 'Ready for download', published: at,
    fileTransferStatusHistory: [
      { fileTransferStatus: 'Initialized', fileTransferStatusText: 'Ready for upload', fileTransferStatusChanged: at },
      { fileTransferStatus: 'Published', fileTransferStatusText: 'Ready for download', fileTransferStatusChanged: at },
    ],
    recipientFileTransferStatusHistory: [],
  } as unknown as FileTransferDetails;
  expect(transferIsIn('Published').evaluate(details).verdict).toBe('PASS');
  expect(transferIsIn('Published').evaluate({ ...details, fileTransferStatusText: 'Published' }).verdict).toBe('FAIL');
  expect(statusHistoryIs(['Initialized', 'Published'], 'LC-PUBLISH-001').evaluate(details).verdict).toBe('PASS');
  expect(statusHistoryIs(['Initialized', 'UploadStarted', 'Published'], 'LC-PUBLISH-001').evaluate(details).verdict).toBe('FAIL');
  expect(PublishedFieldMatchesHistory.evaluate(details).verdict).toBe('PASS');
  const { published: _omitted, ...withoutPublished } = details;
  expect(PublishedFieldMatchesHistory.evaluate(withoutPublished as FileTransferDetails).verdict).toBe('FAIL');
  expect(NoSecondPublishedEntry.evaluate(details).verdict).toBe('PASS');
  const twice = { ...details, fileTransferStatusHistory: [...details.fileTransferStatusHistory, details.fileTransferStatusHistory[1]!] };
  expect(NoSecondPublishedEntry.evaluate(twice).verdict).toBe('FAIL');
});

test('coverage counts judged verdicts only', () => {
  const base = { type: 'verdict' as const, condition: 'c', message: '', exchangeIds: [], at: '' };
  const c = oracleCoverage([
    { ...base, requirement: 'LC-INIT-001', verdict: 'PASS', transition: 'none->Initialized[initialize]' },
    { ...base, requirement: 'NEG-CELL-001', verdict: 'SKIP', cell: 'Published|upload|sender' },
  ]);
  expect(c.transitions.covered).toBe(1);
  expect(c.transitions.total).toBe(TRANSITIONS.length);
  expect(c.cells.covered).toBe(0);
  expect(c.requirements.covered).toBe(1);
});

test('the CloudEvent condition passes a §5.2 event and catches a wrong subject, a missing id, an extra key and a Role its webhook does not allow', async () => {
  const { prepareContract, REFERENCE_CONTRACT_PATH } = await import('../contract/index.ts');
  const { CloudEventsMatchTheContract } = await import('./conditions/events.ts');
  const reference = (await prepareContract(REFERENCE_CONTRACT_PATH, 'reference', 'reference')).compiled;
  const good = {
    specversion: '1.0',
    id: '0f8fad5b-d9cb-469f-a165-70867728950e',
    type: 'no.altinn.broker.filetransferinitialized',
    time: '2026-08-18T10:11:12.1234567+00:00',
    resource: 'urn:altinn:resource:altinn-broker-test-resource-1',
    resourceinstance: '6f1c2d8e-3b7a-4c1e-9a52-0d4f7e8b9c10',
    subject: 'urn:altinn:organization:identifier-no:991825827',
    source: 'https://platform.tt02.altinn.no/broker/api/v1/filetransfer',
    data: { Role: 'Sender' },
  };
  const judge = (events: object[]) => CloudEventsMatchTheContract(reference).evaluate(events).verdict;
  expect(judge([good])).toBe('PASS');
  expect(judge([{ ...good, subject: 'urn:altinn:organization:identifier-no:0192:991825827' }])).toBe('FAIL');
  const { id: _id, ...noId } = good;
  expect(judge([noId])).toBe('FAIL');
  expect(judge([{ ...good, Extra: 1 }])).toBe('FAIL');
  expect(judge([{ ...good, data: { Role: 'Recipient' } }])).toBe('FAIL');
  expect(judge([])).toBe('FAIL');
});

test('history order: a listing newest first fails LC-HISTORY-001 alone; the documented history and "nothing changed" are judged as sets', () => {
  const t = (s: number) => `2026-01-01T00:00:0${s}+00:00`;
  const entry = (st: string, s: number) => ({ fileTransferStatus: st, fileTransferStatusText: st === 'Initialized' ? 'Ready for upload' : 'Ready for download', fileTransferStatusChanged: t(s) });
  const recipient = (code: string, s: number) => ({ recipient: '0192:986252932', recipientFileTransferStatusCode: code, recipientFileTransferStatusText: '', recipientFileTransferStatusChanged: t(s) });
  const ordered = { fileTransferStatusHistory: [entry('Initialized', 1), entry('Published', 2)], recipientFileTransferStatusHistory: [recipient('Initialized', 1), recipient('DownloadStarted', 3)] } as unknown as FileTransferDetails;
  const reversed = { fileTransferStatusHistory: [entry('Published', 2), entry('Initialized', 1)], recipientFileTransferStatusHistory: [recipient('DownloadStarted', 3), recipient('Initialized', 1)] } as unknown as FileTransferDetails;
  expect(StatusHistoryIsChronological.evaluate(ordered).verdict).toBe('PASS');
  const r = StatusHistoryIsChronological.evaluate(reversed);
  expect([r.verdict, r.message]).toEqual(['FAIL', 'history order: fileTransferStatusHistory, recipientFileTransferStatusHistory differ']);
  expect(StatusHistoryIsChronological.evaluate({ ...reversed, recipientFileTransferStatusHistory: ordered.recipientFileTransferStatusHistory }).message).toBe('history order: fileTransferStatusHistory differs');
  expect(statusHistoryIs(['Initialized', 'Published'], 'LC-PUBLISH-001').evaluate(reversed).verdict).toBe('PASS');
  expect(statusHistoryIs(['Published', 'Initialized'], 'LC-PUBLISH-001').evaluate(reversed).verdict).toBe('FAIL');
  expect(RefusalChangedNothing.evaluate({ before: ordered, after: reversed }).verdict).toBe('PASS');
  expect(RefusalChangedNothing.evaluate({ before: ordered, after: { ...ordered, fileTransferStatusHistory: [entry('Initialized', 1)] } as unknown as FileTransferDetails }).verdict).toBe('FAIL');
});

test('TUS conditions: Upload-Expires 24 h ahead of Date, the legacy partial URL answering as the canonical one, an unknown partial id 404', () => {
  const date = 'Sun, 06 Dec 2026 10:00:00 GMT';
  const created = (expires: string): ResponseLike => ({ status: 201, headers: { date, 'upload-expires': expires }, text: '', bodyBytes: 0 });
  expect(TusUploadExpiresIn24Hours.evaluate(created('Mon, 07 Dec 2026 10:00:00 GMT')).verdict).toBe('PASS');
  expect(TusUploadExpiresIn24Hours.evaluate(created('Wed, 30 Dec 2026 10:00:00 GMT')).verdict).toBe('FAIL'); // 24 days
  expect(TusUploadExpiresIn24Hours.evaluate({ status: 201, headers: { date }, text: '', bodyBytes: 0 }).verdict).toBe('FAIL');
  const head = (status: number, offset?: string): ResponseLike => ({ status, headers: offset ? { 'upload-offset': offset, 'upload-length': '8' } : {}, text: '', bodyBytes: 0 });
  expect(LegacyPartialUrlIsServed.evaluate({ legacy: head(200, '0'), canonical: head(200, '0') }).verdict).toBe('PASS');
  expect(LegacyPartialUrlIsServed.evaluate({ legacy: head(404), canonical: head(200, '0') }).verdict).toBe('FAIL');
  expect(UnknownPartialUploadIsNotFound.evaluate(head(404)).verdict).toBe('PASS');
  expect(UnknownPartialUploadIsNotFound.evaluate(head(500)).verdict).toBe('FAIL');
});

test('known defects: every entry cites catalogued requirements and a source path; one matches on a remote environment only, and only its own failure', () => {
  for (const d of KNOWN_DEFECTS) {
    expect(d.id).toMatch(/^KD-[A-Z0-9]+-\d{3}$/);
    for (const id of d.requirements) expect(() => requirement(id), `${d.id} cites ${id}`).not.toThrow();
    expect(d.sourceLocation).toMatch(/^src\/[^ ]+\.(cs|json)(#L\d+)?$/);
  }
  expect(new Set(KNOWN_DEFECTS.map((d) => d.id)).size).toBe(KNOWN_DEFECTS.length);
  const remote = { name: 'tt02', embedded: false };
  const failure = { requirement: 'LC-HISTORY-001', condition: 'StatusHistoryIsChronological', message: 'history order: fileTransferStatusHistory differs' };
  expect(knownDefectFor(failure, remote)?.id).toBe('KD-HISTORY-001');
  expect(knownDefectFor(failure, { name: 'local', embedded: true })).toBeUndefined();
  expect(knownDefectFor({ ...failure, condition: 'SomethingElse' }, remote)).toBeUndefined();
  expect(knownDefectFor({ ...failure, requirement: 'LC-HAPPY-001' }, remote)).toBeUndefined();
});
