// A reporter that watches a run's events and hands every one on to the reporter that shows them: the
// commands built on `run` (drift, switchover) read what they need from the events this way.
import type { Reporter, RunEvent } from "./events.js";

/** Forwards every event, the close and the hold to `inner`; subclasses look at each event in `observe`. */
export abstract class ForwardingReporter implements Reporter {
  constructor(protected readonly inner: Reporter) {}
  /** Called with each event, after `inner` has it. */
  protected abstract observe(e: RunEvent): void;
  emit(e: RunEvent): void {
    this.inner.emit(e);
    this.observe(e);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  hold<T>(use: () => Promise<T>): Promise<T> {
    return this.inner.hold ? this.inner.hold(use) : use();
  }
}
