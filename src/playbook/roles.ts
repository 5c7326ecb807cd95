// Roles in Ansible's layout (tasks/ handlers/ defaults/ vars/ meta/ templates/ files/): found in the
// search path, dependencies first (each role once per play unless allow_duplicates), cycles refused.
import path from "node:path";
import { checkValue, isTemplated, type DocPath } from "../schema/ajv.js";
import { roleEntrySchema, roleMetaSchema } from "../schema/playbook.js";
import { didYouMean } from "../schema/suggest.js";
import { keepValid, keywordsValid, pathOf, withoutFaults, type LoadContext, type TaskSource } from "./context.js";
import { loadTaskFile } from "./include.js";
import { baseOf } from "./keywords.js";
import { findRole, knownRoles, roleFile } from "./lookup.js";
import type { BlockTask, LoadedRole, RoleContext, RoleTarget, Task } from "./plan.js";
import { loadVarsFile, type Vars } from "../source/vars-file.js";
import { displayPath, readYamlFile, type YamlFile } from "../source/yaml-file.js";

type Raw = Record<string, unknown>;

/** Where a role is named, for messages. */
export interface RoleRef {
  readonly src: TaskSource;
  readonly at: DocPath;
}

const ENTRY_KEYWORDS = new Set(Object.keys(roleEntrySchema.properties));

/** Loads a role: undefined on problems, null when it already ran in this play (Ansible runs it once). */
export function loadRole(
  target: RoleTarget,
  params: Vars,
  ref: RoleRef,
  ctx: LoadContext,
  opts: { allowDuplicates?: boolean } = {},
): LoadedRole | null | undefined {
  const loc = ref.src.file.locate([...ref.src.base, ...ref.at]);
  const where = pathOf(ref.src, ref.at);
  const dir = findRole(target.name, ctx.roleSearch, ctx.playbookDir);
  if (!dir) {
    const hint = didYouMean(target.name, knownRoles(ctx.roleSearch));
    const searched = ctx.roleSearch.map(displayPath).join(", ");
    ctx.problems.error(loc, where, `role '${target.name}' not found${hint}; searched: ${searched}`);
    ctx.problems.varsIncomplete = true;
    return undefined;
  }
  if (ctx.roleStack.includes(dir)) {
    const names = [...ctx.roleStack.slice(ctx.roleStack.indexOf(dir)), dir].map((d) => path.basename(d));
    ctx.problems.error(loc, where, `cyclic role dependency: ${names.join(" -> ")}`);
    return undefined;
  }
  const meta = readMeta(dir, ctx);
  const key = `${dir}\u0000${target.tasksFrom ?? ""}\u0000${JSON.stringify(params)}`;
  if (!opts.allowDuplicates && !meta.allowDuplicates && ctx.play.expanded.has(key)) return null;
  ctx.play.expanded.add(key);
  const context: RoleContext = {
    name: path.basename(dir),
    path: dir,
    defaults: readRoleVars(dir, "defaults", target.defaultsFrom, ref, ctx),
    vars: readRoleVars(dir, "vars", target.varsFrom, ref, ctx),
    params,
  };
  const inner: LoadContext = { ...ctx, roleStack: [...ctx.roleStack, dir] };
  const deps: Task[] = [];
  if (meta.file) {
    const metaSrc: TaskSource = { file: meta.file, base: [], root: "meta", role: context, dirs: [dir] };
    meta.dependencies.forEach((dep, i) => {
      const block = expandRoleEntry(dep, metaSrc, ["dependencies", i], inner);
      if (block) deps.push(block);
    });
  }
  ctx.play.roles.push(context);
  const tasks = readRoleTasks(dir, "tasks", target.tasksFrom, context, ref, inner);
  const handlers = readRoleTasks(dir, "handlers", target.handlersFrom, context, ref, inner);
  ctx.play.handlers.push(...handlers);
  return { context, tasks: [...deps, ...tasks], handlers };
}

interface RoleMeta {
  readonly file?: YamlFile;
  readonly dependencies: unknown[];
  readonly allowDuplicates: boolean;
}

