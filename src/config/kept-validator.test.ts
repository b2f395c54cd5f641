import { expect, test } from '@playwright/test';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentValidator } from './load.ts';

test('the environment validator is compiled once, kept, and the kept one judges exactly as the compiled one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kept-validator-'));
  try {
    const compiled = environmentValidator(dir);
    const [file] = readdirSync(dir);
    expect(file).toMatch(/^environment-[0-9a-f]{16}\.cjs$/);
    const kept = environmentValidator(dir);
    expect(kept).not.toBe(compiled);
    const bad = { name: 'x', kind: 'remote', workers: 'lots', actors: { sender: {} }, resources: [''], unknown: 1 };
    expect(kept(bad)).toBe(false);
    expect(compiled(bad)).toBe(false);
    expect(kept.errors).toEqual(compiled.errors);
    expect(kept.errors!.length).toBeGreaterThan(3);
    // Proof that the kept file is what runs: a doctored one is obeyed; an unreadable one is compiled again.
    writeFileSync(join(dir, file!), 'module.exports = function v() { v.errors = [{ keyword: "doctored" }]; return false; };');
    const doctored = environmentValidator(dir);
    expect(doctored({})).toBe(false);
    expect(doctored.errors).toEqual([{ keyword: 'doctored' }]);
    writeFileSync(join(dir, file!), 'this is not javascript {');
    const recompiled = environmentValidator(dir);
    expect(recompiled(bad)).toBe(false);
    expect(recompiled.errors).toEqual(compiled.errors);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
