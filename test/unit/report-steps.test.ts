// The steps view (for switchover and failover): each step runs live, then stays as one line with its
// duration; a failure keeps its error under it; where nothing can be redrawn only finished lines print.
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { test } from "node:test";
import { StepsView } from "../../src/report/index.js";
import { screenOf } from "../bench/vt.js";
import { FakeClock, FakeTty } from "./fake-tty.js";

const UTF8 = { LANG: "C.UTF-8", TERM: "xterm-256color", NO_COLOR: "1" };

test("steps show live with their rows, then as one line each with their duration", async () => {
  const tty = new FakeTty();
  const clock = new FakeClock();
  const steps = new StepsView(tty, { env: UTF8, clock });
  let live: string[] = [];
  const stopped = await steps.step("stop GoCD on gocd-primary", async (progress) => {
    progress([{ mark: "running", text: "gocd-primary: waiting for go-server to exit" }]);
    clock.advance(300);
    live = screenOf(tty.text);
    clock.advance(1800);
    return { status: "changed", detail: "go-server stopped" };
  });
  assert.deepEqual(live, ["⠸ stop GoCD on gocd-primary  0.3s", "    ⠸ gocd-primary: waiting for go-server to exit"]);
  assert.deepEqual(stopped, { status: "changed", detail: "go-server stopped", durationMs: 2100 });
  const failed = await steps.step("promote db-standby", async () => {
    clock.advance(500);
    throw new Error("pg_ctl promote: server is not in standby mode");
  });
  assert.deepEqual(failed, { status: "failed", error: "pg_ctl promote: server is not in standby mode", durationMs: 500 });
  steps.print(["switchover stopped: db-standby was not promoted"]);
  await steps.close();
  assert.deepEqual(screenOf(tty.text), [
    "● stop GoCD on gocd-primary (2.1s)",
    "  go-server stopped",
    "✖ promote db-standby (0.5s)",
    "  pg_ctl promote: server is not in standby mode",
    "switchover stopped: db-standby was not promoted",
  ]);
});

test("piped, the steps print only their finished lines, with no escape sequence", async () => {
  let text = "";
  const pipe = new Writable({ write: (chunk, _enc, done) => ((text += chunk.toString()), done()) });
  const steps = new StepsView(pipe, { env: {}, clock: new FakeClock() });
  await steps.step("check the standby", async () => ({ status: "ok" }));
  await steps.step("move the VIP", async () => ({ status: "skipped", detail: "already on gocd-standby" }));
  await steps.close();
  assert.equal(text, "+ check the standby (0.0s)\n- move the VIP (0.0s)\n  already on gocd-standby\n");
});
