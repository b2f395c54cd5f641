/**
 * @module The environment variables an environment's actors need for their tokens, read from the
 * raw environment data (so they can be listed even when other fields are still unset), and the
 * ones that are missing, each named once with what it is for and which actors need it.
 */

type Raw = Record<string, unknown>;

const isVar = (v: unknown): v is string => typeof v === 'string' && /^[A-Z_][A-Z0-9_]*$/.test(v);
const set = (name: string, env: NodeJS.ProcessEnv) => (env[name] ?? '').trim() !== '';

/** A key given as a JWK (JSON or base64 JSON) may carry its own `kid`, which makes the kid variable optional. */
function jwkHasKid(value: string | undefined): boolean {
  if (!value) return false;
  for (const text of [value.trim(), Buffer.from(value.trim(), 'base64').toString('utf8')]) {
    try {
      const parsed = JSON.parse(text) as { kid?: unknown };
      if (parsed && typeof parsed === 'object' && typeof parsed.kid === 'string' && parsed.kid) return true;
    } catch {
      // not JSON
    }
  }
  return false;
}

/** For one actor's token configuration: each missing variable (or alternative set of them) with its purpose. */
function missingFor(token: Raw, env: NodeJS.ProcessEnv): { names: string[]; purpose: string }[] {
  const out: { names: string[]; purpose: string }[] = [];
  const need = (field: string, purpose: string) => {
    const name = token[field];
    if (isVar(name) && !set(name, env)) out.push({ names: [name], purpose });
  };
  const oneOf = (fields: string[], purpose: string) => {
    const names = fields.map((f) => token[f]).filter(isVar);
    if (names.length > 0 && !names.some((n) => set(n, env))) out.push({ names, purpose });
  };
  switch (token.kind) {
    case 'maskinporten': {
      need('clientIdEnv', 'Maskinporten client id');
      oneOf(['privateKeyEnv', 'privateKeyFileEnv'], 'Maskinporten signing key');
      const key = isVar(token.privateKeyEnv) ? env[token.privateKeyEnv] : undefined;
      if (!jwkHasKid(key)) oneOf(['kidEnv', 'certificateChainEnv'], 'Maskinporten key id (kid) or certificate chain');
      break;
    }
    case 'test-token-generator':
      need('usernameEnv', 'test-token generator user name');
      need('passwordEnv', 'test-token generator password');
      break;
    case 'static':
      need('tokenEnv', 'bearer token');
      break;
  }
  return out;
}

/** The actors of raw environment data by the names the harness uses: sender, recipient[i], serviceOwner, outsider. */
function actorsOf(data: unknown): [string, Raw][] {
  const actors = (data as { actors?: Raw } | undefined)?.actors;
  if (!actors || typeof actors !== 'object') return [];
  const out: [string, Raw][] = [];
  const add = (name: string, actor: unknown) => {
    const token = (actor as { token?: unknown } | undefined)?.token;
    if (token && typeof token === 'object') out.push([name, token as Raw]);
  };
  add('sender', actors.sender);
  if (Array.isArray(actors.recipients)) actors.recipients.forEach((r, i) => add(`recipient[${i}]`, r));
  add('serviceOwner', actors.serviceOwner);
  add('outsider', actors.outsider);
  return out;
}

/** One line per missing variable (alternatives named together), with the actors that need it. */
export function missingTokenVariables(data: unknown, env: NodeJS.ProcessEnv = process.env): string[] {
  const byKey = new Map<string, { names: string[]; purpose: string; actors: string[] }>();
  for (const [actor, token] of actorsOf(data)) {
    for (const m of missingFor(token, env)) {
      const key = m.names.join('|');
      const entry = byKey.get(key) ?? { ...m, actors: [] };
      entry.actors.push(actor);
      byKey.set(key, entry);
    }
  }
  return [...byKey.values()].map((m) =>
    m.names.length === 1
      ? `environment variable ${m.names[0]} is not set (${m.purpose}, for ${m.actors.join(', ')})`
      : `none of the environment variables ${m.names.join(' or ')} is set (${m.purpose}, for ${m.actors.join(', ')})`,
  );
}
