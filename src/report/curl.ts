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

/**
 * The repro of an exchange. For the run's embedded Broker, which stopped with the run, it first says
 * how to bring a local Broker back on the same port and get a token from its dev issuer (the run's
 * transfers are not there any more: initialize a new one where the request needs an id).
 */
export function reproFor(x: ExchangeEvidence, embedded: boolean): string {
  const curl = curlFor(x);
  if (!embedded) return curl;
  let url: URL;
  try {
    url = new URL(x.request.url);
  } catch {
    return curl;
  }
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return [
    `# This run's local Broker stopped with the run. Bring one up on the same port: npm run broker:local -- --port ${port}`,
    `# then take a token from its dev issuer (sender of the default seed; a transfer id of the run must be initialized again):`,
    `TOKEN=$(curl -s -X POST '${url.origin}/_emulator/tokens' -H 'content-type: application/json' -d '{"org":"991825827","scopes":["altinn:broker.write","altinn:broker.read"]}' | sed -E 's/.*"token":"([^"]+)".*/\\1/')`,
    curl,
  ].join('\n');
}
