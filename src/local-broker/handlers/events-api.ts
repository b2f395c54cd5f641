/** @module The emulated platform's Altinn Events API on the Broker's own server: polling `GET /events/api/v1/events` and webhook subscriptions. */
import { readJsonBody } from '../body.ts';
import { sendJson, sendText, type RequestContext } from '../server.ts';
import type { EventDelivery, SubscriptionRequest } from '../subscriptions.ts';

const EVENTS = '/events/api/v1/events';
const DEFAULT_PAGE = 50;
const MAX_PAGE = 1000;

function badRequest(rc: RequestContext, detail: string): void {
  const body = JSON.stringify({ type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1', title: 'Bad Request', status: 400, detail });
  sendText(rc.res, 400, body, 'application/problem+json; charset=utf-8');
}

function baseUrl(rc: RequestContext): string {
  return `http://${rc.req.headers.host ?? '127.0.0.1'}`;
}

/**
 * `GET /events/api/v1/events?resource=urn:altinn:resource:<id>&after=<event id|0>&subject=&type=&size=` → the events
 * after `after`, oldest first, and a `Next` header naming the following page (Altinn Events' paging).
 */
export async function pollEventsHandler(rc: RequestContext): Promise<void> {
  const q = rc.query;
  const resource = q.get('resource') ?? '';
  const after = q.get('after') ?? '';
  if (!resource) return badRequest(rc, "The 'resource' parameter must be defined.");
  if (!after) return badRequest(rc, "The 'after' parameter must be defined.");
  const sizeText = q.get('size');
  const size = sizeText === null || sizeText === '' ? DEFAULT_PAGE : Number(sizeText);
  if (!Number.isInteger(size) || size < 1) return badRequest(rc, "The 'size' parameter must be a number larger that 0.");
  const subject = q.get('subject') || undefined;
  const types = q.getAll('type').filter(Boolean);

  const all = rc.b.events();
  let start = 0;
  if (after !== '0') {
    const i = all.findIndex((e) => e.id === after);
    start = i === -1 ? all.length : i + 1; // an unknown id has nothing after it
  }
  const page = all
    .slice(start)
    .filter((e) => e.resource === resource && (!subject || e.subject === subject) && (types.length === 0 || types.includes(e.type)))
    .slice(0, Math.min(size, MAX_PAGE));
  const next = new URLSearchParams();
  next.set('resource', resource);
  next.set('after', page.at(-1)?.id ?? after);
  if (subject) next.set('subject', subject);
  for (const t of types) next.append('type', t);
  if (sizeText) next.set('size', String(size));
  rc.res.setHeader('next', `${baseUrl(rc)}${EVENTS}?${next}`);
  sendJson(rc, 200, page);
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

function absoluteHttpUrl(v: string | null): boolean {
  if (!v) return false;
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** `POST /events/api/v1/subscriptions` `{endPoint, resourceFilter, subjectFilter?, typeFilter?, sourceFilter?}` → 201 subscription. */
export function createSubscriptionHandler(delivery: EventDelivery) {
  return async (rc: RequestContext): Promise<void> => {
    const body = (await readJsonBody(rc, 'subscription')) as Record<string, unknown> | null;
    const get = (name: string) => (body && typeof body === 'object' ? text(Object.entries(body).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1]) : null);
    const request: SubscriptionRequest = {
      endPoint: get('endPoint') ?? '',
      resourceFilter: get('resourceFilter') ?? '',
      subjectFilter: get('subjectFilter'),
      typeFilter: get('typeFilter'),
      sourceFilter: get('sourceFilter'),
    };
    if (!absoluteHttpUrl(request.endPoint)) return sendText(rc.res, 400, 'Missing or invalid endpoint to push events towards.');
    if (!/^urn:altinn:resource:[^:\s]+$/.test(request.resourceFilter)) {
      return sendText(rc.res, 400, 'A valid resource filter is required: urn:altinn:resource:<resource id>.');
    }
    const sub = delivery.subscribe(request, rc.caller.org);
    rc.res.setHeader('location', `${baseUrl(rc)}/events/api/v1/subscriptions/${sub.id}`);
    sendJson(rc, 201, sub);
  };
}

export function listSubscriptionsHandler(delivery: EventDelivery) {
  return async (rc: RequestContext): Promise<void> => {
    const subscriptions = delivery.list();
    sendJson(rc, 200, { count: subscriptions.length, subscriptions });
  };
}

export function getSubscriptionHandler(delivery: EventDelivery) {
  return async (rc: RequestContext): Promise<void> => {
    const sub = delivery.get(Number(rc.params.id));
    if (!sub) return sendText(rc.res, 404, '');
    sendJson(rc, 200, sub);
  };
}

export function deleteSubscriptionHandler(delivery: EventDelivery) {
  return async (rc: RequestContext): Promise<void> => {
    if (!delivery.remove(Number(rc.params.id))) return sendText(rc.res, 404, '');
    sendText(rc.res, 200, `Subscription ${rc.params.id} deleted`);
  };
}
