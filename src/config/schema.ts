/** @module JSON Schema (2020-12) of an environment file; `load.ts` validates every file against it. */

const envVarName = { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$' } as const;
const org = {
  type: 'string',
  pattern: '^0192:[0-9]{9}$',
  description: 'organisation number with its ISO 6523 prefix, e.g. 0192:991825827',
} as const;
const scopes = { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 } as const;
const url = { type: 'string', pattern: '^https?://' } as const;

const tokenProvider = {
  type: 'object',
  required: ['kind'],
  properties: { kind: { enum: ['local-chain', 'maskinporten', 'test-token-generator', 'static'] } },
  allOf: [
    {
      if: { properties: { kind: { const: 'local-chain' } } },
      then: {
        additionalProperties: false,
        required: ['kind', 'scopes'],
        properties: { kind: {}, scopes, systemUser: { type: 'boolean' } },
      },
    },
    {
      if: { properties: { kind: { const: 'maskinporten' } } },
      then: {
        additionalProperties: false,
        required: ['kind', 'clientIdEnv', 'scopes'],
        properties: {
          kind: {},
          clientIdEnv: envVarName,
          kidEnv: envVarName,
          privateKeyEnv: envVarName,
          privateKeyFileEnv: envVarName,
          certificateChainEnv: envVarName,
          scopes,
          systemUserOrg: { type: 'string', pattern: '^(0192:)?[0-9]{9}$' },
          resource: { type: 'array', items: { type: 'string' } },
          exchange: { type: 'boolean' },
        },
        anyOf: [{ required: ['privateKeyEnv'] }, { required: ['privateKeyFileEnv'] }],
      },
    },
    {
      if: { properties: { kind: { const: 'test-token-generator' } } },
      then: {
        additionalProperties: false,
        required: ['kind', 'tokenKind', 'env', 'usernameEnv', 'passwordEnv', 'scopes', 'orgNo'],
        properties: {
          kind: {},
          tokenKind: { enum: ['enterprise', 'systemuser'] },
          env: { type: 'string', minLength: 1 },
          usernameEnv: envVarName,
          passwordEnv: envVarName,
          scopes,
          orgNo: { type: 'string', pattern: '^[0-9]{9}$' },
          systemUserId: { type: 'string', format: 'uuid' },
          ttlSeconds: { type: 'integer', minimum: 60 },
          baseUrl: url,
        },
      },
    },
    {
      if: { properties: { kind: { const: 'static' } } },
      then: { additionalProperties: false, required: ['kind', 'tokenEnv'], properties: { kind: {}, tokenEnv: envVarName } },
    },
  ],
} as const;

const actor = {
  type: 'object',
  additionalProperties: false,
  required: ['org', 'token'],
  properties: { org, token: tokenProvider },
} as const;

const outsider = {
  ...actor,
  properties: {
    ...actor.properties,
    rights: {
      enum: ['resource', 'none'],
      description:
        'resource (default): holds the Broker scopes and read/write rights on the resources, party to no transfer of the harness; none: no rights on the resources at all',
    },
  },
} as const;

const positiveInt = { type: 'integer', minimum: 1 } as const;

export const environmentSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://broker-conformance.local/schemas/environment.json',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'description', 'kind', 'brokerBaseUrl', 'actors', 'resources', 'capabilities', 'polling', 'rateLimits', 'timeouts'],
  properties: {
    $schema: { type: 'string' },
    name: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$' },
    description: { type: 'string' },
    kind: { enum: ['local', 'remote'] },
    brokerBaseUrl: { anyOf: [{ const: 'embedded' }, url] },
    platform: {
      type: 'object',
      additionalProperties: false,
      required: ['altinnIssuer', 'openIdConfigurationUrl', 'exchangeUrl'],
      properties: { altinnIssuer: url, openIdConfigurationUrl: url, exchangeUrl: url, eventsBaseUrl: url },
    },
    maskinporten: {
      type: 'object',
      additionalProperties: false,
      required: ['issuer', 'tokenEndpoint'],
      properties: { issuer: url, tokenEndpoint: url },
    },
    apimSubscriptionKeyEnv: envVarName,
    actors: {
      type: 'object',
      additionalProperties: false,
      required: ['sender', 'recipients'],
      properties: {
        sender: actor,
        recipients: { type: 'array', items: actor, minItems: 1 },
        serviceOwner: actor,
        outsider,
      },
    },
    resources: { type: 'array', items: { type: 'string', pattern: '^[^:]{1,255}$' }, minItems: 1 },
    capabilities: {
      type: 'object',
      additionalProperties: false,
      required: ['configureResources', 'serviceOwnerAdmin', 'clock', 'events', 'disableVirusScan', 'malwareWebhook', 'tus', 'faultInjection'],
      properties: {
        configureResources: { type: 'boolean' },
        serviceOwnerAdmin: { type: 'boolean' },
        clock: { type: 'boolean' },
        events: { enum: ['webhook', 'poll', 'none'] },
        disableVirusScan: { type: 'boolean' },
        malwareWebhook: { type: 'boolean' },
        tus: { type: 'boolean' },
        faultInjection: { type: 'boolean' },
        robustness: {
          type: 'object',
          additionalProperties: false,
          required: ['enabled'],
          properties: {
            enabled: { type: 'boolean' },
            ratePerMinute: positiveInt,
            count: { type: 'integer', minimum: 0, maximum: 5000 },
            seed: { type: 'integer', minimum: 0 },
            manyRecipients: { type: 'integer', minimum: 0, maximum: 10000 },
            raceSize: { type: 'integer', minimum: 2, maximum: 50 },
            answerWithinMs: positiveInt,
          },
        },
        malwareScan: { enum: ['real', 'simulated'], description: 'simulated: every scanned upload is declared clean (malware tests SKIP)' },
      },
    },
    polling: {
      type: 'object',
      additionalProperties: false,
      required: ['budgetMs', 'intervalMs', 'maxIntervalMs'],
      properties: { budgetMs: positiveInt, intervalMs: positiveInt, maxIntervalMs: positiveInt },
    },
    rateLimits: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(
        ['initialize', 'upload', 'overview', 'details', 'search', 'download', 'confirm', 'default'].map((k) => [k, positiveInt]),
      ),
    },
    timeouts: { type: 'object', additionalProperties: false, required: ['requestMs'], properties: { requestMs: positiveInt } },
    retries: {
      type: 'object',
      additionalProperties: false,
      properties: { rateLimited: { type: 'integer', minimum: 0, maximum: 10 }, transient: { type: 'integer', minimum: 0, maximum: 5 } },
    },
    workers: { oneOf: [{ type: 'integer', minimum: 1, maximum: 16 }, { type: 'string', pattern: '^(100|[1-9][0-9]?)%$' }] },
    servedContract: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: { source: { type: 'string', minLength: 1 }, brokerPath: { type: 'string', pattern: '^/' } },
    },
    checks: {
      type: 'object',
      additionalProperties: false,
      properties: { disabled: { type: 'array', items: { type: 'string' }, uniqueItems: true } },
    },
    doubles: {
      type: 'object',
      additionalProperties: false,
      required: ['stateDir'],
      description: 'broker-dev: the harness runs strict doubles of the platform a Broker built from source calls, on the ports of platform and maskinporten',
      properties: { stateDir: { type: 'string', minLength: 1 }, seedFile: { type: 'string', minLength: 1 } },
    },
    localBroker: {
      type: 'object',
      additionalProperties: false,
      properties: {
        port: { type: 'integer', minimum: 0, maximum: 65535 },
        seedFile: { type: 'string' },
        scanDelayMs: { type: 'integer', minimum: 0 },
        mutations: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true },
        gatewayProfile: { type: 'string', enum: ['tt02'] },
      },
    },
  },
} as const;
