/**
 * @module Self-tests of platform drift on its way to the report: the doubles' log is read over HTTP
 * from a given time on, each distinct refusal becomes one ERROR verdict of PLAT-CALLS-001, and a
 * run whose ledger holds one is not PASS.
 */
import { test, expect } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LedgerWriter, LEDGER_FORMAT_VERSION } from '../ledger/index.ts';
import { summarizeRun } from '../report/summarize.ts';
import { startAltinnIssuer } from './altinn-issuer.ts';
import { mountBrokerPlatform } from './broker-platform.ts';
import { driftLog, driftVerdicts, fetchDrift } from './drift.ts';

test('drift lines since a time are served, folded per (call, problem) into ERROR verdicts, and fail the run', async () => {
  const altinn = await startAltinnIssuer();
  const drift = driftLog();
  mountBrokerPlatform({ altinn, seed: {}, drift });
  try {
    drift.record({ call: 'Events ingest', method: 'POST', path: '/events/api/v1/events', problem: 'an earlier run' });
    const since = new Date(Date.now() + 5).toISOString();
    await new Promise((r) => setTimeout(r, 10));
    const token = await altinn.sign({ scope: 'x' });
    const badEvent = () =>
      fetch(`${altinn.baseUrl}/events/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
    expect((await badEvent()).status).toBe(400);
    expect((await badEvent()).status).toBe(400);

    const lines = await fetchDrift(altinn.baseUrl, since);
    expect(lines).toHaveLength(2);
    const verdicts = driftVerdicts(lines);
    expect(verdicts).toHaveLength(1);
    expect(verdicts[0]).toMatchObject({ type: 'verdict', requirement: 'PLAT-CALLS-001', verdict: 'ERROR' });
    expect(verdicts[0]!.message).toMatch(/^platform drift: Events ingest POST \/events\/api\/v1\/events: Content-Type is 'application\/json', not application\/cloudevents\+json \(2x;/);

    const runDir = mkdtempSync(join(tmpdir(), 'drift-run-'));
    const ledger = new LedgerWriter(join(runDir, 'ledger', 'worker-0.ndjson'));
    ledger.record({ type: 'run-start', formatVersion: LEDGER_FORMAT_VERSION, runId: 'r1', environment: 'broker-dev', brokerBaseUrl: 'http://127.0.0.1:5096', contracts: [], at: new Date().toISOString(), pid: process.pid });
    for (const v of verdicts) ledger.record(v);
    ledger.record({ type: 'run-end', runId: 'r1', at: new Date().toISOString() });
    ledger.close();
    const summary = await summarizeRun(runDir);
    expect(summary.checks.filter((c) => c.requirement === 'PLAT-CALLS-001').map((c) => c.verdict)).toEqual(['ERROR']);
    expect(summary.verdict).not.toBe('PASS');
  } finally {
    await altinn.close();
  }
});
