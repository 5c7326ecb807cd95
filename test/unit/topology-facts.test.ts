// Facts from task results: the parsers that turn the facts playbook's results into DbFact / GocdFact,
// and the pair's names from the inventory.
import { test } from "node:test";
import assert from "node:assert/strict";
import { dbFact, gocdFact } from "../../src/topology/facts.js";
import type { TaskResult } from "../../src/modules/contract.js";

const ok = (data: Record<string, unknown>): TaskResult => ({ status: "ok", reason: "", data });
const results = (entries: Record<string, TaskResult>) => new Map(Object.entries(entries));

test("a database host with its cluster down is stopped", () => {
  const r = results({
    "cluster state": ok({
      stdout: "15  main    5432 down   postgres /var/lib/postgresql/15/main /var/log/postgresql/postgresql-15-main.log",
    }),
  });
  assert.deepEqual(dbFact("db-a", r), { host: "db-a", kind: "stopped" });
});

test("a running standby reports recovery and its system identifier", () => {
  const r = results({
    "cluster state": ok({ stdout: "15  main    5432 online,recovery postgres /var/lib/postgresql/15/main log" }),
    "database facts": ok({ postgres: { in_recovery: true, system_identifier: "7642011472967116994", timeline: 2 } }),
  });
  assert.deepEqual(dbFact("db-b", r), {
    host: "db-b",
    kind: "running",
    inRecovery: true,
    systemId: "7642011472967116994",
    timeline: 2,
    streamingTo: [],
  });
});

test("a running primary reports its timeline and the standbys that stream from it (by application name)", () => {
  const r = results({
    "cluster state": ok({ stdout: "15  main    5432 online postgres /var/lib/postgresql/15/main log" }),
    "database facts": ok({
      postgres: {
        in_recovery: false,
        system_identifier: "7",
        timeline: 3,
        replication: [
          { application_name: "gocd_bc_db_standby", state: "streaming" },
          { application_name: "gocd_bc_db_other", state: "catchup" },
          { application_name: "pg_basebackup", state: "backup" },
        ],
      },
    }),
  });
  const fact = dbFact("db-a", r);
  assert.equal(fact.kind === "running" && fact.timeline, 3);
  assert.deepEqual(fact.kind === "running" && fact.streamingTo, ["gocd_bc_db_standby"]);
  // Facts from a server that did not say its timeline, or a replication list that is not one.
  const bare = dbFact(
    "db-a",
    results({
      "cluster state": ok({ stdout: "15  main    5432 online postgres" }),
      "database facts": ok({ postgres: { in_recovery: false, timeline: null, replication: "?" } }),
    }),
  );
  assert.deepEqual(bare.kind === "running" && [bare.timeline, bare.streamingTo], [null, []]);
});

test("an online cluster whose facts cannot be read is unknown, never taken as stopped", () => {
  const r = results({
    "cluster state": ok({ stdout: "15  main    5432 online postgres /var/lib/postgresql/15/main log" }),
    "database facts": { status: "failed", error: "password authentication failed", data: {} },
  });
  const fact = dbFact("db-a", r);
  assert.equal(fact.kind, "unknown");
  assert.match(
    fact.kind === "unknown" ? fact.why : "",
    /online but its state cannot be read: password authentication failed/,
  );
});

test("an unreachable host is unknown with the connection's words", () => {
  const r = results({
    "cluster state": { status: "unreachable", error: "connect ETIMEDOUT 198.18.0.250:22", data: {} },
  });
  assert.deepEqual(dbFact("db-a", r), { host: "db-a", kind: "unknown", why: "connect ETIMEDOUT 198.18.0.250:22" });
});

test("a GoCD server's state lines: running, VIP, marker and the marker's epoch (0 when there is none)", () => {
  const r = results({ "server state": ok({ stdout: "running=yes\nvip=yes\nmarker=active\nepoch=3" }) });
  assert.deepEqual(gocdFact("go-a", r), {
    host: "go-a",
    kind: "reachable",
    running: true,
    holdsVip: true,
    marker: "active",
    epoch: 3,
  });
  const idle = gocdFact("go-b", results({ "server state": ok({ stdout: "running=no\nvip=no\nmarker=\nepoch=" }) }));
  assert.deepEqual(idle, { host: "go-b", kind: "reachable", running: false, holdsVip: false, epoch: 0 });
});
