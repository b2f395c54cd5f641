/** @module The local Broker's shared state and services: clock, scheduler, store, configuration, access rules (§4) and the event log. */
import { randomUUID } from 'node:crypto';
import type { Caller } from './auth.ts';
import { TokenVerifier } from './auth.ts';
import { Scheduler, type Clock } from './clock.ts';
import { parseXsDuration } from './duration.ts';
import { makeEvent, type BrokerCloudEvent, type BrokerEventType } from './events.ts';
import type { MutationName } from './mutations.ts';
import type { FileTransfer } from './model.ts';
import { bareOrg, type Seed, type SeedRegistryResource, type SeedRights } from './seed.ts';
import { Store, type Configuration, type StoredResource, type StoredServiceOwner } from './store.ts';
import { formatTimestamp } from './time-format.ts';
import type { PlatformTokens } from './platform-token.ts';
import type { EnvironmentRules, StorageProviderType } from './environment.ts';

export interface BrokerSettings {
  clock: Clock;
  store: Store;
  seed: Seed;
  verifier: TokenVerifier;
  mutations: Set<MutationName>;
  /** null = no simulated scan: transfers wait in UploadProcessing for the malware webhook. */
  scanDelayMs: number | null;
  /** The Broker's environment (what it decides: environment.ts). */
  environment: EnvironmentRules;
  /** `StatisticsApiKey` for E15/E16 (never logged); undefined = not configured. */
  statisticsApiKey?: string;
  /** Delay between E10 and the new service owner's storage providers being Ready (background provisioning). */
  storageProvisioningDelayMs: number;
  onEvent?: (event: BrokerCloudEvent) => void;
  log: (line: string) => void;
  /** Log one line per event, as the Broker's console event bus does in Development. */
  logEvents: boolean;
}

export class Broker {
  readonly clock: Clock;
  readonly store: Store;
  readonly scheduler: Scheduler;
  readonly verifier: TokenVerifier;
  readonly mutations: Set<MutationName>;
  readonly config: Configuration;
  private readonly seed: Seed;
  private readonly eventLog: BrokerCloudEvent[] = [];
  /** `<PlatformGatewayUrl>broker/api/v1/filetransfer`; set once the server knows its URL. */
  eventSource = 'http://127.0.0.1/broker/api/v1/filetransfer';
  /** Ranged-download debounce: `<transfer>|<org>` → last recorded time (ms). In memory, as the Broker's cache. */
  readonly rangedDownloadSeen = new Map<string, number>();
  /** Transfers with an upload request in flight. */
  readonly uploadsInFlight = new Set<string>();
  /** Streamed uploads still to fail in storage (emulator fault control, `/_emulator/faults/storage`). */
  storageFaultsPending = 0;

  private jobCounter = 0;
  /** The Broker's own platform token (set when Maskinporten settings are given). */
  platformTokens: PlatformTokens | undefined;

  /** Runs `run` as a background job due now (Hangfire-style: the id is a counter, as a string); returns the job id. */
  enqueueJob(kind: string, run: () => void | Promise<void>): string {
    const id = String(++this.jobCounter);
    this.scheduler.at(`job:${kind}:${id}`, this.now(), run);
    return id;
  }

  /** True (and counts down) when the next storage write should fail like an outage. */
  takeStorageFault(): boolean {
    if (this.storageFaultsPending <= 0) return false;
    this.storageFaultsPending--;
    return true;
  }
  /** TUS uploads with a PATCH (or concatenation) in flight, by upload id (tusdotnet's file lock). */
  readonly tusLocks = new Set<string>();
  /** TUS upload sessions (§8.7): `<transfer>|<sid/client_id/sub>|<org>` → expiry (clock ms). */
  readonly tusSessions = new Map<string, number>();

  constructor(readonly settings: BrokerSettings) {
    this.clock = settings.clock;
    this.store = settings.store;
    this.verifier = settings.verifier;
    this.mutations = settings.mutations;
    this.seed = settings.seed;
    this.scheduler = new Scheduler(this.clock, (key, error) => settings.log(`scheduled task ${key} failed: ${(error as Error).stack ?? error}`));
    this.config = this.store.loadConfiguration() ?? configurationFromSeed(settings.seed, settings.environment.providersOnCreate);
    this.store.saveConfiguration(this.config);
  }

  get env(): EnvironmentRules {
    return this.settings.environment;
  }

  get production(): boolean {
    return this.env.production;
  }

  /** Providers of the owner that are provisioned by now (none while the background provisioning runs). */
  readyProviders(owner: StoredServiceOwner): readonly StorageProviderType[] {
    return owner.readyAt && Date.parse(owner.readyAt) > this.now().getTime() ? [] : owner.storageProviders;
  }

  /** E10: the owner's providers for this environment, Ready once the provisioning delay has passed on the clock. */
  newServiceOwner(org: string, name: string): StoredServiceOwner {
    const readyAt = new Date(this.now().getTime() + this.settings.storageProvisioningDelayMs).toISOString();
    return { orgNumber: bareOrg(org), name, storageProviders: [...this.env.providersOnCreate], readyAt };
  }

  /** The simulated scan's verdict: Development's declares every upload clean; a deployed one finds the EICAR file. */
  simulatedScanFindsMalware(eicarFound: boolean): boolean {
    return eicarFound && this.env.scanInspectsContent;
  }

