/**
 * @module CloudEvents delivered to the platform as the Broker's Altinn event bus delivers them: one POST per event
 * to `{PlatformGatewayUrl}events/api/v1/events`, `Content-Type: application/cloudevents+json`, chunked body, Bearer
 * with the Broker's own Altinn token, no subscription key. Failure handling as the Broker's:
 * - 408/429/500/502/503/504 and network errors are retried after 100, 200, 400 ms (the standard retry policy);
 * - a final 401 fetches a fresh token and repeats the call once (the Maskinporten token handler);
 * - any other non-2xx is logged and the event is lost (the job succeeds);
 * - a network failure or token failure after that fails the job, and the job is retried on the Broker's clock
 *   (Hangfire's automatic retry, 10 attempts), then dropped with a log line.
 * Facts from Altinn/altinn-broker@161ba122:src/Altinn.Broker.Integrations/Altinn/Events/AltinnEventBus.cs and
 * src/Altinn.Broker.Core/Helpers/HttpClientBuilderExtensions.cs.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Clock, Scheduler } from './clock.ts';
import type { BrokerCloudEvent } from './events.ts';
import type { PlatformTokens } from './platform-token.ts';

export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';
const RETRIED_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
/** The HttpClient default timeout, over the whole call including retries. */
const CALL_TIMEOUT_MS = 100_000;

/** Hangfire's default retry delay for attempt n (1-based): (n − 1)⁴ + 15 + 15·n seconds (its random part at its mean). */
export const HANGFIRE_RETRY_DELAYS_MS = Array.from({ length: 10 }, (_, i) => ((i ** 4) + 15 + 15 * (i + 1)) * 1000);

export interface EventPublishingOptions {
  /** Waits of the HTTP retry policy (default [100, 200, 400] ms). */
  httpRetryDelaysMs?: number[];
  /** Waits, on the Broker's clock, before each re-run of a failed publish job (default Hangfire's 10 attempts). */
  jobRetryDelaysMs?: number[];
}

export class EventPublisher {
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;
  /** Counts for tests and the log: events delivered (2xx), lost on an error status, dropped after the job retries. */
  readonly stats = { delivered: 0, lost: 0, dropped: 0, posts: 0 };
  private readonly endpoint: URL;

  constructor(
    gatewayUrl: string,
    private readonly tokens: PlatformTokens,
    private readonly clock: Clock,
    private readonly scheduler: Scheduler,
    private readonly log: (line: string) => void,
    private readonly options: EventPublishingOptions = {},
  ) {
    this.endpoint = new URL('events/api/v1/events', gatewayUrl.endsWith('/') ? gatewayUrl : `${gatewayUrl}/`);
  }

  /** Starts the publish job of one event (after the transition is stored, asynchronously, as a background job). */
  publish(event: BrokerCloudEvent): void {
    this.run(event, 0);
  }

  /** Resolves when no publish attempt is in flight (scheduled re-runs are not waited for). */
  async settled(): Promise<void> {
    while (this.inFlight.size) await Promise.all(this.inFlight);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.settled();
  }

  private run(event: BrokerCloudEvent, failedAttempts: number): void {
    if (this.closed) return;
    const p = this.attempt(event, failedAttempts).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  private async attempt(event: BrokerCloudEvent, failedAttempts: number): Promise<void> {
    const what = `${event.type} ${event.id} of ${event.resourceinstance}`;
    try {
      const deadline = Date.now() + CALL_TIMEOUT_MS;
      let answer = await this.postWithRetries(event, await this.tokens.token(), deadline);
      if (answer.status === 401) answer = await this.postWithRetries(event, await this.tokens.token(true), deadline);
      if (answer.status >= 200 && answer.status < 300) {
        this.stats.delivered++;
        return;
      }
      this.stats.lost++;
      this.log(`posting cloud event ${what} to ${this.endpoint.href} answered ${answer.status}: ${answer.text.slice(0, 300)} (logged only, as the Broker)`);
    } catch (error) {
      const delays = this.options.jobRetryDelaysMs ?? HANGFIRE_RETRY_DELAYS_MS;
      const delay = delays[failedAttempts];
      if (delay === undefined) {
        this.stats.dropped++;
        this.log(`publishing cloud event ${what} failed for good after ${failedAttempts + 1} attempts: ${(error as Error).message}`);
        return;
      }
      this.log(`publishing cloud event ${what} failed (${(error as Error).message}); job retry ${failedAttempts + 1} in ${delay} ms of Broker time`);
      this.scheduler.at(`publish:${event.id}:${failedAttempts + 1}`, new Date(this.clock.now().getTime() + delay), () => this.run(event, failedAttempts + 1));
    }
  }

  /** One call through the standard retry policy; throws when the last attempt did not get an answer. */
  private async postWithRetries(event: BrokerCloudEvent, token: string, deadline: number): Promise<{ status: number; text: string }> {
    const waits = this.options.httpRetryDelaysMs ?? [100, 200, 400];
    for (let i = 0; ; i++) {
      let answer: { status: number; text: string } | undefined;
      let failure: Error | undefined;
      try {
        answer = await this.post(event, token, deadline);
      } catch (error) {
        failure = error as Error;
      }
      const retry = failure !== undefined || RETRIED_STATUSES.has(answer!.status);
      if (!retry || i >= waits.length || Date.now() + waits[i]! >= deadline) {
        if (failure) throw failure;
        return answer!;
      }
      await new Promise((r) => setTimeout(r, waits[i]));
    }
  }

  private post(event: BrokerCloudEvent, token: string, deadline: number): Promise<{ status: number; text: string }> {
    this.stats.posts++;
    const send = this.endpoint.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        this.endpoint,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': CLOUDEVENTS_CONTENT_TYPE },
          timeout: Math.max(deadline - Date.now(), 1),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e) => reject(new Error(`could not reach ${this.endpoint.href}: ${(e as { code?: string }).code ?? e.message}`)));
      // No Content-Length: the body goes out chunked, as JsonContent does.
      req.write(JSON.stringify(event));
      req.end();
    });
  }
}
