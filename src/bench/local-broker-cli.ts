/** @module The local Broker CLI as a child process for benchmarks: started on a free port with a temporary data folder. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../local-broker/cli.ts', import.meta.url));

export interface BrokerCli {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

export async function startBrokerCli(): Promise<BrokerCli> {
  const dataDir = mkdtempSync(join(tmpdir(), 'local-broker-bench-'));
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--port', '0', '--data-dir', dataDir, '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`local Broker exited early (${code})`)));
  });
  child.stdout!.resume();
  return {
    child,
    url,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
