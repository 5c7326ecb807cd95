// Test helper: runs one module on this machine through the local connection, the way the engine does
// (invokeModule), for module tests that need a real filesystem but no host.
import type { Connection } from "../../src/connection/types.js";
import { invokeModule } from "../../src/engine/invoke.js";
import type { TaskHost, TaskResult } from "../../src/modules/contract.js";
import { Redactor } from "../../src/modules/support/mask.js";

/** Runs `module` with `args` on `conn` (files are looked up as given; templates render empty). */
export function runLocalModule(
  conn: Connection,
  module: string,
  args: Record<string, unknown>,
  check = false,
): Promise<TaskResult> {
  const ctx: TaskHost = {
    host: conn.host,
    conn,
    check,
    vars: {},
    redact: new Redactor(),
    run: (command, o) => conn.run(command, o),
    findFile: (_kind, file) => file,
    renderTemplateFile: async () => "",
  };
  return invokeModule(module, args, ctx);
}
