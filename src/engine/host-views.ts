// The two views a module gets of the task's host (see src/modules/contract.ts): the ModuleContext its
// `plan` reads through, and the HostWriter the engine hands its `apply`, made only when it calls one
// (never in check mode). Both go through the task's become, reads as well as writes.
import type { HostReader, HostWriter, ModuleContext, TaskHost } from "../modules/contract.js";
import { httpFromHost } from "../modules/support/http-over.js";
import { withPg } from "../modules/support/pg.js";

function hostReader(t: TaskHost): HostReader {
  return {
    host: t.host,
    redact: t.redact,
    read: (command, opts) => t.run(command, opts),
    stat: (path) => t.conn.stat(path, { become: t.become }),
    get: (path) => t.conn.get(path, { become: t.become }),
    request: (req) => httpFromHost(t.conn, req),
    sql: (login, work) => withPg(t, login, (s) => work({ via: s.via, read: s.read })),
  };
}

/** What `plan` gets: the host's reads and the task's variables and file lookups; no connection. */
export function planContext(t: TaskHost): ModuleContext {
  return {
    ...hostReader(t),
    check: t.check,
    vars: t.vars,
    findFile: (kind, name) => t.findFile(kind, name),
    renderTemplateFile: (file) => t.renderTemplateFile(file),
  };
}

/** What an `apply` gets: the reads, and the host's writes. */
export function hostWriter(t: TaskHost): HostWriter {
  return {
    ...hostReader(t),
    run: (command, opts) => t.run(command, opts),
    put: (path, content, opts) => t.conn.put(path, content, { ...opts, become: t.become }),
    sql: (login, work) => withPg(t, login, work),
  };
}
