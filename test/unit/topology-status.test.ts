// The status screen from facts: who is active, the VIP, replication lag, the share, the config sync,
// the agents, and the problems an operator must look at.
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatStatus, pairStatus } from "../../src/topology/status.js";
import { decideTopology, type Topology } from "../../src/topology/decide.js";
import { journalRecord } from "../../src/topology/journal.js";
import { FACT, latestJournal } from "../../src/topology/facts.js";
import type { TaskResult } from "../../src/modules/contract.js";

const ok = (data: Record<string, unknown>): TaskResult => ({ status: "ok", reason: "", data });
const topology: Topology = {
  kind: "decided",
  roles: { dbPrimary: "db-a", dbStandby: "db-b", gocdActive: "go-a", gocdStandby: "go-b" },
  evidence: [],
};
const agents = JSON.stringify({ _embedded: { agents: [{ uuid: "u1", hostname: "agent1", agent_state: "Idle" }] } });

function results(standbySync: string, standbyRunning = "no") {
  return new Map([
    [
      "go-a",
      new Map([
        [FACT.server, ok({ stdout: `running=yes\nvip=yes\nmarker=active\nshare=mounted\nsync=\nagents=${agents}` })],
      ]),
    ],
    [
      "go-b",
      new Map([
        [
          FACT.server,
          ok({
            stdout: `running=${standbyRunning}\nvip=no\nmarker=standby\nshare=mounted\nsync=${standbySync}\nagents=`,
          }),
        ],
      ]),
    ],
    [
      "db-a",
      new Map([
        [FACT.cluster, ok({ stdout: "15 main 5432 online postgres" })],
        [
          FACT.database,
          ok({
            postgres: {
              in_recovery: false,
              replication: [{ client_addr: "198.18.0.22", state: "streaming", lag_bytes: 0, replay_lag_seconds: 0.2 }],
            },
          }),
        ],
      ]),
    ],
    [
      "db-b",
      new Map([
        [FACT.cluster, ok({ stdout: "15 main 5432 online,recovery postgres" })],
        [FACT.database, ok({ postgres: { in_recovery: true, replication: [] } })],
      ]),
    ],
  ]);
}

test("a healthy pair: one screen, no problems", () => {
  const s = pairStatus(
    results("last_ok=2026-11-26T15:00:00Z;last_change=2026-11-26T14:00:00Z;source=go-a;"),
    topology,
    ["go-a", "go-b"],
    ["db-a", "db-b"],
    undefined,
  );
  assert.deepEqual(s.problems, []);
  const text = formatStatus(s);
  assert.match(text, /active\s+go-a\s+running, holds the VIP, share mounted/);
  assert.match(
    text,
    /standby\s+go-b\s+stopped, share mounted, config synced 2026-11-26T15:00:00Z \(last change 2026-11-26T14:00:00Z\)/,
  );
  assert.match(text, /primary\s+db-a\s+to 198\.18\.0\.22: streaming, lag 0 B, 0\.2 s/);
  assert.match(text, /standby\s+db-b/);
  assert.match(text, /agents connected: 1 \(agent1 Idle\)/);
  assert.match(text, /healthy$/);
});

test("a running standby server and an unsynced config are problems", () => {
  const s = pairStatus(results("", "yes"), topology, ["go-a", "go-b"], ["db-a", "db-b"], undefined);
  assert.deepEqual(s.problems, [
    "the standby GoCD server go-b is running (it must stay stopped while its database is a replica)",
    "the config of go-b has never been synced",
  ]);
});

test("a split brain is the only thing status reports", () => {
  const split: Topology = {
    kind: "split-brain",
    reasons: ["two writable databases: db-a and db-b are both out of recovery"],
  };
  const s = pairStatus(results(""), split, ["go-a", "go-b"], ["db-a", "db-b"], undefined);
  assert.deepEqual(s.problems, ["two writable databases: db-a and db-b are both out of recovery"]);
  assert.equal(s.servers[0]?.role, "unknown");
});

