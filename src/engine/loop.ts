// Loops: the items of `loop` / `with_items` / `with_list` / `with_dict` rendered for one host, the
// variables each item adds (item, index_var, ansible_loop), and the label shown for it.
import type { LoopSpec, Task } from "../playbook/plan.js";
import type { Vars } from "../source/vars-file.js";
import { renderValue } from "../template/engine.js";

/** The items of a loop for one host, or why they cannot be computed. */
export type LoopItems =
  | { readonly ok: true; readonly items: unknown[] }
  | { readonly ok: false; readonly error: string };

/** Renders the loop's items with the host's variables and shapes them by loop kind. */
export function loopItems(spec: LoopSpec, vars: Vars, task: Task): LoopItems {
  let value: unknown;
  try {
    value = renderValue(spec.items, vars, {
      loc: task.at([spec.kind]),
      path: `${task.path}.${spec.kind}`,
      task: task.name,
    });
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  if (spec.kind === "with_dict") {
    if (!value || typeof value !== "object" || Array.isArray(value))
      return { ok: false, error: `with_dict needs a mapping, got ${describe(value)}` };
    return { ok: true, items: Object.entries(value).map(([key, v]) => ({ key, value: v })) };
  }
  if (value === null || value === undefined) return { ok: true, items: [] };
  if (!Array.isArray(value)) {
    if (spec.kind === "with_items") return { ok: true, items: [value] };
    return { ok: false, error: `${spec.kind} needs a list, got ${describe(value)}` };
  }
  if (spec.kind === "with_items")
    return { ok: true, items: value.flatMap((v: unknown) => (Array.isArray(v) ? v : [v])) };
  return { ok: true, items: value };
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "a mapping" : `${typeof value} ${JSON.stringify(value)}`;
}

/** The variables one item adds: the loop variable, index_var, and ansible_loop when `extended`. */
export function itemVars(spec: LoopSpec, item: unknown, index: number, total: number): Vars {
  const out: Vars = { [spec.loopVar]: item, ansible_loop_var: spec.loopVar };
  if (spec.indexVar) {
    out[spec.indexVar] = index;
    out.ansible_index_var = spec.indexVar;
  }
  if (spec.extended) {
    out.ansible_loop = {
      index: index + 1,
      index0: index,
      revindex: total - index,
      revindex0: total - index - 1,
      first: index === 0,
      last: index === total - 1,
      length: total,
    };
  }
  return out;
}

/** What the item is shown as: `loop_control.label` rendered, else the item itself. */
export function itemLabel(spec: LoopSpec, item: unknown, vars: Vars, task: Task): unknown {
  if (spec.label === undefined) return item;
  try {
    return renderValue(spec.label, vars, { loc: task.at(["loop_control", "label"]), task: task.name });
  } catch {
    return item;
  }
}

/** Seconds to wait between items (`loop_control.pause`). */
export function loopPause(spec: LoopSpec, vars: Vars, task: Task): number {
  if (spec.pause === undefined) return 0;
  const v = Number(renderValue(spec.pause, vars, { loc: task.at(["loop_control", "pause"]), task: task.name }));
  return Number.isFinite(v) && v > 0 ? v : 0;
}
