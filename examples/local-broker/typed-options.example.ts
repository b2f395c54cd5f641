// The local Broker from TypeScript without a loader: only its declarations are used here (checked with tsc).
import { DEFAULT_ENVIRONMENT, startLocalBroker, type BrokerCloudEvent, type LocalBrokerHandle, type LocalBrokerOptions } from 'broker-conformance/local-broker';

const options: LocalBrokerOptions = { port: 0, environmentName: DEFAULT_ENVIRONMENT, scanDelayMs: null, emulatorEndpoints: { clock: true } };

export async function start(): Promise<LocalBrokerHandle> {
  const broker = await startLocalBroker(options);
  const events: BrokerCloudEvent[] = broker.events();
  if (events.length !== 0) throw new Error('a fresh Broker has emitted nothing');
  await broker.advanceClock(60_000);
  return broker;
}
