// `shell`: runs a command line through /bin/sh (or `executable`), pipes and redirections included.
import { command, rawCommand } from "../../connection/command.js";
import type { ShellArgs } from "./schema.js";
import { defineModule } from "../contract.js";
import { planExec } from "../support/exec.js";

/** The `shell` module. */
export default defineModule<ShellArgs>({
  name: "shell",
  async plan(ctx, args) {
    const line = args.executable ? command([args.executable, "-c", args.cmd]) : rawCommand(args.cmd);
    return planExec(ctx, line, args.cmd, args);
  },
});
