/**
 * Download: the full response's headers, every range form of §7.2 (a-b, a-, suffix,
 * clamped end, unsatisfiable, ignored forms), a zero-byte file, and the DownloadStarted bookkeeping
 * (ranged downloads debounced, full downloads always recorded).
 */
import { test } from '../../fixtures/index.ts';
import { aPayload, md5 } from '../../fixtures/data/transfers.ts';
import type { Checked } from '../../src/client/index.ts';
import { brokerErrorResult, compare, condition, contentDispositionNames, recipientEntries, type ConditionResult } from '../../src/oracle/index.ts';

const SIZE = 1000;

type Want = { status: 206; start: number; end: number } | { status: 200 } | { status: 416 };

function rangeResult(res: Checked<never>, want: Want, bytes: Buffer): ConditionResult {
  if (want.status === 416) {
    const r = brokerErrorResult(res, 'RangeNotSatisfiable');
    const cr = res.headers['content-range'];
    return cr === undefined ? r : { ...r, verdict: 'FAIL', message: `${r.message}; unexpected Content-Range ${cr}` };
  }
  if (want.status === 200) {
    return compare('full 200', { status: { expected: 200, actual: res.status }, md5: { expected: md5(bytes), actual: res.md5 }, contentRange: { expected: undefined, actual: res.headers['content-range'] } });
  }
  const slice = bytes.subarray(want.start, want.end + 1);
  return compare(`206 bytes ${want.start}-${want.end}`, {
    status: { expected: 206, actual: res.status },
    contentRange: { expected: `bytes ${want.start}-${want.end}/${bytes.length}`, actual: res.headers['content-range'] },
    contentLength: { expected: String(slice.length), actual: res.headers['content-length'] },
    acceptRanges: { expected: 'bytes', actual: res.headers['accept-ranges'] },
    md5: { expected: md5(slice), actual: res.md5 },
  });
}

const CASES: { id: string; range: string; want: Want }[] = [
  { id: 'DL-RANGE-001', range: 'bytes=10-19', want: { status: 206, start: 10, end: 19 } },
  { id: 'DL-RANGE-002', range: `bytes=${SIZE - 10}-`, want: { status: 206, start: SIZE - 10, end: SIZE - 1 } },
  { id: 'DL-RANGE-003', range: 'bytes=-5', want: { status: 206, start: SIZE - 5, end: SIZE - 1 } },
  { id: 'DL-RANGE-003', range: `bytes=-${SIZE * 2}`, want: { status: 206, start: 0, end: SIZE - 1 } },
  { id: 'DL-RANGE-004', range: `bytes=${SIZE - 5}-${SIZE * 5}`, want: { status: 206, start: SIZE - 5, end: SIZE - 1 } },
  { id: 'DL-RANGE-005', range: `bytes=${SIZE}-`, want: { status: 416 } },
  { id: 'DL-RANGE-005', range: `bytes=${SIZE + 10}-${SIZE + 20}`, want: { status: 416 } },
  { id: 'DL-RANGE-006', range: 'bytes=-0', want: { status: 416 } },
  { id: 'DL-RANGE-007', range: 'bytes=0-1,5-6', want: { status: 200 } },
  { id: 'DL-RANGE-008', range: 'items=0-1', want: { status: 200 } },
  { id: 'DL-RANGE-008', range: 'bytes=abc', want: { status: 200 } },
  { id: 'DL-RANGE-009', range: 'bytes=5-2', want: { status: 200 } },
];

test.describe('download @lifecycle', () => {
  test('DL-FULL-001 a full download is 200 octet-stream with attachment disposition, Accept-Ranges and Content-Length', async ({ flow, recipient, verify }) => {
    const { id, payload, body } = await flow.published({}, aPayload(SIZE));
    const res = await recipient.downloadFileTransfer(id);
    verify(condition('FullDownloadHeadersAsDocumented', 'DL-FULL-001', '§7.2', (r: typeof res) =>
      compare('full download', {
        status: { expected: 200, actual: r.status },
        contentType: { expected: 'application/octet-stream', actual: r.headers['content-type'] },
        contentDisposition: { expected: `attachment; … filename*=UTF-8''${encodeURIComponent(String(body.fileName))}`, actual: r.headers['content-disposition'], ok: /^attachment;/.test(r.headers['content-disposition'] ?? '') && (r.headers['content-disposition'] ?? '').includes(`filename*=UTF-8''`) },
        acceptRanges: { expected: 'bytes', actual: r.headers['accept-ranges'] },
        contentLength: { expected: String(SIZE), actual: r.headers['content-length'] },
        md5: { expected: payload.md5, actual: r.md5 },
      })), res);
  });

  // Names that need quoting, escaping and RFC 5987 encoding; a plain token as the control.
  const NAMES = ['report-2026.pdf', 'annual report 2026.pdf', 'Årsmelding_ØÆ å.txt', 'quote "this" \\ too;.txt', 'данные 数据.csv'];
  test('DL-FULL-002 Content-Disposition carries a plain filename= and an RFC 5987 filename*= for names with spaces, quotes and non-ASCII', async ({ flow, recipient, verify }) => {
    for (const fileName of NAMES) {
      const { id } = await flow.published({ fileName }, aPayload(16));
      verify(contentDispositionNames(fileName), await recipient.downloadFileTransfer(id));
    }
  });

  test('DL-RANGE-001 every range form answers as §7.2 says', async ({ flow, recipient, verify }) => {
    const { id, payload } = await flow.published({}, aPayload(SIZE));
    for (const c of CASES) {
      const res = await recipient.downloadFileTransfer(id, { range: c.range });
      verify(condition(`Range_${c.range.replace(/\W+/g, '_')}`, c.id, '§7.2', () => rangeResult(res, c.want, payload.bytes)), { exchangeId: res.exchangeId });
    }
  });

  test('DL-RANGE-010 any range on a zero-byte file is 416 code 29', async ({ flow, recipient, verify, needs }) => {
    needs('disableVirusScan', 'zero-byte publish without a scanner');
    const { id } = await flow.published({ disableVirusScan: true }, { bytes: Buffer.alloc(0), md5: md5('') });
    for (const range of ['bytes=0-0', 'bytes=0-', 'bytes=-1']) {
      const res = await recipient.downloadFileTransfer(id, { range });
      verify(condition('ZeroByteRangeIsUnsatisfiable', 'DL-RANGE-010', '§7.2', () => brokerErrorResult(res, 'RangeNotSatisfiable')), { exchangeId: res.exchangeId });
    }
  });

  test('DL-RANGE-011 DL-RANGE-012 ranged downloads are debounced to one DownloadStarted; full downloads always add one', async ({ flow, recipient, verify }) => {
    const { id } = await flow.published({}, aPayload(SIZE));
    for (const range of ['bytes=0-9', 'bytes=10-19', 'bytes=-3']) await recipient.downloadFileTransfer(id, { range });
    verify(recipientEntries(flow.orgOf(0), 'DownloadStarted', 1, 'DL-RANGE-011'), await flow.details(id), { transition: 'Recipient:Initialized->DownloadStarted[download]' });
    await recipient.downloadFileTransfer(id);
    await recipient.downloadFileTransfer(id);
    verify(recipientEntries(flow.orgOf(0), 'DownloadStarted', 3, 'DL-RANGE-012'), await flow.details(id));
  });
});
