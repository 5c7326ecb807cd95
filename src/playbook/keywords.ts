// Turns the keywords every task node shares (when, tags, vars, become, loop...) from their written
// form into the plan's fields.
import type { SourceLoc } from "../errors.js";
import type { DocPath } from "../schema/ajv.js";
import { pathOf, type TaskSource } from "./context.js";
import type { Cond, LoopSpec, TaskBase } from "./plan.js";
import type { Vars } from "../source/vars-file.js";

type Raw = Record<string, unknown>;

/** A condition keyword as a list (a single condition becomes a list of one). */
export function condList(value: unknown): Cond[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as Cond[];
}

/** A string-or-list keyword (tags, notify) as a list; tags written `a,b` are split on commas. */
export function stringList(value: unknown, splitCommas = false): string[] {
  if (value === undefined || value === null) return [];
  const list = (Array.isArray(value) ? value : [value]).map(String);
  return splitCommas ? list.flatMap((s) => s.split(",").map((t) => t.trim())).filter((t) => t !== "") : list;
}

/** The loop of a task (loop, with_items, with_list, with_dict) with its loop_control. */
export function loopOf(raw: Raw): LoopSpec | undefined {
  const kinds = ["loop", "with_items", "with_list", "with_dict"] as const;
  const kind = kinds.find((k) => raw[k] !== undefined);
  if (!kind) return undefined;
  const control = (raw.loop_control ?? {}) as Raw;
  return {
    items: raw[kind],
    kind,
    loopVar: typeof control.loop_var === "string" ? control.loop_var : "item",
    indexVar: control.index_var as string | undefined,
    label: control.label as string | undefined,
    pause: control.pause as number | string | undefined,
    extended: control.extended as boolean | undefined,
  };
}

/** The fields of TaskBase read from a node's keywords. */
export function baseOf(raw: Raw, src: TaskSource, at: DocPath): TaskBase {
  const locate = (sub: DocPath): SourceLoc => src.file.locate([...src.base, ...at, ...sub]);
  return {
    loc: locate([]),
    path: pathOf(src, at),
    at: locate,
    name: raw.name === undefined ? undefined : String(raw.name),
    when: condList(raw.when),
    tags: stringList(raw.tags, true),
    vars: (raw.vars ?? {}) as Vars,
    become: raw.become as boolean | string | undefined,
    becomeUser: raw.become_user as string | undefined,
    becomeMethod: raw.become_method as "sudo" | "su" | undefined,
    delegateTo: raw.delegate_to as string | undefined,
    runOnce: raw.run_once as boolean | string | undefined,
    checkMode: raw.check_mode as boolean | string | undefined,
    diff: raw.diff as boolean | string | undefined,
    noLog: raw.no_log as boolean | string | undefined,
    ignoreErrors: raw.ignore_errors as boolean | string | undefined,
    ignoreUnreachable: raw.ignore_unreachable as boolean | undefined,
    anyErrorsFatal: raw.any_errors_fatal as boolean | undefined,
    environment: raw.environment as Vars | string | undefined,
    role: src.role,
  };
}
