/** @module GUID route values bound as .NET does: `D`, `N`, `B` and `P` forms accepted, normalised to lower-case hyphenated. */
import { invalid } from './errors.ts';

export function parseGuid(text: string): string | undefined {
  let s = text.trim();
  if ((s.startsWith('{') && s.endsWith('}')) || (s.startsWith('(') && s.endsWith(')'))) s = s.slice(1, -1);
  if (/^[0-9a-f]{32}$/i.test(s)) s = `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s) ? s.toLowerCase() : undefined;
}

/** The route's `fileTransferId`, or a 400 validation problem keyed by the parameter name. */
export function routeGuid(params: Record<string, string>, name = 'fileTransferId'): string {
  const raw = params[name] ?? '';
  return parseGuid(raw) ?? invalid({ [name]: [`The value '${raw}' is not valid.`] });
}
