// The listr2 tree: driven by the same events, it must finish, show tasks and hosts, then the recap.
// A test stream is not a TTY, so listr2 uses its line-per-change renderer; the structure is the same.
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { test } from "node:test";
import type { RunEvent } from "../../src/report/events.js";
import { TreeReporter } from "../../src/report/tree.js";
import { createReporter } from "../../src/report/index.js";
import { emptyStats } from "../../src/report/recap.js";

class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const loc = { file: "site.yml", line: 8, col: 3 };
const recap: RunEvent = {
  type: "recap",
  hosts: { web1: { ...emptyStats(), ok: 2, changed: 1 }, web2: { ...emptyStats(), ok: 1, failed: 1 } },
  exitCode: 2,
  durationMs: 1500,
  interrupted: false,
};
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

function play(): RunEvent[] {
  return [
    { type: "run_start", playbook: "site.yml", check: false, diff: true, time: "2024-01-01T00:00:00Z" },
    { type: "play_start", play: "web", hosts: ["web1", "web2"], loc },
    { type: "task_start", play: "web", task: "install nginx", loc, hosts: ["web1", "web2"], handler: false },
    { type: "host_result", task: "install nginx", host: "web1", loc, check: false, durationMs: 5, result: { status: "ok", reason: "installed", data: {} } },
    { type: "host_result", task: "install nginx", host: "web2", loc, check: false, durationMs: 5, result: { status: "ok", reason: "installed", data: {} } },
    { type: "task_start", play: "web", task: "configure", loc, hosts: ["web1", "web2"], handler: false },
    {
      type: "host_result", task: "configure", host: "web1", loc, check: false, durationMs: 5,
      result: { status: "changed", summary: "write nginx.conf", diff: [{ path: "/etc/nginx.conf", before: "old line\n", after: "new line\n" }], data: {} },
    },
    { type: "host_result", task: "configure", host: "web2", loc, check: false, durationMs: 5, result: { status: "failed", error: "disk full", data: {} } },
    { type: "handlers_pending", host: "web2", handlers: ["reload nginx"], why: "the host failed" },
    { type: "play_end", play: "web" },
  ];
}

test("the tree shows the play, its tasks with counts and its hosts, then diffs, failures and the recap", async () => {
  const out = new Capture();
  const reporter = new TreeReporter({ diff: true, verbosity: 0 }, out, { renderer: "simple" });
  for (const e of play()) {
    reporter.emit(e);
    await tick();
  }
  reporter.emit(recap);
  await reporter.close();
  const text = out.text;
  assert.match(text, /PLAY \[web\]/);
  assert.match(text, /TASK \[install nginx\] \(site\.yml:8\) ok=2/);
  assert.match(text, /TASK \[configure\] \(site\.yml:8\) changed=1 failed=1/);
  assert.match(text, /web1: changed: write nginx\.conf/);
  assert.match(text, /web2: disk full/);
  assert.match(text, /^-old line$/m);
  assert.match(text, /^\+new line$/m);
  assert.match(text, /^\[WARNING\]: \[web2\] handlers were notified but NOT run on this host: reload nginx/m);
  assert.match(text, /^PLAY RECAP \*\*\*\nweb1 +: ok=2    changed=1 /m);
  assert.ok(text.indexOf("PLAY RECAP") > text.lastIndexOf("TASK [configure]"), "the recap comes last");
});

test("events emitted all at once, synchronously, are shown in the same order", async () => {
  const out = new Capture();
  const reporter = createReporter("tree", { diff: false, verbosity: 0 }, out);
  for (const e of [...play(), recap]) reporter.emit(e);
  await reporter.close();
  assert.ok(out.text.indexOf("install nginx") < out.text.indexOf("configure"));
  assert.match(out.text, /PLAY RECAP/);
  assert.ok(!out.text.includes("old line"), "no diff without --diff");
});

test("close() finishes even when the engine stopped in the middle of a task", async () => {
  const out = new Capture();
  const reporter = new TreeReporter({ diff: false, verbosity: 0 }, out, { renderer: "simple" });
  for (const e of play().slice(0, 4)) reporter.emit(e);
  await reporter.close();
  assert.match(out.text, /web1: ok/);
  assert.match(out.text, /web2.*no result/);
});

test("a second play after the first, and events outside plays, still print", async () => {
  const out = new Capture();
  const reporter = new TreeReporter({ diff: false, verbosity: 1 }, out, { renderer: "simple" });
  const events = play();
  for (const e of [...events, { ...events[1]!, play: "second" } as RunEvent, { type: "play_end", play: "second" } as RunEvent]) reporter.emit(e);
  reporter.emit({ type: "warning", message: "outside any play" });
  reporter.emit(recap);
  await reporter.close();
  assert.match(out.text, /PLAY \[second\]/);
  assert.match(out.text, /^\[WARNING\]: outside any play$/m);
  assert.match(out.text, /^ok: \[web1\] installed \(0\.0s\)$/m, "with -v every result is listed after the play");
});

test("text from a host reaches the tree with its control characters escaped", async () => {
  const out = new Capture();
  const reporter = new TreeReporter({ diff: false, verbosity: 0 }, out, { renderer: "simple" });
  const [start, playStart, taskStart] = play();
  for (const e of [start!, playStart!, taskStart!]) reporter.emit(e);
  const reason = "installed\u001b]0;pwned\u0007\rok";
  reporter.emit({ type: "host_result", task: "install nginx", host: "web1", loc, check: false, durationMs: 5, result: { status: "ok", reason, data: {} } });
  reporter.emit({ type: "host_result", task: "install nginx", host: "web2", loc, check: false, durationMs: 5, result: { status: "failed", error: "bad\u001b[2J", data: {} } });
  reporter.emit({ type: "play_end", play: "web" });
  await reporter.close();
  assert.ok(!out.text.includes("]0;pwned\u0007") && !out.text.includes("\u001b[2J") && !out.text.includes("\r"), JSON.stringify(out.text));
  assert.match(out.text, /web1: ok: installed\\x1b\]0;pwned\\x07\\rok/);
  assert.match(out.text, /web2: bad\\x1b\[2J/);
});
