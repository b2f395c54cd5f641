/** @module Starts the embedded local Broker in-process: `startLocalBroker(options)` → a real HTTP server on loopback and a handle to its state. */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenVerifier } from './auth.ts';
import { Broker } from './broker.ts';
import { isControllable, OffsetClock, type Clock, type ControllableClock, type Scheduler } from './clock.ts';
import type { BrokerCloudEvent } from './events.ts';
import type { TokenSigner } from './handlers/emulator.ts';
import { rescheduleAll } from './lifecycle.ts';
import { resumeTusCompletion } from './tus-completion.ts';
import { parseMutations, type MutationName } from './mutations.ts';
import { brokerRoutes, emulatorRoutes } from './routes.ts';
import { loadSeed, type Seed } from './seed.ts';
import { createPipeline } from './server.ts';
import { Store } from './store.ts';
import { EventDelivery, type DeliveryOptions } from './subscriptions.ts';
import { createGateway, resolveGatewayProfile, type GatewayProfile, type GatewayStats } from './gateway.ts';
import { EventPublisher, type EventPublishingOptions } from './event-publisher.ts';
import { DEFAULT_ENVIRONMENT, environmentRules, parseEnvironmentName } from './environment.ts';
import { PlatformTokens, type BrokerMaskinportenSettings } from './platform-token.ts';

export type { Seed } from './seed.ts';
export { loadSeed } from './seed.ts';
export type { BrokerCloudEvent } from './events.ts';
export type { Clock, ControllableClock } from './clock.ts';
export { ManualClock, OffsetClock } from './clock.ts';
/** The Altinn token issuer double: trust its `openIdConfigurationUrl` and sign actors' tokens with `sign(claims)`. */
export { startAltinnIssuer, type AltinnIssuerDouble } from '../platform/altinn-issuer.ts';
export type { Subscription, DeliveryOptions } from './subscriptions.ts';
export { MUTATIONS, type MutationName } from './mutations.ts';
export { builtInGatewayProfile, type GatewayProfile, type GatewayStats } from './gateway.ts';
export type { BrokerMaskinportenSettings } from './platform-token.ts';
export { ENVIRONMENT_NAMES, DEFAULT_ENVIRONMENT, type EnvironmentName } from './environment.ts';
export { BROKER_PLATFORM_SCOPE } from './platform-token.ts';
export type { EventPublishingOptions, EventPublisher } from './event-publisher.ts';

