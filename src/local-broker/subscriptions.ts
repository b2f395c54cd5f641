/** @module Altinn Events-style webhook subscriptions: the validate-subscription handshake, then each matching CloudEvent POSTed in order per subscription, with bounded retries. */
import { randomUUID } from 'node:crypto';
import type { BrokerCloudEvent } from './events.ts';

export interface SubscriptionRequest {
  endPoint: string;
  resourceFilter: string;
  subjectFilter: string | null;
  typeFilter: string | null;
  sourceFilter: string | null;
}

/** As Altinn Events returns it (camelCase, nulls written). */
export interface Subscription {
  id: number;
  endPoint: string;
  sourceFilter: string | null;
  subjectFilter: string | null;
  alternativeSubjectFilter: string | null;
  typeFilter: string | null;
  resourceFilter: string;
  consumer: string;
  createdBy: string;
  created: string;
  validated: boolean;
}

export interface DeliveryOptions {
  /** Waits between attempts; one attempt more than entries. Default [1000, 5000, 15000]; then the event is dropped (logged). */
  retryDelaysMs?: number[];
  /** Per attempt. Default 10 000 ms. */
  timeoutMs?: number;
}

export const VALIDATION_EVENT_TYPE = 'platform.events.validatesubscription';

interface Entry {
  sub: Subscription;
  queue: BrokerCloudEvent[];
  busy: boolean;
  removed: boolean;
}

export class EventDelivery {
  private readonly entries = new Map<number, Entry>();
  private nextId = 1;
  private closed = false;
  private readonly work = new Set<Promise<unknown>>();
  private readonly sleepers = new Set<() => void>();
  private readonly closing = new AbortController();
  private readonly retryDelaysMs: number[];
  private readonly timeoutMs: number;
  /** `<base>events/api/v1/` of this emulated platform; set when the server knows its URL. */
  eventsApiBase = 'http://127.0.0.1/events/api/v1/';

  constructor(
    options: DeliveryOptions,
    private readonly now: () => Date,
    private readonly log: (line: string) => void,
  ) {
    this.retryDelaysMs = options.retryDelaysMs ?? [1000, 5000, 15_000];
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  subscribe(request: SubscriptionRequest, consumerOrg: string | undefined): Subscription {
    const owner = consumerOrg ? `/organisation/${consumerOrg}` : '/organisation/unknown';
    const sub: Subscription = {
      id: this.nextId++,
      endPoint: request.endPoint,
      sourceFilter: request.sourceFilter,
      subjectFilter: request.subjectFilter,
      alternativeSubjectFilter: null,
      typeFilter: request.typeFilter,
      resourceFilter: request.resourceFilter,
      consumer: owner,
      createdBy: owner,
      created: this.now().toISOString(),
      validated: false,
    };
    const entry: Entry = { sub, queue: [], busy: false, removed: false };
    this.entries.set(sub.id, entry);
    this.track(this.validate(entry));
    return { ...sub };
  }

  get(id: number): Subscription | undefined {
    const e = this.entries.get(id);
    return e && { ...e.sub };
  }

  list(): Subscription[] {
    return [...this.entries.values()].map((e) => ({ ...e.sub }));
  }

  remove(id: number): boolean {
    const e = this.entries.get(id);
    if (!e) return false;
    e.removed = true;
    e.queue.length = 0;
    this.entries.delete(id);
    return true;
  }

  /** Queues the event for every subscription it matches (events emitted while a handshake is pending wait for it). */
  publish(event: BrokerCloudEvent): void {
    if (this.closed) return;
    for (const entry of this.entries.values()) {
      if (!matches(entry.sub, event)) continue;
      entry.queue.push(event);
      this.track(this.pump(entry));
    }
  }

  /** Resolves when every queue is empty and nothing is in flight (for tests and clean shutdown). */
  async settled(): Promise<void> {
    while (this.work.size) await Promise.allSettled([...this.work]);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.closing.abort();
    for (const wake of this.sleepers) wake();
    await this.settled();
  }

  private track(p: Promise<unknown>): void {
    this.work.add(p);
    void p.finally(() => this.work.delete(p));
  }

  private async validate(entry: Entry): Promise<void> {
    const event = {
      id: randomUUID(),
      source: `${this.eventsApiBase}subscriptions/${entry.sub.id}`,
      specversion: '1.0',
      type: VALIDATION_EVENT_TYPE,
      time: this.now().toISOString(),
    };
    if (await this.deliver(entry, event)) {
      entry.sub.validated = true;
      await this.pump(entry);
    } else {
      this.log(`subscription ${entry.sub.id}: ${entry.sub.endPoint} did not accept the validation event; it stays unvalidated`);
      entry.queue.length = 0;
    }
  }

  /** Delivers the queue in order, one event at a time; a failing event holds back the ones after it until it is given up. */
  private async pump(entry: Entry): Promise<void> {
    if (entry.busy || !entry.sub.validated) return;
    entry.busy = true;
    try {
      while (entry.queue.length && !this.closed && !entry.removed) {
        const event = entry.queue[0]!;
        if (!(await this.deliver(entry, event))) this.log(`subscription ${entry.sub.id}: gave up delivering ${event.type} ${event.id}`);
        entry.queue.shift();
      }
    } finally {
      entry.busy = false;
    }
  }

  private async deliver(entry: Entry, body: unknown): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      if (this.closed || entry.removed) return false;
      try {
        const res = await fetch(entry.sub.endPoint, {
          method: 'POST',
          headers: { 'content-type': 'application/cloudevents+json' },
          body: JSON.stringify(body),
          signal: AbortSignal.any([AbortSignal.timeout(this.timeoutMs), this.closing.signal]),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return true;
      } catch {
        // network failure or timeout: retried like an error status
      }
      const delay = this.retryDelaysMs[attempt];
      if (delay === undefined) return false;
      await this.sleep(delay);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }
}

function matches(sub: Subscription, event: BrokerCloudEvent): boolean {
  if (sub.resourceFilter !== event.resource) return false;
  if (sub.subjectFilter && sub.subjectFilter !== event.subject) return false;
  if (sub.typeFilter && sub.typeFilter !== event.type) return false;
  if (sub.sourceFilter && !event.source.startsWith(sub.sourceFilter)) return false;
  return true;
}
