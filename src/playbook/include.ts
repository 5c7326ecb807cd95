// import_tasks / include_tasks / import_role / include_role. Imports are expanded now (a block holding
// the imported tasks, carrying the import's keywords); includes stay nodes, preloaded when their file
// or role name is static, so a missing file is reported before anything runs.
import path from "node:path";
import { isTemplated, type DocPath } from "../schema/ajv.js";
import { includeRoleSchema, includeTasksSchema } from "../schema/playbook.js";
import { keepValid, pathOf, reportedCycle, type LoadContext, type TaskSource } from "./context.js";
import { baseOf, loopOf } from "./keywords.js";
import { fileCandidates, isFile } from "./lookup.js";
import type { BlockTask, IncludeRoleTask, IncludeTasksTask, RoleTarget, Task } from "./plan.js";
import { loadRole } from "./roles.js";
import { parseTaskList } from "./task.js";
import type { Vars } from "../source/vars-file.js";
import { displayPath, readYamlFile } from "../source/yaml-file.js";

type Raw = Record<string, unknown>;

/** Reads a tasks file (for import_tasks, include_tasks, a role's tasks/handlers); null on problems. */
export function loadTaskFile(
  abs: string,
  from: { src: TaskSource; at: DocPath } | undefined,
  ctx: LoadContext,
  opts: { root?: string; role?: TaskSource["role"]; what?: string } = {},
): Task[] | undefined {
  if (reportedCycle(abs, from, ctx, "import")) return undefined;
  const fromLoc = from ? from.src.file.locate([...from.src.base, ...from.at]) : undefined;
  const read = readYamlFile(abs, fromLoc, opts.what ?? "tasks file");
  if (!read.ok) {
    ctx.problems.addAll(read.diagnostics);
    return undefined;
  }
  const role = opts.role ?? from?.src.role;
  const dirs = [...(role ? [path.join(role.path, "tasks")] : []), path.dirname(abs), ctx.playbookDir];
  const src: TaskSource = {
    file: read.file,
    base: [],
    root: opts.root ?? "tasks",
    role,
    dirs: [...new Set(dirs)],
  };
  return parseTaskList(read.file.value, src, [], { ...ctx, fileStack: [...ctx.fileStack, abs] });
}

function fileOf(ref: unknown): string {
  return typeof ref === "string" ? ref : String((ref as Raw | undefined)?.file ?? "");
}

/** import_tasks (expanded into a block) or include_tasks (a node, preloaded when static). */
export function parseIncludeTasks(written: Raw, src: TaskSource, at: DocPath, ctx: LoadContext): Task | undefined {
  const raw = keepValid(includeTasksSchema, written, src, at, ctx);
  const isImport = "import_tasks" in written;
  const key = isImport ? "import_tasks" : "include_tasks";
  if (!(key in raw)) return undefined;
  const file = fileOf(raw[key]);
  const base = baseOf(raw, src, at);
  const keyLoc = src.file.locate([...src.base, ...at, key]);
  if (isTemplated(file)) {
    if (isImport) {
      ctx.problems.error(
        keyLoc,
        pathOf(src, at),
        "import_tasks needs a file name without {{ }}; use include_tasks for a computed name",
      );
      return undefined;
    }
    const node: IncludeTasksTask = {
      ...base,
      kind: "include_tasks",
      file,
      searchDirs: src.dirs,
      loop: loopOf(raw),
    };
    return node;
  }
  const candidates = fileCandidates("tasks", file, undefined, src.dirs);
  const abs = candidates.find(isFile);
  if (!abs) {
    ctx.problems.error(
      keyLoc,
      pathOf(src, [...at, key]),
      `${key} file '${file}' not found; looked in: ${candidates.map((c) => displayPath(c)).join(", ")}`,
    );
    return undefined;
  }
  const tasks = loadTaskFile(abs, { src, at }, ctx, { what: `${key} file` });
  if (!tasks) return undefined;
  if (isImport) {
    const block: BlockTask = {
      ...base,
      kind: "block",
      origin: "import_tasks",
      block: tasks,
      rescue: [],
      always: [],
      notify: [],
    };
    return block;
  }
  const node: IncludeTasksTask = {
    ...base,
    kind: "include_tasks",
    file,
    searchDirs: src.dirs,
    loop: loopOf(raw),
    preloaded: tasks,
  };
  return node;
}

/** import_role (expanded into a block) or include_role (a node, preloaded when the name is static). */
export function parseIncludeRole(written: Raw, src: TaskSource, at: DocPath, ctx: LoadContext): Task | undefined {
  const raw = keepValid(includeRoleSchema, written, src, at, ctx);
  const isImport = "import_role" in written;
  const key = isImport ? "import_role" : "include_role";
  if (!(key in raw)) return undefined;
  const ref = raw[key] as Raw;
  const target: RoleTarget = {
    name: String(ref.name),
    tasksFrom: ref.tasks_from as string | undefined,
    varsFrom: ref.vars_from as string | undefined,
    defaultsFrom: ref.defaults_from as string | undefined,
    handlersFrom: ref.handlers_from as string | undefined,
    public: ref.public as boolean | undefined,
  };
  const params = (raw.vars ?? {}) as Vars;
  const base = { ...baseOf(raw, src, at), vars: {} };
  if (isTemplated(target.name)) {
    if (isImport) {
      ctx.problems.error(
        src.file.locate([...src.base, ...at, key, "name"]),
        pathOf(src, [...at, key, "name"]),
        "import_role needs a role name without {{ }}; use include_role for a computed name",
      );
      return undefined;
    }
    const node: IncludeRoleTask = { ...base, kind: "include_role", target, params, loop: loopOf(raw) };
    return node;
  }
  const loaded = loadRole(target, params, { src, at: [...at, key, "name"] }, ctx, { allowDuplicates: true });
  if (!loaded) return undefined;
  if (isImport) {
    const block: BlockTask = {
      ...base,
      kind: "block",
      origin: "import_role",
      block: loaded.tasks,
      rescue: [],
      always: [],
      notify: [],
      role: loaded.context,
    };
    return block;
  }
  const node: IncludeRoleTask = {
    ...base,
    kind: "include_role",
    target,
    params,
    loop: loopOf(raw),
    preloaded: loaded,
  };
  return node;
}
