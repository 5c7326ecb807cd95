// Evaluating an expression or condition inside a module (assert's `that`, debug's `var`) with the task's
// variables; a template error becomes a message for a failed task instead of an exception.
import { TemplateError } from "../../errors.js";
import { evalCondition, evalExpression, type Condition } from "../../template/engine.js";
import type { ModuleContext } from "../contract.js";

const HERE = { loc: { file: "(module argument)", line: 1, col: 1 } } as const;

function message(e: unknown): string {
  if (e instanceof TemplateError) return e.diagnostics.map((d) => d.message).join("; ");
  throw e;
}

/** A condition's truth with the task's variables, or the template error's message. */
export function holds(ctx: ModuleContext, cond: Condition): { value: boolean } | { error: string } {
  try {
    return { value: evalCondition(cond, { ...ctx.vars }, HERE) };
  } catch (e) {
    return { error: message(e) };
  }
}

/** An expression's value with the task's variables, or the template error's message. */
export function expressionValue(ctx: ModuleContext, expr: string): { value: unknown } | { error: string } {
  try {
    return { value: evalExpression(expr, { ...ctx.vars }, HERE) };
  } catch (e) {
    return { error: message(e) };
  }
}
