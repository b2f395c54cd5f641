/**
 * @module The shape of an environment file: where a Broker lives, how each actor gets a token,
 * what the environment can do, and how hard we may poll it. Secrets never appear here, only the
 * names of the environment variables that hold them.
 */

/** How one actor obtains its bearer token. Every secret is referenced by environment-variable name. */
export type TokenProviderConfig =
  | {
      /** Offline chain against the platform doubles: Maskinporten grant → Altinn exchange. */
      kind: 'local-chain';
      scopes: string[];
      /** Send a system-user `authorization_details` for this org instead of an enterprise token. */
      systemUser?: boolean;
    }
  | {
      /** Maskinporten JWT-bearer grant signed with jose, optionally exchanged for an Altinn token. */
      kind: 'maskinporten';
      clientIdEnv: string;
      /** Key id registered on the client; omit when a certificate chain (x5c) is used. */
      kidEnv?: string;
      /** PKCS#8 PEM, a JWK as JSON, or a base64-encoded JWK. */
      privateKeyEnv?: string;
      /** Path to a file holding the key (PEM or JWK). */
      privateKeyFileEnv?: string;
      /** PEM certificate chain, leaf first: sent as `x5c` instead of `kid`. */
      certificateChainEnv?: string;
      scopes: string[];
      /** Ask for a system-user token for this org (`0192:` prefix added when missing). */
      systemUserOrg?: string;
      /** Optional `resource` claim (target API audience). */
      resource?: string[];
      /** Exchange the Maskinporten token for an Altinn token (default true). */
      exchange?: boolean;
    }
  | {
      /** The Altinn test-token generator (AltinnTestTools), Basic credentials from the environment. */
      kind: 'test-token-generator';
      tokenKind: 'enterprise' | 'systemuser';
      /** The generator's `env` parameter, e.g. `tt02`. */
      env: string;
      usernameEnv: string;
      passwordEnv: string;
      scopes: string[];
      orgNo: string;
      systemUserId?: string;
      ttlSeconds?: number;
      baseUrl?: string;
    }
  | {
      /** A token the user brings, read from an environment variable. */
      kind: 'static';
      tokenEnv: string;
    };

export interface ActorConfig {
  /** The actor's organisation, `0192:<9 digits>`. */
  org: string;
  token: TokenProviderConfig;
}

export interface Capabilities {
  /** May PUT resource configuration (service-owner scope on the test resource). */
  configureResources: boolean;
  /** May register/read the service owner. */
  serviceOwnerAdmin: boolean;
  /** The Broker's clock can be advanced (only the embedded local Broker). */
  clock: boolean;
  /** How events can be observed. */
  events: 'webhook' | 'poll' | 'none';
  /** Transfers with `disableVirusScan: true` can be created. */
  disableVirusScan: boolean;
  /** Scan results can be posted to the malware webhook (UploadProcessing → Failed on demand). */
  malwareWebhook: boolean;
  /** TUS resumable upload is offered. */
  tus: boolean;
  /** Faults can be injected into the Broker (only the embedded local Broker). */
  faultInjection: boolean;
  /**
   * How uploads with virus scan are scanned (default `real`): `simulated` where every upload is
   * declared clean (a Development Broker with `GeneralSettings:SimulateMalwareScan=true`), so tests
   * that need malware found (EICAR) SKIP with that reason.
   */
  malwareScan?: 'real' | 'simulated';
  /**
   * The robustness suite (hostile corpus and races). Absent: on for the embedded Broker and `broker-dev`,
   * off elsewhere; a shared environment opts in with a rate that respects its limits.
   */
  robustness?: RobustnessCapability;
}

export interface RobustnessCapability {
  enabled: boolean;
  /** Requests per minute the suite may send (absent: unpaced). */
  ratePerMinute?: number;
  /** Sampled corpus cases beyond the always-sent sentinel cases. */
  count?: number;
  /** Seed of the sample (BROKER_ROBUSTNESS_SEED overrides it). */
  seed?: number;
  /** Recipients in the many-recipients initialize. */
  manyRecipients?: number;
  /** Concurrent requests in each race. */
  raceSize?: number;
  /** Every answer must arrive within this (default: the environment's request timeout). */
  answerWithinMs?: number;
}

