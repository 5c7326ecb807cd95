// The topology rules, facts in and decision out: the inventory's initial roles only for hosts never
// provisioned, the hosts' own state otherwise, and split brain whenever two sides claim to be active.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  decideTopology,
  rolesAsVars,
  standbyApplicationName,
  type DbFact,
  type GocdFact,
} from "../../src/topology/decide.js";

const names = { db: ["db-a", "db-b"], gocd: ["go-a", "go-b"] } as const;
type RunningFact = Extract<DbFact, { kind: "running" }>;
const running = (host: string, inRecovery: boolean): RunningFact => ({
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

// After a failover from go-a to go-b, with db-a's and go-a's hosts back: db-b was promoted (timeline 2) and
// go-b marked active at epoch 3; db-a kept its old timeline 1, go-a its old marker at epoch 2.
const promotedDb = (streamingTo: string[] = []): DbFact => ({ ...running("db-b", false), timeline: 2, streamingTo });
const oldDb = (inRecovery: boolean, changes: Partial<RunningFact> = {}): DbFact => ({
  ...running("db-a", inRecovery),
  timeline: 1,
  ...changes,
});
const markedServers = (oldEpoch: number, oldRuns = false) => [
  server("go-a", oldRuns, "active", oldEpoch),
  server("go-b", true, "active", 3),
];
const FORMER_REASON =
  "db-a is a former primary left behind by a failover: timeline 1, the primary db-b is on timeline 2" +
  " (epoch 3 on go-b, 2 on go-a); run `gocd-bc rejoin` to make it the standby (pg_rewind reports what it discards)";

test("a failover's old primary back writable, on an older timeline and a lower epoch, is a former primary", () => {
  const t = decideTopology([oldDb(false), promotedDb()], markedServers(2), paired);
  assert.deepEqual(t, {
    kind: "former-primary",
    roles: { dbPrimary: "db-b", dbStandby: "db-a", gocdActive: "go-b", gocdStandby: "go-a" },
    formerPrimary: "db-a",
    timelines: { primary: 2, former: 1 },
    epochs: { active: 3, former: 2 },
    reasons: [FORMER_REASON],
  });
});

test("an old primary in recovery, not streaming, is a former primary; its server still running GoCD is named", () => {
  const t = decideTopology([oldDb(true), promotedDb(["gocd_bc_other"])], markedServers(2, true), paired);
  assert.equal(t.kind, "former-primary");
  assert.deepEqual(t.kind === "former-primary" && t.reasons, [
    FORMER_REASON,
    "go-a still runs GoCD at the lower epoch (2, go-b has 3): its guard stops it within seconds",
  ]);
});

test("an old primary that streams from the primary already is the standby: decided", () => {
  const t = decideTopology([oldDb(true), promotedDb(["gocd_bc_db_a"])], markedServers(2), paired);
  assert.equal(t.kind, "decided");
  assert.deepEqual(t.kind === "decided" && [t.roles.dbPrimary, t.roles.gocdActive], ["db-b", "go-b"]);
});

test("two writable databases stay a split brain unless every rule of a former primary holds", () => {
  const cases: [string, DbFact[], GocdFact[], typeof paired | typeof names][] = [
    // An old primary started by hand after a switchover: the switchover gave both markers one epoch.
    ["equal epochs", [oldDb(false), promotedDb()], markedServers(3), paired],
    ["a higher epoch on the older timeline", [oldDb(false), promotedDb()], markedServers(4), paired],
    ["another cluster", [oldDb(false, { systemId: "8" }), promotedDb()], markedServers(2), paired],
    ["the same timeline", [oldDb(false, { timeline: 2 }), promotedDb()], markedServers(2), paired],
    ["a timeline not known", [oldDb(false, { timeline: null }), promotedDb()], markedServers(2), paired],
    ["no database host of each server", [oldDb(false), promotedDb()], markedServers(2), names],
    [
      "a server that cannot be read",
      [oldDb(false), promotedDb()],
      [{ host: "go-a", kind: "unknown", why: "timeout" }, server("go-b", false, "active", 3)],
      paired,
    ],
  ];
  for (const [what, db, gocd, pair] of cases) assert.equal(decideTopology(db, gocd, pair).kind, "split-brain", what);
});

test("a former primary while the failover is half-way also names the command that finishes it", () => {
  const t = decideTopology(
    [oldDb(false), promotedDb()],
    markedServers(2),
    paired,
    record("gocd active on the target", "failover"),
  );
  assert.equal(t.kind, "former-primary");
  assert.equal(t.reasons[0], FORMER_REASON);
  assert.match(
    t.reasons[1] ?? "",
    /the failover sw-1 \(go-a -> go-b\) did not finish.*`gocd-bc failover --to go-b` again/,
  );
});

test("a standby's application name is its host's, as the slot is named", () => {
  assert.equal(standbyApplicationName("db-standby"), "gocd_bc_db_standby");
  assert.equal(standbyApplicationName("DB.Standby-2"), "gocd_bc_db_standby_2");
});

/** A host that did not answer the facts' read. */
const lost = (host: string) => ({ host, kind: "unknown", why: "no route to host" }) as const;
/** A failover to go-b that the journal shows done. */
const failedOver = { ...record("done", "failover"), ended: true };

test("a failover done, its old side not answering yet: the failover's roles stand, and rejoin is named", () => {
  const t = decideTopology(
    [lost("db-a"), running("db-b", false)],
    [lost("go-a"), server("go-b", true, "active", 3)],
    paired,
    failedOver,
  );
  assert.equal(t.kind, "old-side-lost");
  assert.deepEqual(t.kind === "old-side-lost" && t.roles, {
    dbPrimary: "db-b",
    dbStandby: "db-a",
    gocdActive: "go-b",
    gocdStandby: "go-a",
  });
  assert.deepEqual(t.kind === "old-side-lost" && t.lost, ["go-a", "db-a"]);
  assert.match(
    t.reasons.join(" "),
    /the failover sw-1 to go-b is done .*go-a and db-a of the old side do not answer: when they are back, `gocd-bc rejoin`/,
  );
  // Only the old server lost, its database stopped cleanly by the failover: the same.
  const one = decideTopology(
    [stopped("db-a"), running("db-b", false)],
    [lost("go-a"), server("go-b", true, "active", 3)],
    paired,
    failedOver,
  );
  assert.equal(one.kind, "old-side-lost");
});

test("hosts lost without a failover done, or a lost host of the new side, leave the topology undecided", () => {
  const facts = [
    [lost("db-a"), running("db-b", false)],
    [lost("go-a"), server("go-b", true, "active", 3)],
  ] as const;
  const switchedOver = { ...record("done"), ended: true };
  assert.equal(decideTopology(facts[0], facts[1], paired, switchedOver).kind, "undecidable");
  assert.equal(decideTopology(facts[0], facts[1], paired).kind, "undecidable");
  // The new primary's host lost: nothing stands.
  assert.equal(
    decideTopology(
      [running("db-a", true), lost("db-b")],
      [server("go-a", false, "standby"), server("go-b", true, "active", 3)],
      paired,
      failedOver,
    ).kind,
    "undecidable",
  );
  // The target's GoCD not running: the failover's outcome is not what the hosts show.
  assert.equal(
    decideTopology(facts[0], [lost("go-a"), server("go-b", false, "active", 3)], paired, failedOver).kind,
    "undecidable",
  );
});