test("text from hosts and agents cannot forge a line of the screen or steer the terminal", () => {
  const forged = JSON.stringify({
    _embedded: { agents: [{ uuid: "u1", hostname: "agent1\nhealthy\u001b[2J", agent_state: "Idle" }] },
  });
  const r = results("last_ok=2026-11-26T15:00:00Z;last_change=\u001b[2K\rok\u0007;source=go-a;");
  r.get("go-a")?.set(
    FACT.server,
    ok({ stdout: `running=yes\nvip=yes\nmarker=active\nshare=mounted\nsync=\nagents=${forged}` }),
  );
  const text = formatStatus(pairStatus(r, topology, ["go-a", "go-b"], ["db-a", "db-b"], undefined));
  assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(text), JSON.stringify(text));
  assert.match(text, /\(last change \\x1b\[2K\\rok\\x07\)/);
  assert.match(text, /agents connected: 1 \(agent1\n {4}healthy\\x1b\[2J Idle\)/);
});

test("a host that cannot be reached says so, never stopped or unmounted", () => {
  const r = new Map(results("last_ok=2026-11-26T15:00:00Z;"));
  const lost: TaskResult = {
    status: "unreachable",
    error: "cannot connect to go-b: connect ETIMEDOUT 198.18.0.12:22",
    data: {},
  };
  r.set("go-b", new Map([[FACT.server, lost]]));
  r.set("db-b", new Map());
  const s = pairStatus(r, topology, ["go-a", "go-b"], ["db-a", "db-b"], undefined);
  const text = formatStatus(s);
  assert.match(text, /standby\s+go-b\s+unreachable: cannot connect to go-b: connect ETIMEDOUT 198\.18\.0\.12:22$/m);
  assert.doesNotMatch(text, /go-b\s+stopped|share NOT mounted/);
  assert.match(text, /unknown\s+db-b\s+unreachable: no answer$/m);
  assert.deepEqual(s.problems.slice(0, 2), [
    "go-b is unreachable: cannot connect to go-b: connect ETIMEDOUT 198.18.0.12:22",
    "db-b is unreachable: no answer",
  ]);
  assert.ok(!s.problems.some((p) => /share is not mounted on go-b|never been synced/.test(p)), s.problems.join("; "));
});

test("the latest switchover of either journal is shown; one that did not end is a problem naming its last step", () => {
  const line = (time: string, step: string) =>
    Buffer.from(
      JSON.stringify({ time, host: "go-a", switchover: { step, id: "sw-1", from: "go-b", to: "go-a" } }),
    ).toString("base64");
  const withJournal = (a: string, b: string, t: Topology = topology) => {
    const r = results("last_ok=2026-11-26T15:59:53Z;last_change=2026-11-26T15:59:45Z");
    const set = (h: string, j: string) => {
      const stdout = String(r.get(h)?.get(FACT.server)?.data.stdout ?? "");
      r.get(h)?.set(FACT.server, ok({ stdout: `${stdout}\njournal=${j}` }));
    };
    set("go-a", a);
    set("go-b", b);
    return pairStatus(r, t, ["go-a", "go-b"], ["db-a", "db-b"], latestJournal(r, ["go-a", "go-b"]));
  };
  const done = withJournal(line("2026-12-01T10:00:05.000Z", "done"), line("2026-12-01T10:00:01.000Z", "promoted"));
  assert.deepEqual(done.journal, {
    kind: "switchover",
    id: "sw-1",
    from: "go-b",
    to: "go-a",
    step: "done",
    time: "2026-12-01T10:00:05.000Z",
    epoch: 0,
    ended: true,
  });
  assert.deepEqual(done.problems, []);
  assert.match(formatStatus(done), /^last switchover: go-b -> go-a \(sw-1\), done at 2026-12-01T10:00:05\.000Z$/m);
  // The topology of a pair whose journal shows a switchover half-way (as `status` decides it).
  const half = line("2026-12-01T10:00:01.000Z", "promoted");
  const halfTopology = decideTopology(
    [
      { host: "db-a", kind: "running", inRecovery: false, systemId: "7", timeline: 2, streamingTo: [] },
      { host: "db-b", kind: "stopped" },
    ],
    [
      { host: "go-a", kind: "reachable", running: true, holdsVip: true, epoch: 0 },
      { host: "go-b", kind: "reachable", running: false, holdsVip: false, marker: "active", epoch: 0 },
    ],
    { db: ["db-a", "db-b"], gocd: ["go-a", "go-b"], dbOf: { "go-a": "db-a", "go-b": "db-b" } },
    journalRecord(half),
  );
  const halfway = withJournal(half, "", halfTopology);
  assert.equal(halfway.journal?.ended, false);
  assert.match(
    halfway.problems.join("\n"),
    /the switchover sw-1 \(go-b -> go-a\) did not finish: its last step was 'promoted' at 2026-12-01T10:00:01\.000Z.*run `gocd-bc switchover --to go-a` again/,
  );
  assert.match(formatStatus(halfway), /UNFINISHED after 'promoted'/);
  // The servers by the side of the switchover they are on.
  assert.deepEqual(
    halfway.servers.map((v) => [v.host, v.role]),
    [
      ["go-a", "to"],
      ["go-b", "from"],
    ],
  );
  assert.match(formatStatus(halfway), /^ {2}from {5}go-b /m);
});

test("the latest record of a failover says so: `last failover:`", () => {
  const r = results("last_ok=2026-11-26T15:00:00Z;");
  const failover = Buffer.from(
    JSON.stringify({
      time: "2026-12-01T11:00:00.000Z",
      host: "go-a",
      failover: { epoch: 5, step: "done", id: "fo-1", from: "go-b", to: "go-a", by: "root@vm" },
    }),
  ).toString("base64");
  const stdout = String(r.get("go-a")?.get(FACT.server)?.data.stdout ?? "");
  r.get("go-a")?.set(FACT.server, ok({ stdout: `${stdout}\njournal=${failover}` }));
  const s = pairStatus(r, topology, ["go-a", "go-b"], ["db-a", "db-b"], latestJournal(r, ["go-a", "go-b"]));
  assert.equal(s.journal?.kind, "failover");
  assert.match(formatStatus(s), /^last failover: go-b -> go-a \(fo-1\), done at 2026-12-01T11:00:00\.000Z$/m);
  assert.doesNotMatch(formatStatus(s), /last switchover/);
});

test("a failover's old primary back: the failover's roles, the former primary marked, reasons as problems", () => {
  const former: Topology = {
    kind: "former-primary",
    roles: { dbPrimary: "db-a", dbStandby: "db-b", gocdActive: "go-a", gocdStandby: "go-b" },
    formerPrimary: "db-b",
    timelines: { primary: 2, former: 1 },
    epochs: { active: 3, former: 2 },
    reasons: ["db-b is a former primary left behind by a failover", "go-b still runs GoCD at the lower epoch"],
  };
  const s = pairStatus(
    results("last_ok=2026-11-26T15:00:00Z;", "yes"),
    former,
    ["go-a", "go-b"],
    ["db-a", "db-b"],
    undefined,
  );
  assert.deepEqual(
    s.servers.map((v) => [v.host, v.role]),
    [
      ["go-a", "active"],
      ["go-b", "standby"],
    ],
  );
  assert.deepEqual(
    s.databases.map((d) => [d.host, d.role]),
    [
      ["db-a", "primary"],
      ["db-b", "former"],
    ],
  );
  assert.deepEqual(s.problems, former.reasons);
  assert.equal(s.agents.length, 1, "the agents as the active server knows them");
  const text = formatStatus(s);
  assert.match(text, /^ {2}former {3}db-b/m);
  assert.match(text, /problems:\n {2}- db-b is a former primary left behind by a failover\n/);
});
