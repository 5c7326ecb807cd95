// `assert`: fails the host unless every condition in `that` holds. The engine cannot know which
// arguments are conditions, so they arrive as text and are evaluated here with the task's variables.
import type { AssertArgs } from "./schema.js";
import { defineModule, fail, ok } from "../contract.js";
import { holds } from "../support/expr.js";

/** The `assert` module. */
export default defineModule<AssertArgs>({
  name: "assert",
  async plan(ctx, args) {
    const conditions = Array.isArray(args.that) ? args.that : [args.that];
    for (const condition of conditions) {
      const result = holds(ctx, condition);
      if ("error" in result) return fail(`cannot evaluate assertion ${JSON.stringify(condition)}: ${result.error}`);
      if (!result.value) {
        const msg = args.fail_msg ?? `Assertion failed: ${String(condition)}`;
        return fail(msg, { assertion: condition, evaluated_to: false, msg });
      }
    }
    const msg = args.quiet ? "All assertions passed" : (args.success_msg ?? "All assertions passed");
    return ok(msg, { msg });
  },
});
