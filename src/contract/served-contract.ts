/**
 * @module The third contract: the OpenAPI document a Broker generates about itself. For a run it is
 * obtained once (from the Broker when the environment names where the Broker serves it, else from
 * BROKER_SERVED_CONTRACT or the environment's `source`), kept byte for byte in the run's report
 * folder, and checked against like the published contract. Workers of one run share that copy.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvironmentConfig } from '../config/types.ts';
import { readSource } from './load.ts';

/** The copy's file name in a run folder (`.yaml` when the Broker served YAML). */
export const SERVED_COPY_NAMES = ['served-contract.json', 'served-contract.yaml'] as const;

/** Why the run could not use the Broker's own document (or none at all): one line, read into the summary's warnings. */
export const SERVED_NOTE_NAME = 'served-contract.note.txt';

export function recordServedNote(runDir: string, note: string): void {
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(runDir, SERVED_NOTE_NAME), `${note}\n`);
}

export function servedNoteIn(runDir: string): string | undefined {
  const path = join(runDir, SERVED_NOTE_NAME);
  return existsSync(path) ? readFileSync(path, 'utf8').trim() || undefined : undefined;
}

export function servedCopyIn(runDir: string): string | undefined {
  return SERVED_COPY_NAMES.map((n) => join(runDir, n)).find((p) => existsSync(p));
}

export interface ServedContractPlan {
  /** URL of the document on the Broker under test, fetched at the start of the run. */
  fromBroker?: string;
  /** Path or URL used when the Broker does not serve one (or its fetch fails). */
  source?: string;
}

/** Where a run gets its served contract: the Broker itself first, then BROKER_SERVED_CONTRACT, then the environment's `source`. */
export function servedContractPlan(environment: EnvironmentConfig, brokerBaseUrl: string, env: NodeJS.ProcessEnv = process.env): ServedContractPlan | undefined {
  const brokerPath = environment.servedContract?.brokerPath;
  const fromBroker = brokerPath ? new URL(brokerPath.replace(/^\//, ''), brokerBaseUrl.endsWith('/') ? brokerBaseUrl : `${brokerBaseUrl}/`).toString() : undefined;
  const source = env.BROKER_SERVED_CONTRACT || environment.servedContract?.source;
  return fromBroker || source ? { ...(fromBroker ? { fromBroker } : {}), ...(source ? { source } : {}) } : undefined;
}

export interface ObtainedServedContract {
  /** The copy in the run folder: what the run checks against. */
  path: string;
  /** Where the bytes came from. */
  origin: string;
  /** Why the Broker's own document was not used, when it was wanted. */
  note?: string;
}

/**
 * The run's served contract: the copy already in `runDir` when another worker got it first, else
 * the bytes fetched (Broker first) and written there atomically. Why the Broker's own document was
 * not used is noted in the run folder. Throws ContractLoadError (noted too) when no source can be read.
 */
export async function obtainServedContract(plan: ServedContractPlan, runDir: string): Promise<ObtainedServedContract> {
  const existing = servedCopyIn(runDir);
  if (existing) return { path: existing, origin: existing };
  let note: string | undefined;
  let bytes: Buffer | undefined;
  let origin = '';
  if (plan.fromBroker) {
    try {
      bytes = await readSource(plan.fromBroker);
      origin = plan.fromBroker;
    } catch (e) {
      note = `the Broker's own document could not be fetched (${(e as Error).message})`;
      if (!plan.source) {
        recordServedNote(runDir, `${note}; the run checked against no served contract`);
        throw e;
      }
    }
  }
  if (!bytes) {
    try {
      bytes = await readSource(plan.source!);
    } catch (e) {
      recordServedNote(runDir, `${note ? `${note}; ` : ''}${(e as Error).message}; the run checked against no served contract`);
      throw e;
    }
    origin = plan.source!;
    if (note) recordServedNote(runDir, `${note}; used ${origin} instead`);
  }
  const yaml = !/^\s*[{[]/.test(bytes.subarray(0, 64).toString('utf8').replace(/^\uFEFF/, ''));
  mkdirSync(runDir, { recursive: true });
  const path = join(runDir, yaml ? SERVED_COPY_NAMES[1] : SERVED_COPY_NAMES[0]);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
  return { path, origin, ...(note ? { note } : {}) };
}
