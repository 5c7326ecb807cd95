// The module tasks of a loaded play, in the order they are written, through blocks, imports, roles and
// the includes loaded in advance: what code that reads a playbook's results checks its names against
// before it relies on them.
import type { ModuleTask, Play, Task } from "./plan.js";

/** Every module task of `tasks`, depth first, in file order (a block's rescue and always included). */
export function moduleTasks(tasks: readonly Task[]): ModuleTask[] {
  return tasks.flatMap((t): ModuleTask[] => {
    switch (t.kind) {
      case "module":
        return [t];
      case "block":
        return moduleTasks([...t.block, ...t.rescue, ...t.always]);
      case "include_tasks":
        return moduleTasks(t.preloaded ?? []);
      case "include_role":
        return moduleTasks(t.preloaded?.tasks ?? []);
    }
  });
}

/** Every module task a play runs outside its handlers: pre_tasks, roles, tasks, post_tasks. */
export function playModuleTasks(play: Play): ModuleTask[] {
  return moduleTasks([...play.preTasks, ...play.roleTasks, ...play.tasks, ...play.postTasks]);
}
