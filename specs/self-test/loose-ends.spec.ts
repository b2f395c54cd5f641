/**
 * Self-tests of the CLI's loose ends: a run against a deliberately broken local Broker says so on
 * its report, and a repro of an exchange with the run's embedded Broker says how to bring one back.
 */
import { expect, test } from '@playwright/test';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describeMutations } from '../../fixtures/local-mutations.ts';
import type { LedgerEntry } from '../../src/ledger/entries.ts';
import { buildRunReport } from '../../src/report/build.ts';
import { curlFor, reproFor } from '../../src/report/curl.ts';
import type { ExchangeEvidence } from '../../src/report/model.ts';
import { mutationBanner } from '../../src/report/mutation-banner.ts';

const exchange: ExchangeEvidence = {
  id: 'x1',
  actor: 'recipient[0]',
  operationId: 'confirmDownload',
  request: { method: 'POST', url: 'http://127.0.0.1:40695/broker/api/v1/filetransfer/5b2f/confirmdownload', headers: { authorization: 'Bearer [REDACTED]' }, bodyBytes: 0 },
  response: { status: 200, headers: {}, bodyBytes: 0 },
  durationMs: 2,
};

test('a repro against the embedded Broker says how to bring it back on its port and where a token comes from', () => {
  const repro = reproFor(exchange, true).split('\n');
  expect(repro[0]).toBe("# This run's local Broker stopped with the run. Bring one up on the same port: npm run broker:local -- --port 40695");
  expect(repro[2]).toMatch(/^TOKEN=\$\(curl -s -X POST 'http:\/\/127\.0\.0\.1:40695\/_emulator\/tokens' /);
  expect(repro.at(-1)).toBe(curlFor(exchange));
  // A remote Broker is still there: the repro is the curl alone.
  expect(reproFor({ ...exchange, request: { ...exchange.request, url: 'https://platform.tt02.altinn.no/broker/api/v1/filetransfer/5b2f/confirmdownload' } }, false)).toBe(
    curlFor({ ...exchange, request: { ...exchange.request, url: 'https://platform.tt02.altinn.no/broker/api/v1/filetransfer/5b2f/confirmdownload' } }),
  );
});

test('a run with a mutation active carries the banner on its report; a run without one does not', async () => {
  const mutations = describeMutations(['wrong-status-on-confirm']);
  expect(mutations).toEqual([{ name: 'wrong-status-on-confirm', description: 'confirm download answers 200 instead of 204' }]);
  const banner = mutationBanner(mutations)!;
  expect(banner).toMatch(/^MUTATION ACTIVE: the local Broker runs with deliberate faults \(wrong-status-on-confirm: confirm download answers 200 instead of 204\)/);
  expect(mutationBanner([])).toBeUndefined();

  const at = new Date().toISOString();
  const report = async (withMutations: { name: string; description: string }[]) => {
    const dir = join(mkdtempSync(join(tmpdir(), 'banner-')), 'local', 'r');
    mkdirSync(join(dir, 'ledger'), { recursive: true });
    const entries: LedgerEntry[] = [
      { type: 'run-start', formatVersion: 1, runId: 'r', environment: 'local', brokerBaseUrl: 'http://127.0.0.1:40695', contracts: [], at, pid: 1, localBroker: { mutations: withMutations } },
      { type: 'run-end', runId: 'r', at },
    ];
    writeFileSync(join(dir, 'ledger', 'worker-0-1.ndjson'), `${entries.map((e) => JSON.stringify(e)).join('\n')}\n`);
    const built = await buildRunReport(dir, { oracle: {}, skipContracts: true, warn: () => {} });
    return { summary: built.summary, html: readFileSync(built.files.html, 'utf8') };
  };
  const mutated = await report(mutations);
  expect(mutated.summary.localBroker).toEqual({ mutations });
  expect(mutated.html).toContain('<div id="mutation-banner"');
  expect(mutated.html).toContain('wrong-status-on-confirm: confirm download answers 200 instead of 204');
  const clean = await report([]);
  expect(clean.html).not.toContain('mutation-banner');
});

test('report summary: Markdown for a CI step summary with the verdict, counts, new failures apart from new errors, and the artifact', async () => {
  const root = mkdtempSync(join(tmpdir(), 'markdown-'));
  const at = (s: number) => new Date(Date.UTC(2026, 11, 6, 2, 30, s)).toISOString();
  const run = async (id: string, s: number, outcomes: Record<string, { status: string; failureKind?: 'assertion' | 'transport' }>) => {
    const dir = join(root, 'handmade', id);
    mkdirSync(join(dir, 'ledger'), { recursive: true });
    const entries: LedgerEntry[] = [{ type: 'run-start', formatVersion: 1, runId: id, environment: 'handmade', brokerBaseUrl: 'https://broker.example', contracts: [], at: at(s), pid: 1 }];
    for (const [title, o] of Object.entries(outcomes)) {
      entries.push({ type: 'test-start', testId: title, title: `x.spec.ts › ${title}`, file: 'x.spec.ts', tags: [], at: at(s) });
      entries.push({ type: 'test-end', testId: title, title: `x.spec.ts › ${title}`, file: 'x.spec.ts', tags: [], status: o.status, ...(o.failureKind ? { failureKind: o.failureKind } : {}), at: at(s + 1) });
    }
    entries.push({ type: 'run-end', runId: id, at: at(s + 2) });
    writeFileSync(join(dir, 'ledger', 'worker-0-1.ndjson'), `${entries.map((e) => JSON.stringify(e)).join('\n')}\n`);
    await buildRunReport(dir, { oracle: {}, skipContracts: true, warn: () => {} });
    return dir;
  };
  await run('n1', 0, { 'LC-CONFIRM-002 confirm | 204': { status: 'passed' }, 'SEARCH-001 search': { status: 'passed' } });
  const tonight = await run('n2', 10, { 'LC-CONFIRM-002 confirm | 204': { status: 'failed', failureKind: 'assertion' }, 'SEARCH-001 search': { status: 'failed', failureKind: 'transport' } });
  const out: string[] = [];
  const { main } = await import('../../src/cli/main.ts');
  expect(await main(['report', 'summary', tonight, '--artifact', 'conformance-handmade'], { out: (s) => out.push(s), err: () => {} })).toBe(0);
  const md = out.join('\n');
  expect(md).toMatch(/^### Broker conformance handmade: FAIL\n/);
  expect(md).toContain('| FAIL | ERROR | KNOWN_DEFECT | WARN | NOT_RUN | PASS | INFO | SKIP |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n| 1 | 1 | 0 | 0 | 0 | 0 | 0 | 0 |');
  expect(md).toContain('**New failures since the previous run (1):**\n- `test:x.spec.ts › LC-CONFIRM-002 confirm | 204` (LC-CONFIRM-002): failed');
  expect(md).toContain('**New errors since the previous run (not held against the Broker) (1):**\n- `test:x.spec.ts › SEARCH-001 search` (SEARCH-001): ERROR, the Broker could not be reached');
  expect(md.trimEnd().split('\n').at(-1)).toBe('Full report: `n2/index.html` in the artifact **conformance-handmade**.');
});

test('the nightly workflow passes inputs through environment variables, never into a shell line, and writes a Markdown step summary', () => {
  const workflow = parseYaml(readFileSync(join(process.cwd(), '.github', 'workflows', 'nightly.yml'), 'utf8')) as { jobs: Record<string, { steps: { name?: string; run?: string; env?: Record<string, string> }[] }> };
  const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
  const scripts = steps.filter((s) => s.run);
  expect(scripts.length).toBeGreaterThan(3);
  for (const s of scripts) expect(s.run, `step ${s.name ?? s.run}`).not.toContain('${{');
  const run = steps.find((s) => s.name === 'run')!;
  expect(run.env?.GREP).toBe('${{ github.event.inputs.grep }}');
  expect(run.run).toContain('args+=(--grep "$GREP")');
  const summary = steps.find((s) => s.name === 'step summary')!;
  expect(summary.run).toContain('npx broker-conformance report summary "$ENV_NAME" --artifact "conformance-$ENV_NAME" >> "$GITHUB_STEP_SUMMARY"');
});