export interface LocalBrokerOptions {
  /** Default 5096; 0 = an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Payloads and state; default a fresh temporary directory, removed on close. Reuse one to keep transfers across restarts. */
  dataDir?: string;
  /** Seed object or path to a seed JSON file; default `default-seed.json`. Ignored for configuration already saved in dataDir. */
  seed?: Seed | string;
  /** Discovery URLs (`.well-known/openid-configuration` or `.well-known/oauth-authorization-server`) of trusted token issuers. */
  trustedIssuers?: string[];
  /** Validate token lifetime (`exp`/`nbf`, zero clock skew). Default: as the environment (off in Development). */
  validateLifetime?: boolean;
  /** Simulated malware scan delay in ms (default 0: published inside the upload request); null = wait for the webhook. */
  scanDelayMs?: number | null;
  /**
   * The Broker's notion of now; every timestamp and scheduled task runs off it. Default an `OffsetClock` (real time
   * that `advanceClock` and `/_emulator/clock/advance` can move forward). The clock endpoint needs a controllable one.
   */
  clock?: Clock;
  /** Deliberate faults (see mutations.ts). */
  mutations?: Iterable<MutationName | string>;
  /** Called for every CloudEvent emitted (delivery to subscribers is not part of the core). */
  onEvent?: (event: BrokerCloudEvent) => void;
  /**
   * The Broker's ASP.NET environment: `Development`, `test`, `staging` or `production` (case-insensitive). Default
   * `test`, a deployed non-production Broker. What it decides is listed in environment.ts and the README.
   */
  environmentName?: string;
  /** `StatisticsApiKey`: the `X-API-Key` the statistics endpoints E15/E16 accept; without it they answer 401 "not configured". */
  statisticsApiKey?: string;
  /** How long E10's background provisioning of a new service owner's storage takes on the Broker clock (default 0). */
  storageProvisioningDelayMs?: number;
  /**
   * `AltinnOptions:PlatformGatewayUrl`: the CloudEvent `source` prefix and, with `maskinporten`, where every CloudEvent
   * is POSTed (`{platformGatewayUrl}events/api/v1/events`). Default the Broker's own URL (events stay in-process).
   */
  platformGatewayUrl?: string;
  /**
   * The Broker's own Maskinporten client (`MaskinportenSettings`). With it (and `platformGatewayUrl`) each CloudEvent is
   * POSTed to the platform with an Altinn token from this Maskinporten grant + exchange; without it events are only
   * kept in-process (the Broker's log-only event bus).
   */
  maskinporten?: BrokerMaskinportenSettings;
  /** Retry timing of the CloudEvent POSTs (HTTP retry policy, background-job retries). */
  eventPublishing?: EventPublishingOptions;
  /**
   * Emulator and emulated-platform endpoints; all off unless enabled. `events`: `GET /_emulator/events` and the Events
   * polling API `GET /events/api/v1/events`; `subscriptions`: `/events/api/v1/subscriptions` with webhook delivery;
   * `clock`: `GET /_emulator/clock`, `POST /_emulator/clock/advance`; `tokenSigner`: `POST /_emulator/tokens`.
   */
  emulatorEndpoints?: { events?: boolean; subscriptions?: boolean; clock?: boolean; faults?: boolean; tokenSigner?: TokenSigner };
  /** Webhook delivery to subscribers: retry waits and per-attempt timeout. */
  eventDelivery?: DeliveryOptions;
  /** Log sink (never receives tokens); default console.error. */
  log?: (line: string) => void;
  /** Log a line per CloudEvent (as the Broker's console event bus). Default false. */
  logEvents?: boolean;
  /**
   * An API gateway in front of the Broker API with per-operation, per-subscription rate limits (429 with
   * `Retry-After`), by built-in name (`tt02`) or as data; none by default, as a Broker run on its own has none.
   */
  gatewayProfile?: string | GatewayProfile;
}

export interface LocalBrokerHandle {
  /** `http://host:port` without a trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  /**
   * Moves a controllable clock forward, running every scheduled task that comes due, in time order, before it
   * resolves (what `POST /_emulator/clock/advance` does). Throws when the clock given in the options cannot move.
   */
  advanceClock(milliseconds: number): Promise<void>;
  /** Webhook subscriptions and their delivery queues. */
  readonly subscriptions: EventDelivery;
  /** Every CloudEvent emitted since start, in order. */
  events(): BrokerCloudEvent[];
  /** CloudEvent delivery to the platform gateway, when `maskinporten` is configured. */
  readonly eventPublisher: EventPublisher | undefined;
  /** The broker's internals, for later emulator features (clock control, delivery) and white-box tests. */
  readonly broker: Broker;
  /** Requests the gateway let through and refused per operation; undefined without a gateway profile. */
  gatewayStats(): GatewayStats | undefined;
  close(): Promise<void>;
}

