// Facts from task results: the parsers that turn the facts playbook's results into DbFact / GocdFact,
// and the link to playbooks/topology-facts.yml: every result and state line the topology reads is there,
// and a playbook that lost one is refused with its name.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  dbFact,
  FACT,
  FACTS_PLAYBOOK,
  factsPlays,
  gocdFact,
  resultsByHost,
  SERVER_FIELDS,
} from "../../src/topology/facts.js";
import type { TaskResult } from "../../src/modules/contract.js";
import { loadPlan } from "../../src/playbook/load.js";
import { playModuleTasks } from "../../src/playbook/module-tasks.js";
import type { RunEvent } from "../../src/report/events.js";
import { planOf, tree } from "./loader-helpers.js";

const ok = (data: Record<string, unknown>): TaskResult => ({ status: "ok", reason: "", data });
const results = (entries: Record<string, TaskResult>) => new Map(Object.entries(entries));

test("a database host with its cluster down is stopped", () => {
  const r = results({
    [FACT.cluster]: ok({
      stdout: "15  main    5432 down   postgres /var/lib/postgresql/15/main /var/log/postgresql/postgresql-15-main.log",
    }),
  });
  assert.deepEqual(dbFact("db-a", r), { host: "db-a", kind: "stopped" });
});

test("a running standby reports recovery and its system identifier", () => {
  const r = results({
    [FACT.cluster]: ok({ stdout: "15  main    5432 online,recovery postgres /var/lib/postgresql/15/main log" }),
    [FACT.database]: ok({ postgres: { in_recovery: true, system_identifier: "7642011472967116994", timeline: 2 } }),
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
    [FACT.cluster]: ok({ stdout: "15  main    5432 online postgres /var/lib/postgresql/15/main log" }),
    [FACT.database]: ok({
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
      [FACT.cluster]: ok({ stdout: "15  main    5432 online postgres" }),
      [FACT.database]: ok({ postgres: { in_recovery: false, timeline: null, replication: "?" } }),
    }),
  );
  assert.deepEqual(bare.kind === "running" && [bare.timeline, bare.streamingTo], [null, []]);
});

test("an online cluster whose facts cannot be read is unknown, never taken as stopped", () => {
  const r = results({
    [FACT.cluster]: ok({ stdout: "15  main    5432 online postgres /var/lib/postgresql/15/main log" }),
    [FACT.database]: { status: "failed", error: "password authentication failed", data: {} },
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
    [FACT.cluster]: { status: "unreachable", error: "connect ETIMEDOUT 198.18.0.250:22", data: {} },
  });
  assert.deepEqual(dbFact("db-a", r), { host: "db-a", kind: "unknown", why: "connect ETIMEDOUT 198.18.0.250:22" });
});

test("a GoCD server's state lines: running, VIP, marker and the marker's epoch (0 when there is none)", () => {
  const r = results({ [FACT.server]: ok({ stdout: "running=yes\nvip=yes\nmarker=active\nepoch=3" }) });
  assert.deepEqual(gocdFact("go-a", r), {
    host: "go-a",
    kind: "reachable",
    running: true,
    holdsVip: true,
    marker: "active",
    epoch: 3,
  });
  const idle = gocdFact("go-b", results({ [FACT.server]: ok({ stdout: "running=no\nvip=no\nmarker=\nepoch=" }) }));
  assert.deepEqual(idle, { host: "go-b", kind: "reachable", running: false, holdsVip: false, epoch: 0 });
});

const LAB_INVENTORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../inventory/lab.yml");
const loadFacts = (playbook: string) => loadPlan({ playbook, inventories: [LAB_INVENTORY] });

test("playbooks/topology-facts.yml registers every result the topology reads, each in its group's play", () => {
  const plan = planOf(loadFacts(FACTS_PLAYBOOK));
  const plays = factsPlays(plan);
  assert.ok(plays.ok, JSON.stringify(plays));
  assert.deepEqual(plan.playHosts[plays.db], ["db-primary", "db-standby"]);
  assert.deepEqual(plan.playHosts[plays.gocd], ["gocd-primary", "gocd-standby"]);
});

test("the GoCD servers' state script prints every name=value line the topology reads", () => {
  const plan = planOf(loadFacts(FACTS_PLAYBOOK));
  const script = plan.plays
    .flatMap(playModuleTasks)
    .filter((t) => t.register === FACT.server)
    .map((t) => String(t.args.cmd))
    .join("\n");
  const missing = SERVER_FIELDS.filter((f) => !new RegExp(`\\becho "?${f}=`).test(script));
  assert.deepEqual(missing, [], `not printed by the task that registers ${FACT.server}`);
});

test("a facts playbook whose register the topology reads was renamed is refused, naming it", () => {
  const shipped = fs.readFileSync(FACTS_PLAYBOOK, "utf8");
  for (const name of [FACT.cluster, FACT.database, FACT.server]) {
    assert.ok(shipped.includes(`register: ${name}\n`), name);
    // Renamed everywhere, as an engineer would: the playbook itself stays valid.
    const renamed = shipped.replace(new RegExp(`\\b${name}\\b`, "g"), `${name}_renamed`);
    const dir = tree({ "topology-facts.yml": renamed });
    const plays = factsPlays(planOf(loadFacts(path.join(dir, "topology-facts.yml"))));
    assert.equal(plays.ok, false, name);
    const messages = plays.ok ? [] : plays.diagnostics.map((d) => d.message);
    assert.equal(messages.length, 1, messages.join("\n"));
    assert.match(messages[0] ?? "", new RegExp(`^no task registers '${name}' .*: keep that register name$`));
  }
});

test("results are kept by their task's register name, the last one of each on each host", () => {
  const loc = { file: "f.yml", line: 1, col: 1 };
  const result = (task: string, register: string | undefined, stdout: string): RunEvent => ({
    type: "host_result",
    task,
    ...(register ? { register } : {}),
    host: "db-a",
    loc,
    result: ok({ stdout }),
    check: false,
    durationMs: 0,
  });
  const byHost = resultsByHost([
    result("cluster state", FACT.cluster, "first"),
    result("a title that changed", FACT.cluster, "online"),
    result("a task without register", undefined, "ignored"),
  ]);
  assert.deepEqual([...(byHost.get("db-a")?.keys() ?? [])], [FACT.cluster]);
  assert.equal(byHost.get("db-a")?.get(FACT.cluster)?.data.stdout, "online");
});
