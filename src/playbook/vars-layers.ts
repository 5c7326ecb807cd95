// The variable layers a task gets from the plan (roles, play, vars_files, blocks, the task itself).
// The engine adds the host's layers (hostVarLayers), facts, set_fact/register results, include_vars,
// extra vars and magic variables, then calls mergeVars.
import type { VarLayers } from "../inventory/precedence.js";
import type { Play, Task } from "./plan.js";
import type { Vars } from "../source/vars-file.js";

/** Layers from the plan for `task`, given its enclosing blocks (outermost first). Roles are public as
 * in Ansible's default: every role of the play contributes its defaults and vars, the task's own role
 * last so that it wins. */
export function planVarLayers(play: Play, parents: readonly Task[], task: Task): VarLayers {
  const own = task.role;
  const others = play.roles.filter((r) => r !== own);
  const blocks = parents.filter((p) => p.kind === "block" || p.kind === "include_tasks" || p.kind === "include_role");
  return {
    roleDefaults: [...others.map((r) => r.defaults), ...(own ? [own.defaults] : [])],
    playVars: play.vars,
    varsFiles: play.varsFiles.map((f) => f.vars),
    roleVars: [...others.map((r) => r.vars), ...(own ? [own.vars] : [])],
    // An include_role's `vars:` are its role's params, and (as in Ansible) every include nested inside it sees them.
    blockVars: blocks.map((b) => (b.kind === "include_role" ? b.params : b.vars)),
    taskVars: task.vars,
    roleParams: own ? own.params : ({} as Vars),
  };
}
