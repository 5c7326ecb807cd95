// Loading done while a play runs: an include_tasks whose file name was a template, an include_role
// whose name was one. The engine renders the name for a host, then calls these; the result is the
// same kind of plan nodes, checked the same way (a missing file or role is a located error).
import path from "node:path";
import type { Diagnostic } from "../errors.js";
import type { LoadContext } from "./context.js";
import { loadTaskFile } from "./include.js";
import { fileCandidates, isFile } from "./lookup.js";
import type { IncludeRoleTask, IncludeTasksTask, LoadedRole, LoadedPlaybook, Task } from "./plan.js";
import { Problems } from "../source/problems.js";
import { loadRole } from "./roles.js";
import { displayPath, type YamlFile } from "../source/yaml-file.js";

/** Tasks loaded at run time, or the diagnostics that prevented it. */
export type RuntimeLoad<T> = { ok: true; value: T } | { ok: false; diagnostics: Diagnostic[] };

function context(plan: LoadedPlaybook, problems: Problems): LoadContext {
  return {
    problems,
    playbookDir: plan.playbookDir,
    roleSearch: plan.roleSearch,
    fileStack: [],
    roleStack: [],
    play: { roles: [], handlers: [], expanded: new Set() },
  };
}

/** Loads the file of an include_tasks once its name is rendered (`file` is the rendered name). */
export function loadIncludedTasks(plan: LoadedPlaybook, node: IncludeTasksTask, file: string): RuntimeLoad<Task[]> {
  const problems = new Problems();
  const candidates = fileCandidates("tasks", file, undefined, node.searchDirs);
  const abs = candidates.find(isFile);
  if (!abs) {
    const where = candidates.map(displayPath).join(", ");
    return {
      ok: false,
      diagnostics: [
        {
          ...node.loc,
          path: node.path,
          message: `include_tasks file '${file}' not found; looked in: ${where}`,
        },
      ],
    };
  }
  const tasks = loadTaskFile(abs, undefined, context(plan, problems), { role: node.role });
  return tasks && problems.count === 0 ? { ok: true, value: tasks } : { ok: false, diagnostics: problems.errors };
}

/** Loads the role of an include_role once its name is rendered (`name` is the rendered name). */
export function loadIncludedRole(plan: LoadedPlaybook, node: IncludeRoleTask, name: string): RuntimeLoad<LoadedRole> {
  const problems = new Problems();
  const file: YamlFile = {
    file: node.loc.file,
    abs: path.resolve(node.loc.file),
    value: null,
    locate: () => node.loc,
  };
  const ref = { src: { file, base: [], root: node.path, dirs: [] }, at: [] };
  const loaded = loadRole({ ...node.target, name }, node.params, ref, context(plan, problems), {
    allowDuplicates: true,
  });
  return loaded && problems.count === 0 ? { ok: true, value: loaded } : { ok: false, diagnostics: problems.errors };
}
