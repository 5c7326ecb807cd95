// debug, assert, fail, set_fact and pause through the engine's invokeModule with a host-less context:
// these modules never touch a host, so a fake context is the whole world they see.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import type { Connection } from "../../src/connection/types.js";
import { invokeModule } from "../../src/engine/invoke.js";
import type { TaskHost, TaskResult } from "../../src/modules/contract.js";
import { setPauseTerminal, processTerminal, type PauseTerminal } from "../../src/modules/pause/index.js";
import { Redactor } from "../../src/modules/support/mask.js";

function fakeCtx(vars: Record<string, unknown> = {}, secrets: string[] = []): TaskHost {
  const noHost = () => {
    throw new Error("control modules must not touch the host");
  };
  return {
    host: "nowhere",
    conn: new Proxy({}, { get: noHost }) as Connection,
    check: false,
    vars,
    redact: new Redactor(secrets),
    run: noHost,
    findFile: noHost,
    renderTemplateFile: noHost,
  };
}

function run(
  module: string,
  args: Record<string, unknown>,
  vars?: Record<string, unknown>,
  secrets?: string[],
): Promise<TaskResult> {
  return invokeModule(module, args, fakeCtx(vars, secrets));
}

describe("debug", () => {
  it("shows msg and registers it, never changed", async () => {
    const r = await run("debug", { msg: "hello" });
    assert.deepEqual(r, { status: "ok", reason: "hello", data: { msg: "hello" } });
  });
  it("shows a variable's value by name (dotted paths too)", async () => {
    const r = await run("debug", { var: "pg.port" }, { pg: { port: 5432 } });
    assert.equal(r.status, "ok");
    assert.deepEqual(r.data, { "pg.port": 5432, msg: 5432 });
  });
  it("fails on an undefined variable, naming it", async () => {
    const r = await run("debug", { var: "nope" });
    assert.equal(r.status, "failed");
    assert.match(r.status === "failed" ? r.error : "", /nope/);
  });
  it("masks secrets in what it shows", async () => {
    const r = await run("debug", { msg: "password=hunter2" }, {}, ["hunter2"]);
    assert.equal(JSON.stringify(r).includes("hunter2"), false);
    assert.equal(r.status === "ok" && r.reason, "password=********");
  });
  it("skips below its verbosity, with the reason", async () => {
    const r = await run("debug", { msg: "x", verbosity: 2 }, { ansible_verbosity: 1 });
    assert.deepEqual(r, { status: "skipped", reason: "verbosity 1 is below 2", data: {} });
  });
});

describe("assert", () => {
  const vars = { role: "primary", lag: 3 };
  it("passes when every condition holds", async () => {
    const r = await run("assert", { that: ["(eq role 'primary')", "(lt lag 10)", true] }, vars);
    assert.deepEqual(r, { status: "ok", reason: "All assertions passed", data: { msg: "All assertions passed" } });
  });
  it("fails on the first false condition, with fail_msg", async () => {
    const r = await run("assert", { that: ["(eq role 'primary')", "(gt lag 10)"], fail_msg: "lag too small" }, vars);
    assert.equal(r.status, "failed");
    assert.equal(r.status === "failed" && r.error, "lag too small");
    assert.equal(r.data.assertion, "(gt lag 10)");
  });
  it("names the failed condition without fail_msg, and uses success_msg", async () => {
    const bad = await run("assert", { that: "(eq role 'standby')" }, vars);
    assert.equal(bad.status === "failed" && bad.error, "Assertion failed: (eq role 'standby')");
    const good = await run("assert", { that: "role", success_msg: "fine" }, vars);
    assert.equal(good.status === "ok" && good.reason, "fine");
  });
  it("fails (not crashes) on an undefined variable in a condition", async () => {
    const r = await run("assert", { that: ["missing_var"] }, vars);
    assert.equal(r.status, "failed");
    assert.match(r.status === "failed" ? r.error : "", /cannot evaluate assertion.*missing_var/);
  });
});

