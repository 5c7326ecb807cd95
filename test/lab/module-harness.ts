// Runs one module against a real lab host the way the engine does (invokeModule), for module timeline
// tests: apply -> changed, apply again -> ok, check -> changed and nothing written.
import path from "node:path";
import { connectSsh } from "../../src/connection/ssh-connect.js";
import type { Connection } from "../../src/connection/types.js";
import type { TaskHost, TaskResult } from "../../src/modules/contract.js";
import { invokeModule } from "../../src/engine/invoke.js";
import { renderText } from "../../src/template/engine.js";
import { readFile } from "node:fs/promises";
import { labPaths } from "../../src/lab/topology.js";
import { host } from "./lab-access.js";
import { Redactor } from "../../src/modules/support/mask.js";

const connections = new Map<string, Promise<Connection>>();

/** One persistent connection per lab host for the whole test file, as the runner keeps. */
export function labConnection(name: string): Promise<Connection> {
  let conn = connections.get(name);
  if (!conn) {
    const h = host(name);
    const paths = labPaths();
    conn = connectSsh({
      name,
      host: h.ip,
      user: "root",
      privateKeyFile: paths.privateKey,
      knownHostsFile: paths.knownHosts,
      sshConfigFile: false,
    });
    connections.set(name, conn);
  }
  return conn;
}

/** Close every connection the harness opened (call from `after`). */
export async function closeLabConnections(): Promise<void> {
  for (const conn of connections.values()) await (await conn).close();
  connections.clear();
}

/** Options of one module run: check mode, variables, where role files live, secrets to mask. */
export interface RunModuleOptions {
  check?: boolean;
  vars?: Record<string, unknown>;
  filesDir?: string;
  secrets?: string[];
}

/** Run `module` with `args` on lab host `name` and return the engine's TaskResult. */
export async function runModule(
  name: string,
  module: string,
  args: Record<string, unknown>,
  opts: RunModuleOptions = {},
): Promise<TaskResult> {
  const conn = await labConnection(name);
  const vars = opts.vars ?? {};
  const ctx: TaskHost = {
    host: name,
    conn,
    check: opts.check ?? false,
    vars,
    redact: new Redactor(opts.secrets ?? []),
    run: (command, o) => conn.run(command, o),
    findFile: (_kind, file) => (path.isAbsolute(file) ? file : path.join(opts.filesDir ?? process.cwd(), file)),
    renderTemplateFile: async (file) =>
      renderText(await readFile(file, "utf8"), vars, { loc: { file, line: 1, col: 1 }, wholeFile: true }),
  };
  return invokeModule(module, args, ctx);
}
