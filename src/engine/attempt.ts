// One module run for one host (one loop item): render the arguments, connect, invoke the module, retry
// `until` it holds, and let changed_when / failed_when override the module's verdict (evaluated with
// the registered variable available, as in Ansible).
import { UnreachableError } from "../connection/errors.js";
import type { HostSpec } from "../connection/pool.js";
import type { Connection } from "../connection/types.js";
import { dropOmitted } from "../inventory/magic.js";
import { invokeModule } from "./invoke.js";
import type { TaskResult } from "../modules/contract.js";
import type { Cond, ModuleTask, Task } from "../playbook/plan.js";
import type { Vars } from "../source/vars-file.js";
import { evalCondition, renderValue } from "../template/engine.js";
import { becomeOf, type ContextParts, environmentError, taskHost } from "./connect.js";
import { registeredValue } from "./results.js";
import { collectNoLogArgs, collectSecretArgs } from "./secrets.js";
import type { PlayContext } from "./types.js";
import { effectiveCheck, inherited, truthy } from "./vars.js";

/** Everything one attempt needs: the task, the host, its variables (with loop item) and where to run. */
export interface AttemptInput {
  readonly pc: PlayContext;
  readonly task: ModuleTask;
  readonly parents: readonly Task[];
  readonly host: string;
  readonly vars: Vars;
  /** The connection to use: the host's own, or its delegate's. */
  readonly spec: HostSpec;
  readonly noLog: boolean;
}

function failed(error: string): TaskResult {
  return { status: "failed", error, data: {} };
}

/** Runs the module with until/retries and the changed_when/failed_when overrides. Never throws. The
 * result keeps real values (a registered password must stay usable); every event is masked on emit. */
export async function attempt(a: AttemptInput): Promise<TaskResult> {
  const { pc, task } = a;
  let args: Vars;
  try {
    args = dropOmitted(
      renderValue(task.args, a.vars, { loc: task.at([task.moduleKey]), path: task.path, task: task.name }) as Vars,
    );
    if (a.noLog) collectNoLogArgs(task.args, args, pc.run.secrets);
    collectSecretArgs(args, pc.run.secrets);
  } catch (err) {
    return failed((err as Error).message);
  }
  let conn: Connection;
  try {
    conn = await pc.run.pool.get(a.spec);
  } catch (err) {
    if (err instanceof UnreachableError) return { status: "unreachable", error: err.message, data: {} };
    return failed(`cannot connect: ${(err as Error).message}`);
  }
  let ctxParts: ContextParts;
  try {
    const environment = environmentOf(a);
    collectSecretArgs(environment, pc.run.secrets);
    ctxParts = {
      host: a.host,
      conn,
      task,
      vars: a.vars,
      check: effectiveCheck(pc, task, a.parents),
      become: becomeOf(keywords(a), a.vars, truthy),
      environment,
      redact: pc.run.redact,
      playbookDir: pc.run.plan.playbookDir,
    };
  } catch (err) {
    return failed((err as Error).message);
  }
  const ctx = taskHost(ctxParts);
  let timeoutMs: number | undefined;
  try {
    timeoutMs = numberOf(task.timeout, a.vars, task, "timeout");
  } catch (err) {
    return failed((err as Error).message);
  }
  return retry(a, () =>
    invokeModule(task.module, args, ctx, { timeoutMs: timeoutMs ? timeoutMs * 1000 : undefined, mask: false }),
  );
}

function keywords(a: AttemptInput): { become?: unknown; becomeUser?: string; becomeMethod?: string } {
  const { play } = a.pc;
  const render = (v: unknown) =>
    typeof v === "string" ? renderValue(v, a.vars, { loc: a.task.loc, task: a.task.name }) : v;
  const become = render(inherited(play, a.parents, a.task, "become"));
  const user = render(inherited(play, a.parents, a.task, "becomeUser"));
  return {
    become,
    becomeUser: user === undefined ? undefined : String(user),
    becomeMethod: inherited(play, a.parents, a.task, "becomeMethod"),
  };
}