describe("fail and set_fact", () => {
  it("fail fails with its message or Ansible's default", async () => {
    assert.deepEqual(await run("fail", { msg: "split brain" }), {
      status: "failed",
      error: "split brain",
      data: { msg: "split brain" },
    });
    const d = await run("fail", {});
    assert.equal(d.status === "failed" && d.error, "Failed as requested from task");
  });
  it("set_fact returns ansible_facts, ignores cacheable, never changes", async () => {
    const r = await run("set_fact", { primary: "db-primary", lsn: "0/3000060", cacheable: true });
    assert.deepEqual(r, {
      status: "ok",
      reason: "set primary, lsn",
      data: { ansible_facts: { primary: "db-primary", lsn: "0/3000060" } },
    });
  });
  it("set_fact refuses nothing to set and bad names", async () => {
    assert.equal((await run("set_fact", {})).status, "failed");
    const r = await run("set_fact", { "bad-name": 1 });
    assert.match(r.status === "failed" ? r.error : "", /bad-name/);
  });
});

describe("pause", () => {
  let previous: PauseTerminal = processTerminal;
  afterEach(() => setPauseTerminal(previous));
  function fakeTerminal(isTTY: boolean, answer = ""): { asked: string[]; slept: number[] } {
    const log = { asked: [] as string[], slept: [] as number[] };
    previous = setPauseTerminal({
      isTTY,
      ask: async (prompt) => {
        log.asked.push(prompt);
        return answer;
      },
      sleep: async (ms) => {
        log.slept.push(ms);
      },
    });
    return log;
  }

  it("sleeps seconds or minutes", async () => {
    const t = fakeTerminal(false);
    assert.equal((await run("pause", { seconds: 2 })).status, "ok");
    const m = await run("pause", { minutes: "1" });
    assert.equal(m.status === "ok" && m.reason, "paused for 60 seconds");
    assert.deepEqual(t.slept, [2000, 60_000]);
  });
  it("confirms when the typed answer is the expected text", async () => {
    const t = fakeTerminal(true, "gocd-standby\n".trim());
    const r = await run("pause", { prompt: "Type the target host to switch over", expect: "gocd-standby" });
    assert.deepEqual(r, { status: "ok", reason: 'confirmed "gocd-standby"', data: { user_input: "gocd-standby" } });
    assert.deepEqual(t.asked, ["Type the target host to switch over"]);
  });
  it("refuses a wrong answer", async () => {
    fakeTerminal(true, "gocd-primary");
    const r = await run("pause", { prompt: "Type the target host", expect: "gocd-standby" });
    assert.equal(r.status, "failed");
    assert.equal(r.status === "failed" && r.error, 'confirmation refused: expected "gocd-standby", got "gocd-primary"');
  });
  it("without a terminal refuses unless gocd_bc_confirm answers", async () => {
    const t = fakeTerminal(false);
    const refused = await run("pause", { prompt: "Type the target host", expect: "gocd-standby" });
    assert.equal(refused.status, "failed");
    assert.match(refused.status === "failed" ? refused.error : "", /no terminal; pass -e gocd_bc_confirm=gocd-standby/);
    const answered = await run(
      "pause",
      { prompt: "Type the target host", expect: "gocd-standby" },
      { gocd_bc_confirm: "gocd-standby" },
    );
    assert.equal(answered.status, "ok");
    const wrong = await run(
      "pause",
      { prompt: "Type the target host", expect: "gocd-standby" },
      { gocd_bc_confirm: "db-standby" },
    );
    assert.equal(wrong.status, "failed");
    assert.deepEqual(t.asked, []);
  });
  it("a plain prompt at a terminal continues on any answer", async () => {
    fakeTerminal(true, "");
    const r = await run("pause", { prompt: "Press enter" });
    assert.deepEqual(r, { status: "ok", reason: "operator continued", data: { user_input: "" } });
  });
});
