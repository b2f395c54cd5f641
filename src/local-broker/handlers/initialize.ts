/** @module E1 initialize (§2.2): JSON binding, validation, then the processing steps 1–9 shared with E3. */
import type { Caller } from '../auth.ts';
import type { Broker } from '../broker.ts';
import { caseInsensitive, conversionError, readJsonBody } from '../body.ts';
import { Errors, fail, invalid, ValidationProblem } from '../errors.ts';
import { validateInitialize, type RawInitialize } from '../initialize-validation.ts';
import { createTransfer, type NewTransfer } from '../lifecycle.ts';
import type { FileTransfer } from '../model.ts';
import { randomUUID } from 'node:crypto';
import { bareOrg } from '../seed.ts';
import { sendJson, type RequestContext } from '../server.ts';

const STRING = 'System.String';
const FIELDS: Array<[keyof RawInitialize, string, (v: unknown) => boolean]> = [
  ['fileName', STRING, (v) => typeof v === 'string'],
  ['resourceId', STRING, (v) => typeof v === 'string'],
  ['sendersFileTransferReference', STRING, (v) => typeof v === 'string'],
  ['sender', STRING, (v) => typeof v === 'string'],
  ['recipients', 'System.Collections.Generic.List`1[System.String]', (v) => Array.isArray(v) && v.every((e) => e === null || typeof e === 'string')],
  [
    'propertyList',
    'System.Collections.Generic.Dictionary`2[System.String,System.String]',
    (v) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((e) => e === null || typeof e === 'string'),
  ],
  ['checksum', STRING, (v) => typeof v === 'string'],
  ['disableVirusScan', 'System.Nullable`1[System.Boolean]', (v) => typeof v === 'boolean'],
];

/** Deserialises like System.Text.Json: case-insensitive names, unknown ones ignored, the first type mismatch stops binding. */
function bindInitialize(value: unknown): RawInitialize {
  const required = { initializeExt: ['The initializeExt field is required.'] };
  if (value === null) invalid(required);
  const props = caseInsensitive(value);
  if (!props) invalid({ $: [conversionError('', 'Altinn.Broker.Models.FileTransferInitalizeExt').replace('Path: $.', 'Path: $')], ...required });
  const raw: RawInitialize = {};
  for (const [name, type, ok] of FIELDS) {
    if (!props.has(name.toLowerCase())) continue;
    const v = props.get(name.toLowerCase());
    if (v !== null && !ok(v)) invalid({ [`$.${name}`]: [conversionError(name, type)], ...required });
    (raw as Record<string, unknown>)[name] = v;
  }
  return raw;
}

export async function initializeHandler(rc: RequestContext): Promise<void> {
  const raw = bindInitialize(await readJsonBody(rc, 'initializeExt'));
  failOnNulWhenMutated(rc.b, raw);
  let input: NewTransfer;
  try {
    input = validateInitialize(raw);
  } catch (error) {
    if (error instanceof ValidationProblem && rc.b.mutated('half-created-transfer') && Object.keys(error.errors).every((k) => k === 'PropertyList')) leaveHalfCreated(rc.b, raw);
    throw error;
  }
  const t = initializeTransfer(rc.b, rc.caller, input);
  sendJson(rc, 200, { fileTransferId: t.id });
}

/** §2.2 processing order, first failure wins. */
export function initializeTransfer(b: Broker, caller: Caller, input: NewTransfer): FileTransfer {
  if (!b.permits(caller, input.resourceId, input.sender, 'write')) fail(Errors.NoAccessToResource);
  const resource = b.resource(input.resourceId) ?? fail(Errors.ResourceNotConfigured);
  const owner = b.serviceOwner(resource.serviceOwner) ?? fail(Errors.ServiceOwnerNotConfigured);
  if (input.disableVirusScan && b.production && !resource.approvedForDisabledVirusScan) fail(Errors.NeedApprovalToDisableVirusScan);
  const provider = input.disableVirusScan ? 'AltinnAzureWithoutVirusScan' : 'AltinnAzure';
  if (!b.readyProviders(owner).includes(provider)) fail(b.mutated('code-21-text') ? { ...Errors.StorageProviderNotReady, detail: 'Storage provider is not ready.' } : Errors.StorageProviderNotReady);
  const registry = b.registryResource(input.resourceId) ?? fail(Errors.ResourceNotRegistered);
  if (registry.accessListMode === 'Enabled') {
    const members = new Set((registry.accessList ?? []).map(bareOrg));
    if (!input.recipients.every((r) => members.has(bareOrg(r)))) fail(Errors.RecipientsNotInAccessList);
  }
  if (resource.requiredParty) {
    const party = bareOrg(resource.requiredParty);
    if (bareOrg(input.sender) !== party) {
      if (input.recipients.length > 1) fail(Errors.RequiredPartyTooManyRecipients);
      if (bareOrg(input.recipients[0] ?? '') !== party) fail(Errors.RequiredPartyNotPresent);
    }
  }
  return createTransfer(b, input);
}

/** Mutation `5xx-on-nul`: a NUL anywhere in the request's strings fails as a database write would (unhandled, 500). */
export function failOnNulWhenMutated(b: Broker, raw: RawInitialize): void {
  if (b.mutated('5xx-on-nul') && JSON.stringify(raw).includes('\\u0000')) throw new Error('22021: invalid byte sequence for encoding "UTF8": 0x00');
}

/** Mutation `half-created-transfer`: the row is written before the refusal, without any status. */
function leaveHalfCreated(b: Broker, raw: RawInitialize): void {
  const now = b.now().toISOString();
  const recipients = (raw.recipients ?? []).filter((r): r is string => typeof r === 'string').map((r) => `0192:${bareOrg(r)}`);
  b.store.save({
    id: randomUUID(),
    resourceId: raw.resourceId ?? '',
    fileName: raw.fileName ?? '',
    sendersFileTransferReference: raw.sendersFileTransferReference ?? '',
    checksum: null,
    useVirusScan: true,
    size: 0,
    created: now,
    expirationTime: now,
    sender: `0192:${bareOrg(raw.sender ?? '')}`,
    recipients,
    propertyList: {},
    history: [],
    actorHistory: recipients.map((actor) => ({ actor, status: 'Initialized' as const, at: now })),
    hasFile: false,
  });
}
