/** @module The harness's only road to a Broker. */
export { BrokerClient, type BrokerClientOptions, type Checked, type RawRequest } from './broker-client.ts';
export { TransportError, UndiciTransport } from './transport.ts';
export { FileWindowStore, RateLimiter } from './rate-limit.ts';
export type * from './models.ts';