  /** Resources whose uploads wait for the scan webhook whatever `scanDelayMs` says (seed `manualScan`). */
  scanDelayFor(resourceId: string): number | null {
    const seeded = (this.seed.resources ?? []).find((r) => r.resourceId === resourceId);
    return seeded?.manualScan ? null : this.settings.scanDelayMs;
  }

  now(): Date {
    return this.clock.now();
  }

  nowIso(): string {
    return this.clock.now().toISOString();
  }

  mutated(name: MutationName): boolean {
    return this.mutations.has(name);
  }

  events(): BrokerCloudEvent[] {
    return [...this.eventLog];
  }

  emit(type: BrokerEventType, t: FileTransfer, actor: string, role: 'Sender' | 'Recipient'): void {
    if (type === 'published' && this.mutated('drop-published-event')) return;
    const event = makeEvent({
      type,
      time: this.mutated('timestamps-with-z') ? this.now().toISOString() : formatTimestamp(this.now()),
      resourceId: t.resourceId,
      fileTransferId: t.id,
      actor: type === 'published' && role === 'Recipient' && this.mutated('published-subject-is-sender') ? t.sender : actor,
      role,
      source: this.eventSource,
    });
    if (type === 'published' && this.mutated('random-published-event-ids')) event.id = randomUUID();
    this.eventLog.push(event);
    if (this.settings.logEvents) this.settings.log(`${event.type} event raised on instance ${t.id} for party with organization number ${bareOrg(actor)} and role ${role}`);
    try {
      this.settings.onEvent?.(event);
    } catch (error) {
      this.settings.log(`onEvent callback threw: ${(error as Error).message}`);
    }
  }

  saveConfiguration(): void {
    this.store.saveConfiguration(this.config);
  }

  resource(resourceId: string): StoredResource | undefined {
    return Object.hasOwn(this.config.resources, resourceId) ? this.config.resources[resourceId] : undefined;
  }

  serviceOwner(org: string): StoredServiceOwner | undefined {
    const key = bareOrg(org);
    return Object.hasOwn(this.config.serviceOwners, key) ? this.config.serviceOwners[key] : undefined;
  }

  registryResource(resourceId: string): SeedRegistryResource | undefined {
    return (this.seed.resourceRegistry ?? []).find((r) => r.resourceId === resourceId);
  }

  private rights(resourceId: string, org: string): SeedRights {
    const table = this.seed.policies?.[resourceId];
    return (table && Object.hasOwn(table, org) ? table[org] : undefined) ?? {};
  }

  /**
   * The PDP question "may this caller do `action` on `resourceId` for `party`" (§4.2). The Broker first requires the
   * resource to be configured with a service owner; the seed's policy table then decides, and by default a right
   * only counts for the caller's own org.
   */
  permits(caller: Caller, resourceId: string, party: string, action: 'read' | 'write'): boolean {
    const resource = this.resource(resourceId);
    if (!resource || !resource.serviceOwner) return false;
    if (!caller.org) return false;
    if ((this.seed.requireCallerIsParty ?? true) && bareOrg(party) !== caller.org) return false;
    return this.rights(resourceId, caller.org)[action] === true;
  }

  canSend(caller: Caller, t: FileTransfer): boolean {
    return this.permits(caller, t.resourceId, t.sender, 'write');
  }

  canReceive(caller: Caller, t: FileTransfer): boolean {
    return [...new Set(t.recipients)].some((r) => this.permits(caller, t.resourceId, r, 'read'));
  }

  /** Search right: the caller acting for itself, with read or write on the resource (the PDP's answer to the two-action request is unverified, §4.2). */
  canSearch(caller: Caller, resourceId: string): boolean {
    if (!caller.org) return false;
    const party = `0192:${caller.org}`;
    return this.permits(caller, resourceId, party, 'read') || this.permits(caller, resourceId, party, 'write');
  }
}

function configurationFromSeed(seed: Seed, defaultProviders: readonly StorageProviderType[]): Configuration {
  const c: Configuration = { serviceOwners: {}, resources: {} };
  for (const so of seed.serviceOwners ?? []) {
    const org = bareOrg(so.orgNumber);
    c.serviceOwners[org] = { orgNumber: org, name: so.name, storageProviders: so.storageProviders ?? [...defaultProviders] };
  }
  for (const r of seed.resources ?? []) {
    c.resources[r.resourceId] = {
      resourceId: r.resourceId,
      serviceOwner: bareOrg(r.serviceOwner),
      maxFileTransferSize: r.maxFileTransferSize ?? null,
      fileTransferTimeToLiveMs: r.fileTransferTimeToLive ? (parseXsDuration(r.fileTransferTimeToLive) ?? null) : null,
      purgeFileTransferAfterAllRecipientsConfirmed: r.purgeFileTransferAfterAllRecipientsConfirmed ?? true,
      purgeFileTransferGracePeriodMs: r.purgeFileTransferGracePeriod ? (parseXsDuration(r.purgeFileTransferGracePeriod) ?? null) : null,
      useManifestFileShim: r.useManifestFileShim ?? false,
      externalServiceCodeLegacy: r.externalServiceCodeLegacy ?? null,
      externalServiceEditionCodeLegacy: r.externalServiceEditionCodeLegacy ?? null,
      requiredParty: r.requiredParty ?? null,
      approvedForDisabledVirusScan: r.approvedForDisabledVirusScan ?? false,
    };
  }
  return c;
}

