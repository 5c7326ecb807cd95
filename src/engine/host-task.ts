// One module task on one host: its variables, `when`, the loop (one result per item), delegate_to,
// no_log, ignore_errors, then what the result leaves behind: the registered variable, facts, handler
// notifications, recap counters and the host's status.
import path from "node:path";
import type { HostSpec } from "../connection/pool.js";
import type { TaskResult } from "../modules/contract.js";
import type { ModuleTask, Task } from "../playbook/plan.js";
import { resolveTaskFile } from "../playbook/lookup.js";
import { Problems } from "../source/problems.js";
import { loadVarsFile, type Vars } from "../source/vars-file.js";
import { evalCondition, renderValue } from "../template/engine.js";
import { attempt } from "./attempt.js";
import { delegateSpecOf, hostSpecOf } from "./connect.js";
import { notify } from "./handlers.js";
import { itemLabel, itemVars, loopItems, loopPause } from "./loop.js";
import {
  censor,
  countVerdict,
  foldVerdicts,
  registeredLoop,
  registeredValue,
  verdictOf,
  type Verdict,
} from "./results.js";
import { collectSecretVars } from "./secrets.js";
import type { PlayContext } from "./types.js";
import { delegateVarsOf, effectiveCheck, inherited, inheritedWhen, taskVars, truthy } from "./vars.js";

/** What a host's run of a task left behind, so run_once can apply it to the other hosts. */
export interface HostRun {
  readonly verdict: Verdict;
  readonly registered?: Vars;
  readonly facts: { readonly setFacts: Vars; readonly facts: Vars };
  readonly changed: boolean;
}

/** Where a task runs and how it reports: fixed for the host before any item runs. */
interface Site {
  readonly pc: PlayContext;
  readonly task: ModuleTask;
  readonly parents: readonly Task[];
  readonly label: string;
  readonly host: string;
  readonly vars: Vars;
  readonly spec: HostSpec;
  readonly delegatedTo?: string;
  readonly noLog: boolean;
  readonly ignoreErrors: boolean;
  readonly check: boolean;
  /** Facts this run stored (for run_once to copy to the other hosts of the batch). */
  readonly stored: { setFacts: Vars; facts: Vars };
}

/** Runs `task` on `host`; emits one host_result per item (or one) and returns the folded outcome. */
export async function runTaskOnHost(
  pc: PlayContext,
  task: ModuleTask,
  parents: readonly Task[],
  host: string,
  label: string,
  extra: Vars | undefined,
  hostvars: Vars,
): Promise<HostRun> {
  const start = Date.now();
  let site: Site;
  try {
    const vars = taskVars(pc, host, task, parents, extra, hostvars);
    collectSecretVars(vars, pc.run.secrets);
    site = siteOf(pc, task, parents, host, label, vars);
  } catch (err) {
    // The variables or keywords cannot be worked out (a template error, an unknown delegate): the task fails.
    const fallback = fallbackSite(pc, task, parents, host, label);
    const result: TaskResult = { status: "failed", error: (err as Error).message, data: {} };
    return finish(fallback, [emitOne(fallback, result, start)], undefined);
  }
  const run = task.loop ? await runLoop(site) : await runSingle(site, site.vars, undefined);
  return finish(site, run.verdicts, run.registered);
}

/** A site for reporting a task that failed before its site could be built; it never runs anything. */
function fallbackSite(pc: PlayContext, task: ModuleTask, parents: readonly Task[], host: string, label: string): Site {
  const check = pc.run.opts.check;
  return {
    pc,
    task,
    parents,
    label,
    host,
    vars: {},
    spec: { kind: "local", name: host },
    noLog: false,
    ignoreErrors: false,
    check,
    stored: { setFacts: {}, facts: {} },
  };
}

function siteOf(
  pc: PlayContext,
  task: ModuleTask,
  parents: readonly Task[],
  host: string,
  label: string,
  vars: Vars,
): Site {
  const render = (v: unknown) =>
    typeof v === "string" ? renderValue(v, vars, { loc: task.loc, path: task.path, task: task.name }) : v;
  const noLog = truthy(render(inherited(pc.play, parents, task, "noLog")) ?? false);
  const ignoreErrors = truthy(render(inherited(pc.play, parents, task, "ignoreErrors")) ?? false);
  const delegate = inherited(pc.play, parents, task, "delegateTo");
  // A templated delegate_to of a loop may use the item: it is rendered per item (itemSite).
  const perItem = task.loop !== undefined && typeof delegate === "string" && delegate.includes("{{");
  const delegatedTo = delegate === undefined || perItem ? undefined : String(render(delegate));
  const check = effectiveCheck(pc, task, parents);
  const spec = specFor(pc, delegatedTo ?? host, vars);
  return {
    pc,
    task,
    parents,
    label,
    host,
    vars,
    noLog,
    ignoreErrors,
    delegatedTo,
    spec,
    check,
    stored: { setFacts: {}, facts: {} },
  };
}

