// The topology rules, facts in and decision out: the inventory's initial roles only for hosts never
// provisioned, the hosts' own state otherwise, and split brain whenever two sides claim to be active.
import { test } from "node:test";
import assert from "node:assert/strict";
import { decideTopology, rolesAsVars, type DbFact, type GocdFact } from "../../src/topology/decide.js";

const names = { db: ["db-a", "db-b"], gocd: ["go-a", "go-b"] } as const;
const running = (host: string, inRecovery: boolean): DbFact => ({
  host,
  kind: "running",
  inRecovery,
  systemId: "7",
  timeline: 1,
  streamingTo: [],
});
const stopped = (host: string): DbFact => ({ host, kind: "stopped" });
const server = (host: string, running: boolean, marker?: "active" | "standby", epoch = 0): GocdFact => ({
  host,
  kind: "reachable",
  running,
  holdsVip: running,
  marker,
  epoch,
});
const idleServers = [server("go-a", false), server("go-b", false)];

test("bare hosts take the inventory's initial roles, and say so", () => {
  const t = decideTopology([stopped("db-a"), stopped("db-b")], idleServers, names);
  assert.equal(t.kind, "decided");
  assert.deepEqual(t.kind === "decided" && t.roles, {
    dbPrimary: "db-a",
    dbStandby: "db-b",
    gocdActive: "go-a",
    gocdStandby: "go-b",
  });
  assert.match(t.kind === "decided" ? t.evidence.join(" ") : "", /as the inventory names it/);
});

test("after a switchover the hosts win over the inventory", () => {
  const t = decideTopology(
    [running("db-a", true), running("db-b", false)],
    [server("go-a", false, "standby"), server("go-b", true, "active")],
    names,
  );
  assert.deepEqual(t.kind === "decided" && rolesAsVars(t.roles), {
    db_primary_host: "db-b",
    db_standby_host: "db-a",
    gocd_active_server: "go-b",
    gocd_standby_server: "go-a",
  });
});

test("a stopped GoCD pair follows the active marker", () => {
  const t = decideTopology(
    [running("db-a", true), running("db-b", false)],
    [server("go-a", false, "standby"), server("go-b", false, "active")],
    names,
  );
  assert.equal(t.kind === "decided" && t.roles.gocdActive, "go-b");
});

test("two writable databases are a split brain", () => {
  const t = decideTopology([running("db-a", false), running("db-b", false)], idleServers, names);
  assert.equal(t.kind, "split-brain");
  assert.match(t.kind === "split-brain" ? (t.reasons[0] ?? "") : "", /two writable databases: db-a and db-b/);
});

test("two running GoCD servers are a split brain", () => {
  const t = decideTopology(
    [running("db-a", false), stopped("db-b")],
    [server("go-a", true), server("go-b", true)],
    names,
  );
  assert.equal(t.kind, "split-brain");
});

test("a standby without a running primary is not guessed at", () => {
  const t = decideTopology([stopped("db-a"), running("db-b", true)], idleServers, names);
  assert.equal(t.kind, "undecidable");
  assert.match(
    t.kind === "undecidable" ? t.reasons.join(" ") : "",
    /db-b is a standby but no primary database is running/,
  );
});

test("a host that cannot be read leaves the topology undecided, naming the host", () => {
  const t = decideTopology(
    [{ host: "db-a", kind: "unknown", why: "unreachable: connect timeout" }, stopped("db-b")],
    idleServers,
    names,
  );
  assert.equal(t.kind, "undecidable");
  assert.match(
    t.kind === "undecidable" ? t.reasons.join(" ") : "",
    /db-a cannot be read: unreachable: connect timeout/,
  );
});

/** A journal record of a switchover from go-a to go-b, stopped after `step`. */
const record = (step: string, kind: "switchover" | "failover" = "switchover") => ({
  kind,
  id: "sw-1",
  from: "go-a",
  to: "go-b",
  step,
  time: "2026-12-01T10:00:00.000Z",
  epoch: 4,
  ended: step === "done" || (kind === "switchover" && step === "aborted"),
});
const paired = { ...names, dbOf: { "go-a": "db-a", "go-b": "db-b" } };

test("a switchover the journal shows half-way is a state of its own, naming the command that finishes it", () => {
  // GoCD stopped on the active server, the primary stopped, the standby not yet promoted: no primary runs.
  const t = decideTopology(
    [stopped("db-a"), running("db-b", true)],
    [server("go-a", false, "active"), server("go-b", false, "standby")],
    paired,
    record("primary stopped"),
  );
  assert.equal(t.kind, "unfinished");
  assert.equal(t.kind === "unfinished" && t.promoted, false);
  assert.equal(t.kind === "unfinished" && t.roles, undefined, "roles before the promotion");
  assert.match(t.reasons.join(" "), /sw-1 \(go-a -> go-b\) did not finish: its last step was 'primary stopped'/);
  assert.match(t.reasons.join(" "), /run `gocd-bc switchover --to go-b` again/);
});

test("half-way after the promotion, the target's writable database says so (the only way on is forward)", () => {
  const t = decideTopology(
    [stopped("db-a"), running("db-b", false)],
    [server("go-a", false, "active"), server("go-b", false, "standby")],
    paired,
    record("promoted"),
  );
  assert.equal(t.kind === "unfinished" && t.promoted, true);
  // The roles the switchover gave, for `rejoin` (the old side's database the standby to be).
  assert.deepEqual(t.kind === "unfinished" && t.roles, {
    dbPrimary: "db-b",
    dbStandby: "db-a",
    gocdActive: "go-b",
    gocdStandby: "go-a",
  });
  // Without each server's database host, the journal's step tells.
  const blind = decideTopology([stopped("db-a"), running("db-b", false)], idleServers, names, record("promoted"));
  assert.equal(blind.kind === "unfinished" && blind.promoted, true);
});

test("a split brain wins over an unfinished switchover; an ended one changes nothing", () => {
  const split = decideTopology(
    [running("db-a", false), running("db-b", false)],
    idleServers,
    paired,
    record("promoted"),
  );
  assert.equal(split.kind, "split-brain");
  for (const step of ["done", "aborted"]) {
    const t = decideTopology(
      [running("db-a", false), running("db-b", true)],
      [server("go-a", true), server("go-b", false)],
      paired,
      record(step),
    );
    assert.equal(t.kind, "decided", step);
  }
});

test("a failover half-way names the failover command that finishes it, and gives its roles once promoted", () => {
  // The lost side cannot be read; the target's database is writable already.
  const t = decideTopology(
    [{ host: "db-a", kind: "unknown", why: "no route to host" }, running("db-b", false)],
    [{ host: "go-a", kind: "unknown", why: "no route to host" }, server("go-b", false, "standby")],
    paired,
    record("promoted", "failover"),
  );
  assert.equal(t.kind, "unfinished");
  assert.equal(t.kind === "unfinished" && t.record.kind, "failover");
  assert.equal(t.kind === "unfinished" && t.roles?.dbPrimary, "db-b");
  assert.match(t.reasons.join(" "), /the failover sw-1 \(go-a -> go-b\) did not finish: its last step was 'promoted'/);
  assert.match(t.reasons.join(" "), /run `gocd-bc failover --to go-b` again, with the same inventory, to finish it/);
});
