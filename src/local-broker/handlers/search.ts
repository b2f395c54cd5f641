/** @module E6 search (§6): filters on current status, latest actor status, the right timestamp, role, order and the cap of 100. */
import { Errors, fail, invalid } from '../errors.ts';
import { ACTOR_STATUSES, currentStatus, FILE_TRANSFER_STATUSES, type FileTransfer } from '../model.ts';
import { sendJson, type RequestContext } from '../server.ts';

const MAX_RESULTS = 100;

function notValid(name: string, value: string): never {
  invalid({ [name]: [`The value '${value}' is not valid.`] });
}

/** Enum binding: a name (case-insensitive) or a defined number. */
function enumParam<T extends string>(q: URLSearchParams, name: string, values: readonly T[]): T | undefined {
  const raw = q.get(name);
  if (raw === null || raw.trim() === '') return undefined;
  const v = raw.trim();
  if (/^\d+$/.test(v)) return values[Number(v)] ?? notValid(name, raw);
  return values.find((x) => x.toLowerCase() === v.toLowerCase()) ?? notValid(name, raw);
}

function dateParam(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw.trim() === '') return undefined;
  let v = raw.trim();
  // Values without an offset are server local time, which is UTC on the Broker's servers.
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(v)) v = `${v.replace(' ', 'T')}${v.length === 10 ? 'T00:00:00' : ''}Z`;
  const ms = Date.parse(v);
  return Number.isNaN(ms) || !onTheCalendar(v, ms) ? notValid(name, raw) : ms;
}

/** DateTimeOffset's range (years 1–9999, also in UTC) and real calendar days: Date.parse rolls 2026-02-30 over into March. */
const MIN_MS = -62_135_596_800_000;
const MAX_MS = 253_402_300_799_999;
function onTheCalendar(v: string, ms: number): boolean {
  if (ms < MIN_MS || ms > MAX_MS) return false;
  const m = /^([+-]?\d{4,6})-(\d{2})-(\d{2})/.exec(v);
  if (!m) return true;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1 || year > 9999 || month < 1 || month > 12) return false;
  return day >= 1 && day <= new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeap(year) ? 1 : 0);
}
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

function boolParam(q: URLSearchParams, name: string): boolean | undefined {
  const raw = q.get(name);
  if (raw === null || raw.trim() === '') return undefined;
  if (/^(true|false)$/i.test(raw.trim())) return raw.trim().toLowerCase() === 'true';
  notValid(name, raw);
}

export async function searchHandler(rc: RequestContext): Promise<void> {
  const { b, query } = rc;
  const resourceId = query.get('resourceId');
  if (resourceId === null || resourceId === '') invalid({ resourceId: ['The resourceId field is required.'] });
  const status = enumParam(query, 'status', FILE_TRANSFER_STATUSES);
  const recipientStatus = enumParam(query, 'recipientStatus', ACTOR_STATUSES);
  const from = dateParam(query, 'from');
  const to = dateParam(query, 'to');
  const ascending = boolParam(query, 'orderAscending') ?? false;
  const role = enumParam(query, 'role', ['Sender', 'Recipient'] as const);

  if (!rc.caller.org) fail(Errors.NoAccessToResource);
  if (!b.canSearch(rc.caller, resourceId)) fail(Errors.NoAccessToResource);
  b.registryResource(resourceId) ?? fail(Errors.ResourceNotRegistered);

  const actor = `0192:${rc.caller.org}`;
  const isActor = (t: FileTransfer) => t.actorHistory.some((e) => e.actor === actor);
  const isSender = (t: FileTransfer) => t.sender === actor;
  const latestActorStatus = (t: FileTransfer) => t.actorHistory.filter((e) => e.actor === actor).at(-1)?.status;

  const hits: Array<{ id: string; at: number }> = [];
  for (const t of b.store.transfers.values()) {
    if (t.resourceId !== resourceId) continue;
    if (recipientStatus !== undefined) {
      if (!isActor(t) || latestActorStatus(t) !== recipientStatus) continue;
    } else if (role === 'Sender') {
      if (!isSender(t)) continue;
    } else if (role === 'Recipient') {
      if (!isActor(t)) continue;
    } else if (!isActor(t) && !isSender(t)) continue;
    if (status !== undefined && currentStatus(t) !== status) continue;
    const entered = status !== undefined ? t.history.filter((h) => h.status === status).at(-1)?.at : t.created;
    const at = Date.parse(entered ?? t.created);
    if (from !== undefined && to !== undefined) {
      if (at < from || at > to) continue;
    } else if (from !== undefined) {
      if (at <= from) continue;
    } else if (to !== undefined) {
      if (at >= to) continue;
    }
    hits.push({ id: t.id, at });
  }
  hits.sort((x, y) => (ascending ? x.at - y.at : y.at - x.at));
  sendJson(rc, 200, (rc.b.mutated('no-search-cap') ? hits : hits.slice(0, MAX_RESULTS)).map((h) => h.id));
}
