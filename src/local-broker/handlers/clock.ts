/** @module Emulator clock control: `GET /_emulator/clock` and `POST /_emulator/clock/advance`, which runs all work that came due, in time order, before answering. */
import { readJsonBody } from '../body.ts';
import type { ControllableClock, Scheduler } from '../clock.ts';
import { parseXsDuration } from '../duration.ts';
import { invalid } from '../errors.ts';
import { sendJson, type RequestContext } from '../server.ts';

export function getClockHandler(clock: ControllableClock) {
  return async (rc: RequestContext): Promise<void> => sendJson(rc, 200, { now: clock.now().toISOString() });
}

/** `{ "milliseconds": n }` or `{ "duration": "P30D" }` (xs:duration; a year is 365 days, a month 30). */
export function advanceClockHandler(clock: ControllableClock, scheduler: Scheduler) {
  return async (rc: RequestContext): Promise<void> => {
    const body = (await readJsonBody(rc, 'advance')) as Record<string, unknown> | null;
    const usage = 'Body must be {"milliseconds": <non-negative integer>} or {"duration": "<xs:duration, e.g. P30D or PT2H>"}';
    let ms: number | undefined;
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      if (typeof body.milliseconds === 'number' && body.duration === undefined) ms = body.milliseconds;
      else if (typeof body.duration === 'string' && body.milliseconds === undefined) ms = parseXsDuration(body.duration);
    }
    if (ms === undefined || !Number.isSafeInteger(ms) || ms < 0) invalid({ '': [usage] });
    await scheduler.advance(clock, ms);
    sendJson(rc, 200, { now: clock.now().toISOString() });
  };
}
