/** @module Durable state in dataDir: one JSON file per transfer and one for service owners/resources, each written atomically; payloads as files. */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileTransfer } from './model.ts';

export interface StoredServiceOwner {
  orgNumber: string;
  name: string;
  storageProviders: Array<'AltinnAzure' | 'AltinnAzureWithoutVirusScan'>;
  /** When background provisioning finishes (E10); absent = Ready from the start (seeded owners). */
  readyAt?: string;
}

export interface StoredResource {
  resourceId: string;
  serviceOwner: string;
  maxFileTransferSize: number | null;
  fileTransferTimeToLiveMs: number | null;
  purgeFileTransferAfterAllRecipientsConfirmed: boolean;
  purgeFileTransferGracePeriodMs: number | null;
  useManifestFileShim: boolean | null;
  externalServiceCodeLegacy: string | null;
  externalServiceEditionCodeLegacy: number | null;
  requiredParty: string | null;
  approvedForDisabledVirusScan: boolean;
}

export interface Configuration {
  serviceOwners: Record<string, StoredServiceOwner>;
  resources: Record<string, StoredResource>;
}

const GUID_FILE = /^[0-9a-f-]{36}\.json$/;

export class Store {
  readonly transfers = new Map<string, FileTransfer>();
  private readonly transferDir: string;
  private readonly payloadDir: string;
  private readonly configPath: string;

  constructor(readonly dataDir: string) {
    this.transferDir = join(dataDir, 'transfers');
    this.payloadDir = join(dataDir, 'payloads');
    this.configPath = join(dataDir, 'configuration.json');
    mkdirSync(this.transferDir, { recursive: true });
    mkdirSync(this.payloadDir, { recursive: true });
    for (const name of readdirSync(this.transferDir)) {
      if (!GUID_FILE.test(name)) continue; // leftovers of an interrupted write are ignored
      const t = JSON.parse(readFileSync(join(this.transferDir, name), 'utf8')) as FileTransfer;
      this.transfers.set(t.id, t);
    }
    for (const name of readdirSync(this.payloadDir)) {
      if (name.endsWith('.part')) rmSync(join(this.payloadDir, name), { force: true });
    }
  }

  /** The saved configuration, or undefined when this dataDir has none yet (then the seed applies). */
  loadConfiguration(): Configuration | undefined {
    return existsSync(this.configPath) ? (JSON.parse(readFileSync(this.configPath, 'utf8')) as Configuration) : undefined;
  }

  saveConfiguration(c: Configuration): void {
    atomicWrite(this.configPath, JSON.stringify(c, null, 1));
  }

  get(id: string): FileTransfer | undefined {
    return this.transfers.get(id);
  }

  save(t: FileTransfer): void {
    this.transfers.set(t.id, t);
    atomicWrite(join(this.transferDir, `${t.id}.json`), JSON.stringify(t));
  }

  payloadPath(id: string): string {
    return join(this.payloadDir, `${id}.bin`);
  }

  /** A staging path for an upload in progress; renamed over the payload when complete. */
  stagingPath(id: string, attempt: string): string {
    return join(this.payloadDir, `${id}.${attempt}.part`);
  }

  /** Staging file of a TUS upload (kept across restarts so uploads resume). */
  tusPath(uploadId: string): string {
    return join(this.payloadDir, `${uploadId}.tus`);
  }

  deletePayload(id: string): void {
    rmSync(this.payloadPath(id), { force: true });
  }

  /** Hard delete (maintenance cleanup): the transfer's record, payload and TUS staging files are gone for good. */
  delete(id: string): void {
    const t = this.transfers.get(id);
    for (const uploadId of Object.keys(t?.tusUploads ?? {})) rmSync(this.tusPath(uploadId), { force: true });
    this.deletePayload(id);
    rmSync(join(this.transferDir, `${id}.json`), { force: true });
    this.transfers.delete(id);
  }
}

let writeCounter = 0;
function atomicWrite(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.${++writeCounter}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}
