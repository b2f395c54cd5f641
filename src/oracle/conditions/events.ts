/** @module Conditions on CloudEvents (§5): the contract's CloudEvent schema, who each event is addressed to, and the deterministic ids of `published` events. */
import type { CompiledContract } from '../../contract/index.ts';
import { resolvePointer } from '../../contract/pointer.ts';
import { createHash } from 'node:crypto';
import { compare, condition, fail, pass, type Condition } from '../condition.ts';
import { EVENT_PREFIX, transition } from '../transitions.ts';

interface EventLike {
  type?: string;
  id?: string;
}

const CLOUD_EVENT = '/components/schemas/CloudEvent';
const webhookBody = (type: string) => `/webhooks/${type.replaceAll('~', '~0').replaceAll('/', '~1')}/post/requestBody/content/application~1cloudevents+json/schema`;

/** EVT-004: each event matches `#/components/schemas/CloudEvent` and, where the contract has one, the schema of its own webhook. */
export function CloudEventsMatchTheContract(contract: CompiledContract): Condition<EventLike[]> {
  return condition<EventLike[]>('CloudEventsMatchTheContractSchema', 'EVT-004', '§5.2', (events) => {
    const problems: string[] = [];
    for (const e of events) {
      // The webhook's own schema only where the contract has one for this type.
      const own = e.type && resolvePointer(contract.document, webhookBody(e.type)) !== undefined ? [webhookBody(e.type)] : [];
      for (const pointer of [CLOUD_EVENT, ...own]) {
        const r = contract.validateAt(pointer, e);
        if ('error' in r) {
          problems.push(`${contract.name} contract has no usable ${pointer}: ${r.error}`);
          continue;
        }
        if (!r.valid) problems.push(`${e.type ?? '?'} ${e.id ?? ''}: ${r.errors.slice(0, 3).map((x) => `${x.instancePath || '(root)'} ${x.message}`).join('; ')} (${pointer})`);
      }
    }
    if (events.length === 0) return fail('no events to validate', 'at least one event', 0);
    return problems.length === 0
      ? pass(`${events.length} events match the ${contract.name} contract's CloudEvent schema`, CLOUD_EVENT, events.length)
      : fail(`${problems.length} schema violation(s): ${problems[0]}`, CLOUD_EVENT, problems);
  });
}

/** The CloudEvents fields the subject and id rules read. */
export interface AddressedEvent {
  id?: string;
  type: string;
  subject?: string;
  data?: { Role?: string } & Record<string, unknown>;
}

/** One transition that happened, with the recipients it concerns (for `one` Recipient events: the acting recipient first). */
export interface EventStep {
  key: string;
  recipients: string[];
}

/** `urn:altinn:organization:identifier-no:<9 digits>` for `0192:<orgno>`, a URN or a bare number (§5.2: prefix removed, then added). */
export function organizationSubject(party: string): string {
  return `urn:altinn:organization:identifier-no:${party.slice(party.lastIndexOf(':') + 1)}`;
}

/** The `type/Role/subject` triples the oracle expects for the steps, sorted. */
export function expectedAddressedEvents(steps: readonly EventStep[], sender: string): string[] {
  const out: string[] = [];
  for (const step of steps) {
    for (const e of transition(step.key).events) {
      const parties = e.role === 'Sender' ? [sender] : e.count === 'each' ? step.recipients : step.recipients.slice(0, 1);
      for (const p of parties) out.push(`${EVENT_PREFIX}${e.type}/${e.role}/${organizationSubject(p)}`);
    }
  }
  return out.sort();
}

/** EVT-009: every event goes to the party its role names: Sender events to the sender, a Recipient event to that recipient. */
export function eventsAddressedAsDocumented(steps: readonly EventStep[], sender: string, requirement = 'EVT-009'): Condition<readonly AddressedEvent[]> {
  return condition<readonly AddressedEvent[]>('EventsAddressedToTheirParties', requirement, '§5.1, §5.2', (events) => {
    const expected = expectedAddressedEvents(steps, sender);
    const actual = events.map((e) => `${e.type}/${e.data?.Role ?? '(no Role)'}/${e.subject ?? '(no subject)'}`).sort();
    const missing = expected.filter((x, i) => expected.indexOf(x) === i && expected.filter((y) => y === x).length > actual.filter((y) => y === x).length);
    const extra = actual.filter((x, i) => actual.indexOf(x) === i && actual.filter((y) => y === x).length > expected.filter((y) => y === x).length);
    if (missing.length === 0 && extra.length === 0) return pass(`${actual.length} events, each addressed to its party`, expected, actual);
    return fail(`events (type/Role/subject): missing ${missing.join(', ') || 'none'}; unexpected ${extra.join(', ') || 'none'}`, expected, actual);
  });
}

/**
 * The id the Broker gives a `published` event (§5.2): the first 16 bytes of SHA-256 over
 * `published:<fileTransferId>:<Sender|Recipient>:<actorExternalId>`, read as a .NET Guid (its first three
 * groups little-endian). `actorExternalId` is the sender as stored at initialize, recipients `0192:<orgno>`.
 */
export function expectedPublishedEventId(fileTransferId: string, role: 'Sender' | 'Recipient', actorExternalId: string): string {
  const d = createHash('sha256').update(`published:${fileTransferId}:${role}:${actorExternalId}`, 'utf8').digest();
  const h = (...idx: number[]) => idx.map((i) => d[i]!.toString(16).padStart(2, '0')).join('');
  return `${h(3, 2, 1, 0)}-${h(5, 4)}-${h(7, 6)}-${h(8, 9)}-${h(10, 11, 12, 13, 14, 15)}`;
}

/** EVT-010: each `published` event has the deterministic id of its transfer, role and party. */
export function publishedEventIdsAreDeterministic(fileTransferId: string, sender: string, recipients: readonly string[]): Condition<readonly AddressedEvent[]> {
  return condition<readonly AddressedEvent[]>('PublishedEventIdsAreDeterministic', 'EVT-010', '§5.2', (events) => {
    const published = events.filter((e) => e.type === `${EVENT_PREFIX}published`);
    const want = [expectedPublishedEventId(fileTransferId, 'Sender', sender), ...recipients.map((r) => expectedPublishedEventId(fileTransferId, 'Recipient', r))].sort();
    const got = published.map((e) => e.id ?? '(no id)').sort();
    if (published.length === 0) return fail('no published events to check', want, got);
    return compare('published event ids', { ids: { expected: want, actual: got } });
  });
}
