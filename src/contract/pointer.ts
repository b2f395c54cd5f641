/** @module JSON Pointer (RFC 6901) helpers used to name places in contract documents. */

export function escapeToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

export function unescapeToken(token: string): string {
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}

export function pointerOf(...tokens: (string | number)[]): string {
  return tokens.map((t) => `/${escapeToken(String(t))}`).join('');
}

/** Resolves a local pointer (`/a/b` or `#/a/b`) in `doc`; undefined when any step is missing. */
export function resolvePointer(doc: unknown, pointer: string): unknown {
  const p = pointer.startsWith('#') ? pointer.slice(1) : pointer;
  if (p === '') return doc;
  let cur: unknown = doc;
  for (const raw of p.split('/').slice(1)) {
    const token = decodeURIComponent(unescapeToken(raw));
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, token)) return undefined;
    cur = (cur as Record<string, unknown>)[token];
  }
  return cur;
}

/** Visits every node with its pointer, depth first. */
export function walk(node: unknown, visit: (value: unknown, pointer: string, parentKey: string | undefined) => void, pointer = '', key?: string): void {
  visit(node, pointer, key);
  if (Array.isArray(node)) node.forEach((v, i) => walk(v, visit, `${pointer}/${i}`, String(i)));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) walk(v, visit, `${pointer}/${escapeToken(k)}`, k);
  }
}
