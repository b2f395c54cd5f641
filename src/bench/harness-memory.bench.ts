/**
 * @module Benchmark of the harness side of a large transfer: a child process uploads and downloads a
 * generated payload through BrokerClient (streaming transport, contract checks, a file ledger) against
 * the local Broker CLI in another child process, and reports its own peak RSS (VmHWM) afterwards.
 */
import { spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { BrokerClient } from '../client/index.ts';
import { enabledChecks, prepareContractSet } from '../contract/index.ts';
import { LedgerWriter } from '../ledger/writer.ts';
import { startBrokerCli } from './local-broker-cli.ts';

export interface HarnessMemoryBench {
  harnessPeakRssMB: number;
  harnessUploadMBps: number;
  harnessDownloadMBps: number;
}

function vmHwmMB(): number {
  const kb = Number(/VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

/** `size` bytes yielded as views of one reused 1 MiB block. */
async function* generated(size: number): AsyncGenerator<Buffer> {
  const block = randomFillSync(Buffer.alloc(1024 * 1024));
  for (let left = size; left > 0; left -= block.length) yield block.subarray(0, Math.min(left, block.length));
}

/** The measured side: runs in its own process so its VmHWM is the harness's alone. */
async function harnessChild(url: string, sizeBytes: number): Promise<HarnessMemoryBench> {
  const tokenFor = async (org: string, scopes: string[]) => {
    const res = await request(`${url}/_emulator/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ org, scopes }) });
    const token = ((await res.body.json()) as { token: string }).token;
    return { token: async () => token, description: `emulator token for ${org}` };
  };
  const dir = mkdtempSync(join(tmpdir(), 'harness-memory-'));
  const ledger = new LedgerWriter(join(dir, 'ledger.ndjson'));
  try {
    const contracts = (await prepareContractSet()).map((c) => c.compiled);
    const common = { baseUrl: url, contracts, checks: enabledChecks(), ledger, timeoutMs: 600_000 };
    const sender = new BrokerClient({ ...common, actor: 'sender', tokens: await tokenFor('991825827', ['altinn:broker.write', 'altinn:broker.read']) });
    const recipient = new BrokerClient({ ...common, actor: 'recipient[0]', tokens: await tokenFor('986252932', ['altinn:broker.read']) });
    const init = await sender.initializeFileTransfer({
      fileName: 'harness-bench.bin',
      resourceId: 'altinn-broker-test-resource-1',
      sendersFileTransferReference: 'harness-bench',
      sender: '0192:991825827',
      recipients: ['0192:986252932'],
    });
    const id = (init.body as { fileTransferId: string }).fileTransferId;
    let t0 = performance.now();
    const up = await sender.uploadFileTransfer(id, Readable.from(generated(sizeBytes), { objectMode: false }), { 'content-length': String(sizeBytes) });
    if (up.status !== 200) throw new Error(`upload → ${up.status}`);
    const uploadSeconds = (performance.now() - t0) / 1000;
    t0 = performance.now();
    let received = 0;
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        received += chunk.length;
        done();
      },
    });
    const down = await recipient.downloadFileTransfer(id, { sink });
    if (down.status !== 200 || received !== sizeBytes) throw new Error(`download → ${down.status}, ${received} of ${sizeBytes} bytes`);
    const downloadSeconds = (performance.now() - t0) / 1000;
    const mbps = (s: number) => Math.round((sizeBytes / 1e6 / s) * 10) / 10;
    return { harnessPeakRssMB: vmHwmMB(), harnessUploadMBps: mbps(uploadSeconds), harnessDownloadMBps: mbps(downloadSeconds) };
  } finally {
    ledger.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchHarnessMemory(opts: { sizeBytes: number }): Promise<HarnessMemoryBench> {
  const broker = await startBrokerCli();
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', broker.url, String(opts.sizeBytes)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    const line = out.trim().split('\n').at(-1) ?? '';
    if (code !== 0 || !line.startsWith('{')) throw new Error(`harness child exited ${code}: ${out.slice(-500)}`);
    return JSON.parse(line) as HarnessMemoryBench;
  } finally {
    await broker.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv[2] === '--child') {
    console.log(JSON.stringify(await harnessChild(process.argv[3]!, Number(process.argv[4]))));
  } else {
    console.log(JSON.stringify(await benchHarnessMemory({ sizeBytes: Number(process.argv[2] ?? 1024 ** 3) })));
  }
}
