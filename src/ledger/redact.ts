/**
 * @module One redaction boundary for everything the harness records: headers, URLs, JSON bodies and
 * free text. Sensitive names are masked by list, JWTs and PEM keys by shape, and every secret value a
 * token provider handles is registered here so it is masked wherever it shows up.
 */

export const MASK = '[REDACTED]';

const SENSITIVE_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'ocp-apim-subscription-key',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-altinn-enterpriseuser-authentication',
]);

/** Keys whose values are secrets wherever they appear (JSON bodies, form fields, query strings). */
const SENSITIVE_KEYS = new Set(
  [
    'access_token',
    'id_token',
    'refresh_token',
    'assertion',
    'client_assertion',
    'client_secret',
    'password',
    'token',
    'private_key',
    'privatekey',
    'subscriptionkey',
    'subscription-key',
    'apikey',
    'api_key',
    'authorization',
  ].map((k) => k.toLowerCase()),
);

/** Private members of a JWK (RFC 7518 §6.2.2, §6.3.2, §6.4.1). */
const JWK_PRIVATE_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth']);

const JWT_SHAPE = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const PEM_PRIVATE = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g;
const FORM_SECRET = /\b(assertion|client_assertion|access_token|password|client_secret|token)=([^&\s"']+)/gi;

/** Secret values seen at run time (tokens issued, keys read, APIM keys); masked wherever they appear. */
const registered = new Set<string>();

/** Registers a secret value so every later redaction masks it. Values shorter than 8 chars are ignored (too common). */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 8) registered.add(value);
}

export function isSensitiveHeader(name: string): boolean {
  return SENSITIVE_HEADERS.has(name.toLowerCase());
}

export function redactText(text: string): string {
  let out = text;
  for (const secret of registered) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
  }
  return out
    .replace(PEM_PRIVATE, MASK)
    .replace(JWT_SHAPE, MASK)
    .replace(FORM_SECRET, (_, key: string) => `${key}=${MASK}`);
}

/** Masks a header value but keeps the auth scheme (`Bearer [REDACTED]`), which is useful evidence. */
function redactHeaderValue(name: string, value: string): string {
  if (!isSensitiveHeader(name)) return redactText(value);
  const scheme = /^(Bearer|Basic|Digest)\s+/i.exec(value);
  return scheme ? `${scheme[1]} ${MASK}` : MASK;
}

export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = redactHeaderValue(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return out;
}

export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactText(url);
  }
  if (parsed.username) parsed.username = MASK;
  if (parsed.password) parsed.password = MASK;
  for (const key of [...parsed.searchParams.keys()]) {
    if (SENSITIVE_KEYS.has(key.toLowerCase())) parsed.searchParams.set(key, MASK);
  }
  // URL encodes the brackets of the mask; put them back so masked URLs read plainly.
  return redactText(parsed.toString().replaceAll(encodeURIComponent(MASK), MASK).replaceAll('%5BREDACTED%5D', MASK));
}

/** Deep-redacts JSON-like data: sensitive keys, JWK private members, and every string through redactText. */
export function redactValue<T>(value: T): T {
  return walk(value) as T;
}

function walk(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(walk);
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const isJwk = typeof obj.kty === 'string';
    return Object.fromEntries(
      Object.entries(obj).map(([k, v]) => {
        const lower = k.toLowerCase();
        if (SENSITIVE_KEYS.has(lower) || (isJwk && JWK_PRIVATE_MEMBERS.has(k))) {
          // Keep an already-masked auth header (`Bearer [REDACTED]`): the scheme is useful evidence.
          const alreadyMasked = typeof v === 'string' && v.endsWith(MASK) && redactText(v) === v && /^(?:(?:Bearer|Basic|Digest) )?\[REDACTED\]$/.test(v);
          return [k, v === null ? null : alreadyMasked ? v : MASK];
        }
        return [k, walk(v)];
      }),
    );
  }
  return value;
}
