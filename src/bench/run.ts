/**
 * @module `npm run bench`: runs the benchmarks, prints a table and writes `reports/bench.json`.
 * Targets are reported beside the figures; a missed target is shown, not hidden. Arguments pick
 * benchmarks (`response-check`, `suite`, `profile`, `local-broker`, `harness-memory`, and `self-test`,
 * which only runs when named); none runs all the others.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reportsRoot } from '../ledger/run.ts';
import { benchResponseCheck } from './response-check.bench.ts';

interface Row {
  name: string;
  value: number;
  unit: string;
  target?: string;
  met?: boolean;
}

async function main(): Promise<void> {
  const started = performance.now();
  const rows: Row[] = [];
  const results: Record<string, number | boolean | string> = { at: new Date().toISOString() };

  const rc = await benchResponseCheck();
  results.responseCheckMicros = rc.responseCheckMicros;
  results.responseParseMicros = rc.responseParseMicros;
  rows.push({ name: 'response check (details body, warm, 5 checks)', value: rc.responseCheckMicros, unit: 'µs', target: '≤ 20', met: rc.responseCheckMicros <= 20 && rc.allPassed });
  rows.push({ name: 'JSON parse of that body (once per response)', value: rc.responseParseMicros, unit: 'µs' });

  const only = process.argv.slice(2);
  const wanted = (name: string) => (only.length === 0 && name !== 'self-test') || only.includes(name);
  const sizeBytes = Number(process.env.BENCH_SIZE_BYTES ?? 1024 ** 3);
  const mib = Math.round(sizeBytes / 1024 ** 2);

  if (wanted('suite')) {
    const { benchSuite } = await import('./suite.bench.ts');
    const s = await benchSuite();
    Object.assign(results, { ...s, ledgerDir: undefined });
    rows.push(
      { name: `conformance suite against the local Broker (${s.suiteTests} tests, exit ${s.suiteExitCode}; medians of ${s.rounds} rounds)`, value: s.suiteSeconds, unit: 's' },
      { name: '  of which in the workers (ledger run-start → run-end)', value: s.suiteWorkerSeconds, unit: 's' },
      { name: `  of which in exchanges (${s.suiteExchanges}, as the client measured them)`, value: s.suiteExchangeSeconds, unit: 's' },
      { name: `raw undici replay of those exchanges (${s.reproducedExchanges}/${s.replayedExchanges} same status)`, value: s.replaySeconds, unit: 's' },
      { name: '  of which starting fresh local Brokers (as the workers do)', value: s.replayStartSeconds, unit: 's' },
      { name: '  of which the exchanges', value: s.replayExchangeSeconds, unit: 's' },
      { name: '  of which waiting before repeated polls, as the run waited', value: s.replayWaitSeconds, unit: 's' },
      { name: `Playwright alone: ${s.suiteTests} empty tests, ${s.suiteFiles} files, the same workers`, value: s.playwrightFloorSeconds, unit: 's' },
      { name: 'the harness itself: suite − Playwright alone − replay', value: s.harnessSeconds, unit: 's' },
      { name: `harness overhead: (suite − Playwright alone) / replay (rounds ${s.harnessOverheadRatioMin}–${s.harnessOverheadRatioMax})`, value: s.harnessOverheadRatio, unit: '×', target: '≤ 1.5', met: s.harnessOverheadRatio <= 1.5 },
      { name: 'overhead: suite wall time / replay wall time (Playwright included)', value: s.overheadRatio, unit: '×' },
      { name: '  the lowest a Playwright-run suite can show: (Playwright alone + replay) / replay', value: s.overheadFloorRatio, unit: '×' },
      { name: 'overhead: suite worker time / replay wall time', value: s.workerOverheadRatio, unit: '×' },
    );
  }

  if (wanted('local-broker')) {
    const { benchLocalBroker } = await import('./local-broker.bench.ts');
    const lb = await benchLocalBroker({ sizeBytes });
    Object.assign(results, lb);
    rows.push(
      { name: `upload ${mib} MiB (loopback)`, value: lb.uploadMBps, unit: 'MB/s' },
      { name: `download ${mib} MiB (loopback)`, value: lb.downloadMBps, unit: 'MB/s' },
      { name: 'local Broker peak RSS during the transfer', value: lb.serverPeakRssMB, unit: 'MB', target: '< 200', met: lb.serverPeakRssMB < 200 },
      { name: 'overview requests/s', value: lb.overviewRps, unit: 'req/s' },
      { name: 'initialize requests/s', value: lb.initializeRps, unit: 'req/s' },
    );
  }

  if (wanted('harness-memory')) {
    const { benchHarnessMemory } = await import('./harness-memory.bench.ts');
    const hm = await benchHarnessMemory({ sizeBytes });
    Object.assign(results, hm);
    rows.push(
      { name: `harness peak RSS: ${mib} MiB up and down through BrokerClient`, value: hm.harnessPeakRssMB, unit: 'MB', target: '< 200', met: hm.harnessPeakRssMB < 200 },
      { name: '  upload through BrokerClient (checks, ledger)', value: hm.harnessUploadMBps, unit: 'MB/s' },
      { name: '  download through BrokerClient (checks, ledger)', value: hm.harnessDownloadMBps, unit: 'MB/s' },
    );
  }
  if (wanted('profile')) {
    const { benchProfile } = await import('./profile.bench.ts');
    const p = await benchProfile();
    const ratio = p.profileLowerBoundSeconds > 0 ? Math.round((p.profileSeconds / p.profileLowerBoundSeconds) * 100) / 100 : null;
    Object.assign(results, { profileSeconds: p.profileSeconds, profileLowerBoundSeconds: p.profileLowerBoundSeconds, unplanned429: p.unplanned429, profileRatio: ratio, profileVerdict: p.profileVerdict, profileCalls: JSON.stringify(p.profileCalls) });
    rows.push(
      { name: `tt02-profile run (local Broker behind tt02's gateway limits, verdict ${p.profileVerdict})`, value: p.profileSeconds, unit: 's' },
      { name: '  lower bound the rate limits allow for its calls', value: p.profileLowerBoundSeconds, unit: 's' },
      { name: '  wall time / lower bound', value: ratio ?? 0, unit: '×', target: '≤ 1.25', met: ratio !== null && ratio <= 1.25 },
      { name: '  unplanned 429 answers', value: p.unplanned429, unit: '', target: '0', met: p.unplanned429 === 0 },
    );
  }

  // Not by default: the self-tests take minutes, and CI times them anyway.
  if (only.includes('self-test')) {
    const { benchSelfTest } = await import('./self-test.bench.ts');
    const st = await benchSelfTest();
    results.selfTestSeconds = st.selfTestSeconds;
    rows.push({ name: `self-tests (npm test, ${st.passed} passed, ${st.failed} failed)`, value: st.selfTestSeconds, unit: 's', target: '≤ 240', met: st.selfTestSeconds <= 240 && st.failed === 0 });
  }
  results.benchSeconds = Math.round((performance.now() - started) / 100) / 10;

  const width = Math.max(...rows.map((r) => r.name.length));
  console.log(`${'benchmark'.padEnd(width)}  ${'value'.padStart(10)}  unit    target`);
  for (const r of rows) {
    const verdict = r.target ? `${r.target} ${r.met ? 'met' : 'MISSED'}` : '';
    console.log(`${r.name.padEnd(width)}  ${String(r.value).padStart(10)}  ${r.unit.padEnd(6)}  ${verdict}`);
  }
  mkdirSync(reportsRoot(), { recursive: true });
  const out = join(reportsRoot(), 'bench.json');
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`written to ${out}`);
}

main().catch((e: unknown) => {
  console.error(`bench failed: ${(e as Error).message}`);
  process.exitCode = 1;
});
