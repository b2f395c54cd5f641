/** @module The seed: who is a service owner, what the Resource Registry knows, how the Broker's resources are configured, and who may do what (§4). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseXsDuration } from './duration.ts';

export interface SeedServiceOwner {
  /** 9-digit organization number, with or without a `0192:` prefix. */
  orgNumber: string;
  name: string;
  /** Storage providers that are Ready; default both (`AltinnAzure` = with virus scan, `AltinnAzureWithoutVirusScan`). */
  storageProviders?: Array<'AltinnAzure' | 'AltinnAzureWithoutVirusScan'>;
}

export interface SeedRegistryResource {
  resourceId: string;
  /** Competent authority's organization number (owner); omit to model a resource without an owner (code 5 on PUT). */
  ownerOrgNumber?: string;
  accessListMode?: 'Disabled' | 'Enabled';
  /** Organization numbers on the resource's access list (prefix optional). */
  accessList?: string[];
}

export interface SeedResourceConfig {
  resourceId: string;
  /** Service owner org number (need not be a registered service owner: that gives code 2 on initialize). */
  serviceOwner: string;
  maxFileTransferSize?: number | null;
  /** xs:duration, e.g. `P30D`. */
  fileTransferTimeToLive?: string | null;
  purgeFileTransferAfterAllRecipientsConfirmed?: boolean;
  /** xs:duration, e.g. `PT2H`. */
  purgeFileTransferGracePeriod?: string | null;
  useManifestFileShim?: boolean | null;
  externalServiceCodeLegacy?: string | null;
  externalServiceEditionCodeLegacy?: number | null;
  requiredParty?: string | null;
  /** Production only: approved for disabled virus scan (codes 13, 20). */
  approvedForDisabledVirusScan?: boolean;
  /** Emulator control: uploads to this resource wait in UploadProcessing for the scan webhook (E19), whatever `scanDelayMs` says. */
  manualScan?: boolean;
}

export interface SeedRights {
  read?: boolean;
  write?: boolean;
}

export interface Seed {
  serviceOwners?: SeedServiceOwner[];
  resourceRegistry?: SeedRegistryResource[];
  resources?: SeedResourceConfig[];
  /** resourceId → org number (bare 9 digits) → rights. */
  policies?: Record<string, Record<string, SeedRights>>;
  /** When true (default), a right only counts for the party equal to the caller's own org (§4.2). */
  requireCallerIsParty?: boolean;
}

export const DEFAULT_SEED_PATH = fileURLToPath(new URL('./default-seed.json', import.meta.url));

/** Loads a seed from an object, a file path, or the default seed; validates it and throws one readable error. */
export function loadSeed(seed: Seed | string | undefined): Seed {
  let value: unknown;
  if (seed === undefined || typeof seed === 'string') {
    const path = seed ?? DEFAULT_SEED_PATH;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new Error(`cannot read seed file ${path}: ${(e as Error).message}`);
    }
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new Error(`seed file ${path} is not JSON: ${(e as Error).message}`);
    }
  } else {
    value = seed;
  }
  validateSeed(value);
  return value;
}

function validateSeed(value: unknown): asserts value is Seed {
  const problems: string[] = [];
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(value)) throw new Error('seed must be a JSON object');
  const arr = (name: string) => {
    const v = value[name];
    if (v !== undefined && !Array.isArray(v)) problems.push(`${name} must be an array`);
    return Array.isArray(v) ? v : [];
  };
  arr('serviceOwners').forEach((s, i) => {
    if (!isObj(s) || typeof s.orgNumber !== 'string' || typeof s.name !== 'string') problems.push(`serviceOwners[${i}] needs orgNumber and name strings`);
  });
  arr('resourceRegistry').forEach((r, i) => {
    if (!isObj(r) || typeof r.resourceId !== 'string') problems.push(`resourceRegistry[${i}] needs a resourceId string`);
  });
  arr('resources').forEach((r, i) => {
    if (!isObj(r) || typeof r.resourceId !== 'string' || typeof r.serviceOwner !== 'string') {
      problems.push(`resources[${i}] needs resourceId and serviceOwner strings`);
      return;
    }
    if (r.manualScan !== undefined && typeof r.manualScan !== 'boolean') problems.push(`resources[${i}].manualScan must be true or false`);
    for (const k of ['fileTransferTimeToLive', 'purgeFileTransferGracePeriod']) {
      const d = r[k];
      if (d !== undefined && d !== null && (typeof d !== 'string' || parseXsDuration(d) === undefined)) problems.push(`resources[${i}].${k} is not an xs:duration`);
    }
  });
  if (value.policies !== undefined && !isObj(value.policies)) problems.push('policies must be an object');
  if (value.requireCallerIsParty !== undefined && typeof value.requireCallerIsParty !== 'boolean') problems.push('requireCallerIsParty must be a boolean');
  if (problems.length) throw new Error(`invalid seed: ${problems.join('; ')}`);
}

/** `0192:991825827`, `urn:...:991825827` or `991825827` → `991825827`. */
export function bareOrg(id: string): string {
  const i = id.lastIndexOf(':');
  return i >= 0 ? id.slice(i + 1) : id;
}
