/**
 * @module The embedded local Broker and the strict platform doubles together: with a platform gateway and
 * its own Maskinporten client, the local Broker POSTs each CloudEvent to the Events ingest double exactly
 * as a Broker built from source does (no drift), and the events read back through the Events API the
 * harness polls are the ones the Broker emitted.
 */
import { expect, test } from '@playwright/test';
import { exportJWK, generateKeyPair } from 'jose';
import { loadSeed } from '../local-broker/index.ts';
import { BROKER_PLATFORM_SCOPE } from '../local-broker/platform-token.ts';
import { eventually, startTestBroker } from '../local-broker/testing.ts';
import { startPlatform } from './platform.ts';

test('the local Broker delivers its CloudEvents to the Events ingest double, which serves them to the poller, with no drift', async () => {
  const platform = await startPlatform({ brokerPlatform: { seed: loadSeed(undefined) } });
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = 'local-broker-client';
  platform.registerClient({ clientId: 'local-broker', org: '991825827', scopes: BROKER_PLATFORM_SCOPE.split(' '), keys: [{ kid, key: { ...(await exportJWK(publicKey)), kid } }] });
  const tb = await startTestBroker({
    platformGatewayUrl: `${platform.platformBaseUrl}/`,
    maskinporten: { clientId: 'local-broker', privateKey: { ...(await exportJWK(privateKey)), kid }, tokenEndpoint: platform.maskinportenTokenEndpoint, exchangeUrl: platform.exchangeUrl },
  });
  try {
    const id = await tb.initialize({});
    await tb.upload(id, 'payload');
    const emitted = tb.broker.events().filter((e) => e.resourceinstance === id);
    expect(emitted.map((e) => e.type)).toContain('no.altinn.broker.published');
    // Delivery is asynchronous (a job after the request); the double keeps what arrived.
    const delivered = await eventually(async () => {
      const got = platform.brokerPlatform!.events().filter((e) => e.resourceinstance === id);
      return got.length === emitted.length ? got : undefined;
    });
    expect(delivered.map((e) => e.id).sort()).toEqual(emitted.map((e) => e.id).sort());
    expect(delivered.every((e) => e.source === `${platform.platformBaseUrl}/broker/api/v1/filetransfer`)).toBe(true);
    // The poller's read: the Events API of the platform double, as on broker-dev.
    const reader = await platform.altinn.sign({ 'urn:altinn:orgNumber': '986252932', scope: 'altinn:events.subscribe' });
    const polled = await fetch(`${platform.platformBaseUrl}/events/api/v1/events?resource=${encodeURIComponent(emitted[0]!.resource)}&after=0`, { headers: { authorization: `Bearer ${reader}` } });
    expect(polled.status).toBe(200);
    const page = (await polled.json()) as { id: string }[];
    expect(emitted.every((e) => page.some((p) => p.id === e.id))).toBe(true);
    expect(platform.drift!.lines()).toEqual([]);
  } finally {
    await tb.close();
    await platform.close();
  }
});
