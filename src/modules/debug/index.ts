// `debug`: shows a message or a variable's value; never changes anything. `verbosity: N` skips it unless
// the run's verbosity (the `ansible_verbosity` variable) is at least N.
import type { DebugArgs } from "./schema.js";
import { defineModule, fail, ok, type Decision } from "../contract.js";
import { expressionValue } from "../support/expr.js";

/** The `debug` module. */
export default defineModule<DebugArgs>({
  name: "debug",
  async plan(ctx, args): Promise<Decision> {
    const verbosity = Number(ctx.vars.ansible_verbosity ?? 0);
    if (args.verbosity !== undefined && verbosity < args.verbosity) {
      return { kind: "skip", reason: `verbosity ${verbosity} is below ${args.verbosity}` };
    }
    if (args.var !== undefined) {
      const found = expressionValue(ctx, args.var);
      if ("error" in found) return fail(found.error);
      // Masked before it is shown: the engine sees the text below, where a secret nested under a
      // secret-named key (`password: [x]`) no longer looks like one.
      const value = ctx.redact.deep(found.value);
      return ok(`${args.var}: ${show(value)}`, { [args.var]: value, msg: value });
    }
    const msg = ctx.redact.deep(args.msg ?? "Hello world!");
    return ok(show(msg), { msg });
  },
});

function show(value: unknown): string {
  return typeof value === "string" ? value : (JSON.stringify(value, null, 2) ?? String(value));
}
