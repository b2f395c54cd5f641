/**
 * @module Loads an environment by built-in name or by file path, fills `${VAR}` placeholders from
 * the process environment, and validates it. Every failure is a ConfigError naming the bad field.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from './errors.ts';
import { environmentSchema } from './schema.ts';
import type { EnvironmentConfig } from './types.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const builtinDir = join(dirname(fileURLToPath(import.meta.url)), 'environments');

export function builtinEnvironmentNames(): string[] {
  return readdirSync(builtinDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

let validator: ReturnType<Ajv2020['compile']> | undefined;
function validate(data: unknown) {
  validator ??= addFormats(new Ajv2020({ allErrors: true, strict: true, strictRequired: false })).compile(environmentSchema);
  return validator(data) ? [] : (validator.errors ?? []);
}

/** `${NAME}` or `${NAME:-default}` in any string value; unset without default is an error naming the field. */
function interpolate(value: unknown, pointer: string, env: NodeJS.ProcessEnv, source: string): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Z_][A-Z0-9_]*)(?::-([^}]*))?\}/g, (_, name: string, fallback: string | undefined) => {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      throw new ConfigError(`${source}: ${pointer || '/'} needs environment variable ${name}, which is not set`);
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, `${pointer}/${i}`, env, source));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, `${pointer}/${k}`, env, source)]));
  }
  return value;
}

function parseFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read environment file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    return /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`environment file ${path} is not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** Validates already-parsed environment data; `source` names it in messages. */
export function parseEnvironment(data: unknown, source: string, env: NodeJS.ProcessEnv = process.env): EnvironmentConfig {
  const filled = interpolate(data, '', env, source);
  const errors = validate(filled);
  if (errors.length > 0) {
    const lines = errors
      .filter((e) => e.keyword !== 'if')
      .map((e) => {
        const extra = e.keyword === 'additionalProperties' ? ` '${(e.params as { additionalProperty: string }).additionalProperty}'` : '';
        const allowed = e.keyword === 'enum' ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : '';
        return `${e.instancePath || '/'} ${e.message}${extra}${allowed}`;
      });
    throw new ConfigError(`${source} is not a valid environment: ${[...new Set(lines)].join('; ')}`);
  }
  return filled as EnvironmentConfig;
}

/** Loads a built-in environment (`tt02`) or an environment file (`./my-env.json`, `.yaml`). */
export function loadEnvironment(nameOrPath: string, env: NodeJS.ProcessEnv = process.env): EnvironmentConfig {
  const builtin = join(builtinDir, `${nameOrPath}.json`);
  if (/^[a-z0-9-]+$/.test(nameOrPath) && existsSync(builtin)) {
    return parseEnvironment(parseFile(builtin), `environment '${nameOrPath}'`, env);
  }
  const path = resolve(nameOrPath);
  if (!existsSync(path)) {
    throw new ConfigError(
      `unknown environment '${nameOrPath}': not one of ${builtinEnvironmentNames().join(', ')} and no file at ${path}`,
    );
  }
  return parseEnvironment(parseFile(path), `environment file ${nameOrPath}`, env);
}
