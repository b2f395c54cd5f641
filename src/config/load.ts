/**
 * @module Loads an environment by built-in name or by file path, fills `${VAR}` placeholders from
 * the process environment, and validates it. Every failure is a ConfigError naming the bad field.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { createHash } from 'node:crypto';
import { cacheDirectory, installedVersions, keep, readKept } from '../cache.ts';
import { ajvCompiler, json5Library, requireFromProject, yamlLibrary } from '../deferred.ts';
import { ConfigError } from './errors.ts';
import { environmentSchema } from './schema.ts';
import type { EnvironmentConfig } from './types.ts';

const builtinDir = join(dirname(fileURLToPath(import.meta.url)), 'environments');

export function builtinEnvironmentNames(): string[] {
  return readdirSync(builtinDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

let validator: ValidateFunction | undefined;
function validate(data: unknown) {
  validator ??= environmentValidator();
  return validator(data) ? [] : (validator.errors ?? []);
}

/**
 * The environment schema's validator. Compiling it takes 0.2–0.4 s, and every process of a run (the
 * CLI, Playwright's, each worker) loads an environment; so the compiled code is kept (AJV's standalone
 * form, in the harness's cache, named by the schema and the AJV versions) and later only evaluated.
 */
export function environmentValidator(cacheDir: string = cacheDirectory('config')): ValidateFunction {
  const file = join(cacheDir, `environment-${createHash('sha256').update(`${installedVersions(['ajv', 'ajv-formats'])}\n${JSON.stringify(environmentSchema)}`).digest('hex').slice(0, 16)}.cjs`);
  const code = readKept(file);
  if (code !== undefined) {
    try {
      const module = { exports: {} as { default?: ValidateFunction } & ValidateFunction };
      new Function('require', 'module', 'exports', code)(requireFromProject, module, module.exports);
      return module.exports.default ?? module.exports;
    } catch {
      // A torn or foreign file: compiled again below.
    }
  }
  const { Ajv2020, addFormats, standaloneCode, _ } = ajvCompiler();
  const ajv = addFormats(new Ajv2020({ allErrors: true, strict: true, strictRequired: false, verbose: true, code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` } }));
  const compiled = ajv.compile(environmentSchema);
  keep(file, standaloneCode(ajv, compiled));
  return compiled;
}

/** `${NAME}` or `${NAME:-default}` in any string value; every unset one without default is collected as `{pointer, name}`. */
function interpolate(value: unknown, pointer: string, env: NodeJS.ProcessEnv, missing: { pointer: string; name: string }[]): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Z_][A-Z0-9_]*)(?::-([^}]*))?\}/g, (whole, name: string, fallback: string | undefined) => {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      missing.push({ pointer: pointer || '/', name });
      return whole;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, `${pointer}/${i}`, env, missing));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, `${pointer}/${k}`, env, missing)]));
  }
  return value;
}

/** Every `${VAR}` the data needs that is unset, each named once with the fields that use it. */
function missingVariableProblems(missing: { pointer: string; name: string }[]): string[] {
  const fields = new Map<string, string[]>();
  for (const m of missing) fields.set(m.name, [...(fields.get(m.name) ?? []), m.pointer]);
  return [...fields].map(([name, pointers]) => `environment variable ${name} is not set (needed by ${pointers.join(', ')})`);
}

/** `line L, column C` of a character offset (1-based). */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split(/\r\n|\r|\n/);
  return `line ${before.length}, column ${before.at(-1)!.length + 1}`;
}

/** Where strict JSON parsing stopped and why, in one line. */
function jsonProblem(text: string, error: Error): string {
  const at = /position (\d+)/.exec(error.message);
  if (at) return `${lineColumn(text, Number(at[1]))}: ${error.message.replace(/ in JSON at position \d+.*$/, '').split('\n')[0]}`;
  try {
    // JSON5 reports line and column for what strict JSON also rejects.
    json5Library().parse(text);
  } catch (e) {
    const le = e as { lineNumber?: number; columnNumber?: number; message: string };
    if (le.lineNumber !== undefined) return `line ${le.lineNumber}, column ${le.columnNumber ?? 1}: ${le.message.replace(/^JSON5: /, '').replace(/ at \d+:\d+$/, '')}`;
  }
  // JSON5 accepts it: a trailing comma, a comment, single quotes or an unquoted key.
  return `${error.message.split('\n')[0]} (strict JSON: no trailing commas, comments, single quotes or unquoted keys)`;
}

function parseFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read environment file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const yaml = /\.ya?ml$/i.test(path);
  if (text.trim() === '') throw new ConfigError(`environment file ${path} is empty`);
  if (yaml) {
    const { parse: parseYaml, YAMLParseError } = yamlLibrary();
    try {
      return parseYaml(text, { uniqueKeys: true });
    } catch (e) {
      const pos = e instanceof YAMLParseError ? e.linePos?.[0] : undefined;
      const reason = (e as Error).message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      throw new ConfigError(`environment file ${path} is not valid YAML: ${pos ? `line ${pos.line}, column ${pos.col}: ` : ''}${reason}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`environment file ${path} is not valid JSON: ${jsonProblem(text, e as Error)}`);
  }
}

const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : `a ${typeof v}`);