/** The connection spec of the host (or delegate): its own inventory variables decide how to reach it. */
function specFor(pc: PlayContext, target: string, hostVars: Vars): HostSpec {
  const inv = pc.run.plan.inventory;
  const opts = { trustOnFirstUse: pc.run.opts.trustOnFirstUse };
  if (!inv.hosts.has(target)) {
    const local = delegateSpecOf(target);
    if (local) return local;
    throw new Error(`delegate_to: '${target}' is not a host of the inventory`);
  }
  const vars = target === hostVars.inventory_hostname ? hostVars : delegateVarsOf(pc.run, target);
  return hostSpecOf(target, vars, opts);
}

type Run = { verdicts: Verdict[]; registered: Vars | undefined };

async function runSingle(
  site: Site,
  vars: Vars,
  item: { value: unknown; label: unknown } | undefined,
): Promise<Run & { value: Vars }> {
  const start = Date.now();
  const guard = whenGuard(site, vars);
  let result: TaskResult;
  if (guard !== true) result = guard;
  else if (site.task.module === "include_vars") result = includeVars(site, vars);
  else
    result = await attempt({
      pc: site.pc,
      task: site.task,
      parents: site.parents,
      host: site.host,
      vars,
      spec: site.spec,
      noLog: site.noLog,
    });
  storeFacts(site, result);
  // A result registered under a secret name is secret from its own task's output on.
  if (site.task.register) collectSecretVars({ [site.task.register]: registeredValue(result) }, site.pc.run.secrets);
  const verdict = emitOne(site, result, start, item);
  const value = registeredValue(result);
  if (item) Object.assign(value, { item: item.value, ansible_loop_var: site.task.loop?.loopVar ?? "item" });
  return { verdicts: [verdict], registered: value, value };
}

async function runLoop(site: Site): Promise<Run> {
  const spec = site.task.loop!;
  const start = Date.now();
  const items = loopItems(spec, site.vars, site.task);
  if (!items.ok)
    return {
      verdicts: [emitOne(site, { status: "failed", error: items.error, data: {} }, start)],
      registered: undefined,
    };
  if (items.items.length === 0) {
    const verdict = emitOne(site, { status: "skipped", reason: "no items in the loop", data: {} }, start);
    return {
      verdicts: [verdict],
      registered: { results: [], changed: false, failed: false, skipped: true, skip_reason: "no items in the loop" },
    };
  }
  const verdicts: Verdict[] = [];
  const values: Vars[] = [];
  for (const [i, value] of items.items.entries()) {
    if (site.pc.run.interrupted()) break;
    const vars = { ...site.vars, ...itemVars(spec, value, i, items.items.length) };
    // Task variables may use the item: their secrets are the ones rendered for this item.
    collectSecretVars(vars, site.pc.run.secrets);
    const label = itemLabel(spec, value, vars, site.task);
    let one: Awaited<ReturnType<typeof runSingle>>;
    try {
      one = await runSingle(itemSite(site, vars), vars, { value, label });
    } catch (err) {
      const verdict = emitOne(site, { status: "failed", error: (err as Error).message, data: {} }, Date.now(), {
        value,
        label,
      });
      one = {
        verdicts: [verdict],
        registered: undefined,
        value: { item: value, failed: true, msg: (err as Error).message },
      };
    }
    verdicts.push(...one.verdicts);
    values.push(one.value);
    if (one.verdicts.includes("unreachable")) break;
    const pause = loopPause(spec, vars, site.task);
    if (pause > 0 && i < items.items.length - 1) await new Promise((r) => setTimeout(r, pause * 1000));
  }
  return {
    verdicts,
    registered: registeredLoop(
      values,
      verdicts.every((v) => v === "skipped"),
    ),
  };
}

/** The site of one loop item: the same, unless delegate_to is a template (it may use the item). */
function itemSite(site: Site, vars: Vars): Site {
  const d = inherited(site.pc.play, site.parents, site.task, "delegateTo");
  if (typeof d !== "string" || !d.includes("{{")) return site;
  const delegatedTo = String(
    renderValue(d, vars, { loc: site.task.at(["delegate_to"]), path: site.task.path, task: site.task.name }),
  );
  return { ...site, delegatedTo, spec: specFor(site.pc, delegatedTo, vars) };
}

