/**
 * Self-test of the requirement catalogue as a standalone document: every requirement says in one
 * sentence what must hold and cites a public source (the Broker's code at the cited snapshot, or a
 * public page); no tracked file cites a document outside this repository or a machine path.
 * With BROKER_SOURCE_GIT naming a git clone of Altinn/altinn-broker, every cited file and line is
 * also looked up at the snapshot.
 */
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CITATION_PATTERN, CITED_BROKER_COMMIT, REQUIREMENTS, type Requirement } from '../../src/oracle/requirements.ts';

const ROOT = join(import.meta.dirname, '..', '..');

// Spelled in pieces so this file does not match the outside-citation rule below.
const SECTION_CITATION = new RegExp(`§|\\b${['BEHAV', 'IOUR'].join('')}\\b`);

/** Problems of one requirement's catalogue entry (exported logic kept here: it is the test's own rule). */
function entryProblems(r: Requirement): string[] {
  const out: string[] = [];
  const s = r.statement?.trim() ?? '';
  if (s.length < 10) out.push('statement missing or too short');
  if (/[.;]\s+[A-Z]/.test(s)) out.push('statement is more than one sentence');
  if (SECTION_CITATION.test(s)) out.push('statement cites a section of an outside document');
  if (!r.citation) out.push('no citation');
  else if (!CITATION_PATTERN.test(r.citation)) out.push(`citation '${r.citation}' is neither Altinn/altinn-broker@${CITED_BROKER_COMMIT}:src/<path>[#Lnn] nor an https URL`);
  return out.map((p) => `${r.id}: ${p}`);
}

test('every requirement has a one-sentence statement and a public citation', () => {
  expect(REQUIREMENTS.length).toBeGreaterThan(100);
  expect(REQUIREMENTS.flatMap(entryProblems)).toEqual([]);
});

test('the catalogue rule catches a missing statement, a missing or private citation', () => {
  const good: Requirement = { id: 'X-001', statement: 'confirm answers 204 when it succeeds', citation: 'Altinn/altinn-broker@161ba122:src/Altinn.Broker.API/Program.cs#L10' };
  expect(entryProblems(good)).toEqual([]);
  expect(entryProblems({ ...good, citation: 'https://docs.altinn.studio/broker/' })).toEqual([]);
  expect(entryProblems({ ...good, statement: '' })).toEqual(['X-001: statement missing or too short']);
  expect(entryProblems({ ...good, statement: 'confirm answers 204 as §2.9 says' })).toEqual(['X-001: statement cites a section of an outside document']);
  expect(entryProblems({ ...good, citation: '' })).toEqual(['X-001: no citation']);
  expect(entryProblems({ ...good, citation: '§2.9' })[0]).toContain('neither');
  expect(entryProblems({ ...good, citation: 'Altinn/altinn-broker@main:src/Altinn.Broker.API/Program.cs' })[0]).toContain('neither');
});

// Spelled in pieces so this file does not match itself.
const OUTSIDE = [['BEHAV', 'IOUR'], ['PLATFORM', '-CALLS'], ['AUTH-AND', '-ENVIRONMENTS'], ['PUBLISHED-SPEC', '-DEFECTS'], ['../', 'shared/'], ['/wo', 'rk/']].map((p) => p.join(''));
/** The CI runner finds the published contract beside the checkout by path: configuration, not a citation. */
const ALLOWED = new Set(['.ci/run']);

function trackedFiles(): string[] {
  return execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
}

function outsideCitations(path: string, text: string): string[] {
  return text.split('\n').flatMap((line, i) => OUTSIDE.filter((p) => line.includes(p)).map((p) => `${path}:${i + 1}: ${p}`));
}

test('no tracked file cites a document outside the repository or a machine path', () => {
  test.skip(!existsSync(join(ROOT, '.git')), 'not a git checkout: no list of tracked files');
  const hits = trackedFiles()
    .filter((f) => !ALLOWED.has(f) && !/\.(png|jpg|gif|ico|lock)$/.test(f) && existsSync(join(ROOT, f)))
    .flatMap((f) => outsideCitations(f, readFileSync(join(ROOT, f), 'utf8')));
  expect(hits).toEqual([]);
});

test('the outside-citation rule catches each form', () => {
  for (const p of OUTSIDE) expect(outsideCitations('x.ts', `// see ${p}x §2`)).toEqual([`x.ts:1: ${p}`]);
  expect(outsideCitations('x.ts', '// see Altinn/altinn-broker@161ba122:src/Altinn.Broker.API/Program.cs')).toEqual([]);
});

test('every cited Broker file and line exists at the snapshot (BROKER_SOURCE_GIT)', () => {
  const git = process.env.BROKER_SOURCE_GIT;
  test.skip(!git, 'set BROKER_SOURCE_GIT to a git clone of Altinn/altinn-broker to look the citations up');
  const lines = new Map<string, number | null>();
  const missing: string[] = [];
  for (const r of REQUIREMENTS) {
    const m = /^Altinn\/altinn-broker@([0-9a-f]+):([^#]+)(?:#L(\d+))?/.exec(r.citation);
    if (!m) continue;
    const key = `${m[1]}:${m[2]}`;
    if (!lines.has(key)) {
      try {
        lines.set(key, execFileSync('git', ['-C', git!, 'show', key], { encoding: 'utf8', maxBuffer: 64 << 20 }).split('\n').length);
      } catch {
        lines.set(key, null);
      }
    }
    const n = lines.get(key);
    if (n === null) missing.push(`${r.id}: no ${m[2]} at ${m[1]}`);
    else if (m[3] && Number(m[3]) > n!) missing.push(`${r.id}: ${m[2]} has ${n} lines, cited line ${m[3]}`);
  }
  expect(missing).toEqual([]);
});