function readMeta(dir: string, ctx: LoadContext): RoleMeta {
  const abs = roleFile(dir, "meta");
  if (!abs) return { dependencies: [], allowDuplicates: false };
  const read = readYamlFile(abs);
  if (!read.ok) {
    ctx.problems.addAll(read.diagnostics);
    return { dependencies: [], allowDuplicates: false };
  }
  const issues = checkValue(roleMetaSchema, read.file.value, { noun: "meta key" });
  ctx.problems.addIssues(read.file, [], "meta", issues);
  const written = read.file.value;
  const value =
    written && typeof written === "object" && !Array.isArray(written) ? withoutFaults(written as Raw, issues) : {};
  return {
    file: read.file,
    dependencies: (value.dependencies ?? []) as unknown[],
    allowDuplicates: value.allow_duplicates === true,
  };
}

function readRoleVars(
  dir: string,
  sub: "defaults" | "vars",
  from: string | undefined,
  ref: RoleRef,
  ctx: LoadContext,
): Vars {
  const abs = roleFile(dir, sub, from ?? "main");
  if (!abs) {
    if (from) missing(`${sub}_from file '${from}'`, dir, sub, ref, ctx);
    return {};
  }
  return loadVarsFile(abs, ctx.problems)?.vars ?? {};
}

function readRoleTasks(
  dir: string,
  sub: "tasks" | "handlers",
  from: string | undefined,
  role: RoleContext,
  ref: RoleRef,
  ctx: LoadContext,
): Task[] {
  const abs = roleFile(dir, sub, from ?? "main");
  if (!abs) {
    if (from) missing(`${sub}_from file '${from}'`, dir, sub, ref, ctx);
    return [];
  }
  return loadTaskFile(abs, undefined, ctx, { root: sub, role, what: `role ${sub} file` }) ?? [];
}

function missing(what: string, dir: string, sub: string, ref: RoleRef, ctx: LoadContext): void {
  const loc = ref.src.file.locate([...ref.src.base, ...ref.at]);
  ctx.problems.error(loc, pathOf(ref.src, ref.at), `${what} not found in ${displayPath(path.join(dir, sub))}`);
}

/** An entry of `roles:` or of meta `dependencies:` as a block of the role's tasks (null: already ran). */
export function expandRoleEntry(
  raw: unknown,
  src: TaskSource,
  at: DocPath,
  ctx: LoadContext,
): BlockTask | null | undefined {
  if (typeof raw !== "string" && (raw === null || typeof raw !== "object" || Array.isArray(raw))) {
    keywordsValid(roleEntrySchema, raw, src, at, ctx);
    return undefined;
  }
  const entry: Raw = typeof raw === "string" ? { role: raw } : keepValid(roleEntrySchema, raw as Raw, src, at, ctx);
  const name = entry.role ?? entry.name;
  if (typeof name !== "string" || name === "") {
    ctx.problems.error(
      src.file.locate([...src.base, ...at]),
      pathOf(src, at),
      "role entry without a role name (`role: name`)",
    );
    return undefined;
  }
  if (isTemplated(name)) {
    ctx.problems.error(
      src.file.locate([...src.base, ...at]),
      pathOf(src, at),
      "a role in `roles:` needs a name without {{ }}; use include_role for a computed name",
    );
    return undefined;
  }
  const keywords: Raw = {};
  const params: Vars = { ...((entry.vars ?? {}) as Vars) };
  for (const [k, v] of Object.entries(entry)) {
    if (k === "role" || k === "name" || k === "vars") continue;
    if (ENTRY_KEYWORDS.has(k)) keywords[k] = v;
    else params[k] = v;
  }
  const nameAt = typeof raw === "string" ? at : [...at, "role" in entry ? "role" : "name"];
  const loaded = loadRole({ name }, params, { src, at: nameAt }, ctx);
  if (!loaded) return loaded;
  return {
    ...baseOf(keywords, src, at),
    name: `role ${loaded.context.name}`,
    kind: "block",
    origin: "role",
    block: loaded.tasks,
    rescue: [],
    always: [],
    notify: [],
    role: loaded.context,
  };
}
