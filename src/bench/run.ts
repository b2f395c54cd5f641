/**
 * @module `npm run bench`: runs the benchmarks, prints a table and writes `reports/bench.json`.
 * Targets are reported beside the figures; a missed target is shown, not hidden.
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
  const rows: Row[] = [];
  const results: Record<string, number | boolean | string> = { at: new Date().toISOString() };

  const rc = await benchResponseCheck();
  results.responseCheckMicros = rc.responseCheckMicros;
  results.responseParseMicros = rc.responseParseMicros;
  rows.push({ name: 'response check (details body, warm, 5 checks)', value: rc.responseCheckMicros, unit: 'µs', target: '≤ 20', met: rc.responseCheckMicros <= 20 && rc.allPassed });
  rows.push({ name: 'JSON parse of that body (once per response)', value: rc.responseParseMicros, unit: 'µs' });

  const only = process.argv.slice(2);
  if (only.length === 0 || only.includes('local-broker')) {
    const { benchLocalBroker } = await import('./local-broker.bench.ts');
    const sizeBytes = Number(process.env.BENCH_SIZE_BYTES ?? 1024 ** 3);
    const lb = await benchLocalBroker({ sizeBytes });
    Object.assign(results, lb);
    rows.push(
      { name: `upload ${Math.round(sizeBytes / 1024 ** 2)} MiB (loopback)`, value: lb.uploadMBps, unit: 'MB/s' },
      { name: `download ${Math.round(sizeBytes / 1024 ** 2)} MiB (loopback)`, value: lb.downloadMBps, unit: 'MB/s' },
      { name: 'local Broker peak RSS during the transfer', value: lb.serverPeakRssMB, unit: 'MB', target: '< 200', met: lb.serverPeakRssMB < 200 },
      { name: 'overview requests/s', value: lb.overviewRps, unit: 'req/s' },
      { name: 'initialize requests/s', value: lb.initializeRps, unit: 'req/s' },
    );
  }

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
