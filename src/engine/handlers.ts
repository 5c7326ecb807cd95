// Handlers: a changed task notifies them by name or `listen` topic; they run once per host, in the
// order they are defined, when the section ends (or at `meta: flush_handlers`). They are never lost
// silently: a host that failed runs them with --force-handlers (or play force_handlers), otherwise a
// `handlers_pending` event names them; so does an interrupted or aborted play.
import type { ModuleTask, Task } from "../playbook/plan.js";
import type { HostState, PlayContext } from "./types.js";
import { runTasks } from "./walk.js";

/** The name a run shows a task with: `role : name` (the role only for role tasks), or the module when unnamed. */
export function qualifiedTaskName(task: Task): string {
  const own = task.name ?? (task.kind === "module" ? task.module : task.kind);
  return task.role ? `${task.role.name} : ${own}` : own;
}

/** The handlers a notify name reaches: the first with that name (or `role : name`), and every listener. */
export function findHandlers(handlers: readonly Task[], name: string): Task[] {
  const byName = handlers.find(
    (h) => h.name === name || (h.role !== undefined && `${h.role.name} : ${h.name}` === name),
  );
  const listeners = handlers.filter((h) => h.kind === "module" && h.listen.includes(name));
  return [...new Set([...(byName ? [byName] : []), ...listeners])];
}

/** Records the notifications of a task that changed on `host`. */
export function notify(pc: PlayContext, host: string, task: ModuleTask, label: string): void {
  const st = pc.run.hosts.get(host);
  if (!st) return;
  for (const name of task.notify) {
    const found = findHandlers(pc.handlers, name);
    if (found.length === 0)
      pc.run.emit({
        type: "warning",
        host,
        message: `task '${label}' notified '${name}', but no handler has that name or listens to it`,
      });
    for (const h of found) if (!st.notified.has(h)) st.notified.set(h, label);
  }
}

function forced(pc: PlayContext): boolean {
  return pc.run.opts.forceHandlers === true || pc.play.forceHandlers;
}

/** May this host run its handlers now? Active hosts yes; failed hosts only when forced; unreachable never. */
function eligible(pc: PlayContext, st: HostState): boolean {
  if (st.endedPlay) return false;
  if (st.status.kind === "active") return true;
  return st.status.kind === "failed" && forced(pc);
}

/** Emits handlers_pending for each host of `hosts` that has notifications it will not run, and drops them. */
export function reportPending(pc: PlayContext, hosts: readonly string[], why?: string): void {
  for (const host of hosts) {
    const st = pc.run.hosts.get(host);
    if (!st || st.notified.size === 0) continue;
    if (why === undefined && eligible(pc, st)) continue;
    const reason = why ?? whyNot(st);
    pc.run.emit({
      type: "handlers_pending",
      host,
      handlers: [...st.notified.keys()].map(qualifiedTaskName),
      why: reason,
    });
    st.notified.clear();
  }
}

function whyNot(st: HostState): string {
  switch (st.status.kind) {
    case "failed":
      return `the host failed at task '${st.status.task}'; its notified handlers did not run (use --force-handlers to run them after a failure)`;
    case "unreachable":
      return `the host became unreachable at task '${st.status.task}'; its notified handlers could not run`;
    case "active":
      return "the host ended the play (meta: end_host) before its handlers ran";
  }
}

/** Runs the notified handlers of `hosts` (flush point); handlers notified by handlers run in the same flush. */
export async function flushHandlers(pc: PlayContext, hosts: readonly string[]): Promise<void> {
  reportPending(pc, hosts);
  for (let round = 0; round < 10; round++) {
    let ran = false;
    for (const handler of [...pc.handlers]) {
      if (pc.run.interrupted()) return;
      const targets = hosts.filter((h) => {
        const st = pc.run.hosts.get(h);
        return st?.notified.has(handler) === true && eligible(pc, st);
      });
      if (targets.length === 0) continue;
      for (const h of targets) pc.run.hosts.get(h)!.notified.delete(handler);
      await runHandler(pc, handler, targets);
      ran = true;
    }
    if (!ran) break;
  }
  reportPending(pc, hosts);
}

/** Runs one handler; failed hosts (only here when forced) run it as if active, then stay failed. */
async function runHandler(pc: PlayContext, handler: Task, hosts: readonly string[]): Promise<void> {
  const saved = new Map<string, HostState["status"]>();
  for (const h of hosts) {
    const st = pc.run.hosts.get(h)!;
    if (st.status.kind === "failed") {
      saved.set(h, st.status);
      st.status = { kind: "active" };
    }
  }
  pc.inHandlers = true;
  try {
    await runTasks(pc, [handler], [], hosts, undefined);
  } finally {
    pc.inHandlers = false;
    for (const [h, status] of saved) {
      const st = pc.run.hosts.get(h)!;
      if (st.status.kind === "active") st.status = status;
    }
  }
}
