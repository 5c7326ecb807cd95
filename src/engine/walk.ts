// The linear strategy: a list of tasks is walked in order, and every host of the batch finishes a task
// before the next one starts. Blocks run their rescue for the hosts that failed inside them and their
// always for every host that entered; after each task the play's failure policy is checked.
import type { BlockTask, Task } from "../playbook/plan.js";
import { failPolicy } from "./batches.js";
import { runInclude } from "./include.js";
import { runModuleTask } from "./task.js";
import { isActive, type PlayContext, type ScopeVars } from "./types.js";
import { renderValue } from "../template/engine.js";

/** Runs `tasks` (inside `parents`, outermost first) on the hosts of `hosts` that are still active. */
export async function runTasks(
  pc: PlayContext,
  tasks: readonly Task[],
  parents: readonly Task[],
  hosts: readonly string[],
  scope: ScopeVars | undefined,
): Promise<void> {
  for (const task of tasks) {
    if (pc.ended || pc.run.interrupted()) return;
    const active = hosts.filter((h) => isActive(pc, h));
    if (active.length === 0) return;
    switch (task.kind) {
      case "module":
        await runModuleTask(pc, task, parents, active, scope);
        break;
      case "block":
        await runBlock(pc, task, parents, active, scope);
        break;
      case "include_tasks":
      case "include_role":
        await runInclude(pc, task, parents, active, scope);
        break;
    }
    checkFailPolicy(pc, task);
  }
}

async function runBlock(
  pc: PlayContext,
  block: BlockTask,
  parents: readonly Task[],
  entered: readonly string[],
  scope: ScopeVars | undefined,
): Promise<void> {
  const inner = [...parents, block];
  const hosts = pc.run.hosts;
  const rescuable = block.rescue.length > 0;
  if (rescuable) pc.rescueDepth += 1;
  try {
    await runTasks(pc, block.block, inner, entered, scope);
  } finally {
    if (rescuable) pc.rescueDepth -= 1;
  }
  if (pc.ended || pc.run.interrupted()) return;
  const failedHere = entered.filter((h) => hosts.get(h)?.status.kind === "failed");
  if (rescuable && failedHere.length > 0) {
    for (const h of failedHere) {
      const st = hosts.get(h)!;
      st.status = { kind: "active" };
      st.stats.failed -= 1;
      st.stats.rescued += 1;
    }
    await runTasks(pc, block.rescue, inner, failedHere, scope);
  }
  if (block.always.length === 0 || pc.ended || pc.run.interrupted()) return;
  // always runs for hosts that failed too; they stay failed afterwards.
  const failed = new Map(
    entered.flatMap((h) => {
      const st = hosts.get(h)!;
      return st.status.kind === "failed" ? [[h, st.status] as const] : [];
    }),
  );
  for (const h of failed.keys()) hosts.get(h)!.status = { kind: "active" };
  try {
    await runTasks(pc, block.always, inner, entered, scope);
  } finally {
    for (const [h, status] of failed) {
      const st = hosts.get(h)!;
      if (st.status.kind === "active") st.status = status;
    }
  }
}

function checkFailPolicy(pc: PlayContext, task: Task): void {
  if (pc.rescueDepth > 0 || pc.ended || pc.inHandlers) return;
  const failed = pc.batch.filter((h) => pc.run.hosts.get(h)?.status.kind !== "active").length;
  const verdict = failPolicy(failed, pc.batch.length, {
    anyErrorsFatal: pc.play.anyErrorsFatal || task.anyErrorsFatal === true,
    maxFailPercentage: maxFail(pc),
  });
  if (!verdict.stop) return;
  pc.ended = true;
  pc.run.stopRun = true;
  pc.run.emit({ type: "warning", message: `play '${pc.play.name}' stopped: ${verdict.why}` });
}

function maxFail(pc: PlayContext): number | undefined {
  const v = pc.play.maxFailPercentage;
  if (v === undefined) return undefined;
  const n = Number(
    typeof v === "string" ? renderValue(v, { ...pc.play.vars, ...pc.run.plan.extraVars }, { loc: pc.play.loc }) : v,
  );
  return Number.isFinite(n) ? n : undefined;
}
