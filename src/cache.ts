/**
 * @module Where the harness keeps what it can make again but would rather not: under
 * `node_modules/.cache/broker-conformance/<kind>/` of this project (the folder build tools share for
 * such things). Every use names its files by what made them, and passes the cache by when it cannot be
 * read or written.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.cache', 'broker-conformance');

export function cacheDirectory(kind: string): string {
  return join(ROOT, kind);
}

/** The installed versions of `packages` (`name@version …`, `?` for one not found): part of what made a kept file. */
export function installedVersions(packages: readonly string[]): string {
  const require = createRequire(import.meta.url);
  return packages
    .map((p) => {
      try {
        return `${p}@${(require(`${p}/package.json`) as { version: string }).version}`;
      } catch {
        return `${p}@?`;
      }
    })
    .join(' ');
}

/** The kept text, or undefined when there is none (or it cannot be read). */
export function readKept(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The kept JSON, or undefined when there is none, or it is torn or foreign (then made again by the caller). */
export function readKeptJson<T>(file: string): T | undefined {
  const text = readKept(file);
  try {
    return text === undefined ? undefined : (JSON.parse(text) as T);
  } catch {
    return undefined;
  }
}

/**
 * Writes whole, then renames: a process reading at the same moment sees all of it or none. False when it
 * cannot (a read-only install). `mode` 0o600 keeps a file to its owner (the doubles' keys).
 */
export function keep(file: string, text: string, options: { mode?: number } = {}): boolean {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const partial = `${file}.${randomUUID()}.partial`;
    writeFileSync(partial, text, { mode: options.mode ?? 0o644 });
    renameSync(partial, file);
    return true;
  } catch {
    return false;
  }
}
