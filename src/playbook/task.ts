// Reads a list of tasks: each item is a module task, a block (with rescue/always), or an import or
// include of tasks or a role. Problems are collected; unusable items are left out of the plan.
import { describeValue, type DocPath } from "../schema/ajv.js";
import { withShortKeywords } from "../schema/fqcn.js";
import { blockSchema } from "../schema/playbook.js";
import { keepValid, pathOf, type LoadContext, type TaskSource } from "./context.js";
import { parseIncludeRole, parseIncludeTasks } from "./include.js";
import { baseOf, stringList } from "./keywords.js";
import { parseModuleTask } from "./module-task.js";
import type { BlockTask, Task } from "./plan.js";

type Raw = Record<string, unknown>;

/** Reads the list at `sub` (relative to the source's base); null or absent is an empty list. */
export function parseTaskList(value: unknown, src: TaskSource, sub: DocPath, ctx: LoadContext): Task[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) {
    ctx.problems.error(
      src.file.locate([...src.base, ...sub]),
      pathOf(src, sub),
      `found ${describeValue(value)}, expected a list of tasks`,
    );
    return [];
  }
  const out: Task[] = [];
  value.forEach((item, i) => {
    if (item === undefined) return; // a list item its parent's schema check already reported
    const task = parseTask(item, src, [...sub, i], ctx);
    if (task) out.push(task);
  });
  return out;
}

/** Reads one item of a task list. */
export function parseTask(value: unknown, src: TaskSource, at: DocPath, ctx: LoadContext): Task | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    ctx.problems.error(
      src.file.locate([...src.base, ...at]),
      pathOf(src, at),
      `found ${describeValue(value)}, expected a task (a mapping)`,
    );
    return undefined;
  }
  const raw = withShortKeywords(value as Raw);
  if ("block" in raw) return parseBlock(raw, src, at, ctx);
  for (const key of ["rescue", "always"]) {
    if (key in raw) {
      ctx.problems.error(
        src.file.locate([...src.base, ...at, key], { key: true }),
        pathOf(src, at),
        `'${key}' without 'block'`,
      );
      return undefined;
    }
  }
  if ("import_tasks" in raw || "include_tasks" in raw) return parseIncludeTasks(raw, src, at, ctx);
  if ("import_role" in raw || "include_role" in raw) return parseIncludeRole(raw, src, at, ctx);
  if ("import_playbook" in raw) {
    const loc = src.file.locate([...src.base, ...at, "import_playbook"], { key: true });
    ctx.problems.error(
      loc,
      pathOf(src, at),
      "import_playbook belongs in the playbook's list of plays, not in a task list",
    );
    return undefined;
  }
  return parseModuleTask(raw, src, at, ctx);
}

function parseBlock(written: Raw, src: TaskSource, at: DocPath, ctx: LoadContext): BlockTask | undefined {
  const raw = keepValid(blockSchema, written, src, at, ctx, "block keyword");
  if (!Array.isArray(raw.block)) return undefined;
  return {
    ...baseOf(raw, src, at),
    kind: "block",
    origin: "block",
    block: parseTaskList(raw.block, src, [...at, "block"], ctx),
    rescue: parseTaskList(raw.rescue, src, [...at, "rescue"], ctx),
    always: parseTaskList(raw.always, src, [...at, "always"], ctx),
    notify: stringList(raw.notify),
  };
}
