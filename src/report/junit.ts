/**
 * @module `junit.xml` from the summary: one testsuite per kind of check (tests, conditions, contract
 * checks), one testcase per check, named with its requirement id; FAIL is a failure, ERROR an error,
 * SKIP and NOT_RUN skipped; WARN, INFO and any other verdict pass with the verdict and message in
 * system-out. A KNOWN_DEFECT check is `<skipped message="KNOWN DEFECT KD-…: …">` (not a failure, but
 * listed by CI tools) with a `known-defect` property; a last suite lists each catalogued defect as
 * OBSERVED (skipped), FIXED (passed, with a note) or NOT_EXERCISED (skipped).
 */
import type { CheckKind, CheckSummary, RunSummary } from './model.ts';

// Characters XML 1.0 forbids, removed rather than escaped.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
export const xml = (s: unknown): string =>
  String(s ?? '')
    .replace(INVALID_XML, '')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

/**
 * A testcase name without repeats: the requirement id once (test titles already start with it) and
 * without Playwright tags (`@lifecycle`), which are grouping, not the name.
 */
export function caseName(c: Pick<CheckSummary, 'requirement' | 'name'>): string {
  const name = c.name.replace(/(?:^|\s)@[\w-]+/g, '').replace(/\s+/g, ' ').trim();
  return c.requirement === 'UNTRACED' || name.split(' ').includes(c.requirement) ? name : `${c.requirement} ${name}`;
}

const seconds = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(3);

const SUITES: [CheckKind, string][] = [
  ['test', 'tests'],
  ['condition', 'conditions'],
  ['contract', 'contract checks'],
];

export function renderJunit(s: RunSummary): string {
  const suites = SUITES.map(([kind, label]) => {
    const checks = s.checks.filter((c) => c.kind === kind);
    const count = (...v: string[]) => checks.filter((c) => v.includes(c.verdict)).length;
    const cases = checks
      .map((c) => {
        const evidence = [...c.testIds.map((t) => `test ${t}`), ...c.exchangeIds.map((e) => `exchange ${e}`)].join(', ');
        const body =
          c.verdict === 'FAIL'
            ? `<failure message="${xml(c.message)}" type="${xml(c.requirement)}">${xml(`${c.message}\nevidence: ${evidence}`)}</failure>`
            : c.verdict === 'ERROR'
              ? `<error message="${xml(c.message)}" type="harness">${xml(`${c.message}\nevidence: ${evidence}`)}</error>`
              : c.verdict === 'KNOWN_DEFECT'
                ? `<skipped message="${xml(`KNOWN DEFECT ${c.knownDefect}: ${c.message}`)}"/>`
              : c.verdict === 'SKIP' || (c.verdict as string) === 'NOT_RUN'
                ? `<skipped message="${xml(c.message)}"/>`
                : c.verdict !== 'PASS'
                  ? `<system-out>${xml(`${c.verdict}: ${c.message}`)}</system-out>`
                  : '';
        return `    <testcase classname="${xml(`${s.environment}.${kind}`)}" name="${xml(caseName(c))}" time="${seconds(c.durationMs)}"><properties><property name="requirement" value="${xml(c.requirement)}"/><property name="key" value="${xml(c.key)}"/><property name="verdict" value="${c.verdict}"/>${c.knownDefect ? `<property name="known-defect" value="${xml(c.knownDefect)}"/>` : ''}</properties>${body}</testcase>`;
      })
      .join('\n');
    const time = checks.reduce((sum, c) => sum + (c.durationMs ?? 0), 0);
    return `  <testsuite name="${xml(`${s.environment} ${label}`)}" tests="${checks.length}" failures="${count('FAIL')}" errors="${count('ERROR')}" skipped="${count('SKIP', 'NOT_RUN', 'KNOWN_DEFECT')}" time="${seconds(time)}" timestamp="${xml(s.startedAt ?? '')}">\n${cases}\n  </testsuite>`;
  });
  const incomplete = s.incomplete
    ? `  <testsuite name="${xml(`${s.environment} run`)}" tests="1" failures="0" errors="1" skipped="0">\n    <testcase classname="${xml(`${s.environment}.run`)}" name="run completed"><error message="INCOMPLETE" type="incomplete">${xml(s.incomplete.reasons.join('\n'))}</error></testcase>\n  </testsuite>\n`
    : '';
  const defects = s.knownDefects?.items ?? []; // absent in summaries written before known defects existed
  const defectCases = defects
    .map((d) => {
      const what = `${d.title} (expected ${d.expected}; observed ${d.observed}; Altinn/altinn-broker@${d.brokerCommit.slice(0, 8)}:${d.sourceLocation})`;
      const body = d.status === 'FIXED' ? `<system-out>${xml(`FIXED: its checks passed (${d.checks.join(', ')}); remove it from the catalogue. ${what}`)}</system-out>` : `<skipped message="${xml(d.status === 'OBSERVED' ? `KNOWN DEFECT ${d.id}: ${what}` : `NOT EXERCISED ${d.id}: no check in its scope ran`)}"/>`;
      return `    <testcase classname="${xml(`${s.environment}.known-defect`)}" name="${xml(`${d.id} ${d.title}`)}" time="0"><properties><property name="status" value="${d.status}"/><property name="requirements" value="${xml(d.requirements.join(' '))}"/></properties>${body}</testcase>`;
    })
    .join('\n');
  const defectSuite = defects.length
    ? `\n  <testsuite name="${xml(`${s.environment} known Broker defects`)}" tests="${defects.length}" failures="0" errors="0" skipped="${defects.filter((d) => d.status !== 'FIXED').length}">\n${defectCases}\n  </testsuite>`
    : '';
  const total = s.checks.length + (s.incomplete ? 1 : 0) + defects.length;
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="${xml(`broker-conformance ${s.environment} ${s.runId}`)}" tests="${total}" failures="${s.counts.FAIL}" errors="${s.counts.ERROR + (s.incomplete ? 1 : 0)}" time="${((s.durationMs ?? 0) / 1000).toFixed(3)}">
${incomplete}${suites.join('\n')}${defectSuite}
</testsuites>
`;
}