/** True when every `when` holds, else the skipped (or failed, on a template error) result. */
function whenGuard(site: Site, vars: Vars): true | TaskResult {
  const conds = inheritedWhen(site.pc.play, site.parents, site.task);
  for (const cond of conds) {
    try {
      if (
        !evalCondition(cond, vars, {
          loc: site.task.at(["when"]),
          path: `${site.task.path}.when`,
          task: site.task.name,
        })
      ) {
        return { status: "skipped", reason: `condition false: ${String(cond)}`, data: {} };
      }
    } catch (err) {
      return { status: "failed", error: (err as Error).message, data: {} };
    }
  }
  return true;
}

/** include_vars runs on the controller: reads the file (found like vars_files) into the host's variables. */
function includeVars(site: Site, vars: Vars): TaskResult {
  try {
    const args = renderValue(site.task.args, vars, { loc: site.task.loc, task: site.task.name }) as {
      file: string;
      name?: string;
    };
    const abs = resolveTaskFile("vars", args.file, site.task.role, [
      path.dirname(site.task.loc.file),
      site.pc.run.plan.playbookDir,
    ]);
    if (!abs) return { status: "failed", error: `include_vars: file '${args.file}' not found`, data: {} };
    const problems = new Problems();
    const loaded = loadVarsFile(abs, problems, site.task.loc, "include_vars file");
    if (!loaded) return { status: "failed", error: problems.errors.map((d) => d.message).join("; "), data: {} };
    const st = site.pc.run.hosts.get(site.host)!;
    Object.assign(st.includeVars, args.name ? { [args.name]: loaded.vars } : loaded.vars);
    collectSecretVars(loaded.vars, site.pc.run.secrets);
    return {
      status: "ok",
      reason: `loaded ${path.relative(site.pc.run.plan.playbookDir, abs) || abs}`,
      data: { ansible_included_var_files: [abs] },
    };
  } catch (err) {
    return { status: "failed", error: (err as Error).message, data: {} };
  }
}

function storeFacts(site: Site, result: TaskResult): void {
  const facts = result.data.ansible_facts;
  if (!facts || typeof facts !== "object" || result.status === "failed") return;
  const target = site.task.delegateFacts && site.delegatedTo ? site.delegatedTo : site.host;
  const st = site.pc.run.hosts.get(target);
  if (!st) return;
  collectSecretVars(facts as Vars, site.pc.run.secrets);
  const kind = site.task.module === "set_fact" ? "setFacts" : "facts";
  Object.assign(st[kind], facts);
  if (target === site.host) Object.assign(site.stored[kind], facts);
}

function emitOne(site: Site, result: TaskResult, start: number, item?: { value: unknown; label: unknown }): Verdict {
  const verdict = verdictOf(result, site.ignoreErrors);
  site.pc.run.emit({
    type: "host_result",
    task: site.label,
    ...(site.task.register ? { register: site.task.register } : {}),
    host: site.host,
    loc: site.task.loc,
    result: site.noLog ? censor(result) : result,
    ...(item ? { item: site.noLog ? NO_LOG_ITEM : item.label } : {}),
    ...(site.delegatedTo ? { delegatedTo: site.delegatedTo } : {}),
    ...(verdict === "ignored" ? { ignored: true } : {}),
    check: site.check,
    durationMs: Date.now() - start,
  });
  return verdict;
}

const NO_LOG_ITEM = "(item hidden due to no_log)";

/** Folds the items, counts the recap, stores the registered variable, notifies handlers, updates status. */
function finish(site: Site, verdicts: readonly Verdict[], registered: Vars | undefined): HostRun {
  const st = site.pc.run.hosts.get(site.host)!;
  const verdict = foldVerdicts(verdicts);
  countVerdict(st, verdict);
  if (site.task.register && registered) st.setFacts[site.task.register] = registered;
  const changed = verdicts.includes("changed");
  if (changed) notify(site.pc, site.host, site.task, site.label);
  if (verdict === "failed") st.status = { kind: "failed", task: site.label };
  if (verdict === "unreachable" && site.task.ignoreUnreachable) {
    st.stats.unreachable -= 1;
    st.stats.ignored += 1;
  } else if (verdict === "unreachable") {
    st.status = { kind: "unreachable", task: site.label, error: "unreachable" };
  }
  return { verdict, registered: site.task.register ? registered : undefined, facts: site.stored, changed };
}
