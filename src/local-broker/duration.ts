/** @module xs:duration parsing as .NET `XmlConvert.ToTimeSpan` does it, and .NET `TimeSpan` formatting (`d.hh:mm:ss`). */

const DAY_MS = 86_400_000;
const XS_DURATION = /^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(\d+))?S)?)?$/;

/** Milliseconds, or undefined when the text is not an xs:duration (weeks are not part of xs:duration). */
export function parseXsDuration(text: string): number | undefined {
  const m = XS_DURATION.exec(text.trim());
  if (!m) return undefined;
  const [, sign, y, mo, d, h, mi, s, frac] = m;
  if (y === undefined && mo === undefined && d === undefined && h === undefined && mi === undefined && s === undefined) return undefined;
  if (text.includes('T') && h === undefined && mi === undefined && s === undefined) return undefined;
  const n = (v: string | undefined) => (v === undefined ? 0 : Number(v));
  // XmlConvert counts a year as 365 days and a month as 30 days.
  const ms =
    (n(y) * 365 + n(mo) * 30 + n(d)) * DAY_MS +
    n(h) * 3_600_000 +
    n(mi) * 60_000 +
    n(s) * 1000 +
    (frac ? Math.round(Number(`0.${frac}`) * 1000) : 0);
  if (!Number.isSafeInteger(ms)) return undefined;
  return sign ? -ms : ms;
}

/** .NET `TimeSpan.ToString()`: `[-][d.]hh:mm:ss[.fffffff]`. */
export function formatTimeSpan(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  const days = Math.floor(rest / DAY_MS);
  rest -= days * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  const two = (v: number) => String(v).padStart(2, '0');
  const fraction = millis ? `.${String(millis).padStart(3, '0')}0000` : '';
  return `${sign}${days ? `${days}.` : ''}${two(hours)}:${two(minutes)}:${two(seconds)}${fraction}`;
}

export const DAY = DAY_MS;
