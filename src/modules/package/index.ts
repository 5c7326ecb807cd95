// `package`: the host's package manager behind one name; Debian (apt) is the only one gocd-bc targets,
// so this checks apt-get is there and hands the decision to `apt`.
import { cmd } from "../../connection/index.js";
import type { PackageArgs } from "./schema.js";
import { defineModule, fail, type Decision } from "../contract.js";
import { planApt } from "../apt/index.js";
import { probe } from "../support/exec.js";

/** The `package` module. */
export default defineModule<PackageArgs>({
  name: "package",
  async plan(ctx, args): Promise<Decision> {
    if (args.use !== undefined && args.use !== "auto" && args.use !== "apt")
      return fail(`package: use=${args.use} is not supported (only apt)`);
    if ((await probe(ctx, cmd`command -v apt-get`)).exitCode !== 0)
      return fail("package: no apt-get on this host (gocd-bc supports Debian's apt only)");
    return planApt(ctx, { name: args.name, state: args.state });
  },
});
