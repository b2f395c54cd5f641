/**
 * @module Benchmark of the local Broker as a separate process: streamed upload and download of a generated payload over
 * loopback (with the server's peak RSS from /proc), and request rates for overview and initialize.
 */
import { randomFillSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { startBrokerCli } from './local-broker-cli.ts';
const FT = '/broker/api/v1/filetransfer';

export interface LocalBrokerBench {
  uploadMBps: number;
  downloadMBps: number;
  serverPeakRssMB: number;
  overviewRps: number;
  initializeRps: number;
}

function peakRssMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

/** `size` bytes of pseudo-random data, yielded as views of one reused 1 MiB block (the generator never buffers more). */
async function* generated(size: number): AsyncGenerator<Buffer> {
  const block = randomFillSync(Buffer.alloc(1024 * 1024));
  let left = size;
  while (left > 0) {
    const n = Math.min(left, block.length);
    yield block.subarray(0, n);
    left -= n;
  }
}

async function json(dispatcher: Agent, method: 'GET' | 'POST', url: string, token: string | undefined, body?: unknown): Promise<any> {
  const res = await request(url, {
    dispatcher,
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : undefined;
}

/** Runs `total` calls of `fn` with `concurrency` in flight; returns calls per second. */
async function rate(total: number, concurrency: number, fn: () => Promise<unknown>): Promise<number> {
  let started = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < total) {
        started++;
        await fn();
      }
    }),
  );
  return Math.round(total / ((performance.now() - t0) / 1000));
}

export async function benchLocalBroker(opts: { sizeBytes: number }): Promise<LocalBrokerBench> {
  const cli = await startBrokerCli();
  const { child, url } = cli;
  const dispatcher = new Agent({ connections: 32, bodyTimeout: 0, headersTimeout: 0 });
  try {
    const token = async (org: string, scopes: string[]) => (await json(dispatcher, 'POST', `${url}/_emulator/tokens`, undefined, { org, scopes })).token as string;
    const sender = await token('991825827', ['altinn:broker.write', 'altinn:broker.read']);
    const recipient = await token('986252932', ['altinn:broker.read']);
    const initBody = {
      fileName: 'bench.bin',
      resourceId: 'altinn-broker-test-resource-1',
      sendersFileTransferReference: 'bench',
      sender: '0192:991825827',
      recipients: ['0192:986252932'],
    };
    const { fileTransferId: id } = await json(dispatcher, 'POST', `${url}${FT}`, sender, initBody);

    let t0 = performance.now();
    const up = await request(`${url}${FT}/${id}/upload`, {
      dispatcher,
      method: 'POST',
      headers: { authorization: `Bearer ${sender}`, 'content-type': 'application/octet-stream', 'content-length': String(opts.sizeBytes) },
      body: Readable.from(generated(opts.sizeBytes), { objectMode: false }),
    });
    const upText = await up.body.text();
    if (up.statusCode !== 200) throw new Error(`upload → ${up.statusCode} ${upText}`);
    const uploadSeconds = (performance.now() - t0) / 1000;

    t0 = performance.now();
    const down = await request(`${url}${FT}/${id}/download`, { dispatcher, headers: { authorization: `Bearer ${recipient}` } });
    if (down.statusCode !== 200) throw new Error(`download → ${down.statusCode}`);
    let received = 0;
    for await (const chunk of down.body) received += (chunk as Buffer).length;
    const downloadSeconds = (performance.now() - t0) / 1000;
    if (received !== opts.sizeBytes) throw new Error(`downloaded ${received} of ${opts.sizeBytes} bytes`);
    const serverPeakRssMB = peakRssMB(child.pid!);

    const overviewRps = await rate(2000, 16, () => json(dispatcher, 'GET', `${url}${FT}/${id}`, sender));
    const initializeRps = await rate(1000, 16, () => json(dispatcher, 'POST', `${url}${FT}`, sender, initBody));

    const mbps = (seconds: number) => Math.round((opts.sizeBytes / 1e6 / seconds) * 10) / 10;
    return { uploadMBps: mbps(uploadSeconds), downloadMBps: mbps(downloadSeconds), serverPeakRssMB, overviewRps, initializeRps };
  } finally {
    await dispatcher.close();
    await cli.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const sizeBytes = Number(process.argv[2] ?? 1024 ** 3);
  console.log(JSON.stringify(await benchLocalBroker({ sizeBytes })));
}