/**
 * What the `outsider` actor is. `resource` (default): it holds the Broker scopes and read/write rights
 * on the environment's resources, but is party to none of the harness's transfers. `none`: it has no
 * rights on the resources at all (the authorization decision denies it everything). Either way it is
 * refused on others' transfers; they differ in search (200 without others' transfers vs 401 code 6).
 */
export type OutsiderRights = 'resource' | 'none';

export interface OutsiderConfig extends ActorConfig {
  rights?: OutsiderRights;
}

export interface PollingConfig {
  /** Total time one wait-for-state may take. */
  budgetMs: number;
  intervalMs: number;
  maxIntervalMs: number;
}

/** Requests per minute per operation, as enforced by the platform gateway; absent = unlimited. */
export type RateLimits = Partial<Record<'initialize' | 'upload' | 'overview' | 'details' | 'search' | 'download' | 'confirm' | 'default', number>>;

export interface EnvironmentConfig {
  name: string;
  description: string;
  kind: 'local' | 'remote';
  /** Broker base URL (`{base}/broker/api/v1/...`); `embedded` = the harness starts the local Broker. */
  brokerBaseUrl: string;
  platform?: {
    altinnIssuer: string;
    openIdConfigurationUrl: string;
    exchangeUrl: string;
    eventsBaseUrl?: string;
  };
  maskinporten?: {
    issuer: string;
    tokenEndpoint: string;
  };
  /** Name of the variable holding the APIM subscription key; sent only when configured. */
  apimSubscriptionKeyEnv?: string;
  actors: {
    sender: ActorConfig;
    recipients: ActorConfig[];
    serviceOwner?: ActorConfig;
    /** An organisation that is neither sender nor recipient (for access checks); `rights` says which kind. */
    outsider?: OutsiderConfig;
  };
  /** The only resources the harness may use; the first is the default. */
  resources: string[];
  capabilities: Capabilities;
  polling: PollingConfig;
  rateLimits: RateLimits;
  /**
   * Playwright workers a run uses when the command line names none (default: Playwright's, half the
   * cores): a number, or a share of the cores such as `100%` (Playwright's notation). Rate-limited
   * workers share one pacing window.
   */
  workers?: number | `${number}%`;
  timeouts: { requestMs: number };
  /**
   * Retries the environment allows (default none): after a 429, honouring Retry-After; after a
   * gateway error (502/503/504) or a reset, for idempotent requests only. Every attempt is recorded.
   */
  retries?: { rateLimited?: number; transient?: number };
  /**
   * The OpenAPI document the Broker generates about itself, checked like the published contract (a
   * disagreement is a WARN). When `brokerPath` is set, the document is fetched from this Broker at
   * the start of every run; otherwise (or when that fetch fails) BROKER_SERVED_CONTRACT or `source`
   * names it. Either way the run keeps a copy in its report folder, compared with the last run's.
   */
  servedContract?: {
    /** Path or URL of a saved copy (`${VAR}` allowed). */
    source?: string;
    /** Where this Broker serves its own document, relative to `brokerBaseUrl`, e.g. `/swagger/v1/swagger.json`. */
    brokerPath?: string;
  };
  /** Response checks switched off by id (an unknown id is a configuration error). */
  checks?: { disabled?: string[] };
  /**
   * A Broker built from source and run against the harness's strict doubles of its platform
   * (`broker-conformance doubles`): they listen on the ports of `platform` and `maskinporten`.
   */
  doubles?: {
    /** Keeps the doubles' signing keys, the Broker's settings file and the drift log (relative to the working directory). */
    stateDir: string;
    /** A local-Broker seed for the PDP, Resource Registry and Register (default: the local Broker's default seed). */
    seedFile?: string;
  };
  /** Options for the embedded local Broker (kind `local`). */
  localBroker?: {
    port?: number;
    seedFile?: string;
    scanDelayMs?: number;
    /** Deliberate faults to start the local Broker with (mutation testing of the suites). */
    mutations?: string[];
    /** An API gateway in front of the local Broker with rate limits (429 + Retry-After), by built-in name (`tt02`). */
    gatewayProfile?: string;
  };
}