/**
 * One readable line per schema problem. Values are never quoted (a key pasted into the wrong field
 * must not end up in a log), only their kind; `anyOf` alternatives of required fields read as
 * "needs one of".
 */
function schemaProblems(errors: ErrorObject[]): string[] {
  const where = (e: ErrorObject) => e.instancePath || '/';
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.schemaPath));
  const inAnyOf = (e: ErrorObject) => [...anyOfPaths].some((p) => e.schemaPath.startsWith(`${p}/`));
  const lines: string[] = [];
  for (const e of errors) {
    if (e.keyword === 'if' || inAnyOf(e)) continue;
    const p = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'anyOf': {
        const alternatives = errors.filter((x) => x.schemaPath.startsWith(`${e.schemaPath}/`) && x.keyword === 'required').map((x) => `'${(x.params as { missingProperty: string }).missingProperty}'`);
        lines.push(alternatives.length ? `${where(e)} needs one of ${alternatives.join(', ')}` : `${where(e)} ${e.message}`);
        break;
      }
      case 'required':
        lines.push(`${where(e)} is missing the required field '${p.missingProperty as string}'`);
        break;
      case 'additionalProperties':
        lines.push(`${where(e)} has an unknown field '${p.additionalProperty as string}'`);
        break;
      case 'enum':
        lines.push(`${where(e)} must be one of ${(p.allowedValues as unknown[]).join(', ')}`);
        break;
      case 'type':
        lines.push(`${where(e)} must be ${/^[aeiou]/.test(String(p.type)) ? 'an' : 'a'} ${String(p.type)}, not ${kindOf(e.data)}`);
        break;
      case 'pattern': {
        const description = (e.parentSchema as { description?: string } | undefined)?.description;
        lines.push(`${where(e)} must match ${p.pattern as string}${description ? ` (${description})` : ''}`);
        break;
      }
      default:
        lines.push(`${where(e)} ${e.message}`);
    }
  }
  return [...new Set(lines)];
}

/** Validates already-parsed environment data; `source` names it in messages. Every problem is reported, not the first. */
export function parseEnvironment(data: unknown, source: string, env: NodeJS.ProcessEnv = process.env): EnvironmentConfig {
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new ConfigError(`${source} must hold an object (a mapping of fields), not ${kindOf(data)}`);
  const missing: { pointer: string; name: string }[] = [];
  const filled = interpolate(data, '', env, missing);
  const unset = missingVariableProblems(missing);
  if (unset.length > 0) throw new ConfigError(`${source}: ${unset.join('; ')}`, unset.map((u) => `${source}: ${u}`));
  const errors = validate(filled);
  if (errors.length > 0) {
    const problems = schemaProblems(errors);
    throw new ConfigError(`${source} is not a valid environment: ${problems.join('; ')}`, problems.map((l) => `${source}: ${l}`));
  }
  return filled as EnvironmentConfig;
}

/** The raw data of a built-in environment or an environment file, before placeholders are filled, and how messages name it. */
export function environmentData(nameOrPath: string): { data: unknown; source: string } {
  const builtin = join(builtinDir, `${nameOrPath}.json`);
  if (/^[a-z0-9-]+$/.test(nameOrPath) && existsSync(builtin)) return { data: parseFile(builtin), source: `environment '${nameOrPath}'` };
  const path = resolve(nameOrPath);
  if (!existsSync(path)) {
    throw new ConfigError(
      `unknown environment '${nameOrPath}': not one of ${builtinEnvironmentNames().join(', ')} and no file at ${path}`,
    );
  }
  return { data: parseFile(path), source: `environment file ${nameOrPath}` };
}

/** Loads a built-in environment (`tt02`) or an environment file (`./my-env.json`, `.yaml`). */
export function loadEnvironment(nameOrPath: string, env: NodeJS.ProcessEnv = process.env): EnvironmentConfig {
  const { data, source } = environmentData(nameOrPath);
  return parseEnvironment(data, source, env);
}
