// A module's plan reads the host and only its apply writes: the context plan gets is a view without a
// connection or any write, and the writable view is what the engine hands an apply. planOnlyReads is the
// proof at compile time (the unit tests' build fails if a line marked @ts-expect-error compiles); the
// tests check the views the engine makes at run time, and that reads and writes carry the same become.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cmd } from "../../src/connection/command.js";
import type { BecomeSpec, Connection } from "../../src/connection/types.js";
import { hostWriter, planContext } from "../../src/engine/host-views.js";
import { change, type Decision, type ModuleContext, type TaskHost } from "../../src/modules/contract.js";
import { mustRead, mustRun, probe } from "../../src/modules/support/exec.js";
import { backupFile } from "../../src/modules/support/remote.js";
import { Redactor } from "../../src/modules/support/mask.js";

/** What plan code may do with its context, and what it may not; compiled, never run. */
export async function planOnlyReads(ctx: ModuleContext): Promise<Decision> {
  await probe(ctx, cmd`true`);
  await mustRead(ctx, cmd`true`);
  await ctx.sql({}, async (s) => {
    // @ts-expect-error plan's SQL session only reads
    await s.query("DROP TABLE t");
    return s.read("SELECT 1");
  });
  // @ts-expect-error plan has no command that changes the host
  await ctx.run(cmd`true`);
  // @ts-expect-error plan cannot write a file
  await ctx.put("/etc/x", "");
  // @ts-expect-error plan holds no connection
  void ctx.conn;
  // @ts-expect-error the write helpers take the writable view, which plan does not have
  await mustRun(ctx, cmd`true`);
  // @ts-expect-error a backup is a write too
  await backupFile(ctx, "/etc/x");
  return change("write", async (host) => {
    await mustRun(host, cmd`true`);
    await host.put("/etc/x", "");
    await host.sql({}, (s) => s.query("SELECT 1"));
  });
}

const BECOME: BecomeSpec = { user: "postgres", method: "sudo" };

/** A task host whose connection records the become of every call. */
function recordingHost(): { host: TaskHost; seen: string[] } {
  const seen: string[] = [];
  const record =
    (what: string) =>
    async (_path: string, ...rest: unknown[]) => {
      const opts = rest[rest.length - 1] as { become?: BecomeSpec } | undefined;
      seen.push(`${what} as ${opts?.become?.user ?? "login user"}`);
      return null;
    };
  const conn = { host: "h1", user: "root", stat: record("stat"), get: record("get"), put: record("put") };
  const host: TaskHost = {
    host: "h1",
    conn: conn as unknown as Connection,
    become: BECOME,
    check: false,
    vars: {},
    redact: new Redactor(),
    run: async () => ({ kind: "exited", exitCode: 0, stdout: "", stderr: "" }),
    findFile: (_kind, name) => name,
    renderTemplateFile: async () => "",
  };
  return { host, seen };
}

describe("the views of the host", () => {
  it("plan's context carries no write and no connection, at run time too", () => {
    const ctx = planContext(recordingHost().host);
    for (const key of ["run", "put", "conn", "become"]) assert.equal(key in ctx, false, `plan's context has ${key}`);
  });

  it("plan's SQL session has only read", async () => {
    const ctx = planContext(recordingHost().host);
    assert.deepEqual(await ctx.sql({}, async (s) => Object.keys(s).sort()), ["read", "via"]);
  });

  it("reads and writes of files go through the task's become alike", async () => {
    const { host, seen } = recordingHost();
    const ctx = planContext(host);
    await ctx.stat("/etc/sysctl.conf");
    await ctx.get("/etc/sysctl.conf");
    await hostWriter(host).put("/etc/sysctl.conf", "");
    assert.deepEqual(seen, ["stat as postgres", "get as postgres", "put as postgres"]);
  });
});
