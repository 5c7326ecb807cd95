// `setup`: gathers the basic facts now (what `gather_facts` does at a play's start), as `ansible_facts`,
// which the engine stores at the facts precedence level. Read-only: always ok.
import { globToRegExp } from "../../inventory/patterns.js";
import { RegexSyntaxError, type UserRegex } from "../../user-regex.js";
import type { SetupArgs } from "./schema.js";
import { defineModule, fail, ok } from "../contract.js";
import { gatherFacts } from "../support/facts.js";

/** The `setup` module; `filter` keeps only the facts whose names match its glob patterns. */
export default defineModule<SetupArgs>({
  name: "setup",
  async plan(ctx, args) {
    const gathered = await gatherFacts(ctx);
    if (!gathered.ok) return fail(gathered.error);
    const filters = args.filter === undefined ? [] : Array.isArray(args.filter) ? args.filter : [args.filter];
    let globs: UserRegex[];
    try {
      globs = filters.map(globToRegExp);
    } catch (e) {
      if (e instanceof RegexSyntaxError) return fail(`filter: ${e.message}`);
      throw e;
    }
    const facts = Object.fromEntries(
      Object.entries(gathered.facts).filter(([name]) => globs.length === 0 || globs.some((g) => g.test(name))),
    );
    return ok(`${Object.keys(facts).length} facts gathered`, { ansible_facts: facts });
  },
});
