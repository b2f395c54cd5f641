/** @module CloudEvents as the Broker emits them (§5): lower-case keys in order, `subject` as an org URN, deterministic ids for `published`. */
import { createHash, randomUUID } from 'node:crypto';
import { bareOrg } from './seed.ts';

export type BrokerEventType =
  | 'filetransferinitialized'
  | 'uploadprocessing'
  | 'published'
  | 'uploadfailed'
  | 'downloadconfirmed'
  | 'allconfirmeddownloaded'
  | 'filepurged'
  | 'fileneverconfirmeddownloaded';

export interface BrokerCloudEvent {
  specversion: '1.0';
  id: string;
  type: string;
  time: string;
  resource: string;
  resourceinstance: string;
  subject: string;
  source: string;
  data: { Role: 'Sender' | 'Recipient' };
}

export function makeEvent(o: {
  type: BrokerEventType;
  time: string;
  resourceId: string;
  fileTransferId: string;
  actor: string;
  role: 'Sender' | 'Recipient';
  source: string;
}): BrokerCloudEvent {
  return {
    specversion: '1.0',
    id: o.type === 'published' ? publishedEventId(o.fileTransferId, o.role, o.actor) : randomUUID(),
    type: `no.altinn.broker.${o.type}`,
    time: o.time,
    resource: `urn:altinn:resource:${o.resourceId}`,
    resourceinstance: o.fileTransferId,
    subject: `urn:altinn:organization:identifier-no:${bareOrg(o.actor)}`,
    source: o.source,
    data: { Role: o.role },
  };
}

/** First 16 bytes of SHA-256(`published:<id>:<role>:<actor>`) read as a .NET Guid (first three groups little-endian). */
export function publishedEventId(fileTransferId: string, role: 'Sender' | 'Recipient', actorExternalId: string): string {
  const b = createHash('sha256').update(`published:${fileTransferId}:${role}:${actorExternalId}`, 'utf8').digest().subarray(0, 16);
  const hex = (bytes: number[]) => bytes.map((x) => x.toString(16).padStart(2, '0')).join('');
  const at = (i: number) => b[i]!;
  return [
    hex([at(3), at(2), at(1), at(0)]),
    hex([at(5), at(4)]),
    hex([at(7), at(6)]),
    hex([at(8), at(9)]),
    hex([10, 11, 12, 13, 14, 15].map(at)),
  ].join('-');
}
