// The steps view (for switchover and failover): at a terminal each step is drawn by listr2, live with its
// rows, then stays as one line with its duration; a failure keeps its error under it, a skipped step its
// reason; where nothing can be redrawn only finished lines print.
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { test } from "node:test";
import { StepsView } from "../../src/report/index.js";
import { screenOf } from "../bench/vt.js";
import { FakeClock, FakeTty } from "./fake-tty.js";

const UTF8 = { LANG: "C.UTF-8", TERM: "xterm-256color", NO_COLOR: "1" };

/** The screen with the spinner's frame (which turns on listr2's own timer) shown as `*`. */
const seen = (text: string): string[] => screenOf(text).map((line) => line.replace(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/u, "*"));

test("at a terminal, listr2 draws a step live with its rows, then leaves one line each with its duration", async () => {
  const tty = new FakeTty();
  const clock = new FakeClock();
  const steps = new StepsView(tty, { env: UTF8, clock });
  let live: string[] = [];
  const stopped = await steps.step("stop GoCD on gocd-primary", async (progress) => {
    progress([
      { mark: "running", text: "gocd-primary: waiting for go-server to exit" },
      { mark: "ok", text: "gocd-standby: not running" },
    ]);
    clock.advance(300);
    live = seen(tty.text);
    clock.advance(1800);
    return { status: "changed", detail: "go-server stopped" };
  });
  assert.deepEqual(live, [
    "* stop GoCD on gocd-primary",
    "  … gocd-primary: waiting for go-server to exit",
    "  ✔ gocd-standby: not running",
  ]);
  assert.deepEqual(stopped, { status: "changed", detail: "go-server stopped", durationMs: 2100 });
  const failed = await steps.step("promote db-standby", async () => {
    clock.advance(500);
    throw new Error("pg_ctl promote: server is not in standby mode");
  });
  assert.deepEqual(failed, {
    status: "failed",
    error: "pg_ctl promote: server is not in standby mode",
    durationMs: 500,
  });
  steps.print(["switchover stopped: db-standby was not promoted"]);
  await steps.close();
  assert.deepEqual(seen(tty.text), [
    "✔ stop GoCD on gocd-primary (2.1s)",
    "  go-server stopped",
    "✖ promote db-standby (0.5s)",
    "  pg_ctl promote: server is not in standby mode",
    "switchover stopped: db-standby was not promoted",
  ]);
  assert.doesNotMatch(tty.text, /\u001b\[3\dm/, "NO_COLOR: no colour");
  assert.ok(
    tty.text.endsWith("\u001b[?25hswitchover stopped: db-standby was not promoted\n"),
    "the cursor is shown again after each step",
  );
});

test("at a terminal, a skipped step is marked so with its reason, a returned failure with its error", async () => {
  const tty = new FakeTty();
  const steps = new StepsView(tty, { env: { TERM: "xterm", NO_COLOR: "1" }, clock: new FakeClock() });
  const moved = await steps.step("move the VIP", async () => ({
    status: "skipped",
    detail: "already on gocd-standby",
  }));
  assert.deepEqual(moved, { status: "skipped", detail: "already on gocd-standby", durationMs: 0 });
  await steps.step("check the standby", async () => ({ status: "ok" }));
  await steps.step("promote db-standby", async () => ({ status: "failed", error: "db-standby is not a standby" }));
  await steps.close();
  assert.deepEqual(seen(tty.text), [
    "- move the VIP (0.0s)",
    "  already on gocd-standby",
    "+ check the standby (0.0s)",
    "x promote db-standby (0.0s)",
    "  db-standby is not a standby",
  ]);
});

test("piped, the steps print only their finished lines, with no escape sequence", async () => {
  let text = "";
  const pipe = new Writable({
    write: (chunk, _enc, done) => {
      text += chunk.toString();
      done();
    },
  });
  const steps = new StepsView(pipe, { env: {}, clock: new FakeClock() });
  await steps.step("check the standby", async () => ({ status: "ok" }));
  await steps.step("move the VIP", async () => ({ status: "skipped", detail: "already on gocd-standby" }));
  await steps.close();
  assert.equal(text, "+ check the standby (0.0s)\n- move the VIP (0.0s)\n  already on gocd-standby\n");
});

test("at a TERM=dumb terminal the steps print plain lines, as piped", async () => {
  const tty = new FakeTty();
  const steps = new StepsView(tty, { env: { TERM: "dumb" }, clock: new FakeClock() });
  await steps.step("promote db-standby", async () => {
    throw new Error("pg_ctl promote: server is not in standby mode");
  });
  await steps.close();
  assert.equal(tty.text, "x promote db-standby (0.0s)\n  pg_ctl promote: server is not in standby mode\n");
});
