/**
 * @module A `curl` command that repeats a recorded request: credentials become shell variables
 * (`Authorization: Bearer $TOKEN`, `$APIM_KEY`), transport headers are dropped, the body excerpt is
 * inlined when it is the whole body.
 */
import type { ExchangeEvidence } from './model.ts';

const DROP = new Set(['content-length', 'host', 'connection', 'accept-encoding', 'user-agent', 'keep-alive', 'transfer-encoding']);

/** POSIX single-quoting. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `bodyFile`: the request body was saved beside the command under this name (binary, or beyond the excerpt). */
export function curlFor(x: ExchangeEvidence, o: { bodyFile?: string } = {}): string {
  const parts = ['curl', '-i', '-X', x.request.method.toUpperCase(), shellQuote(x.request.url)];
  for (const [name, value] of Object.entries(x.request.headers)) {
    const lower = name.toLowerCase();
    if (DROP.has(lower)) continue;
    if (lower === 'authorization') {
      parts.push('-H', `"Authorization: Bearer $TOKEN"`);
      continue;
    }
    if (lower === 'ocp-apim-subscription-key') {
      parts.push('-H', `"Ocp-Apim-Subscription-Key: $APIM_KEY"`);
      continue;
    }
    if (value.includes('[REDACTED]')) continue;
    parts.push('-H', shellQuote(`${name}: ${value}`));
  }
  if (o.bodyFile) parts.push('--data-binary', shellQuote(`@${o.bodyFile}`));
  else if (x.request.bodyBytes > 0) {
    const whole = x.request.bodyExcerpt !== undefined && Buffer.byteLength(x.request.bodyExcerpt) === x.request.bodyBytes;
    // A body longer than the recorded excerpt (or binary) has to be supplied by the reader.
    parts.push('--data-binary', whole ? shellQuote(x.request.bodyExcerpt!) : `@payload.bin  # ${x.request.bodyBytes} bytes, not recorded`);
  }
  return parts.join(' ');
}
