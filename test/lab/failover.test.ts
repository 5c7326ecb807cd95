// `gocd-bc failover` on the provisioned lab, as an operator meets a lost active side: with both sides
// healthy it refuses and points to switchover; after a power cut of the active side it refuses without
// confirmation, then makes the standby side active, printing what may be lost, and loses no job report
// that had reached the standby; the agents reconnect through the VIP unchanged. The crashed hosts start
// again: the old GoCD server's guard keeps GoCD stopped, the old database's guard makes it come back as a
// standby, `status` names the former primary and `rejoin`, `provision` refuses, `rejoin` makes it the
// standby, `drift` is clean, and a switchover back loses nothing. A partition instead of a crash: once healed, within 30 s only the server at the higher epoch (and the old primary database read-only within 10 s)
// runs GoCD and holds the VIP, and every report the agent saw acknowledged after the heal is kept. Only
// the GoCD server lost: the old primary database is stopped cleanly and nothing is lost. Only the database
// host lost: GoCD on the old server is stopped and disabled at boot. No secret shows anywhere.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import "./fresh-lab.js";
import { labFault, labRestore, labSnapshot } from "../../src/lab/lab.js";
import { LAB_NET } from "../../src/lab/topology.js";
import {
  acknowledged,
  agentIdentity,
  agentLogLines,
  agentLogSince,
  assertAgentConnected,
  assertJobsKept,
  assertReportsKept,
  jobIdsOn,
} from "./agent-reports.js";
import { cli, events, labInventory, outputs, provisionOk, told, type Cli } from "./cli.js";
import { enabledAtBoot, eventually, gocdHealth, goServerPid, inRecovery, ok, pgReady, sh } from "./lab-access.js";
import { assertHealthy, FIRST_SIDES, labSecrets, status, type Sides } from "./pair-status.js";
import { sampleBothHealthy } from "./samplers.js";
import { switchoverTo } from "./switchover-runs.js";

const SNAPSHOT = "failover-provisioned";
const SWAPPED: Sides = { gocdActive: "gocd-standby", dbPrimary: "db-standby" };
const OLD_SIDE = ["gocd-primary", "db-primary"];
const DATA = "/var/lib/postgresql/15/main";
const failover = (...args: string[]) => cli(["failover", ...labInventory(), ...args], 600_000);
const confirmedTo = (to: string, ...more: string[]) => failover("--to", to, "--confirm", to, ...more);

const holdsVip = async (h: string) => (await ok(h, "ip -4 -o addr show")).includes(` ${LAB_NET.vip}/`);
const goServerRuns = async (h: string) => (await sh(h, "systemctl is-active --quiet go-server")).code === 0;
const marker = (h: string) => ok(h, "cat /var/lib/gocd-bc/role");

/** The provisioned pair again, from the snapshot (provisioning remounts the share the boot left out). */
async function restoreProvisioned(): Promise<void> {
  await labRestore(SNAPSHOT);
  await provisionOk();
  await assertHealthy("the restored pair", FIRST_SIDES, 60_000);
}

/** Waits until the agent has logged at least one more acknowledged report after `mark`; its log since. */
async function reportsAfter(mark: number): Promise<string> {
  let log = "";
  const more = await eventually(
    async () => {
      log = await agentLogSince(mark);
      return acknowledged(log).length > 0;
    },
    30_000,
    500,
  );
  assert.ok(more, "the agent acknowledged no job report after the failover");
  return log;
}

/** What an operator checks after a failover to gocd-standby: it says so, the VIP and the writable
 * database are on the standby side, GoCD answers there, the agent is unchanged and connected. */
async function assertFailedOver(r: Cli, identity: string): Promise<void> {
  assert.equal(r.code, 0, told(r));
  assert.match(r.stderr, /^failover: done in [\d.]+ s$/m);
  assert.match(r.stderr, /^agents working through the VIP again [\d.]+ s after the confirmation$/m);
  assert.equal(await holdsVip("gocd-standby"), true, "the VIP is not on gocd-standby");
  assert.equal(await inRecovery("db-standby"), false, "db-standby is not writable");
  assert.equal(await gocdHealth("198.18.0.12"), 200, "GoCD does not answer on gocd-standby");
  assert.match(await marker("gocd-standby"), /^active\nepoch=[1-9]\d*\n$/);
  assert.equal(await agentIdentity(), identity, "the agent's identity or configuration changed");
  await assertAgentConnected("after the failover");
}

