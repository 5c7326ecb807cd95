// What provision, drift and switchover say of a topology they will not act on, beyond the decision's own
// lines: a switchover or failover half-way names its command, switchover never resumes a failover, and a
// failover's old primary back is rejoined first.
import { test } from "node:test";
import assert from "node:assert/strict";
import { provisionRefusal, topologyLines } from "../../src/cli/provision.js";
import { topologyRefusal } from "../../src/cli/switchover.js";
import { decideTopology, type DbFact, type GocdFact, type Topology } from "../../src/topology/decide.js";
import type { JournalKind } from "../../src/topology/journal.js";

const halfway = (kind: JournalKind): Topology => ({
  kind: "unfinished",
  record: { kind, id: "x-1", from: "go-a", to: "go-b", step: "promoted", time: "t", epoch: 3, ended: false },
  promoted: true,
  reasons: [`the ${kind} x-1 (go-a -> go-b) did not finish`],
});

test("a switchover or failover half-way: its reasons as topology lines, and provisioning refused by its name", () => {
  for (const kind of ["switchover", "failover"] as const) {
    assert.deepEqual(topologyLines(halfway(kind)), [`topology: the ${kind} x-1 (go-a -> go-b) did not finish`]);
    assert.equal(
      provisionRefusal(halfway(kind)),
      `refusing to change anything while a ${kind} is half-way (provisioning could undo half of it)`,
    );
  }
});

test("switchover finishes a switchover half-way but refuses a failover half-way, naming the failover command", () => {
  assert.equal(topologyRefusal(halfway("switchover")), undefined);
  assert.equal(
    topologyRefusal(halfway("failover")),
    "the failover x-1 to go-b is half-way: finish it with `gocd-bc failover --to go-b` first; nothing was changed",
  );
});

test("a split brain or an undecided pair prints its header and reasons; a decided one its evidence", () => {
  assert.deepEqual(topologyLines({ kind: "split-brain", reasons: ["two writable databases"] }), [
    "SPLIT BRAIN: refusing to change anything; a person must decide which side is right:",
    "  - two writable databases",
  ]);
  assert.deepEqual(topologyLines({ kind: "undecidable", reasons: ["db-a cannot be read"] }), [
    "cannot tell which side is active; nothing was changed:",
    "  - db-a cannot be read",
  ]);
  const roles = { dbPrimary: "db-a", dbStandby: "db-b", gocdActive: "go-a", gocdStandby: "go-b" };
  assert.deepEqual(topologyLines({ kind: "decided", roles, evidence: ["db-a is the writable database"] }), [
    "topology: db-a is the writable database",
  ]);
  assert.equal(provisionRefusal({ kind: "decided", roles, evidence: [] }), undefined);
});

test("a failover's old primary back: provision, drift and switchover refuse, naming rejoin", () => {
  const db = (host: string, timeline: number): DbFact => ({
    host,
    kind: "running",
    inRecovery: false,
    systemId: "7",
    timeline,
    streamingTo: [],
  });
  const server = (host: string, epoch: number): GocdFact => ({
    host,
    kind: "reachable",
    running: epoch === 3,
    holdsVip: epoch === 3,
    marker: "active",
    epoch,
  });
  const former = decideTopology([db("db-a", 1), db("db-b", 2)], [server("go-a", 2), server("go-b", 3)], {
    db: ["db-a", "db-b"],
    gocd: ["go-a", "go-b"],
    dbOf: { "go-a": "db-a", "go-b": "db-b" },
  });
  assert.equal(former.kind, "former-primary");
  assert.match(topologyLines(former).join("\n"), /^topology: db-a is a former primary left behind by a failover: /);
  assert.equal(
    provisionRefusal(former),
    "refusing to change anything while db-a is a former primary left behind by a failover:" +
      " run `gocd-bc rejoin` first (it rewinds db-a and makes it the standby)",
  );
  assert.equal(
    topologyRefusal(former),
    "db-a is a former primary left behind by a failover: rejoin the pair first (`gocd-bc rejoin`);" +
      " nothing was changed",
  );
});
