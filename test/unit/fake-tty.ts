// A terminal and a clock for the live view's tests: the terminal keeps what was written (a TTY of a given
// size), the clock moves only when the test says, so frames are counted without waiting.
import { Writable } from "node:stream";
import type { Clock } from "../../src/report/screen.js";
import type { Reporter } from "../../src/report/events.js";
import type { ReplayStep } from "../bench/replay-events.js";

/** A writable that says it is a terminal of `columns` x `rows` and keeps every write. */
export class FakeTty extends Writable {
  readonly isTTY = true;
  readonly writes: string[] = [];

  constructor(
    readonly columns = 100,
    readonly rows = 30,
  ) {
    super();
  }

  get text(): string {
    return this.writes.join("");
  }

  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.writes.push(chunk.toString());
    done();
  }

  /** The heights of the live region the frames erased (each frame moves up over the previous one). */
  heights(): number[] {
    return [...this.text.matchAll(/\u001b\[(\d+)A/g)].map((m) => Number(m[1]));
  }
}

interface Timer {
  readonly ms: number;
  readonly fn: () => void;
  next: number;
}

/** A clock whose time and timers move only through `advance`; counts the ticks it delivered. */
export class FakeClock implements Clock {
  private time = 0;
  private readonly timers = new Set<Timer>();
  ticks = 0;

  now(): number {
    return this.time;
  }

  every(ms: number, fn: () => void): () => void {
    const timer = { ms, fn, next: this.time + ms };
    this.timers.add(timer);
    return () => this.timers.delete(timer);
  }

  /** Moves time on by `ms`, firing each timer as often as it falls due, in time order. */
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = [...this.timers].filter((t) => t.next <= until).sort((a, b) => a.next - b.next)[0];
      if (!due) break;
      this.time = due.next;
      due.next += due.ms;
      this.ticks += 1;
      due.fn();
    }
    this.time = until;
  }
}

/** Feeds a replay to a reporter, moving the clock by each step's delay first, then closes it. */
export async function replay(reporter: Reporter, clock: FakeClock, steps: readonly ReplayStep[]): Promise<void> {
  for (const step of steps) {
    clock.advance(step.delayMs);
    reporter.emit(step.event);
  }
  await reporter.close();
}
