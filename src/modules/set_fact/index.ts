// `set_fact`: returns its arguments as `ansible_facts` for the engine to store as host variables; it
// never changes the host. `cacheable` is accepted and ignored (there is no fact cache).
import type { SetFactArgs } from "./schema.js";
import { defineModule, fail, ok } from "../contract.js";

/** The `set_fact` module. */
export default defineModule<SetFactArgs>({
  name: "set_fact",
  async plan(_ctx, args) {
    const facts = Object.fromEntries(Object.entries(args).filter(([k]) => k !== "cacheable"));
    const names = Object.keys(facts);
    if (names.length === 0) return fail("set_fact needs at least one variable to set");
    const bad = names.filter((n) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(n));
    if (bad.length) return fail(`not valid variable names: ${bad.join(", ")}`);
    return ok(`set ${names.join(", ")}`, { ansible_facts: facts });
  },
});
