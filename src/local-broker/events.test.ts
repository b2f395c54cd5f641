/** @module Self-tests of CloudEvent construction: key order, subject form, and the deterministic `published` id as a .NET Guid. */
import { expect, test } from '@playwright/test';
import { createHash } from 'node:crypto';
import { makeEvent, publishedEventId } from './events.ts';

test('published id = first 16 bytes of SHA-256 read as a .NET Guid (first three groups byte-swapped)', () => {
  const input = 'published:6f1c2d8e-3b7a-4c1e-9a52-0d4f7e8b9c10:Sender:0192:991825827';
  const bytes = Buffer.from(createHash('sha256').update(input).digest().subarray(0, 16));
  // Independent route: swap with Buffer helpers instead of index arithmetic.
  bytes.subarray(0, 4).swap32();
  bytes.subarray(4, 6).swap16();
  bytes.subarray(6, 8).swap16();
  const hex = bytes.toString('hex');
  const expected = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  expect(publishedEventId('6f1c2d8e-3b7a-4c1e-9a52-0d4f7e8b9c10', 'Sender', '0192:991825827')).toBe(expected);
});

test('events have lower-case keys in the Broker order, URN subject without prefix digits, random ids otherwise', () => {
  const e = makeEvent({
    type: 'downloadconfirmed',
    time: '2026-08-18T10:00:00+00:00',
    resourceId: 'r',
    fileTransferId: 'f',
    actor: 'urn:altinn:organization:identifier-no:991825827',
    role: 'Sender',
    source: 'https://platform.tt02.altinn.no/broker/api/v1/filetransfer',
  });
  expect(Object.keys(e)).toEqual(['specversion', 'id', 'type', 'time', 'resource', 'resourceinstance', 'subject', 'source', 'data']);
  expect(e).toMatchObject({
    specversion: '1.0',
    type: 'no.altinn.broker.downloadconfirmed',
    resource: 'urn:altinn:resource:r',
    subject: 'urn:altinn:organization:identifier-no:991825827',
    data: { Role: 'Sender' },
  });
  expect(e.id).toMatch(/^[0-9a-f-]{36}$/);
});
