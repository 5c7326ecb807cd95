// How `gocd-bc switchover` reads its run: which outcome a failed task means (preflight refusal, no
// confirmation, the LSN rule's abort, any other stop), which checks passed, and the step and database times.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { TaskResult } from "../../src/modules/contract.js";
import type { RunEvent } from "../../src/report/events.js";
import {
  databaseMs,
  passedChecks,
  stepTimings,
  vipGapMs,
  switchoverOutcome,
  type TimedEvent,
} from "../../src/cli/switchover-timings.js";

const loc = { file: "roles/gocd_switchover/tasks/steps.yml", line: 1, col: 1 };
const start = (task: string): RunEvent => ({
  type: "task_start",
  play: "switchover",
  task,
  loc,
  hosts: ["gocd-primary"],
  handler: false,
});
const result = (task: string, r: TaskResult): RunEvent => ({
  type: "host_result",
  task,
  host: "gocd-primary",
  loc,
  result: r,
  check: false,
  durationMs: 1,
});
const okR: TaskResult = { status: "ok", reason: "", data: {} };
const failR = (error: string): TaskResult => ({ status: "failed", error, data: {} });
const role = (name: string) => `gocd_switchover : ${name}`;

test("a failed preflight check is a refusal naming every failed check, whatever failed after it", () => {
  const events = [
    start(role("preflight: the artifact share is mounted on the target")),
    result(role("preflight: the artifact share is mounted on the target"), failR("not mounted on gocd-standby")),
  ];
  assert.deepEqual(switchoverOutcome(events), {
    kind: "preflight-refused",
    checks: ["the artifact share is mounted on the target: not mounted on gocd-standby"],
  });
});

test("the confirmation refused is not-confirmed; the abort of the LSN rule wins over the rescued wait", () => {
  assert.equal(
    switchoverOutcome([result(role("the operator confirms"), failR("confirmation refused"))]).kind,
    "not-confirmed",
  );
  const aborted = switchoverOutcome([
    result(
      role("step 5: the standby has received and replayed the primary's last WAL"),
      failR("until condition still false"),
    ),
    result(role("abort: nothing was promoted, so nothing was lost"), failR("SWITCHOVER ABORTED: ...")),
  ]);
  assert.deepEqual(aborted, { kind: "aborted", why: "SWITCHOVER ABORTED: ..." });
  const stopped = switchoverOutcome([result(role("step 7: the target answers its health check"), failR("timeout"))]);
  assert.deepEqual(stopped, {
    kind: "failed",
    task: role("step 7: the target answers its health check"),
    why: "timeout",
  });
  assert.deepEqual(switchoverOutcome([result(role("step 1: x"), okR)]), { kind: "done" });
});

test("passed checks are listed once each, in order; failed ones are not", () => {
  const events = [
    result(role("preflight: one"), okR),
    result(role("preflight: two"), failR("no")),
    result(role("preflight: one"), okR),
    result(role("preflight: three"), okR),
  ];
  assert.deepEqual(passedChecks(events), ["one", "three"]);
});

test("each step's time runs from its first task's start to its last result; the database part from step 4 to the end of step 6", () => {
  const at = (ms: number, event: RunEvent): TimedEvent => ({ at: ms, event });
  const events = [
    at(0, start(role("step 3: GoCD stops on the active server"))),
    at(400, result(role("step 3: GoCD stops on the active server"), okR)),
    at(400, start(role("journal: a line on both servers"))),
    at(450, result(role("journal: a line on both servers"), okR)),
    at(500, start(role("step 4: CHECKPOINT on the primary, so its shutdown is quick"))),
    at(600, result(role("step 4: CHECKPOINT on the primary, so its shutdown is quick"), okR)),
    at(600, start(role("step 4: the primary stops cleanly (fast shutdown)"))),
    at(900, result(role("step 4: the primary stops cleanly (fast shutdown)"), okR)),
    at(1000, start(role("step 6: the standby is promoted"))),
    at(1700, result(role("step 6: the standby is promoted"), okR)),
    at(1800, start(role("step 7: GoCD starts on the target and starts at boot"))),
    at(2000, result(role("step 7: GoCD starts on the target and starts at boot"), okR)),
  ];
  assert.deepEqual(stepTimings(events), [
    { step: 3, title: "GoCD stops on the active server", ms: 400, skipped: false },
    { step: 4, title: "CHECKPOINT on the primary, so its shutdown is quick", ms: 400, skipped: false },
    { step: 6, title: "the standby is promoted", ms: 700, skipped: false },
    { step: 7, title: "GoCD starts on the target and starts at boot", ms: 200, skipped: false },
  ]);
  assert.equal(databaseMs(events), 1200);
  assert.equal(databaseMs(events.slice(0, 4)), undefined);
});

test("a step whose every task was skipped (done by an earlier, interrupted run) says so", () => {
  const at = (ms: number, event: RunEvent): TimedEvent => ({ at: ms, event });
  const skippedR = { status: "skipped", reason: "condition false", data: {} } as const;
  const events = [
    at(0, start(role("step 5: the standby has received and replayed the primary's last WAL"))),
    at(10, result(role("step 5: the standby has received and replayed the primary's last WAL"), skippedR)),
    at(10, start(role("step 6: the old primary can only come back as a standby"))),
    at(20, result(role("step 6: the old primary can only come back as a standby"), skippedR)),
    at(20, start(role("step 6: the new primary is writable"))),
    at(90, result(role("step 6: the new primary is writable"), okR)),
  ];
  assert.deepEqual(
    stepTimings(events).map((s) => [s.step, s.skipped]),
    [
      [5, true],
      [6, false],
    ],
  );
});

test("the VIP's gap runs from GoCD stopping on the old side to the VIP answering on the new one", () => {
  const at = (ms: number, event: RunEvent): TimedEvent => ({ at: ms, event });
  const events = [
    at(100, start(role("step 3: GoCD stops on the active server"))),
    at(300, result(role("step 3: GoCD stops on the active server"), okR)),
    at(5000, start(role("step 7: the VIP follows GoCD to the target"))),
    at(8100, result(role("step 7: the VIP follows GoCD to the target"), okR)),
    at(8200, start(role("step 7: the VIP has left the old active server"))),
    at(8300, result(role("step 7: the VIP has left the old active server"), okR)),
  ];
  assert.equal(vipGapMs(events), 8000);
  assert.equal(vipGapMs(events.slice(0, 3)), undefined, "the VIP never answered on the new side");
});
