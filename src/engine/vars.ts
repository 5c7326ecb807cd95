// Variables of one host for one task, in Ansible's precedence (inventory, group_vars/host_vars, facts,
// play vars, vars_files, role defaults/vars/params, block and task vars, set_fact/register, include
// vars, extra vars) plus the magic variables; and the keywords a task inherits from blocks and play.
import { hostVarLayers, mergeVars, type VarLayers } from "../inventory/precedence.js";
import { magicVars } from "../inventory/magic.js";
import type { Play, Task, TaskBase } from "../playbook/plan.js";
import { planVarLayers } from "../playbook/vars-layers.js";
import { markTemplatedVars } from "../template/engine.js";
import type { Vars } from "../source/vars-file.js";
import type { HostState, PlayContext, RunContext } from "./types.js";

/** The inventory layers of a host, computed once per run. */
export function inventoryLayers(run: RunContext, host: string): VarLayers {
  let layers = run.inventoryLayers.get(host);
  if (!layers) {
    layers = hostVarLayers(run.plan.inventory, host);
    run.inventoryLayers.set(host, layers);
  }
  return layers;
}

/** A host's own variables outside any play (its inventory layers and the extra vars): what a task that
 * delegates to it connects with, and what the run connects ahead with. */
export function delegateVarsOf(run: RunContext, host: string): Vars {
  return mergeVars({ ...inventoryLayers(run, host), extraVars: run.plan.extraVars });
}

function stateOf(run: RunContext, host: string): HostState | undefined {
  return run.hosts.get(host);
}

/** `hostvars`: every inventory host's variables as this play sees them, computed when read. */
export function hostvarsOf(pc: PlayContext): Vars {
  const out: Vars = {};
  for (const name of pc.run.plan.inventory.hosts.keys()) {
    let cached: Vars | undefined;
    Object.defineProperty(out, name, {
      enumerable: true,
      get: () => (cached ??= playLevelVars(pc, name)),
    });
  }
  return out;
}

/** A host's variables without any task or role: inventory, facts, play vars, set_fact, extra vars. */
export function playLevelVars(pc: PlayContext, host: string): Vars {
  return playVarsOf(pc.run, pc.play, host);
}

/** playLevelVars for a play that has not started yet (as connecting ahead needs). */
export function playVarsOf(run: RunContext, play: Play, host: string): Vars {
  const st = stateOf(run, host);
  return mergeVars({
    roleDefaults: playKeywordVars(play),
    ...inventoryLayers(run, host),
    facts: st?.facts ?? {},
    playVars: play.vars,
    varsFiles: play.varsFiles.map((f) => f.vars),
    setFacts: st?.setFacts ?? {},
    includeVars: st?.includeVars ?? {},
    extraVars: run.plan.extraVars,
    magic: { inventory_hostname: host, ansible_facts: st?.facts ?? {} },
  });
}

/** The play's connection keywords (remote_user, port, connection) as the variables they stand for, at
 * the lowest precedence: inventory connection variables override them, as in Ansible. */
export function playKeywordVars(play: Play): Vars {
  const out: Vars = {};
  if (play.remoteUser !== undefined) out.ansible_user = play.remoteUser;
  if (play.port !== undefined) out.ansible_port = play.port;
  if (play.connection !== undefined) out.ansible_connection = play.connection;
  return out;
}

/** The full variables of `host` for `task` inside `parents` (outermost first), with magic variables. */
export function taskVars(
  pc: PlayContext,
  host: string,
  task: Task,
  parents: readonly Task[],
  extra: Vars | undefined,
  hostvars: Vars,
): Vars {
  const run = pc.run;
  const st = stateOf(run, host);
  const plan = planVarLayers(pc.play, parents, task);
  const magic: Vars = {
    ...magicVars(run.plan.inventory, host, {
      playHosts: pc.playHosts,
      batch: pc.batch,
      playName: pc.play.name,
      playbookDir: run.plan.playbookDir,
      // As Ansible (load_options_vars): the run's --check, not the task's check_mode, so a task with
      // `check_mode: false` can still ask whether the run is a check (e.g. to pass a --dry-run flag).
      checkMode: run.opts.check,
      diffMode: run.opts.diff,
    }),
    hostvars,
    ansible_facts: st?.facts ?? {},
    ansible_run_tags: [...(run.opts.tags ?? ["all"])],
    ansible_skip_tags: [...(run.opts.skipTags ?? [])],
    ansible_limit: run.opts.limit ?? "",
    ansible_verbosity: run.opts.verbosity ?? 0,
    ansible_version: { full: "2.16.0", major: 2, minor: 16, string: "2.16.0 (gocd-bc)" },
    ...(task.role ? { role_name: task.role.name, role_path: task.role.path } : {}),
  };
  const roleDefaults =
    plan.roleDefaults === undefined
      ? []
      : Array.isArray(plan.roleDefaults)
        ? plan.roleDefaults
        : [plan.roleDefaults as Vars];
  const facts = st?.facts ?? {};
  const setFacts = st?.setFacts ?? {};
  const merged = mergeVars({
    ...inventoryLayers(run, host),
    ...plan,
    roleDefaults: [playKeywordVars(pc.play), ...roleDefaults],
    facts,
    setFacts,
    includeVars: st?.includeVars ?? {},
    includeParams: extra ?? {},
    extraVars: run.plan.extraVars,
    magic,
  });
  // Variables written as templates are rendered when used; results (register, set_fact, facts) and
  // magic variables are data.
  const data = new Set(Object.keys(magic));
  for (const layer of [facts, setFacts]) for (const [k, v] of Object.entries(layer)) if (merged[k] === v) data.add(k);
  return markTemplatedVars(merged, data);
}

/** The nearest value of a keyword: the task's own, then its blocks' (innermost first), then the play's. */
export function inherited<K extends keyof TaskBase>(
  play: Play,
  parents: readonly Task[],
  task: Task,
  key: K,
): TaskBase[K] | undefined {
  if (task[key] !== undefined) return task[key];
  for (let i = parents.length - 1; i >= 0; i--) {
    const v = (parents[i] as TaskBase)[key];
    if (v !== undefined) return v;
  }
  return key in play ? (play as unknown as TaskBase)[key] : undefined;
}

/** Whether this task runs in check mode: `check_mode: true` forces it, `false` forces a real run. */
export function effectiveCheck(pc: PlayContext, task: Task, parents: readonly Task[]): boolean {
  const v = inherited(pc.play, parents, task, "checkMode");
  if (v === undefined) return pc.run.opts.check;
  return truthy(v);
}

/** Ansible's truthiness for keyword values written as booleans or strings ("yes", "false"). */
export function truthy(value: unknown): boolean {
  if (typeof value === "string") return !["false", "no", "off", "0", "", "none"].includes(value.trim().toLowerCase());
  return Boolean(value);
}

/** The tags a task carries with those of its play, blocks and includes. */
export function inheritedTags(play: Play, parents: readonly Task[], task: Task): string[] {
  return [...new Set([...play.tags, ...parents.flatMap((p) => p.tags), ...task.tags])];
}

/** The `when` conditions that guard a task: the play's (import_playbook), every enclosing block's, its own. */
export function inheritedWhen(play: Play, parents: readonly Task[], task: Task): Task["when"] {
  return [...play.when, ...parents.filter((p) => p.kind === "block").flatMap((p) => p.when), ...task.when];
}
