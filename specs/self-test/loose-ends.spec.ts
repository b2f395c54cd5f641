/**
 * Self-tests of the CLI's loose ends: a run against a deliberately broken local Broker says so on
 * its report, and a repro of an exchange with the run's embedded Broker says how to bring one back.
 */
import { expect, test } from '@playwright/test';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeMutations } from '../../fixtures/target.ts';
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
