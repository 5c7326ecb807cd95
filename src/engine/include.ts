// include_tasks and include_role at run time: the file or role name is rendered per host (with the
// include's loop item, if any), hosts that include the same thing run it together, and what a
// static name preloaded is used as is; a computed name is loaded now and checked the same way.
import { formatDiagnostic } from "../errors.js";
import { loadIncludedRole, loadIncludedTasks } from "../playbook/runtime-load.js";
import type { IncludeRoleTask, IncludeTasksTask, Task } from "../playbook/plan.js";
import type { Vars } from "../source/vars-file.js";
import { evalCondition, renderValue } from "../template/engine.js";
import { qualifiedTaskName } from "./handlers.js";
import { itemVars, loopItems } from "./loop.js";
import { countVerdict } from "./results.js";
import type { PlayContext, ScopeVars } from "./types.js";
import { hostvarsOf, inheritedWhen, taskVars } from "./vars.js";
import { runTasks } from "./walk.js";

type IncludeNode = IncludeTasksTask | IncludeRoleTask;

/** One thing a host includes: the rendered name and the variables the include adds (loop item). */
interface Entry {
  readonly name: string;
  readonly extra: Vars | undefined;
}

/** What one host includes: its entries, why it cannot, or nothing (its `when:` is false). */
type HostEntries = { ok: true; entries: Entry[] } | { ok: false; error: string } | { ok: "skip" };

/** How deep includes may nest at run time; a computed name can hide a self-include from the loader. */
export const MAX_INCLUDE_DEPTH = 50;

/** Runs an include node for `hosts`: round by round (loop items), grouping hosts by what they include. */
export async function runInclude(
  pc: PlayContext,
  node: IncludeNode,
  parents: readonly Task[],
  hosts: readonly string[],
  scope: ScopeVars | undefined,
): Promise<void> {
  const tooDeep = depthError([...parents, node]);
  if (tooDeep) return fail(pc, node, hosts, tooDeep);
  const hostvars = hostvarsOf(pc);
  const plans = new Map<string, Entry[]>();
  for (const host of hosts) {
    const plan = entriesFor(pc, node, parents, host, scope?.get(host), hostvars);
    if (plan.ok === true) plans.set(host, plan.entries);
    else if (plan.ok === false) fail(pc, node, [host], plan.error);
  }
  const rounds = Math.max(0, ...[...plans.values()].map((e) => e.length));
  for (let r = 0; r < rounds; r++) {
    const groups = new Map<string, string[]>();
    for (const [host, entries] of plans) {
      const e = entries[r];
      if (e) groups.set(e.name, [...(groups.get(e.name) ?? []), host]);
    }
    for (const [name, group] of groups) {
      const tasks = resolve(pc, node, name);
      if (!tasks.ok) {
        fail(pc, node, group, tasks.error);
        continue;
      }
      const inner = new Map(group.map((h) => [h, { ...(scope?.get(h) ?? {}), ...(plans.get(h)?.[r]?.extra ?? {}) }]));
      await runTasks(pc, tasks.tasks, [...parents, node], group, inner);
    }
  }
}

function entriesFor(
  pc: PlayContext,
  node: IncludeNode,
  parents: readonly Task[],
  host: string,
  extra: Vars | undefined,
  hostvars: Vars,
): HostEntries {
  try {
    const vars = taskVars(pc, host, node, parents, extra, hostvars);
    const when = inheritedWhen(pc.play, parents, node);
    if (!when.every((c) => evalCondition(c, vars, { loc: node.at(["when"]), task: node.name }))) return { ok: "skip" };
    const written = node.kind === "include_tasks" ? node.file : node.target.name;
    const name = (v: Vars) => String(renderValue(written, v, { loc: node.loc, path: node.path, task: node.name }));
    if (!node.loop) return { ok: true, entries: [{ name: name(vars), extra }] };
    const items = loopItems(node.loop, vars, node);
    if (!items.ok) return { ok: false, error: items.error };
    const spec = node.loop;
    return {
      ok: true,
      entries: items.items.map((item, i) => {
        const add = itemVars(spec, item, i, items.items.length);
        return { name: name({ ...vars, ...add }), extra: { ...(extra ?? {}), ...add } };
      }),
    };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

function resolve(
  pc: PlayContext,
  node: IncludeNode,
  name: string,
): { ok: true; tasks: readonly Task[] } | { ok: false; error: string } {
  const plan = pc.run.plan;
  if (node.kind === "include_tasks") {
    if (node.preloaded && name === node.file) return { ok: true, tasks: node.preloaded };
    const loaded = loadIncludedTasks(plan, node, name);
    return loaded.ok
      ? { ok: true, tasks: loaded.value }
      : { ok: false, error: loaded.diagnostics.map(formatDiagnostic).join("\n") };
  }
  const role = node.preloaded && name === node.target.name ? node.preloaded : undefined;
  const loaded = role ? { ok: true as const, value: role } : loadIncludedRole(plan, node, name);
  if (!loaded.ok) return { ok: false, error: loaded.diagnostics.map(formatDiagnostic).join("\n") };
  for (const h of loaded.value.handlers) if (!pc.handlers.includes(h)) pc.handlers.push(h);
  return { ok: true, tasks: loaded.value.tasks };
}

/** The error for an include nested deeper than the limit, with the chain of includes that led there. */
function depthError(chain: readonly Task[]): string | undefined {
  const includes = chain.filter((t): t is IncludeNode => t.kind === "include_tasks" || t.kind === "include_role");
  if (includes.length <= MAX_INCLUDE_DEPTH) return undefined;
  const seen = new Set<string>();
  const shown: string[] = [];
  for (const inc of includes) {
    const at = `${inc.loc.file}:${inc.loc.line}`;
    if (seen.has(at)) {
      shown.push(`${at} again`);
      break;
    }
    seen.add(at);
    shown.push(`${at} ${inc.kind} ${inc.kind === "include_tasks" ? inc.file : inc.target.name}`);
  }
  return `includes nested more than ${MAX_INCLUDE_DEPTH} deep (an include that includes itself needs a when: that ends it): ${shown.join(" -> ")}`;
}

/** An include that cannot be resolved fails its hosts, reported like a task. */
function fail(pc: PlayContext, node: IncludeNode, hosts: readonly string[], error: string): void {
  const label = qualifiedTaskName(node);
  pc.run.emit({
    type: "task_start",
    play: pc.play.name,
    task: label,
    loc: node.loc,
    hosts: [...hosts],
    handler: pc.inHandlers,
  });
  for (const host of hosts) {
    pc.run.emit({
      type: "host_result",
      task: label,
      host,
      loc: node.loc,
      result: { status: "failed", error, data: {} },
      check: pc.run.opts.check,
      durationMs: 0,
    });
    const st = pc.run.hosts.get(host)!;
    countVerdict(st, "failed");
    st.status = { kind: "failed", task: label };
  }
}
