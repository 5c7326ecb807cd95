// What the live view shows of a playbook run: per-task and per-host boxes that collect results and make
// the running task's title (with its counts so far) and its host rows, most important first.
import type { TaskStartEvent, HostResultEvent } from "./dispatch.js";
import type { LiveItem, LiveRow } from "./live.js";
import { outcome, type Outcome } from "./recap.js";
import { itemLabel, where, wouldSay } from "./plain.js";

/** One host's results for one task (several when the task loops). */
export class HostBox {
  readonly results: HostResultEvent[] = [];

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
}

function detail(e: HostResultEvent): string {
  const r = e.result;
  const text =
    r.status === "changed"
      ? e.check
        ? `(check mode) ${wouldSay(r.summary)}`
        : r.summary
      : r.status === "ok" || r.status === "skipped"
        ? r.reason
        : r.error;
  const firstLine = text.split("\n")[0] ?? "";
  return firstLine ? `: ${firstLine}` : "";
}

/** Which outcome names a whole task, worst first: the mark of its line once it has finished. */
const SEVERITY: readonly Outcome[] = ["failed", "unreachable", "changed", "ignored", "ok", "skipped"];

/** One engine task (or handler) while it runs: its hosts' boxes, as a live item of the view. */
export class TaskBox implements LiveItem {
  readonly hosts = new Map<string, HostBox>();

  constructor(readonly start: TaskStartEvent) {
    for (const h of start.hosts) this.hosts.set(h, new HostBox(h));
  }

  /** Records a result (a host the task did not name at its start gets a box of its own). */
  add(e: HostResultEvent): void {
    let box = this.hosts.get(e.host);
    if (!box) {
      box = new HostBox(e.host);
      this.hosts.set(e.host, box);
    }
    box.results.push(e);
  }

  /** How many hosts ended each way so far. */
  counts(): Map<Outcome, number> {
    const counts = new Map<Outcome, number>();
    for (const box of this.hosts.values()) {
      const o = box.outcome();
      if (o) counts.set(o, (counts.get(o) ?? 0) + 1);
    }
    return counts;
  }

  /** The task's mark: the worst outcome of its hosts (skipped when none reported). */
  outcome(): Outcome {
    const counts = this.counts();
    return SEVERITY.find((o) => counts.has(o)) ?? "skipped";
  }

  /** `TASK [name] (file:line) ok=2 changed=1`: only the non-zero counts, in the recap's order. */
  title(): string {
    const kind = this.start.handler ? "HANDLER" : "TASK";
    const counts = this.counts();
    const order: Outcome[] = ["ok", "changed", "unreachable", "failed", "skipped", "ignored"];
    const summary = order.flatMap((o) => (counts.get(o) ? [`${o}=${counts.get(o)}`] : [])).join(" ");
    return `${kind} [${this.start.task}] (${where(this.start.loc)})${summary ? ` ${summary}` : ""}`;
  }

  /** The hosts as rows: failed first (their error stays in sight), then those still running, then the rest. */
  rows(): LiveRow[] {
    const rank = (o: Outcome | undefined): number =>
      o === "failed" || o === "unreachable" ? 0 : o === undefined ? 1 : 2;
    const boxes = [...this.hosts.values()].map((box, i) => ({ box, o: box.outcome(), i }));
    boxes.sort((a, b) => rank(a.o) - rank(b.o) || a.i - b.i);
    return boxes.map(({ box, o }) =>
      o === undefined ? { mark: "running", text: box.host } : { mark: o, text: box.title() },
    );
  }
}
