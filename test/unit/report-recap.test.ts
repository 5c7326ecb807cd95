// The recap: Ansible's counting rules and its exact line layout.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { RunEvent } from "../../src/report/events.js";
import type { TaskResult } from "../../src/modules/contract.js";
import {
  emptyStats,
  formatDuration,
  formatRecap,
  outcome,
  rescue,
  statsFromEvents,
  tally,
} from "../../src/report/recap.js";

const loc = { file: "site.yml", line: 3, col: 5 };
const taskStart = (task: string, hosts: string[]): RunEvent => ({
  type: "task_start",
  play: "p",
  task,
  loc,
  hosts,
  handler: false,
});
const result = (host: string, r: TaskResult, extra: { item?: unknown; ignored?: boolean } = {}) =>
  ({ type: "host_result", task: "t", host, loc, result: r, check: false, durationMs: 1, ...extra }) as const;
const ok: TaskResult = { status: "ok", reason: "already there", data: {} };
const changed: TaskResult = { status: "changed", summary: "create /x", diff: [], data: {} };
const skipped: TaskResult = { status: "skipped", reason: "when: false", data: {} };
const failed: TaskResult = { status: "failed", error: "exit 1", data: {} };

test("a loop's items merge into one outcome, as Ansible merges a loop result", () => {
  assert.equal(outcome([result("a", ok), result("a", changed)]), "changed");
  assert.equal(outcome([result("a", skipped), result("a", ok)]), "ok");
  assert.equal(outcome([result("a", skipped), result("a", skipped)]), "skipped");
  assert.equal(outcome([result("a", changed), result("a", failed)]), "failed");
  assert.equal(outcome([result("a", failed, { ignored: true })]), "ignored");
  assert.equal(outcome([result("a", { status: "unreachable", error: "timeout", data: {} })]), "unreachable");
});

test("changed also counts ok; an ignored failure counts ok and ignored, not failed (Ansible's rules)", () => {
  assert.deepEqual(tally(emptyStats(), "changed"), { ...emptyStats(), ok: 1, changed: 1 });
  assert.deepEqual(tally(emptyStats(), "ignored"), { ...emptyStats(), ok: 1, ignored: 1 });
  assert.deepEqual(tally(emptyStats(), "failed"), { ...emptyStats(), failed: 1 });
  assert.deepEqual(rescue(tally(emptyStats(), "failed")), { ...emptyStats(), rescued: 1 });
  assert.deepEqual(rescue(emptyStats()), emptyStats(), "nothing to rescue: unchanged");
});

test("stats from an event stream count a looping task once per host", () => {
  const events: RunEvent[] = [
    { type: "play_start", play: "p", hosts: ["a", "b", "c"], loc },
    taskStart("loop", ["a", "b"]),
    result("a", changed, { item: 1 }),
    result("a", ok, { item: 2 }),
    result("b", skipped, { item: 1 }),
    taskStart("next", ["a", "b"]),
    result("a", failed, { ignored: true }),
    result("b", failed),
    { type: "play_end", play: "p" },
  ];
  const stats = statsFromEvents(events);
  assert.deepEqual(stats.a, { ...emptyStats(), ok: 2, changed: 1, ignored: 1 });
  assert.deepEqual(stats.b, { ...emptyStats(), skipped: 1, failed: 1 });
  assert.deepEqual(stats.c, emptyStats(), "a host the play named but never reached still appears");
});

test("recap lines have Ansible's layout: host padded to 26, then name=%-4s fields", () => {
  const lines = formatRecap(
    { web1: { ...emptyStats(), ok: 3, changed: 1 }, db1: { ...emptyStats(), ok: 12, failed: 1, ignored: 2 } },
    83_400,
  );
  assert.deepEqual(lines, [
    "PLAY RECAP ***",
    "db1                        : ok=12   changed=0    unreachable=0    failed=1    skipped=0    rescued=0    ignored=2   ",
    "web1                       : ok=3    changed=1    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   ",
    "",
    "Finished in 1m 23s",
  ]);
});

test("a host name longer than 26 widens the column for every host, so fields stay aligned", () => {
  const long = "gocd-server-primary.example.internal";
  const lines = formatRecap({ [long]: emptyStats(), a: emptyStats() }, 500, true);
  const colons = lines.filter((l) => l.includes(" : ")).map((l) => l.indexOf(" : "));
  assert.equal(new Set(colons).size, 1);
  assert.equal(colons[0], long.length);
  assert.equal(lines[lines.length - 1], "Interrupted after 0.5s");
});

test("durations read naturally", () => {
  assert.equal(formatDuration(0), "0.0s");
  assert.equal(formatDuration(12_345), "12.3s");
  assert.equal(formatDuration(65_000), "1m 05s");
});
