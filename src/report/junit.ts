/**
 * @module `junit.xml` from the summary: one testsuite per kind of check (tests, conditions, contract
 * checks), one testcase per check, named with its requirement id; FAIL is a failure, ERROR an error,
 * SKIP and NOT_RUN skipped, WARN passes with the warning in system-out.
 */
import type { CheckKind, RunSummary } from './model.ts';

// Characters XML 1.0 forbids, removed rather than escaped.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
export const xml = (s: unknown): string =>
  String(s ?? '')
    .replace(INVALID_XML, '')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

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
              : c.verdict === 'SKIP' || c.verdict === 'NOT_RUN'
                ? `<skipped message="${xml(c.message)}"/>`
                : c.verdict === 'WARN' || c.verdict === 'INFO'
                  ? `<system-out>${xml(`${c.verdict}: ${c.message}`)}</system-out>`
                  : '';
        return `    <testcase classname="${xml(`${s.environment}.${kind}`)}" name="${xml(`${c.requirement} ${c.name}`)}" time="0"><properties><property name="requirement" value="${xml(c.requirement)}"/><property name="key" value="${xml(c.key)}"/><property name="verdict" value="${c.verdict}"/></properties>${body}</testcase>`;
      })
      .join('\n');
    return `  <testsuite name="${xml(`${s.environment} ${label}`)}" tests="${checks.length}" failures="${count('FAIL')}" errors="${count('ERROR')}" skipped="${count('SKIP', 'NOT_RUN')}" timestamp="${xml(s.startedAt ?? '')}">\n${cases}\n  </testsuite>`;
  });
  const incomplete = s.incomplete
    ? `  <testsuite name="${xml(`${s.environment} run`)}" tests="1" failures="0" errors="1" skipped="0">\n    <testcase classname="${xml(`${s.environment}.run`)}" name="run completed"><error message="INCOMPLETE" type="incomplete">${xml(s.incomplete.reasons.join('\n'))}</error></testcase>\n  </testsuite>\n`
    : '';
  const total = s.checks.length + (s.incomplete ? 1 : 0);
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="${xml(`broker-conformance ${s.environment} ${s.runId}`)}" tests="${total}" failures="${s.counts.FAIL}" errors="${s.counts.ERROR + (s.incomplete ? 1 : 0)}" time="${((s.durationMs ?? 0) / 1000).toFixed(3)}">
${incomplete}${suites.join('\n')}
</testsuites>
`;
}