function environmentOf(a: AttemptInput): Vars | undefined {
  const env = inherited(a.pc.play, a.parents, a.task, "environment");
  if (env === undefined) return undefined;
  const value = renderValue(env, a.vars, { loc: a.task.at(["environment"]), task: a.task.name });
  if (!value || typeof value !== "object" || Array.isArray(value))
    throw new Error("environment must be a mapping of variable names to values");
  const error = environmentError(value as Vars);
  if (error !== undefined) throw new Error(error);
  return value as Vars;
}

/** A numeric keyword (retries, delay, timeout) after rendering; a value that is not a number fails the task. */
export function numberOf(value: number | string | undefined, vars: Vars, task: Task, key: string): number | undefined {
  if (value === undefined) return undefined;
  const rendered =
    typeof value === "string" ? renderValue(value, vars, { loc: task.at([key]), task: task.name }) : value;
  const v =
    typeof rendered === "number" || (typeof rendered === "string" && rendered.trim() !== "") ? Number(rendered) : NaN;
  if (!Number.isFinite(v) || v < 0)
    throw new Error(`${key}: '${String(rendered)}' is not a number (rendered from '${String(value)}')`);
  return v;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

async function retry(a: AttemptInput, run: () => Promise<TaskResult>): Promise<TaskResult> {
  const { task } = a;
  if (!task.until || task.until.length === 0) return overrides(a, await run());
  let retries = 3;
  let delay = 5;
  try {
    retries = numberOf(task.retries, a.vars, task, "retries") ?? 3;
    delay = numberOf(task.delay, a.vars, task, "delay") ?? 5;
  } catch (err) {
    return failed((err as Error).message);
  }
  const attempts = Math.max(1, retries + 1);
  let result: TaskResult = failed("until: no attempt was made");
  for (let n = 1; n <= attempts; n++) {
    result = overrides(a, await run());
    if (result.status === "unreachable") return result;
    const withAttempts = { ...result, data: { ...result.data, attempts: n } } as TaskResult;
    const held = condition(a, task.until, withAttempts, "until");
    if (held === true) return withAttempts;
    if (typeof held === "string") return failed(held);
    if (n < attempts && !a.pc.run.interrupted()) await sleep(delay * 1000, a.pc.run.opts.signal);
    if (a.pc.run.interrupted()) break;
  }
  return {
    status: "failed",
    error: `until condition still false after ${attempts} attempts: ${condText(task.until)}`,
    data: { ...result.data, attempts },
  };
}

function condText(conds: readonly Cond[]): string {
  return conds.map(String).join(" and ");
}

/** Evaluates a condition with the result registered; true/false, or the error message. */
function condition(a: AttemptInput, conds: readonly Cond[], result: TaskResult, key: string): boolean | string {
  const vars = a.task.register ? { ...a.vars, [a.task.register]: registeredValue(result) } : a.vars;
  try {
    return evalCondition(conds, vars, { loc: a.task.at([key]), path: `${a.task.path}.${key}`, task: a.task.name });
  } catch (err) {
    return (err as Error).message;
  }
}

/** Applies changed_when, then failed_when, to a result. */
function overrides(a: AttemptInput, result: TaskResult): TaskResult {
  const { task } = a;
  if (result.status === "unreachable" || result.status === "skipped") return result;
  if (!task.changedWhen && !task.failedWhen) return result;
  let changed = result.status === "changed" || (result.status === "failed" && typeof result.data.rc === "number");
  let isFailed = result.status === "failed";
  if (task.changedWhen) {
    const c = condition(a, task.changedWhen, result, "changed_when");
    if (typeof c === "string") return { status: "failed", error: c, data: result.data };
    changed = c;
  }
  if (task.failedWhen) {
    const f = condition(a, task.failedWhen, result, "failed_when");
    if (typeof f === "string") return { status: "failed", error: f, data: result.data };
    isFailed = f;
  }
  const text = result.status === "ok" ? result.reason : result.status === "changed" ? result.summary : result.error;
  if (isFailed) {
    const error =
      result.status === "failed"
        ? result.error
        : `failed_when condition met: ${condText(task.failedWhen ?? [])} (${text})`;
    return { status: "failed", error, data: result.data };
  }
  if (changed)
    return {
      status: "changed",
      summary: text,
      diff: result.status === "changed" ? result.diff : [],
      data: result.data,
    };
  return {
    status: "ok",
    reason: result.status === "ok" ? text : `${text} (not a change: changed_when/failed_when)`,
    data: result.data,
  };
}
