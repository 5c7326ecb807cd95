// What the failover command decides before its playbook runs, and what it reads from the run afterwards:
// the hosts that did not answer, the refusals (a bad target, a confirmation naming another host, a split
// brain, a target active already, a switchover or another failover half-way, a former primary to rejoin),
// a failover half-way to the same target resumed, and the time from the confirmation to the agents back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { backAfterConfirmMs, failoverRefusal, lostHosts } from "../../src/cli/failover.js";
import type { TimedEvent } from "../../src/cli/switchover-timings.js";
import type { TaskResult } from "../../src/modules/contract.js";
import { FACT } from "../../src/topology/facts.js";
import type { Topology } from "../../src/topology/decide.js";
import type { JournalKind } from "../../src/topology/journal.js";

const roles = { dbPrimary: "db-a", dbStandby: "db-b", gocdActive: "go-a", gocdStandby: "go-b" };
const decided: Topology = { kind: "decided", roles, evidence: [] };
const undecidable: Topology = { kind: "undecidable", reasons: ["database host db-a cannot be read"] };
const servers = ["go-a", "go-b"];
const halfway = (kind: JournalKind, to: string): Topology => ({
  kind: "unfinished",
  record: { kind, id: "x-1", from: "go-a", to, step: "promoted", time: "t", epoch: 3, ended: false },
  promoted: true,
  reasons: [],
});

test("the hosts that did not answer: no result at all, or an unreachable one", () => {
  const ok: TaskResult = { status: "ok", reason: "", data: {} };
  const lost: TaskResult = { status: "unreachable", error: "connect EHOSTUNREACH", data: {} };
  const results = new Map<string, Map<string, TaskResult>>([
    ["go-a", new Map([[FACT.server, lost]])],
    ["go-b", new Map([[FACT.server, ok]])],
    [
      "db-b",
      new Map<string, TaskResult>([
        [FACT.cluster, ok],
        [FACT.database, lost],
      ]),
    ],
    ["db-c", new Map()],
  ]);
  assert.deepEqual(lostHosts(results, ["go-a", "go-b", "db-a", "db-b", "db-c"]), ["go-a", "db-a", "db-b", "db-c"]);
});

test("refusals before any host is changed, each with its exit code", () => {
  const to = (t: string, confirm?: string) => ({ to: t, ...(confirm ? { confirm } : {}) });
  assert.equal(failoverRefusal(to("go-c"), servers, undecidable)?.code, 5);
  assert.deepEqual(failoverRefusal(to("go-b", "go-a"), servers, undecidable), {
    code: 6,
    why: "--confirm go-a does not name the target (--to go-b): nothing was changed",
  });
  assert.equal(failoverRefusal(to("go-b"), servers, { kind: "split-brain", reasons: ["two writable"] })?.code, 1);
  assert.match(failoverRefusal(to("go-a"), servers, decided)?.why ?? "", /go-a is the active GoCD server already/);
  assert.match(
    failoverRefusal(to("go-b"), servers, halfway("switchover", "go-b"))?.why ?? "",
    /the switchover to go-b is half-way: finish it \(`gocd-bc switchover --to go-b`\)/,
  );
  assert.match(
    failoverRefusal(to("go-a"), servers, halfway("failover", "go-b"))?.why ?? "",
    /finish it first \(--to go-b\)/,
  );
  const former: Topology = {
    kind: "former-primary",
    roles,
    formerPrimary: "db-b",
    timelines: { primary: 2, former: 1 },
    epochs: { active: 2, former: 1 },
    reasons: [],
  };
  assert.match(failoverRefusal(to("go-b"), servers, former)?.why ?? "", /db-b is left behind: run `gocd-bc rejoin`/);
});

test("a lost side, or a failover half-way to the same target, goes on", () => {
  assert.equal(failoverRefusal({ to: "go-b", confirm: "go-b" }, servers, undecidable), undefined);
  assert.equal(failoverRefusal({ to: "go-b" }, servers, decided), undefined);
  assert.equal(failoverRefusal({ to: "go-b" }, servers, halfway("failover", "go-b")), undefined);
});

test("from the confirmation to the last agent connected again, or nothing when either is missing", () => {
  const result = (task: string, status: "ok" | "failed" = "ok"): TimedEvent["event"] =>
    ({
      type: "host_result",
      task,
      host: "h",
      result: status === "ok" ? { status, reason: "", data: {} } : { status, error: "no", data: {} },
    }) as TimedEvent["event"];
  const events: TimedEvent[] = [
    { at: 1000, event: result("gocd_failover : the plan") },
    { at: 4000, event: result("gocd_failover : the operator confirms") },
    { at: 9000, event: result("the agent is connected to GoCD again") },
    { at: 9500, event: result("the agent is connected to GoCD again") },
  ];
  assert.equal(backAfterConfirmMs(events), 5500);
  assert.equal(backAfterConfirmMs(events.slice(0, 2)), undefined);
  assert.equal(
    backAfterConfirmMs([
      events[1] as TimedEvent,
      { at: 9000, event: result("the agent is connected to GoCD again", "failed") },
    ]),
    undefined,
  );
});
