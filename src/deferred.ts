/**
 * @module Libraries that modules need only on some paths (a YAML file, a JSON error to place, a
 * validator to compile, a request to send), required there rather than imported at the top. Every process of a run
 * imports the modules that use them, Playwright's main process before any worker starts, and nearly
 * every run meets strict JSON and kept validators: loading YAML, JSON5 and AJV's compiler up front
 * cost a fifth of a second per process, and undici a tenth more in processes that never send (the listing). They are CommonJS packages, so `require` serves them synchronously.
 */
import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

export const yamlLibrary = () => requireHere('yaml') as typeof import('yaml');
export const json5Library = () => requireHere('json5') as typeof import('json5');
export const undiciLibrary = () => requireHere('undici') as typeof import('undici');

/** What compiling a JSON Schema 2020-12 validator and writing it out as standalone code takes. */
export function ajvCompiler() {
  return {
    Ajv2020: (requireHere('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js')).Ajv2020,
    addFormats: requireHere('ajv-formats') as (ajv: import('ajv/dist/2020.js').Ajv2020) => import('ajv/dist/2020.js').Ajv2020,
    standaloneCode: requireHere('ajv/dist/standalone/index.js') as (ajv: import('ajv/dist/2020.js').Ajv2020, validate: import('ajv').ValidateFunction) => string,
    _: (requireHere('ajv') as typeof import('ajv'))._,
  };
}

/** A require for code that was written out as CommonJS (kept standalone validators), resolving from the project's packages. */
export const requireFromProject = requireHere;
