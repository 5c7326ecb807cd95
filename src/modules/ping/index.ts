// `ping`: the host answers and runs a command (Ansible's connection test); never changes anything.
import { rawCommand } from "../../connection/command.js";
import type { PingArgs } from "./schema.js";
import { defineModule, fail, ok } from "../contract.js";

/** The `ping` module. */
export default defineModule<PingArgs>({
  name: "ping",
  async plan(ctx, args) {
    const r = await ctx.read(rawCommand("true"));
    if (r.kind === "timeout" || r.exitCode !== 0)
      return fail(`the host answered but could not run a command${r.kind === "exited" ? ` (exit ${r.exitCode})` : ""}`);
    return ok("the host answers and runs commands", { ping: args.data ?? "pong" });
  },
});
