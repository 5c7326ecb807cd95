// What the listr2 tree shows, kept apart from listr2: an inbox that turns the engine's synchronous
// events into awaited ones, and per-task/per-host boxes that collect results and make titles.
import type { TaskStartEvent, HostResultEvent } from "./dispatch.js";
import { outcome, type Outcome } from "./recap.js";
import { itemLabel, where, wouldSay } from "./plain.js";

/** A promise with its resolver outside, for tasks that wait on events. */
export class Deferred {
  resolve: () => void = () => {};
  readonly promise = new Promise<void>((resolve) => {
    this.resolve = resolve;
  });
}

/** A first-in first-out queue whose reader awaits the next item; writers never wait and never throw. */
export class Inbox<T> {
  private readonly items: T[] = [];
  private waiting: ((item: T) => void) | undefined;

  push(item: T): void {
    const take = this.waiting;
    this.waiting = undefined;
    if (take) take(item);
    else this.items.push(item);
  }

  /** Puts an item back at the front, for a reader that met something its caller must handle. */
  unshift(item: T): void {
    this.items.unshift(item);
  }

  next(): Promise<T> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }
}

/** A title updater: listr2's task wrapper, once the task has started. */
export interface Titled {
  title: string | unknown[];
}

/** One host's results for one task (several when the task loops). */
export class HostBox {
  readonly results: HostResultEvent[] = [];
  wrapper: Titled | undefined;

  constructor(readonly host: string) {}

  outcome(): Outcome | undefined {
    return this.results.length > 0 ? outcome(this.results) : undefined;
  }

  /** `web1: changed: create /etc/x`, `web1 -> db1: ok`, `web1: changed (3 items)`. */
  title(): string {
    const last = this.results[this.results.length - 1];
    const o = this.outcome();
    if (!last || !o) return this.host;
    const who = last.delegatedTo ? `${this.host} -> ${last.delegatedTo}` : this.host;
    if (this.results.length > 1) return `${who}: ${o} (${this.results.length} items)`;
    const item = last.item !== undefined ? ` (item=${itemLabel(last.item)})` : "";
    return `${who}: ${o}${item}${detail(last)}`;
  }

  /** The host (and delegate) with the item count, without the result's text: for failed or skipped hosts. */
  shortTitle(): string {
    const last = this.results[this.results.length - 1];
    const who = last?.delegatedTo ? `${this.host} -> ${last.delegatedTo}` : this.host;
    return this.results.length > 1 ? `${who} (${this.results.length} items)` : who;
  }

  /** Why the host was skipped, each distinct reason once. */
  reasons(): string {
    const reasons = this.results.flatMap((r) => (r.result.status === "skipped" ? [r.result.reason] : []));
    return [...new Set(reasons)].join("; ") || "skipped";
  }

  /** The error(s) to show when the host failed. */
  error(): string {
    const errors = this.results.flatMap((r) => (r.result.status === "failed" || r.result.status === "unreachable" ? [r.result.error] : []));
    return errors.join("; ") || "failed";
  }
}

function detail(e: HostResultEvent): string {
  const r = e.result;
  const text = r.status === "changed" ? (e.check ? `(check mode) ${wouldSay(r.summary)}` : r.summary) : r.status === "ok" || r.status === "skipped" ? r.reason : r.error;
  const firstLine = text.split("\n")[0] ?? "";
  return firstLine ? `: ${firstLine}` : "";
}

/** One engine task (or handler) while it runs: its hosts' boxes and the event that closes it. */
export class TaskBox {
  readonly hosts = new Map<string, HostBox>();
  readonly done = new Deferred();
  wrapper: Titled | undefined;

  constructor(readonly start: TaskStartEvent) {
    for (const h of start.hosts) this.hosts.set(h, new HostBox(h));
  }

  /** Records a result, refreshing the host's and the task's titles when they are on screen. */
  add(e: HostResultEvent): void {
    let box = this.hosts.get(e.host);
    if (!box) {
      box = new HostBox(e.host);
      this.hosts.set(e.host, box);
    }
    box.results.push(e);
    if (box.wrapper) box.wrapper.title = box.title();
    if (this.wrapper) this.wrapper.title = this.title();
  }

  /** `TASK [name] (file:line) ok=2 changed=1`: only the non-zero counts, in the recap's order. */
  title(): string {
    const kind = this.start.handler ? "HANDLER" : "TASK";
    const counts = new Map<Outcome, number>();
    for (const box of this.hosts.values()) {
      const o = box.outcome();
      if (o) counts.set(o, (counts.get(o) ?? 0) + 1);
    }
    const order: Outcome[] = ["ok", "changed", "unreachable", "failed", "skipped", "ignored"];
    const summary = order.flatMap((o) => (counts.get(o) ? [`${o}=${counts.get(o)}`] : [])).join(" ");
    return `${kind} [${this.start.task}] (${where(this.start.loc)})${summary ? ` ${summary}` : ""}`;
  }
}
