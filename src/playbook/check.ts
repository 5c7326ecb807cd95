// The static checks of a loaded plan, done before any host is touched: every variable a template or
// condition uses must be defined somewhere it can come from (inventory, play, vars files, roles, task
// and block vars, loop variables, earlier register/set_fact/include_vars, magic variables), template
// files and copied files must exist, and every notify must reach a handler.
import fs from "node:fs";
import path from "node:path";
import { inventoryVarsOf } from "../inventory/precedence.js";
import { MAGIC_VAR_NAMES } from "../inventory/magic.js";
import { formatPath, isTemplated, type DocPath } from "../schema/ajv.js";
import { analyzeCondition, analyzeTemplate, conditionGuards, type Analysis } from "../template/analyze.js";
import { fileCandidates } from "./lookup.js";
import type { Cond, ModuleTask, Play, LoadedPlaybook, Task } from "./plan.js";
import type { Problems } from "../source/problems.js";
import { decodeUtf8 } from "../source/utf8.js";
import { loadVarsFile, type Vars } from "../source/vars-file.js";
import { displayPath } from "../source/yaml-file.js";

/** What is known while walking a play: names defined so far, and whether some could not be known. */
interface State {
  readonly problems: Problems;
  readonly plan: LoadedPlaybook;
  /** Names set by register, set_fact and include_vars so far (they persist across plays, per host). */
  readonly registered: Set<string>;
  /** After an include_vars of a computed file, unknown names are warnings instead of errors. */
  open: boolean;
  /** False when a source of variables could not be read: some may be missing only because of that. */
  readonly checkVariables: boolean;
  play: Play;
}

/** A position to report at and the name of the task, for messages. */
interface Site {
  readonly task: Task;
  readonly sub: DocPath;
  readonly names: ReadonlySet<string>;
}

/** Runs every static check over the plan; problems are added to `problems`. With `checkVariables`
 * false (a source of variables could not be read) undefined variables are not reported, to avoid noise. */
export function checkPlan(plan: LoadedPlaybook, problems: Problems, opts: { checkVariables?: boolean } = {}): void {
  const state: State = {
    problems,
    plan,
    registered: new Set(),
    open: false,
    play: plan.plays[0] as Play,
    checkVariables: opts.checkVariables ?? true,
  };
  plan.plays.forEach((play, i) => {
    state.play = play;
    const names = playNames(plan, play, plan.playHosts[i] ?? []);
    for (const list of [play.preTasks, play.roleTasks, play.tasks, play.postTasks]) walkTasks(list, names, state);
    walkTasks(play.handlers, names, state);
    checkNotify(play, problems);
  });
}

function playNames(plan: LoadedPlaybook, play: Play, hosts: readonly string[]): Set<string> {
  const names = new Set<string>([...MAGIC_VAR_NAMES, ...Object.keys(plan.extraVars), ...Object.keys(play.vars)]);
  const targets = hosts.length > 0 ? hosts : [...plan.inventory.hosts.keys()];
  for (const h of targets) for (const k of Object.keys(inventoryVarsOf(plan.inventory, h))) names.add(k);
  for (const f of play.varsFiles) for (const k of Object.keys(f.vars)) names.add(k);
  for (const r of play.roles)
    for (const v of [r.defaults, r.vars, r.params]) for (const k of Object.keys(v)) names.add(k);
  return names;
}

/** A task's own name, or its module (or kind) when unnamed: without the `role : ` that the run shows. */
function bareTaskName(task: Task): string {
  if (task.name) return task.name;
  return task.kind === "module" ? task.module : task.kind;
}

function report(site: Site, analysis: Analysis, state: State, inFile?: string): void {
  const at = site.task.at(site.sub);
  const path = formatPath(site.sub, site.task.path);
  const label = bareTaskName(site.task);
  if (!analysis.ok) {
    state.problems.error(at, path, `${analysis.message} (task '${label}')`);
    return;
  }
  for (const p of analysis.problems) state.problems.error(at, path, `${p} (task '${label}')`);
  if (!state.checkVariables) return;
  for (const ref of analysis.refs) {
    if (site.names.has(ref.name) || state.registered.has(ref.name) || ref.name.startsWith("ansible_")) continue;
    const where = inFile ? { file: inFile, line: ref.line, col: ref.col } : at;
    const message = `undefined variable '${ref.path}' in task '${label}'`;
    if (state.open) state.problems.warn(where, path, message);
    else state.problems.error(where, path, message);
  }
}

