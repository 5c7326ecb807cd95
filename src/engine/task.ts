// One module task across the hosts of the batch: tag selection, `meta` actions, task_start, then the
// hosts in parallel up to `forks`; run_once runs on the first host and gives its result to the rest.
import type { ModuleTask, Task } from "../playbook/plan.js";
import type { Vars } from "../source/vars-file.js";
import { evalCondition } from "../template/engine.js";
import { flushHandlers, qualifiedTaskName } from "./handlers.js";
import { runTaskOnHost, type HostRun } from "./host-task.js";
import { tagsSelect } from "./tags.js";
import { isActive, type PlayContext, type ScopeVars } from "./types.js";
import { hostvarsOf, inherited, inheritedTags, inheritedWhen, taskVars, truthy } from "./vars.js";

/** Runs `fn` over `items`, at most `limit` at a time; resolves when all are done. */
export async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
}

const interruptions = new WeakMap<AbortSignal, Promise<void>>();

/** Resolves when the run is interrupted (never, without a signal); one listener per signal. */
function interruption(pc: PlayContext): Promise<void> {
  const signal = pc.run.opts.signal;
  if (!signal) return new Promise(() => undefined);
  let p = interruptions.get(signal);
  if (!p) {
    p = signal.aborted
      ? Promise.resolve()
      : new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
    interruptions.set(signal, p);
  }
  return p;
}

/** Runs a module task on `hosts` (all active) in lockstep: returns once every host is done. */
export async function runModuleTask(
  pc: PlayContext,
  task: ModuleTask,
  parents: readonly Task[],
  hosts: readonly string[],
  scope: ScopeVars | undefined,
): Promise<void> {
  if (!pc.inHandlers && !tagsSelect(inheritedTags(pc.play, parents, task), pc.run.opts)) return;
  if (task.module === "meta") return runMeta(pc, task, parents, hosts, scope);
  const label = qualifiedTaskName(task);
  pc.run.emit({
    type: "task_start",
    play: pc.play.name,
    task: label,
    loc: task.loc,
    hosts: [...hosts],
    handler: pc.inHandlers,
  });
  const hostvars = hostvarsOf(pc);
  const runOnce = runOnceOf(pc, task, parents);
  const targets = runOnce ? hosts.slice(0, 1) : hosts;
  const results = new Map<string, HostRun>();
  const work = mapLimit(targets, pc.run.forks, async (host) => {
    if (pc.run.interrupted()) return;
    results.set(host, await runTaskOnHost(pc, task, parents, host, label, scope?.get(host), hostvars));
  });
  await Promise.race([work, interruption(pc)]);
  const first = results.get(hosts[0] ?? "");
  if (runOnce && first) for (const host of hosts.slice(1)) shareResult(pc, task, host, first);
}

function runOnceOf(pc: PlayContext, task: ModuleTask, parents: readonly Task[]): boolean {
  const v = inherited(pc.play, parents, task, "runOnce");
  return v !== undefined && truthy(v);
}

/** run_once: the other hosts get the registered variable and the facts of the host that ran it. */
function shareResult(pc: PlayContext, task: ModuleTask, host: string, from: HostRun): void {
  const st = pc.run.hosts.get(host);
  if (!st || !isActive(pc, host)) return;
  if (task.register && from.registered) st.setFacts[task.register] = from.registered;
  Object.assign(st.setFacts, from.facts.setFacts);
  Object.assign(st.facts, from.facts.facts);
}

/** meta: flush_handlers, end_play, end_host, clear_host_errors, noop, reset_connection. */
async function runMeta(
  pc: PlayContext,
  task: ModuleTask,
  parents: readonly Task[],
  hosts: readonly string[],
  scope: ScopeVars | undefined,
): Promise<void> {
  const action = String(task.args.free_form ?? "noop");
  const hostvars = hostvarsOf(pc);
  const holds = (host: string): boolean => {
    const vars: Vars = taskVars(pc, host, task, parents, scope?.get(host), hostvars);
    return inheritedWhen(pc.play, parents, task).every((c) =>
      evalCondition(c, vars, { loc: task.at(["when"]), task: task.name }),
    );
  };
  switch (action) {
    case "flush_handlers":
      return flushHandlers(pc, pc.batch);
    case "end_play":
      if (hosts.some(holds)) pc.ended = true;
      return;
    case "end_host":
      for (const h of hosts.filter(holds)) pc.run.hosts.get(h)!.endedPlay = true;
      return;
    case "clear_host_errors":
      for (const h of pc.batch) {
        const st = pc.run.hosts.get(h)!;
        if (st.status.kind === "failed") st.status = { kind: "active" };
      }
      return;
    default:
      return;
  }
}
