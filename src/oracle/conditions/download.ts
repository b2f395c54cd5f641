/** @module Conditions on a download response's headers (§7.2). */
import { compare, condition, type ResponseLike } from '../condition.ts';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const ATTR_CHAR = /^[A-Za-z0-9!#$&+\-.^_`|~]$/;

/**
 * The Content-Disposition the Broker writes for `fileName` (ASP.NET's `FileResult` with a download name):
 * `attachment; filename=<plain>; filename*=UTF-8''<encoded>`. The plain name has each character outside
 * printable ASCII replaced by `_` and is quoted (with `"` and `\` escaped) when it is not an RFC 9110 token;
 * the extended name percent-encodes every UTF-8 byte that is not an RFC 5987 attr-char.
 */
export function expectedContentDisposition(fileName: string): { plain: string; encoded: string; header: string } {
  const ascii = [...fileName].map((c) => (c.codePointAt(0)! >= 0x20 && c.codePointAt(0)! < 0x7f ? c : '_')).join('');
  const plain = TOKEN.test(ascii) ? ascii : `"${ascii.replace(/(["\\])/g, '\\$1')}"`;
  let encoded = '';
  for (const byte of Buffer.from(fileName, 'utf8')) {
    const c = String.fromCharCode(byte);
    encoded += byte < 0x80 && ATTR_CHAR.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return { plain, encoded, header: `attachment; filename=${plain}; filename*=UTF-8''${encoded}` };
}

/** DL-FULL-002: the download names the file twice, `filename=` (plain, quoted when needed) and `filename*=` (RFC 5987). */
export function contentDispositionNames(fileName: string) {
  return condition<ResponseLike>('ContentDispositionNamesTheFile', 'DL-FULL-002', '§7.2', (res) => {
    const want = expectedContentDisposition(fileName);
    const header = res.headers['content-disposition'] ?? null;
    const params = new Map<string, string>();
    for (const m of (header ?? '').matchAll(/;\s*(filename\*?)=("(?:[^"\\]|\\.)*"|[^;]*)/gi)) params.set(m[1]!.toLowerCase(), m[2]!.trim());
    return compare(`Content-Disposition for ${JSON.stringify(fileName)}`, {
      status: { expected: 200, actual: res.status },
      type: { expected: 'attachment', actual: header?.split(';')[0]?.trim() ?? null },
      filename: { expected: want.plain, actual: params.get('filename') ?? '(absent)' },
      'filename*': { expected: `UTF-8''${want.encoded}`, actual: params.get('filename*') ?? '(absent)' },
    });
  });
}
