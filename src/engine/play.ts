// One play: its hosts (minus those that failed or were unreachable earlier) in serial batches; for each
// batch, facts, then pre_tasks, roles + tasks, post_tasks, each section followed by its handlers.
import { UnreachableError } from "../connection/errors.js";
import type { Play, Task } from "../playbook/plan.js";
import type { TaskResult } from "../modules/contract.js";
import { renderValue } from "../template/engine.js";
import { serialBatches } from "./batches.js";
import { hostSpecOf } from "./connect.js";
import { gatherFacts } from "../modules/support/facts.js";
import { flushHandlers, reportPending } from "./handlers.js";
import { countVerdict } from "./results.js";
import { mapLimit } from "./task.js";
import { isActive, type PlayContext, type RunContext } from "./types.js";
import { playLevelVars, truthy } from "./vars.js";
import { runTasks } from "./walk.js";

/** Runs play number `index` of the plan. */
export async function runPlay(run: RunContext, play: Play, index: number): Promise<void> {
  const all = run.plan.playHosts[index] ?? [];
  const playHosts = all.filter((h) => run.hosts.get(h)?.status.kind === "active");
  run.emit({ type: "play_start", play: play.name, hosts: playHosts, loc: play.loc });
  const pc: PlayContext = {
    run,
    play,
    index,
    playHosts,
    batch: [],
    handlers: [...play.handlers],
    ended: false,
    rescueDepth: 0,
    inHandlers: false,
  };
  try {
    const batches = serialBatches(playHosts, renderSerial(play, run));
    for (const batch of batches) {
      if (pc.ended || run.interrupted()) break;
      await runBatch(pc, batch);
    }
  } catch (err) {
    run.emit({ type: "warning", message: `play '${play.name}' could not run: ${(err as Error).message}` });
    run.stopRun = true;
  }
  run.emit({ type: "play_end", play: play.name });
}

function renderSerial(play: Play, run: RunContext): (number | string)[] | undefined {
  if (!play.serial) return undefined;
  const vars = { ...play.vars, ...run.plan.extraVars };
  return play.serial.map((s) =>
    typeof s === "string"
      ? (renderValue(s, vars, { loc: play.loc, path: `${play.path}.serial` }) as number | string)
      : s,
  );
}

async function runBatch(pc: PlayContext, batch: readonly string[]): Promise<void> {
  pc.batch = batch;
  for (const h of batch) pc.run.hosts.get(h)!.endedPlay = false;
  if (gathering(pc)) await gatherBatch(pc);
  const sections: (readonly Task[])[][] = [[pc.play.preTasks], [pc.play.roleTasks, pc.play.tasks], [pc.play.postTasks]];
  for (const lists of sections) {
    for (const list of lists) await runTasks(pc, list, [], batch, undefined);
    if (pc.run.interrupted()) break;
    if (pc.ended) break;
    await flushHandlers(pc, batch);
  }
  await afterBatch(pc, batch);
}

/** After an interruption or an aborted play, handlers run (forced) or are reported pending. */
async function afterBatch(pc: PlayContext, batch: readonly string[]): Promise<void> {
  if (pc.run.interrupted()) {
    reportPending(pc, batch, "the run was interrupted before the handlers ran");
    return;
  }
  if (!pc.ended) return;
  if (pc.run.opts.forceHandlers || pc.play.forceHandlers) {
    pc.ended = false;
    try {
      await flushHandlers(pc, batch);
    } finally {
      pc.ended = true;
    }
  }
  reportPending(pc, batch, "the play stopped before its handlers ran (use --force-handlers to run them anyway)");
}

function gathering(pc: PlayContext): boolean {
  const g = pc.play.gatherFacts;
  return typeof g === "string"
    ? truthy(renderValue(g, { ...pc.play.vars, ...pc.run.plan.extraVars }, { loc: pc.play.loc }))
    : g;
}

/** "Gathering Facts": connects to every host of the batch (finding the unreachable ones) and reads facts. */
async function gatherBatch(pc: PlayContext): Promise<void> {
  const task = "Gathering Facts";
  const hosts = pc.batch.filter((h) => isActive(pc, h));
  if (hosts.length === 0) return;
  pc.run.emit({ type: "task_start", play: pc.play.name, task, loc: pc.play.loc, hosts, handler: false });
  await mapLimit(hosts, pc.run.forks, async (host) => {
    const start = Date.now();
    const result = await factsOf(pc, host);
    const st = pc.run.hosts.get(host)!;
    if (result.status === "ok") Object.assign(st.facts, result.data.ansible_facts);
    const verdict = result.status === "unreachable" ? "unreachable" : result.status === "failed" ? "failed" : "ok";
    countVerdict(st, verdict);
    if (verdict === "unreachable")
      st.status = { kind: "unreachable", task, error: result.status === "unreachable" ? result.error : "" };
    if (verdict === "failed") st.status = { kind: "failed", task };
    pc.run.emit({
      type: "host_result",
      task,
      host,
      loc: pc.play.loc,
      result,
      check: pc.run.opts.check,
      durationMs: Date.now() - start,
    });
  });
}

async function factsOf(pc: PlayContext, host: string): Promise<TaskResult> {
  try {
    const conn = await pc.run.pool.get(
      hostSpecOf(host, playLevelVars(pc, host), { trustOnFirstUse: pc.run.opts.trustOnFirstUse }),
    );
    const facts = await gatherFacts({ read: (command, opts) => conn.run(command, opts) });
    if (!facts.ok) return { status: "failed", error: facts.error, data: {} };
    return { status: "ok", reason: "facts gathered", data: { ansible_facts: facts.facts } };
  } catch (err) {
    if (err instanceof UnreachableError) return { status: "unreachable", error: err.message, data: {} };
    return { status: "failed", error: (err as Error).message, data: {} };
  }
}