function checkStrings(value: unknown, site: Site, state: State): void {
  if (typeof value === "string") {
    if (value.includes("{{") || value.includes("{%")) report(site, analyzeTemplate(value), state);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => checkStrings(v, { ...site, sub: [...site.sub, i] }, state));
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) checkStrings(v, { ...site, sub: [...site.sub, k] }, state);
  }
}

/** Checks each condition of a list; what an item guards (`x is defined`) holds for the items after it. */
function checkConds(conds: readonly Cond[] | undefined, site: Site, state: State): void {
  let names = site.names;
  (conds ?? []).forEach((c, i) => {
    report(
      { ...site, names, sub: conds && conds.length > 1 ? [...site.sub, i] : site.sub },
      analyzeCondition(c),
      state,
    );
    names = withNames(names, ...conditionGuards(c));
  });
}

function withNames(names: ReadonlySet<string>, ...more: (string | undefined)[]): Set<string> {
  const out = new Set(names);
  for (const m of more) if (m) out.add(m);
  return out;
}

function walkTasks(tasks: readonly Task[], names: ReadonlySet<string>, state: State): void {
  for (const task of tasks) walkTask(task, names, state);
}

function walkTask(task: Task, outer: ReadonlySet<string>, state: State): void {
  const loopNames = "loop" in task && task.loop ? [task.loop.loopVar, task.loop.indexVar] : [];
  const names = withNames(outer, ...Object.keys(task.vars), ...loopNames);
  const site = (sub: DocPath): Site => ({ task, sub, names });
  checkStrings(task.vars, site(["vars"]), state);
  for (const [key, value] of Object.entries({
    name: task.name,
    delegate_to: task.delegateTo,
    become_user: task.becomeUser,
    environment: task.environment,
    become: task.become,
    run_once: task.runOnce,
    check_mode: task.checkMode,
    no_log: task.noLog,
    ignore_errors: task.ignoreErrors,
  })) {
    checkStrings(value, site([key]), state);
  }
  if ("loop" in task && task.loop) checkStrings(task.loop.items, { task, sub: [task.loop.kind], names: outer }, state);
  checkConds(task.when, site(["when"]), state);
  switch (task.kind) {
    case "block":
      walkTasks(task.block, names, state);
      walkTasks(task.rescue, withNames(names, "ansible_failed_task", "ansible_failed_result"), state);
      walkTasks(task.always, names, state);
      return;
    case "include_tasks":
      checkStrings(task.file, site(["include_tasks"]), state);
      if (task.preloaded) walkTasks(task.preloaded, names, state);
      return;
    case "include_role":
      if (task.preloaded) walkTasks(task.preloaded.tasks, names, state);
      return;
    case "module":
      checkModuleTask(task, names, state);
      return;
  }
}

function checkModuleTask(task: ModuleTask, names: ReadonlySet<string>, state: State): void {
  const argsSite: Site = { task, sub: [task.moduleKey], names };
  if (task.module === "assert") {
    const that = task.args.that;
    const list = (Array.isArray(that) ? that : [that]) as Cond[];
    let guarded = names;
    list.forEach((c, i) => {
      const sub = [task.moduleKey, "that", ...(Array.isArray(that) ? [i] : [])];
      report({ ...argsSite, names: guarded, sub }, analyzeCondition(c), state);
      guarded = withNames(guarded, ...conditionGuards(c));
    });
    checkStrings({ ...task.args, that: undefined }, argsSite, state);
  } else if (task.module === "debug" && typeof task.args.var === "string") {
    report({ ...argsSite, sub: [task.moduleKey, "var"] }, analyzeCondition(task.args.var), state);
    checkStrings({ ...task.args, var: undefined }, argsSite, state);
  } else {
    checkStrings(task.args, argsSite, state);
  }
  checkFiles(task, names, state);
  const withResult = withNames(names, task.register);
  const after = (sub: string): Site => ({ task, sub: [sub], names: withResult });
  checkConds(task.changedWhen, after("changed_when"), state);
  checkConds(task.failedWhen, after("failed_when"), state);
  checkConds(task.until, after("until"), state);
  checkStrings({ retries: task.retries, delay: task.delay }, { task, sub: [], names }, state);
  if (task.register) state.registered.add(task.register);
  if (task.module === "set_fact")
    for (const k of Object.keys(task.args)) if (k !== "cacheable") state.registered.add(k);
}

