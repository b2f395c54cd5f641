/** @module The Broker's notion of "now" and a small scheduler that runs work when that clock reaches a due time. */

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock the emulator can move forward (`POST /_emulator/clock/advance`). */
export interface ControllableClock extends Clock {
  advance(milliseconds: number): void;
}

export function isControllable(clock: Clock): clock is ControllableClock {
  return typeof (clock as Partial<ControllableClock>).advance === 'function';
}

/** Real time plus an offset that only grows: time keeps flowing, and `advance` jumps ahead. The default clock. */
export class OffsetClock implements ControllableClock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(milliseconds: number): void {
    if (!(milliseconds >= 0)) throw new RangeError('a clock only moves forward');
    this.offsetMs += milliseconds;
  }
}

/** A clock that stands still until moved (for tests). */
export class ManualClock implements ControllableClock {
  constructor(private ms: number = Date.now()) {}
  now(): Date {
    return new Date(this.ms);
  }
  advance(milliseconds: number): void {
    if (!(milliseconds >= 0)) throw new RangeError('a clock only moves forward');
    this.ms += milliseconds;
  }
}

interface Task {
  key: string;
  dueAt: number;
  run: () => void | Promise<void>;
}

const MAX_TIMER_MS = 2_147_483_647;

/**
 * Work due at a clock time (simulated malware scan, purges). Tasks run when `clock.now()` has reached their due
 * time: a real timer wakes the scheduler, and whoever moves an injected clock calls `runDue()`.
 */
export class Scheduler {
  private tasks = new Map<string, Task>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private running = new Set<Promise<void>>();

  constructor(
    private readonly clock: Clock,
    private readonly onError: (key: string, error: unknown) => void,
  ) {}

  /** Schedules (or replaces) the task with this key. */
  at(key: string, dueAt: Date, run: () => void | Promise<void>): void {
    if (this.closed) return;
    this.tasks.set(key, { key, dueAt: dueAt.getTime(), run });
    this.arm();
  }

  cancel(key: string): void {
    this.tasks.delete(key);
  }

  has(key: string): boolean {
    return this.tasks.has(key);
  }

  pending(): Array<{ key: string; dueAt: Date }> {
    return [...this.tasks.values()].map((t) => ({ key: t.key, dueAt: new Date(t.dueAt) }));
  }

  /** Runs every task whose due time has been reached, oldest first; returns how many ran. */
  async runDue(): Promise<number> {
    const now = this.clock.now().getTime();
    const due = [...this.tasks.values()].filter((t) => t.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt);
    for (const task of due) {
      if (this.tasks.get(task.key) !== task) continue;
      this.tasks.delete(task.key);
      const p = (async () => {
        try {
          await task.run();
        } catch (error) {
          this.onError(task.key, error);
        }
      })();
      this.running.add(p);
      await p;
      this.running.delete(p);
    }
    this.arm();
    return due.length;
  }

  /** Due time (ms) of the earliest task, if any. */
  nextDueAt(): number | undefined {
    let next: number | undefined;
    for (const t of this.tasks.values()) if (next === undefined || t.dueAt < next) next = t.dueAt;
    return next;
  }

  /** Resolves when no task is running. */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.all(this.running);
  }

  /**
   * Moves a controllable clock forward by `milliseconds`, stopping at each task's due time to run it, so work runs in
   * time order and sees the clock at (about) its due time; everything due by the target has run when this resolves.
   */
  async advance(clock: ControllableClock, milliseconds: number): Promise<void> {
    const target = clock.now().getTime() + milliseconds;
    for (;;) {
      await this.idle();
      const next = this.nextDueAt();
      if (next === undefined || next > target) break;
      const now = clock.now().getTime();
      if (next > now) clock.advance(next - now);
      await this.runDue();
    }
    const now = clock.now().getTime();
    if (target > now) clock.advance(target - now);
    await this.runDue();
    await this.idle();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.tasks.clear();
    await Promise.all(this.running);
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed || this.tasks.size === 0) return;
    const next = Math.min(...[...this.tasks.values()].map((t) => t.dueAt));
    const delay = Math.min(Math.max(next - this.clock.now().getTime(), 0), MAX_TIMER_MS);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runDue();
    }, Math.max(delay, 1));
    this.timer.unref();
  }
}
