// The terminal view, checked as a person at the terminal would: on a fake terminal with a fake clock, a
// provision-like replay keeps the live region a few lines high, leaves every finished task as one line,
// keeps a failed host's error on screen and ends with the whole recap; redraws are throttled by the clock,
// not driven by events; NO_COLOR means no colour codes and TERM=dumb plain lines.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { RunEvent } from "../../src/report/events.js";
import { createReporter } from "../../src/report/index.js";
import { TermReporter } from "../../src/report/term.js";
import { provisionLike, type ReplayOptions } from "../bench/replay-events.js";
import { screenOf } from "../bench/vt.js";
import { FakeClock, FakeTty, replay } from "./fake-tty.js";

const opts = { diff: false, verbosity: 0 };
const UTF8 = { LANG: "C.UTF-8", TERM: "xterm-256color" };
const COLOUR_CODE = /\u001b\[[0-9;]*m/;

/** A replay through the terminal view: the terminal, what it shows at the end, and the frames drawn. */
async function run(replayOpts: ReplayOptions = {}, tty = new FakeTty(), env: NodeJS.ProcessEnv = UTF8) {
  const clock = new FakeClock();
  const reporter = new TermReporter(replayOpts.drift ? { diff: true, verbosity: 0 } : opts, tty, { env, clock });
  await replay(reporter, clock, provisionLike(replayOpts));
  return { tty, screen: screenOf(tty.text), frames: reporter.frames, clock };
}

/** A terminal view on a fresh fake terminal and clock. */
function live(reporterOpts = opts, env: NodeJS.ProcessEnv = UTF8) {
  const tty = new FakeTty();
  const clock = new FakeClock();
  return { tty, clock, reporter: new TermReporter(reporterOpts, tty, { env, clock }) };
}

const tasksOf = (steps: ReturnType<typeof provisionLike>) =>
  steps.flatMap((s) => (s.event.type === "task_start" ? [s.event.task] : []));

test("the live region stays a few lines high, however many hosts and tasks", async () => {
  const { tty } = await run({ wideHosts: 40 }, new FakeTty(100, 24));
  const heights = tty.heights();
  assert.ok(heights.length > 50, `the view redrew ${heights.length} times`);
  assert.ok(Math.max(...heights) <= 9, `the live region grew to ${Math.max(...heights)} lines`);
  assert.ok(heights.includes(9), "a task over 40 hosts shows 7 of them and a `more` line");
  const small = await run({ wideHosts: 40 }, new FakeTty(100, 6));
  assert.ok(Math.max(...small.tty.heights()) <= 4, "a 6-line terminal gets a region of 4 lines");
});

test("each finished task is one line with its counts and duration; no host lines stay behind", async () => {
  const { screen } = await run();
  for (const task of tasksOf(provisionLike())) {
    const lines = screen.filter((l) => l.includes(`TASK [${task}]`));
    assert.equal(lines.length, 1, `${task}: ${JSON.stringify(lines)}`);
    assert.match(lines[0]!, /^[✔●↓✖⚠] TASK \[.*\] \(roles\/.*:\d+\)( \w+=\d+)+ \(\d+\.\ds\)$/);
  }
  assert.deepEqual(
    screen.filter((l) => /^\s*(ok|changed|skipping):/.test(l) || /^\s+[✔●↓] /.test(l)),
    [],
  );
});

test("a failed host's error stays on screen under its task, and the recap is printed in full at the end", async () => {
  const { screen } = await run({ failAt: 12 });
  const at = screen.findIndex((l) => l.startsWith("✖ TASK ["));
  assert.ok(at >= 0, "the failed task is marked");
  assert.match(screen[at + 1] ?? "", /^failed: \[[\w-]+\] pg_ctlcluster 15 main start: exit 1$/);
  assert.match(screen[at + 2] ?? "", /could not bind to port 5432/);
  const recap = screen.indexOf("PLAY RECAP ***");
  const hosts = screen.slice(recap + 1, recap + 7).map((l) => l.split(" ")[0]);
  assert.deepEqual(hosts, ["agent1", "db-primary", "db-standby", "gocd-primary", "gocd-standby", "share"]);
  assert.match(screen[screen.length - 1] ?? "", /^Finished in 6\.4s$/);
  assert.ok(
    screen.slice(recap).every((l) => !l.includes("TASK [")),
    "nothing live is left under the recap",
  );
});

test("in drift mode the diffs print under their task, before the next task", async () => {
  const { screen } = await run({ drift: true });
  const at = screen.findIndex((l) => l.startsWith("● TASK ["));
  assert.match(screen[at + 1] ?? "", /^changed: \[[\w-]+\] \(check mode\) would update \/etc\//);
  assert.match(screen[at + 2] ?? "", /^--- before: \/etc\//);
  assert.ok(screen.includes("-port = 5432") && screen.includes("+port = 5433"));
});

test("redraws follow the clock's ticks, not the events: a burst of results draws one frame", async () => {
  const { frames, clock } = await run();
  assert.ok(frames <= clock.ticks + 1, `${frames} frames for ${clock.ticks} ticks`);
  const { tty, clock: burstClock, reporter } = live();
  const loc = { file: "site.yml", line: 1, col: 1 };
  const hosts = Array.from({ length: 500 }, (_, i) => `h${i}`);
  reporter.emit({ type: "task_start", play: "p", task: "t", loc, hosts, handler: false });
  for (const host of hosts)
    reporter.emit({
      type: "host_result",
      task: "t",
      host,
      loc,
      check: false,
      durationMs: 1,
      result: { status: "ok", reason: "", data: {} },
    });
  assert.equal(reporter.frames, 0, "nothing is drawn before the first tick");
  burstClock.advance(100);
  assert.equal(reporter.frames, 1);
  burstClock.advance(1000);
  assert.equal(reporter.frames, 11, "a running task redraws once a tick (its spinner turns)");
  await reporter.close();
  assert.match(screenOf(tty.text).join("\n"), /^✔ TASK \[t\] \(site\.yml:1\) ok=500 \(1\.1s\)$/m);
});

test("NO_COLOR gives no colour codes; without it, and with a UTF-8 locale, the marks are coloured Unicode", async () => {
  const plainColours = await run({ failAt: 3 }, new FakeTty(), { ...UTF8, NO_COLOR: "1" });
  assert.ok(!COLOUR_CODE.test(plainColours.tty.text), "a colour code with NO_COLOR");
  assert.ok(plainColours.tty.heights().length > 0, "NO_COLOR still draws the live view");
  const coloured = await run({ failAt: 3 });
  assert.ok(coloured.tty.text.includes("\u001b[31m✖\u001b[39m TASK ["), "a failed task's mark is red");
});

test("without a UTF-8 locale the marks and the spinner are ASCII", async () => {
  const { tty, screen } = await run({}, new FakeTty(), { TERM: "xterm" });
  assert.ok(screen.some((l) => /^\+ TASK \[/.test(l)) && screen.some((l) => /^\* TASK \[/.test(l)));
  assert.ok(!/[^\x00-\x7f]/.test(tty.text), "a character outside ASCII");
});

test("TERM=dumb at a terminal falls back to plain lines with no escape sequence at all; CI to plain lines", async () => {
  for (const env of [
    { TERM: "dumb", LANG: "C.UTF-8" },
    { ...UTF8, CI: "true" },
  ]) {
    const tty = new FakeTty();
    const reporter = createReporter("auto", opts, tty, env);
    for (const step of provisionLike({ failAt: 5 })) reporter.emit(step.event);
    await reporter.close();
    const unwanted = env.TERM === "dumb" ? /\u001b/ : /\u001b\[\d*[AJ]/;
    assert.ok(!unwanted.test(tty.text), `an escape sequence with ${JSON.stringify(env)}`);
    const text = tty.text.replace(new RegExp(COLOUR_CODE, "g"), "");
    assert.match(text, /^TASK \[facts : install postgresql\.conf 1\] \(roles\/facts\/tasks\/main\.yml:4\) \*\*\*$/m);
    assert.match(text, /^ok: \[[\w-]+\]$/m);
    assert.match(text, /^PLAY RECAP \*\*\*$/m);
  }
});

test("close() in the middle of a task (the engine stopped) still leaves the task's line and no live region", async () => {
  const { tty, clock, reporter } = live();
  const steps = provisionLike().slice(0, 6);
  for (const s of steps) reporter.emit(s.event);
  clock.advance(250);
  await reporter.close();
  const screen = screenOf(tty.text);
  assert.match(screen[screen.length - 1] ?? "", /^[✔●↓] TASK \[facts : install postgresql\.conf 1\] .*\(0\.3s\)$/);
});

test("warnings, pending handlers and, with -v, every result print in full beside the task lines", async () => {
  const { tty, reporter } = live({ diff: false, verbosity: 1 }, { ...UTF8, NO_COLOR: "1" });
  const loc = { file: "site.yml", line: 8, col: 3 };
  reporter.emit({ type: "task_start", play: "web", task: "install", loc, hosts: ["web1"], handler: false });
  reporter.emit({
    type: "host_result",
    task: "install",
    host: "web1",
    loc,
    check: false,
    durationMs: 1200,
    result: { status: "ok", reason: "installed", data: {} },
  });
  reporter.emit({ type: "handlers_pending", host: "web1", handlers: ["reload nginx"], why: "the host failed" });
  reporter.emit({ type: "play_end", play: "web" });
  reporter.emit({ type: "warning", message: "outside any play" });
  await reporter.close();
  assert.deepEqual(screenOf(tty.text), [
    "✔ TASK [install] (site.yml:8) ok=1 (0.0s)",
    "ok: [web1] installed (1.2s)",
    "[WARNING]: [web1] handlers were notified but NOT run on this host: reload nginx. Why: the host failed",
    "[WARNING]: outside any play",
  ]);
});

test("while a prompt has the terminal, the live region is erased and nothing is drawn over it", async () => {
  const { tty, clock, reporter } = live();
  const loc = { file: "site.yml", line: 3, col: 3 };
  reporter.emit({
    type: "task_start",
    play: "p",
    task: "confirm the switchover",
    loc,
    hosts: ["gocd-standby"],
    handler: false,
  });
  clock.advance(300);
  const before = reporter.frames;
  const answer = await reporter.hold(async () => {
    tty.write("Type the target host's name: gocd-standby\n");
    clock.advance(1000);
    return "gocd-standby";
  });
  assert.equal(answer, "gocd-standby");
  assert.equal(reporter.frames, before + 1, "one frame, the one that erased the region");
  clock.advance(100);
  reporter.emit({
    type: "host_result",
    task: "confirm the switchover",
    host: "gocd-standby",
    loc,
    check: false,
    durationMs: 1400,
    result: { status: "ok", reason: "confirmed", data: {} },
  });
  reporter.emit({ type: "play_end", play: "p" });
  await reporter.close();
  const screen = screenOf(tty.text);
  assert.equal(screen[0], "Type the target host's name: gocd-standby");
  assert.match(screen[1] ?? "", /^✔ TASK \[confirm the switchover\] \(site\.yml:3\) ok=1 \(1\.4s\)$/);
  assert.equal(screen.length, 2);
});

test("text from a host reaches the terminal with its control characters escaped", async () => {
  const { tty, clock, reporter } = live();
  const loc = { file: "site.yml", line: 8, col: 3 };
  const events: RunEvent[] = [
    { type: "task_start", play: "web", task: "install\u001b[2J", loc, hosts: ["web1", "web2"], handler: false },
    {
      type: "host_result",
      task: "install",
      host: "web1",
      loc,
      check: false,
      durationMs: 5,
      result: { status: "ok", reason: "done\u001b]0;pwned\u0007\rok", data: {} },
    },
    {
      type: "host_result",
      task: "install",
      host: "web2",
      loc,
      check: false,
      durationMs: 5,
      result: { status: "failed", error: "bad\u001b[2J", data: {} },
    },
  ];
  for (const e of events) reporter.emit(e);
  clock.advance(100);
  await reporter.close();
  assert.ok(!tty.text.includes("]0;pwned\u0007") && !tty.text.includes("\u001b[2J"), JSON.stringify(tty.text));
  assert.ok(tty.text.includes("web1: ok: done\\x1b]0;pwned\\x07\\rok"), "the live row shows the escaped reason");
  assert.match(screenOf(tty.text).join("\n"), /^failed: \[web2\] bad\\x1b\[2J$/m);
});
