/** @module Service owner (E10/E11, §9.1–9.2) and resource configuration (E12/E13, §9.3–9.4). */
import { caseInsensitive, conversionError, readJsonBody } from '../body.ts';
import { formatTimeSpan, parseXsDuration, DAY } from '../duration.ts';
import { Errors, fail, invalid } from '../errors.ts';
import { bareOrg } from '../seed.ts';
import { sendEmpty, sendJson, type RequestContext } from '../server.ts';
import type { StoredResource } from '../store.ts';

const MAX_SIZE_PRODUCTION = 50_000_000_000;
const MAX_SIZE_UNTESTED = 32 * 50_000 * 1024 * 1024;

export async function createServiceOwnerHandler(rc: RequestContext): Promise<void> {
  const body = caseInsensitive(await readJsonBody(rc, 'serviceOwnerInitializeExt'));
  if (!body) invalid({ $: [conversionError('', 'Altinn.Broker.Models.ServiceOwner.ServiceOwnerInitializeExt').replace('Path: $.', 'Path: $')], serviceOwnerInitializeExt: ['The serviceOwnerInitializeExt field is required.'] });
  const name = body.get('name');
  if (name !== undefined && name !== null && typeof name !== 'string') invalid({ '$.name': [conversionError('name', 'System.String')], serviceOwnerInitializeExt: ['The serviceOwnerInitializeExt field is required.'] });
  if (typeof name !== 'string' || name === '') invalid({ Name: ['The Name field is required.'] });
  if (name.length > 500) invalid({ Name: ['The field Name must be a string with a maximum length of 500.'] });
  const org = rc.caller.org ?? fail(Errors.CallerOrganizationUnknown);
  if (rc.b.serviceOwner(org)) fail(Errors.ServiceOwnerAlreadyExists);
  rc.b.config.serviceOwners[org] = rc.b.newServiceOwner(org, name);
  rc.b.saveConfiguration();
  rc.res.writeHead(200, { 'content-length': 0 });
  rc.res.end();
}

export async function getServiceOwnerHandler(rc: RequestContext): Promise<void> {
  const org = rc.caller.org ?? fail(Errors.CallerOrganizationUnknown);
  const owner = rc.b.serviceOwner(org) ?? fail(Errors.ServiceOwnerNotFound);
  sendJson(rc, 200, {
    name: owner.name,
    storageProviders: owner.storageProviders.map((type) => ({
      type,
      deploymentStatus: rc.b.readyProviders(owner).includes(type) ? 'Ready' : 'DeployingResources',
      deploymentEnvironment: rc.b.env.name,
    })),
  });
}

type ResourceField = [json: string, type: string, ok: (v: unknown) => boolean];
/** An integer the .NET type can hold (a number beyond it fails conversion, as it does for System.Text.Json). */
const integerWithin = (max: number) => (v: unknown) => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
  return Number.isInteger(n) && Math.abs(n) <= max;
};
const isInteger = integerWithin(2_147_483_647);
const RESOURCE_FIELDS: ResourceField[] = [
  ['maxFileTransferSize', 'System.Nullable`1[System.Int64]', integerWithin(9_223_372_036_854_775_807)],
  ['fileTransferTimeToLive', 'System.String', (v) => typeof v === 'string'],
  ['purgeFileTransferAfterAllRecipientsConfirmed', 'System.Nullable`1[System.Boolean]', (v) => typeof v === 'boolean'],
  ['purgeFileTransferGracePeriod', 'System.String', (v) => typeof v === 'string'],
  ['useManifestFileShim', 'System.Nullable`1[System.Boolean]', (v) => typeof v === 'boolean'],
  ['externalServiceCodeLegacy', 'System.String', (v) => typeof v === 'string'],
  ['externalServiceEditionCodeLegacy', 'System.Nullable`1[System.Int32]', isInteger],
  ['requiredParty', 'System.String', (v) => typeof v === 'string'],
];

/** Bound ResourceExt: only fields present and non-null (absent/null = "do not change"). */
function bindResource(value: unknown): Record<string, unknown> {
  const required = { resourceExt: ['The resourceExt field is required.'] };
  const props = caseInsensitive(value);
  if (!props) invalid({ $: [conversionError('', 'Altinn.Broker.Models.ResourceExt').replace('Path: $.', 'Path: $')], ...required });
  const out: Record<string, unknown> = {};
  for (const [name, type, ok] of RESOURCE_FIELDS) {
    const v = props.get(name.toLowerCase());
    if (v === undefined || v === null) continue;
    if (!ok(v)) invalid({ [`$.${name}`]: [conversionError(name, type)], ...required });
    out[name] = typeof v === 'string' && type.includes('Int') ? Number(v) : v;
  }
  if (out.useManifestFileShim === true) {
    const messages: string[] = [];
    if (!out.externalServiceCodeLegacy) messages.push('ExternalServiceCodeLegacy must be set and not be an empty string.');
    if (!out.externalServiceEditionCodeLegacy) messages.push('ExternalServiceEditionCodeLegacy must be set and not be zero.');
    if (messages.length) invalid({ '': messages });
  }
  return out;
}

