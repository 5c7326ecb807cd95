// One play: its keywords validated, vars_files loaded, roles expanded, task lists and handlers read.
import path from "node:path";
import { checkValue, isTemplated, type DocPath } from "../schema/ajv.js";
import { playSchema, type PlayInput } from "../schema/playbook.js";
import { keepValid, pathOf, type LoadContext, type TaskSource } from "./context.js";
import { condList, stringList } from "./keywords.js";
import { isFile } from "./lookup.js";
import type { Cond, LoadedVarsFile, Play, Task } from "./plan.js";
import { expandRoleEntry } from "./roles.js";
import { parseTaskList } from "./task.js";
import { checkVarTemplates } from "../source/var-templates.js";
import { loadVarsFile, type Vars } from "../source/vars-file.js";

/** What an import_playbook adds to each play it brings. */
export interface PlayExtras {
  readonly when: readonly Cond[];
  readonly vars: Vars;
  readonly tags: readonly string[];
}

/** Reads a play at `at` in the playbook source; a bad keyword is reported and left out, the rest still read. */
export function parsePlay(
  raw: unknown,
  src: TaskSource,
  at: DocPath,
  ctx: LoadContext,
  extras: PlayExtras,
): Play | undefined {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    ctx.problems.addIssues(
      src.file,
      [...src.base, ...at],
      src.root,
      checkValue(playSchema, raw, { noun: "play keyword" }),
    );
    return undefined;
  }
  const p = keepValid(playSchema, raw as Record<string, unknown>, src, at, ctx, "play keyword") as PlayInput;
  checkVarTemplates(p.vars, src.file, [...src.base, ...at, "vars"], src.root, ctx.problems);
  const playCtx: LoadContext = { ...ctx, play: { roles: [], handlers: [], expanded: new Set() } };
  const varsFiles = loadPlayVarsFiles(p.vars_files ?? [], src, [...at, "vars_files"], playCtx);
  const roleTasks: Task[] = [];
  (p.roles ?? []).forEach((entry, i) => {
    if (entry === undefined) return; // reported with the play's keywords
    const block = expandRoleEntry(entry, src, [...at, "roles", i], playCtx);
    if (block) roleTasks.push(block);
  });
  const preTasks = parseTaskList(p.pre_tasks, src, [...at, "pre_tasks"], playCtx);
  const tasks = parseTaskList(p.tasks, src, [...at, "tasks"], playCtx);
  const postTasks = parseTaskList(p.post_tasks, src, [...at, "post_tasks"], playCtx);
  const handlers = [...parseTaskList(p.handlers, src, [...at, "handlers"], playCtx), ...playCtx.play.handlers];
  const hosts = stringList(p.hosts ?? []);
  return {
    loc: src.file.locate([...src.base, ...at]),
    path: pathOf(src, at),
    name: p.name ?? hosts.join(","),
    hosts,
    file: src.file.abs,
    vars: { ...extras.vars, ...(p.vars ?? {}) },
    varsFiles,
    when: [...extras.when, ...condList(p.when)],
    tags: [...extras.tags, ...stringList(p.tags, true)],
    become: p.become,
    becomeUser: p.become_user,
    becomeMethod: p.become_method,
    serial: p.serial === undefined ? undefined : Array.isArray(p.serial) ? p.serial : [p.serial],
    maxFailPercentage: p.max_fail_percentage,
    gatherFacts: p.gather_facts ?? true,
    anyErrorsFatal: p.any_errors_fatal ?? false,
    forceHandlers: p.force_handlers ?? false,
    strategy: p.strategy ?? "linear",
    checkMode: p.check_mode,
    diff: p.diff,
    noLog: p.no_log,
    ignoreErrors: p.ignore_errors,
    ignoreUnreachable: p.ignore_unreachable,
    runOnce: p.run_once,
    environment: p.environment as Vars | string | undefined,
    remoteUser: p.remote_user,
    connection: p.connection,
    port: p.port,
    roles: playCtx.play.roles,
    preTasks,
    roleTasks,
    tasks,
    postTasks,
    handlers,
  };
}

/** Loads vars_files in order; an entry that is a list loads the first file that exists (Ansible's form). */
function loadPlayVarsFiles(
  entries: readonly (string | string[])[],
  src: TaskSource,
  at: DocPath,
  ctx: LoadContext,
): LoadedVarsFile[] {
  const out: LoadedVarsFile[] = [];
  const dir = path.dirname(src.file.abs);
  entries.forEach((entry, i) => {
    if (entry === undefined) return; // reported with the play's keywords
    const loc = src.file.locate([...src.base, ...at, i]);
    const names = Array.isArray(entry) ? entry : [entry];
    if (names.some(isTemplated)) {
      ctx.problems.error(
        loc,
        pathOf(src, [...at, i]),
        "vars_files names must not contain {{ }}; use include_vars for a computed name",
      );
      return;
    }
    const candidates = names.map((n) => path.resolve(dir, n));
    const chosen = Array.isArray(entry) ? (candidates.find(isFile) ?? candidates[0]) : candidates[0];
    if (!chosen) return;
    const loaded = loadVarsFile(chosen, ctx.problems, loc, "vars file");
    if (loaded) out.push({ loc, file: chosen, vars: loaded.vars });
  });
  return out;
}
