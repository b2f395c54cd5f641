/** @module Timestamps as the Broker writes them: ISO 8601, `+00:00`, at most 6 fractional digits, trailing zeros trimmed. */

export function formatTimestamp(date: Date): string {
  const iso = date.toISOString(); // 2026-08-18T10:00:00.131Z
  const [main, fraction = '000Z'] = iso.split('.');
  const digits = fraction.replace('Z', '').replace(/0+$/, '');
  return `${main}${digits ? `.${digits}` : ''}+00:00`;
}
