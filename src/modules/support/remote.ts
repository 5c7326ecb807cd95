// Small host operations modules share: run a command that must succeed (inside `apply`), and make a
// timestamped backup copy before a file is replaced.
import { cmd, type Command } from "../../connection/command.js";
import { RemoteOperationError } from "../../connection/errors.js";
import type { RunResult } from "../../connection/types.js";
import type { ModuleContext } from "../contract.js";

/** Runs `command` with the task's become; a non-zero exit fails the task with its stderr. */
export async function mustRun(ctx: ModuleContext, command: Command, what: string): Promise<string> {
  const r = await ctx.run(command);
  if (r.kind === "exited" && r.exitCode === 0) return r.stdout;
  throw new RemoteOperationError(ctx.host, "run", `${what} failed: ${explain(r)}`);
}

/** Why a command did not succeed, in one line. */
export function explain(r: RunResult): string {
  if (r.kind === "timeout") return `timed out after ${r.timeoutMs} ms`;
  return r.stderr.trim() || r.stdout.trim() || `exit code ${r.exitCode}`;
}

/** Copies `path` to `path.<timestamp>~` (mode and owner kept) and returns the backup's name. */
export async function backupFile(ctx: ModuleContext, path: string): Promise<string> {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").replace("T", "-");
  const backup = `${path}.${stamp}~`;
  await mustRun(ctx, cmd`cp -p -- ${path} ${backup}`, `backup of ${path}`);
  return backup;
}