/** Where a task's relative file names are looked up (after its role): its own file's directory,
 * the play's playbook directory, and the main playbook's directory. */
function searchDirs(task: ModuleTask, state: State): string[] {
  const dirs = [path.dirname(path.resolve(task.loc.file)), path.dirname(state.play.file), state.plan.playbookDir];
  return [...new Set(dirs)];
}

/** Template and copy sources must exist; template files are checked for undefined variables too. */
function checkFiles(task: ModuleTask, names: ReadonlySet<string>, state: State): void {
  const src = task.args.src ?? task.args.file;
  if (typeof src !== "string" || isTemplated(src)) {
    if (task.module === "include_vars") state.open = true;
    return;
  }
  const kind =
    task.module === "template"
      ? "templates"
      : task.module === "copy" && task.args.remote_src !== true
        ? "files"
        : task.module === "include_vars"
          ? "vars"
          : undefined;
  if (!kind) return;
  const sub = [task.moduleKey, task.module === "include_vars" ? "file" : "src"];
  const candidates = fileCandidates(kind, src, task.role, searchDirs(task, state));
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) {
    state.problems.error(
      task.at(sub),
      formatPath(sub, task.path),
      `${task.module} file '${src}' not found in task '${bareTaskName(task)}'; looked in: ${candidates.map(displayPath).join(", ")}`,
    );
    return;
  }
  if (kind === "templates") {
    const decoded = decodeUtf8(fs.readFileSync(found), displayPath(found));
    if (decoded.ok) report({ task, sub, names }, analyzeTemplate(decoded.text), state, found);
    else state.problems.addAll([decoded.diagnostic]);
  } else if (kind === "vars") {
    const loaded = loadVarsFile(found, state.problems, task.at(sub));
    const target = typeof task.args.name === "string" ? { [task.args.name]: true } : (loaded?.vars ?? {});
    for (const k of Object.keys(target as Vars)) state.registered.add(k);
  }
}

function collectHandlers(tasks: readonly Task[], out: Set<string>): void {
  for (const t of tasks) {
    if (t.name) out.add(t.name);
    if (t.kind === "module") for (const l of t.listen) out.add(l);
    if (t.kind === "block") for (const list of [t.block, t.rescue, t.always]) collectHandlers(list, out);
    if (t.kind === "include_tasks" && t.preloaded) collectHandlers(t.preloaded, out);
  }
}

/** Every `notify` must name a handler of the play (by name or `listen`), as Ansible requires. */
function checkNotify(play: Play, problems: Problems): void {
  const handlers = new Set<string>();
  collectHandlers(play.handlers, handlers);
  const visit = (tasks: readonly Task[]): void => {
    for (const t of tasks) {
      if ((t.kind === "module" || t.kind === "block") && t.notify.length > 0) {
        for (const n of t.notify) {
          if (!isTemplated(n) && !handlers.has(n))
            problems.error(
              t.at(["notify"]),
              `${t.path}.notify`,
              `notify '${n}': no handler with this name or listen topic in the play`,
            );
        }
      }
      if (t.kind === "block") for (const list of [t.block, t.rescue, t.always]) visit(list);
      if (t.kind === "include_tasks" && t.preloaded) visit(t.preloaded);
      if (t.kind === "include_role" && t.preloaded) visit(t.preloaded.tasks);
    }
  };
  for (const list of [play.preTasks, play.roleTasks, play.tasks, play.postTasks, play.handlers]) visit(list);
}
