// A command a module needs to succeed fails the task with one message format: what it was for, the command
// as displayed, its exit code and the end of what it printed, with no secret in any of them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cmd, MASK, secret } from "../../src/connection/command.js";
import { RemoteOperationError } from "../../src/connection/errors.js";
import type { Connection, RunResult } from "../../src/connection/types.js";
import { hostWriter } from "../../src/engine/host-views.js";
import type { HostWriter } from "../../src/modules/contract.js";
import { mustRun, probe } from "../../src/modules/support/exec.js";
import { Redactor } from "../../src/modules/support/mask.js";

/** A host whose every command answers `result`, as an apply sees it. */
function answering(result: RunResult, secrets: readonly string[] = []): HostWriter {
  const run = async () => result;
  return hostWriter({
    host: "h1",
    conn: { host: "h1", user: "root", run } as unknown as Connection,
    check: false,
    vars: {},
    redact: new Redactor(secrets),
    run,
    findFile: (_kind, name) => name,
    renderTemplateFile: async () => "",
  });
}

const exited = (exitCode: number, stdout: string, stderr: string): RunResult => ({
  kind: "exited",
  exitCode,
  stdout,
  stderr,
});

/** The message mustRun throws with, failing the test when it throws anything else or nothing. */
async function failureOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof RemoteOperationError, String(e));
    return e.message;
  }
  assert.fail("the command did not fail");
}

describe("mustRun", () => {
  it("returns the command's stdout when it succeeds", async () => {
    assert.equal(await mustRun(answering(exited(0, "out\n", "")), cmd`true`), "out\n");
  });

  it("names what the command was for, the command, its exit code and the last five lines of stderr", async () => {
    const stderr = ["1", "2", "3", "4", "5", "6", "7"].join("\n");
    const message = await failureOf(
      mustRun(answering(exited(3, "ignored", stderr)), cmd`rm -rf -- ${"/x y"}`, { what: "removing /x y" }),
    );
    assert.equal(message, "removing /x y: `rm -rf -- '/x y'` exited 3: 3\n4\n5\n6\n7");
  });

  it("shows stdout when stderr is empty, and the exit code alone when nothing was printed", async () => {
    assert.equal(
      await failureOf(mustRun(answering(exited(1, "said on stdout\n", "")), cmd`false`)),
      "`false` exited 1: said on stdout",
    );
    assert.equal(await failureOf(mustRun(answering(exited(1, "", "")), cmd`false`)), "`false` exited 1");
  });

  it("never includes a secret: the command's own, echoed in its output, or the task's", async () => {
    const r = exited(1, "", "bad password s3cr3t-value for token-of-task\n");
    const message = await failureOf(mustRun(answering(r, ["token-of-task"]), cmd`login ${secret("s3cr3t-value")}`));
    assert.equal(message, `\`login ${MASK}\` exited 1: bad password ${MASK} for ${MASK}`);
  });

  it("says a command timed out, as probe does", async () => {
    const timeout: RunResult = { kind: "timeout", timeoutMs: 100, stdout: "", stderr: "" };
    assert.equal(
      await failureOf(mustRun(answering(timeout), cmd`sleep 1`, { what: "waiting" })),
      "waiting: `sleep 1` timed out after 100 ms",
    );
    assert.equal(await failureOf(probe(answering(timeout), cmd`sleep 1`)), "`sleep 1` timed out after 100 ms");
  });
});