export async function startLocalBroker(options: LocalBrokerOptions = {}): Promise<LocalBrokerHandle> {
  const clock = options.clock ?? new OffsetClock();
  if (options.emulatorEndpoints?.clock && !isControllable(clock)) {
    throw new Error('emulatorEndpoints.clock needs a controllable clock (with advance(ms)); omit `clock` to get one');
  }
  // Validate everything that can be wrong before anything is created on disk.
  const seed = loadSeed(options.seed);
  const environment = environmentRules(parseEnvironmentName(options.environmentName ?? DEFAULT_ENVIRONMENT));
  const provisioningDelay = options.storageProvisioningDelayMs ?? 0;
  if (!Number.isFinite(provisioningDelay) || provisioningDelay < 0) throw new Error(`storageProvisioningDelayMs must be a non-negative number, got ${provisioningDelay}`);
  const mutations = parseMutations(options.mutations);
  const log = options.log ?? ((line: string) => console.error(`[local-broker] ${line}`));
  if (options.maskinporten && !options.platformGatewayUrl) {
    throw new Error('maskinporten needs platformGatewayUrl: the CloudEvents are POSTed to {platformGatewayUrl}events/api/v1/events');
  }
  if (options.platformGatewayUrl !== undefined && !/^https?:\/\/\S+$/.test(options.platformGatewayUrl)) {
    throw new Error(`platformGatewayUrl must be an http(s) URL, got '${options.platformGatewayUrl}'`);
  }
  const platformTokens = options.maskinporten ? new PlatformTokens(options.maskinporten, () => clock.now(), log) : undefined;
  const gatewayProfile = options.gatewayProfile === undefined ? undefined : resolveGatewayProfile(options.gatewayProfile);
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'local-broker-'));
  const removeTempDir = () => {
    if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
  };
  let publisher: EventPublisher | undefined;
  const delivery = new EventDelivery(options.eventDelivery ?? {}, () => clock.now(), log);
  const broker = new Broker({
    clock,
    store: new Store(dataDir),
    seed,
    verifier: new TokenVerifier(options.trustedIssuers ?? [], clock, options.validateLifetime ?? environment.validateLifetimeByDefault),
    mutations,
    scanDelayMs: options.scanDelayMs === undefined ? 0 : options.scanDelayMs,
    environment,
    storageProvisioningDelayMs: provisioningDelay,
    statisticsApiKey: options.statisticsApiKey,
    onEvent: (event) => {
      delivery.publish(event);
      publisher?.publish(event);
      options.onEvent?.(event);
    },
    log,
    logEvents: options.logEvents ?? false,
  });
  broker.platformTokens = platformTokens;
  if (platformTokens) {
    publisher = new EventPublisher(options.platformGatewayUrl!, platformTokens, clock, broker.scheduler, log, options.eventPublishing);
  }
  const routes = [
    ...brokerRoutes(),
    ...emulatorRoutes({
      events: options.emulatorEndpoints?.events ?? false,
      clock: options.emulatorEndpoints?.clock ? { clock: clock as ControllableClock, scheduler: broker.scheduler } : undefined,
      subscriptions: options.emulatorEndpoints?.subscriptions ? delivery : undefined,
      sign: options.emulatorEndpoints?.tokenSigner,
      faults: options.emulatorEndpoints?.faults ?? false,
    }),
  ];
  const gateway = gatewayProfile === undefined ? undefined : createGateway(gatewayProfile, createPipeline(broker, routes));
  // Kestrel keeps an idle connection for 130 s (Node: 5 s); a client reusing a pooled connection after 5 s would
  // otherwise race the server's close and see ECONNRESET. Kestrel allows 32 KiB of request headers: a 20 KB
  // Authorization header reaches authentication (401), not 431.
  const server: Server = createServer(
    { requestTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: 130_000, maxHeaderSize: 32_768 },
    gateway?.listener ?? createPipeline(broker, routes),
  );
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => {
      void broker.scheduler.close();
      void delivery.close();
      removeTempDir();
      reject(error);
    };
    server.once('error', onError);
    server.listen(options.port ?? 5096, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  broker.eventSource = `${(options.platformGatewayUrl ?? `${url}/`).replace(/\/?$/, '/')}broker/api/v1/filetransfer`;
  delivery.eventsApiBase = `${url}/events/api/v1/`;
  rescheduleAll(broker);
  resumeTusCompletion(broker);

  return {
    url,
    port,
    dataDir,
    clock,
    scheduler: broker.scheduler,
    broker,
    events: () => broker.events(),
    gatewayStats: () => gateway?.stats(),
    eventPublisher: publisher,
    subscriptions: delivery,
    advanceClock: async (milliseconds) => {
      if (!isControllable(clock)) throw new Error('this broker runs on a clock that cannot be advanced');
      await broker.scheduler.advance(clock, milliseconds);
    },
    close: async () => {
      await broker.scheduler.close();
      await delivery.close();
      await publisher?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        for (const s of sockets) s.destroy();
      });
      removeTempDir();
    },
  };
}
