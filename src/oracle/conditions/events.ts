/** @module Conditions on CloudEvents (§5.2): every event observed validates against the contract's CloudEvent schema and its webhook's. */
import type { CompiledContract } from '../../contract/index.ts';
import { resolvePointer } from '../../contract/pointer.ts';
import { condition, fail, pass, type Condition } from '../condition.ts';

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