export async function putResourceHandler(rc: RequestContext): Promise<void> {
  const { b } = rc;
  const resourceId = rc.params.resourceId!;
  const body = bindResource(await readJsonBody(rc, 'resourceExt'));
  const caller = rc.caller.org ?? fail(Errors.NoAccessToResource);
  let resource = b.resource(resourceId);
  let owner: string;
  if (resource) {
    if (resource.serviceOwner !== caller) fail(Errors.NoAccessToResource);
    owner = resource.serviceOwner;
  } else {
    const registry = b.registryResource(resourceId);
    if (!registry?.ownerOrgNumber) fail(Errors.ResourceNotRegistered);
    owner = bareOrg(registry.ownerOrgNumber);
    if (owner !== caller) fail(Errors.NoAccessToResource);
    if (!b.serviceOwner(owner)) fail(Errors.ServiceOwnerOfResourceNotConfigured);
  }

  const update: Partial<StoredResource> = {};
  if (body.maxFileTransferSize !== undefined) {
    const size = body.maxFileTransferSize as number;
    if (size < 0) fail(Errors.MaxFileSizeCannotBeNegative);
    if (size === 0) fail(Errors.MaxFileSizeCannotBeZero);
    if (b.production && !resource?.approvedForDisabledVirusScan && size > MAX_SIZE_PRODUCTION) fail(Errors.MaxFileSizeOverPolicy);
    if (size > MAX_SIZE_UNTESTED) fail(Errors.MaxFileSizeOverUntested);
    update.maxFileTransferSize = size;
  }
  if (body.fileTransferTimeToLive !== undefined) {
    const ttl = parseXsDuration(body.fileTransferTimeToLive as string) ?? fail(Errors.InvalidTimeToLiveFormat);
    if (ttl > 365 * DAY) fail(Errors.TimeToLiveCannotExceed365Days);
    update.fileTransferTimeToLiveMs = ttl;
  }
  if (body.purgeFileTransferAfterAllRecipientsConfirmed !== undefined)
    update.purgeFileTransferAfterAllRecipientsConfirmed = body.purgeFileTransferAfterAllRecipientsConfirmed as boolean;
  if (body.purgeFileTransferGracePeriod !== undefined) {
    const grace = parseXsDuration(body.purgeFileTransferGracePeriod as string) ?? fail(Errors.InvalidGracePeriodFormat);
    if (grace > DAY) fail(Errors.GracePeriodCannotExceed24Hours);
    update.purgeFileTransferGracePeriodMs = grace;
  }
  if (body.useManifestFileShim !== undefined) update.useManifestFileShim = body.useManifestFileShim as boolean;
  if (body.externalServiceCodeLegacy !== undefined) update.externalServiceCodeLegacy = body.externalServiceCodeLegacy as string;
  if (body.externalServiceEditionCodeLegacy !== undefined) update.externalServiceEditionCodeLegacy = body.externalServiceEditionCodeLegacy as number;
  if (body.requiredParty !== undefined) update.requiredParty = body.requiredParty === '' ? null : (body.requiredParty as string);

  resource ??= {
    resourceId,
    serviceOwner: owner,
    maxFileTransferSize: null,
    fileTransferTimeToLiveMs: null,
    purgeFileTransferAfterAllRecipientsConfirmed: true,
    purgeFileTransferGracePeriodMs: null,
    useManifestFileShim: false,
    externalServiceCodeLegacy: null,
    externalServiceEditionCodeLegacy: null,
    requiredParty: null,
    approvedForDisabledVirusScan: false,
  };
  b.config.resources[resourceId] = { ...resource, ...update };
  b.saveConfiguration();
  sendEmpty(rc, 204);
}

export async function getResourceHandler(rc: RequestContext): Promise<void> {
  const r = rc.b.resource(rc.params.resourceId!) ?? fail(Errors.ResourceNotConfigured);
  if (rc.caller.org !== r.serviceOwner) fail(Errors.NoAccessToResource);
  sendJson(rc, 200, {
    maxFileTransferSize: r.maxFileTransferSize,
    fileTransferTimeToLive: r.fileTransferTimeToLiveMs === null ? null : formatTimeSpan(r.fileTransferTimeToLiveMs),
    purgeFileTransferAfterAllRecipientsConfirmed: r.purgeFileTransferAfterAllRecipientsConfirmed,
    purgeFileTransferGracePeriod: r.purgeFileTransferGracePeriodMs === null ? null : formatTimeSpan(r.purgeFileTransferGracePeriodMs),
    useManifestFileShim: r.useManifestFileShim,
    externalServiceCodeLegacy: r.externalServiceCodeLegacy,
    externalServiceEditionCodeLegacy: r.externalServiceEditionCodeLegacy,
    requiredParty: r.requiredParty,
  });
}
