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
/** All of them as one pattern, longest first (a secret inside another is masked with it); made again when one is added. */
let registeredPattern: RegExp | undefined;
let shortestRegistered = Infinity;

/** Registers a secret value so every later redaction masks it. Values shorter than 8 chars are ignored (too common). */
export function registerSecret(value: string | undefined | null): void {
  if (!value || value.length < 8 || registered.has(value)) return;
  registered.add(value);
  registeredPattern = undefined;
  shortestRegistered = Math.min(shortestRegistered, value.length);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function isSensitiveHeader(name: string): boolean {
  return SENSITIVE_HEADERS.has(name.toLowerCase());
}

/**
 * Every string the ledger records passes here (about a hundred per exchange), so each pattern runs only
 * where it could match: registered secrets in one pass, and PEM keys, JWTs and form secrets only in text
 * that holds their marker.
 */
export function redactText(text: string): string {
  let out = text;
  if (out.length >= shortestRegistered) {
    registeredPattern ??= new RegExp([...registered].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
    out = out.replace(registeredPattern, MASK);
  }
  if (out.includes('PRIVATE KEY-----')) out = out.replace(PEM_PRIVATE, MASK);
  if (out.includes('eyJ')) out = out.replace(JWT_SHAPE, MASK);
  if (out.includes('=')) out = out.replace(FORM_SECRET, (_, key: string) => `${key}=${MASK}`);
  return out;
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