describe("failover", { concurrency: false }, () => {
  before(async () => {
    await provisionOk();
    await assertHealthy("before the failovers", FIRST_SIDES, 60_000);
    await labSnapshot(SNAPSHOT);
    await provisionOk();
    await assertHealthy("after the snapshot", FIRST_SIDES, 60_000);
  });

  it("with both sides healthy it refuses (exit 7), points to switchover, and changes nothing", async () => {
    const pid = await goServerPid("gocd-primary");
    const r = await confirmedTo("gocd-standby");
    assert.equal(r.code, 7, told(r));
    assert.match(r.stderr, /the active side is not lost\. Use `gocd-bc switchover --to gocd-standby`/);
    assert.match(r.stderr, /failover: refused by the preflight; nothing was changed/);
    assert.equal(await goServerPid("gocd-primary"), pid, "GoCD was restarted on the active server");
    assert.equal(await inRecovery("db-standby"), true, "db-standby was promoted");
    assert.equal(await holdsVip("gocd-primary"), true);
  });

  it("after a power cut of the active side: refused unconfirmed; confirmed, the standby side is active and keeps every report that had reached it", async () => {
    const identity = await agentIdentity();
    await labFault("crash", OLD_SIDE);
    const mark = await agentLogLines();
    // What the standby had received when the power went: what no failover may lose.
    const reached = [...(await jobIdsOn("db-standby"))];

    const unconfirmed = await failover("--to", "gocd-standby");
    assert.equal(unconfirmed.code, 6, told(unconfirmed));
    assert.match(
      unconfirmed.stderr,
      /failover: not confirmed .*pass --confirm gocd-standby to answer it\); nothing was changed/,
    );
    assert.equal(await inRecovery("db-standby"), true, "an unconfirmed failover promoted db-standby");

    const r = await confirmedTo("gocd-standby");
    assert.match(r.stderr, /^failover: not answering: gocd-primary, db-primary$/m);
    assert.match(r.stderr, /^ {2}the primary's last LSN the standby heard of: [0-9A-F]+\/[0-9A-F]+ at /m);
    assert.match(r.stderr, /^ {2}may be lost: \d+ bytes of WAL that the standby had not received/m);
    assert.match(r.stderr, /^not fenced \(they did not answer\): gocd-primary, db-primary;/m);
    await assertFailedOver(r, identity);
    await assertJobsKept(reached, "db-standby", "job reports the standby had received before the crash");
    await assertReportsKept(await reportsAfter(mark), "db-standby");
    const journal = await ok("gocd-standby", "tail -n 1 /var/lib/gocd-bc/journal.jsonl");
    assert.match(journal, /"failover":\{.*"to": ?"gocd-standby".*"step": ?"done"/);
    // While the old side is away, status shows the failover's roles and what to do when it is back.
    const { r: st, s: now } = await status();
    assert.equal(st.code, 1, told(st));
    assert.equal(now.topology.kind, "old-side-lost");
    assert.deepEqual(
      now.servers.map((v) => `${v.host} ${v.role}${v.unreachable === undefined ? "" : " unreachable"}`),
      ["gocd-primary standby unreachable", "gocd-standby active"],
    );
    assert.match(
      now.problems.join("\n"),
      /the failover \S+ to gocd-standby is done .*`gocd-bc rejoin` makes the old side the standby/,
    );
  });

  it("the crashed hosts start again: GoCD stays stopped there, status names the former primary, provision refuses, rejoin makes it the standby, and a switchover back loses nothing", async () => {
    await labFault("start", OLD_SIDE);
    const refused = await eventually(
      async () =>
        (await ok("gocd-primary", "cat /var/log/gocd-bc-guard.log 2>/dev/null; true")).includes(
          "refused to start go-server",
        ),
      30_000,
      500,
    );
    assert.ok(refused, "the guard did not refuse GoCD's start at boot on gocd-primary");
    assert.equal(await goServerRuns("gocd-primary"), false, "GoCD runs on the returned old server");
    assert.equal(await holdsVip("gocd-primary"), false, "the returned old server holds the VIP");
    // Its database came back too, but only as a standby: its guard saw db-standby writable.
    assert.ok(await eventually(() => pgReady("db-primary"), 30_000), "db-primary's server did not start");
    assert.equal(await inRecovery("db-primary"), true, "the old primary came back writable");
    assert.match(
      await ok("db-primary", "cat /var/log/gocd-bc-db-guard.log"),
      /the peer 198\.18\.0\.22 is the writable primary/,
    );

    const { r, s } = await status();
    assert.equal(r.code, 1, told(r));
    assert.equal(s.topology.kind, "former-primary");
    assert.match(
      s.problems.join("\n"),
      /db-primary is a former primary left behind by a failover: .*run `gocd-bc rejoin`/,
    );
    const p = await cli(["provision", ...labInventory()]);
    assert.equal(p.code, 1, told(p));
    assert.match(p.stderr, /run `gocd-bc rejoin` first/);

    const j = await cli(["rejoin", ...labInventory()], 600_000);
    assert.equal(j.code, 0, told(j));
    assert.match(j.stderr, /^rejoin: (rewound db-primary|no rewind needed: db-primary)/m);
    await assertHealthy("after the rejoin", SWAPPED, 60_000);
    const drift = await cli(["drift", ...labInventory()]);
    assert.equal(drift.code, 0, `drift after the rejoin: ${told(drift)}`);

    const mark = await agentLogLines();
    const back = await switchoverTo("gocd-primary");
    assert.equal(back.code, 0, told(back));
    await assertReportsKept(await agentLogSince(mark), "db-primary");
    await assertHealthy("after the switchover back", FIRST_SIDES, 60_000);
  });

  it("after a partition, healed: within 30 s only the server at the higher epoch runs GoCD and holds the VIP, and no report acknowledged after the heal is lost", async () => {
    await restoreProvisioned();
    const identity = await agentIdentity();
    await labFault("partition", OLD_SIDE);
    await assertFailedOver(await confirmedTo("gocd-standby"), identity);

    const mark = await agentLogLines();
    const both = sampleBothHealthy(["198.18.0.11", "198.18.0.12"]);
    const healed = Date.now();
    await labFault("heal", OLD_SIDE);
    const settled = await eventually(
      async () => !(await goServerRuns("gocd-primary")) && !(await holdsVip("gocd-primary")),
      30_000,
      200,
    );
    await new Promise((r) => setTimeout(r, 3000));
    const bothAt = await both.stop();
    assert.ok(settled, "30 s after the heal the old server still runs GoCD or holds the VIP");
    assert.equal(await holdsVip("gocd-standby"), true, "the VIP left the server at the higher epoch");
    const late = bothAt.filter((t) => t - healed > 30_000);
    assert.deepEqual(late, [], "both GoCD servers answered healthy more than 30 s after the heal");
    assert.match(
      await ok("gocd-primary", "cat /var/log/gocd-bc-guard.log"),
      /stopping go-server: the peer 198\.18\.0\.12 is the active GoCD server at epoch/,
    );
    await assertReportsKept(await reportsAfter(mark), "db-standby");
    // The old primary kept running through the partition; once it sees its peer writable, promoted by a
    // failover at a later epoch, its guard restarts it read-only, so the pair never has two writable
    // databases for long.
    const readOnly = await eventually(
      async () => (await pgReady("db-primary")) && (await inRecovery("db-primary")),
      10_000,
      200,
    );
    assert.ok(readOnly, "10 s after the heal the old primary database is still writable");
    assert.match(
      await ok("db-primary", "cat /var/log/gocd-bc-db-guard.log"),
      /the peer 198\.18\.0\.22 is the writable primary, promoted by the failover at epoch \d+; this server was writable at epoch \d+ .*restarted read-only/,
    );
    const { s } = await status();
    assert.equal(s.topology.kind, "former-primary", "status does not name the former primary after the heal");
  });

  it("only the active GoCD server lost: the old primary database is stopped cleanly and nothing is lost", async () => {
    await restoreProvisioned();
    const identity = await agentIdentity();
    const mark = await agentLogLines();
    await labFault("crash", ["gocd-primary"]);
    const r = await confirmedTo("gocd-standby");
    assert.match(r.stderr, /^ {2}may be lost: nothing: db-primary answers, so it is stopped cleanly/m);
    await assertFailedOver(r, identity);
    const control = await ok(
      "db-primary",
      `LC_ALL=C /usr/lib/postgresql/15/bin/pg_controldata ${DATA}; ls ${DATA}/standby.signal`,
    );
    assert.match(control, /Database cluster state: +shut down\n/);
    // Every report the agent saw acknowledged, before the loss as after it.
    await assertReportsKept(await reportsAfter(mark), "db-standby");
  });

  it("only the active database host lost: GoCD on the old server is stopped and disabled at boot, the standby promoted, GoCD started there", async () => {
    await restoreProvisioned();
    const identity = await agentIdentity();
    await labFault("crash", ["db-primary"]);
    const r = await confirmedTo("gocd-standby", "--json");
    assert.ok(
      events(r).some((e) => e.type === "recap"),
      "no recap event in --json",
    );
    assert.match(r.stderr, /^failover: not answering: db-primary$/m);
    await assertFailedOver(r, identity);
    assert.equal(await goServerRuns("gocd-primary"), false, "GoCD still runs on the old server");
    assert.equal(
      await enabledAtBoot("gocd-primary", "go-server"),
      false,
      "GoCD still starts at boot on the old server",
    );
    // Its own, lower epoch: its guard and the topology can tell it was left behind.
    const epoch = async (h: string) => Number(/^epoch=(\d+)$/m.exec(await marker(h))?.[1]);
    assert.match(await marker("gocd-primary"), /^standby\n/);
    assert.ok((await epoch("gocd-primary")) < (await epoch("gocd-standby")), "the old server's epoch is not the lower");
  });

  it("no secret appears in any failover's output, --json events, or the journal", async () => {
    const runs = outputs.filter((o) => o.args[0] === "failover");
    assert.ok(runs.length >= 6);
    const journal = await ok("gocd-standby", "cat /var/lib/gocd-bc/journal.jsonl");
    for (const secret of labSecrets()) {
      for (const o of runs)
        assert.ok(
          !o.stdout.includes(secret) && !o.stderr.includes(secret),
          `a secret in \`gocd-bc ${o.args.join(" ")}\``,
        );
      assert.ok(!journal.includes(secret), "a secret in the journal");
    }
  });
});
