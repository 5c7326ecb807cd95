// `gocd-bc switchover` on the provisioned lab, as an operator would check it: without confirmation, with
// the wrong one, as a dry run, or against a preflight that fails, it changes nothing and says why; the
// full switchover and the switch back lose no job report an agent saw acknowledged, move the VIP, leave
// the agents connected without any change to them, make the old primary stream from the new one, and
// end exactly as provisioning builds the swapped pair (`drift` finds nothing, `status` is healthy); when
// the standby cannot reach the stopped primary's last LSN nothing is promoted and the old side runs
// again; no secret shows anywhere. Every test starts from the same provisioned pair (a lab snapshot).
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import "./fresh-lab.js";
import { labRestore, labSnapshot } from "../../src/lab/lab.js";
import { LAB_NET } from "../../src/lab/topology.js";
import {
  cli,
  cliAtTerminal,
  events,
  labInventory,
  labSecretsInventory,
  outputs,
  provisionOk,
  told,
  type Cli,
  whenOutputShows,
} from "./cli.js";
import { eventually, gocdHealth, goServerPid, ok, sh } from "./lab-access.js";
import { assertHealthy, FIRST_SIDES, labSecrets, type Sides } from "./pair-status.js";
import { stopSyncLoop } from "./lab-reset.js";
import { sampleBothHealthy, sampleWritable } from "./samplers.js";
import {
  agentIdentity,
  agentLogLines,
  agentLogSince,
  assertAgentConnected,
  assertReportsKept,
} from "./agent-reports.js";

const SNAPSHOT = "switchover-provisioned";
const VIP = LAB_NET.vip;
const SWAPPED: Sides = { gocdActive: "gocd-standby", dbPrimary: "db-standby" };
const switchover = (...args: string[]) => cli(["switchover", ...labInventory(), ...args], 600_000);

const psql = (h: string, sql: string, db = "postgres") =>
  ok(h, `cd / && su postgres -c ${JSON.stringify(`psql -X -d ${db} -Atc "${sql}"`)}`);
const holdsVip = async (h: string) => (await ok(h, "ip -4 -o addr show")).includes(` ${VIP}/`);
/** `t`/`f` as pg_is_in_recovery() says, or `down` when the server does not answer. */
const dbRecovery = async (h: string) =>
  (await sh(h, `cd / && su postgres -c "psql -X -Atc 'SELECT pg_is_in_recovery()'"`)).stdout.trim() || "down";
const inRecovery = async (h: string) => (await psql(h, "SELECT pg_is_in_recovery()")).trim() === "t";

const health = gocdHealth;
/** The GoCD API tokens the tests made (gone from the lab's files once the test that made one ends). */
const tokens: string[] = [];

/** GoCD's security on, as an operator turns it on (an authConfig in cruise-config.xml on the active
 * server, synced to the standby), and a new API token for an administrator. */
async function securityOn(): Promise<string> {
  const auth =
    '<security><authConfigs><authConfig id="passwords" pluginId="cd.go.authentication.passwordfile"><property><key>PasswordFilePath</key><value>/etc/go/passwords</value></property></authConfig></authConfigs></security>';
  await ok("gocd-primary", `sed -i 's|^    <artifacts>|    ${auth}\\n    <artifacts>|' /etc/go/cruise-config.xml`);
  await ok("gocd-standby", "/usr/local/lib/gocd-bc/config-pull --from 198.18.0.11");
  const printed = await ok("gocd-primary", "/usr/share/go-server/bin/create-access-token 'gocd-bc switchover test'");
  const token = /\b[0-9a-f]{40}\b/.exec(printed)?.[0];
  assert.ok(token, `no token printed: ${printed}`);
  return token;
}

/** What must not change when a switchover is refused: who runs what, holds the VIP, and is writable. */
async function pairFacts(): Promise<string> {
  const servers = await Promise.all(
    ["gocd-primary", "gocd-standby"].map(async (h) => `${h} pid=${await goServerPid(h)} vip=${await holdsVip(h)}`),
  );
  const dbs = await Promise.all(
    ["db-primary", "db-standby"].map(
      async (h) =>
        `${h} ${(await ok(h, "head -n 1 /var/lib/postgresql/15/main/postmaster.pid 2>/dev/null; true")).trim()} recovery=${await dbRecovery(h)}`,
    ),
  );
  return [...servers, ...dbs].join("\n");
}

/** The confirmation typed at a terminal, where the command shows the plan and asks for the target's name. */
const CONFIRM_PROMPT = /Type its name to confirm: /;
/** What the terminal showed, without its escape sequences and carriage returns. */
const plain = (screen: string) => screen.replace(/\x1B\[[0-9;?]*[A-Za-z]/g, "").replaceAll("\r", "");
const atTerminal = (to: string, typed = to) =>
  cliAtTerminal(["switchover", ...labInventory(), "--to", to], 600_000, { prompt: CONFIRM_PROMPT, line: typed });

/** A switchover to `sides` (confirmed with --confirm, or typed at a terminal), with everything an operator
 * checks afterwards. */
async function switchTo(sides: Sides, from: Sides, how: "--confirm" | "typed" = "--confirm"): Promise<Cli> {
  const identity = await agentIdentity();
  const mark = await agentLogLines();
  const servers = sampleBothHealthy(["198.18.0.11", "198.18.0.12"]);
  const databases = sampleWritable(["db-primary", "db-standby"]);
  let r: Cli;
  try {
    r =
      how === "typed"
        ? await atTerminal(sides.gocdActive)
        : await switchover("--to", sides.gocdActive, "--confirm", sides.gocdActive);
  } finally {
    assert.deepEqual(await servers.stop(), [], "both GoCD servers answered healthy at the same time");
    const dbs = await databases.stop();
    assert.ok(dbs.ticks > 50, `the database sampler took only ${dbs.ticks} samples`);
    assert.deepEqual(dbs.bothWritable, [], "both databases were writable at the same time");
  }
  assert.equal(r.code, 0, told(r));
  // At a terminal both streams reach the screen (stdout), its lines ending in CR LF.
  const said = plain(r.stderr + r.stdout);
  assert.match(said, /^step {2}5: +\d+\.\d\d s/m, "no step timings printed");
  assert.match(said, /^database part \(primary stopping to standby writable\): \d+\.\d\d s$/m);
  assert.match(said, /^GoCD unreachable through the VIP: \d+\.\d\d s /m);
  assert.equal(await holdsVip(sides.gocdActive), true, `the VIP is not on ${sides.gocdActive}`);
  assert.equal(await holdsVip(from.gocdActive), false, `the VIP is still on ${from.gocdActive}`);
  assert.equal(await inRecovery(sides.dbPrimary), false, `${sides.dbPrimary} is not writable`);
  assert.equal(await inRecovery(from.dbPrimary), true, `${from.dbPrimary} is not a standby`);
  const streaming = await psql(sides.dbPrimary, "SELECT application_name || ' ' || state FROM pg_stat_replication");
  assert.match(
    streaming,
    new RegExp(`^gocd_bc_${from.dbPrimary.replace("-", "_")} streaming$`, "m"),
    "the old primary does not stream from the new one",
  );
  // The slot the old primary kept for its standby is gone (it would hold back WAL there for ever).
  assert.equal(
    (await psql(from.dbPrimary, "SELECT count(*) FROM pg_replication_slots")).trim(),
    "0",
    `a slot is left on ${from.dbPrimary}`,
  );
  // The agents: the same identity and configuration, connected again, and never refused.
  assert.equal(await agentIdentity(), identity, "the agent's identity or configuration changed");
  await assertAgentConnected(`after the switchover to ${sides.gocdActive}`);
  const log = await agentLogSince(mark);
  assert.doesNotMatch(log, / 403 /, "the agent was refused (403) after the switchover");
  await assertReportsKept(log, sides.dbPrimary);
  // The end state is what provisioning builds for the swapped pair.
  const after = await assertHealthy(`after the switchover to ${sides.gocdActive}`, sides, 60_000);
  assert.deepEqual(
    after.journal && { to: after.journal.to, step: after.journal.step },
    { to: sides.gocdActive, step: "done" },
    "status does not show the switchover done",
  );
  const drift = await cli(["drift", ...labInventory()]);
  assert.equal(drift.code, 0, `drift after the switchover: ${told(drift)}`);
  return r;
}

/** The provisioned pair again, as after a power cut of the whole site: every host boots from the
 * snapshot at once (a GoCD server may start before its database and stop), and `provision` brings it
 * back, as an operator would. */
async function restoreProvisioned(): Promise<void> {
  await labRestore(SNAPSHOT);
  await provisionOk();
  await assertHealthy("the restored pair", FIRST_SIDES, 60_000);
}

/** A breakage, and the preflight's refusal it causes. */
type Breakage = readonly [breakIt: () => Promise<unknown>, refusal: RegExp];

/** After each breakage in turn (each adding to the ones before, so each must be refused by a check that
 * runs before theirs), a confirmed switchover to gocd-standby is refused by the preflight (exit 7) with
 * its refusal, and changes nothing; the provisioned pair is restored once afterwards. */
async function refusedByPreflight(...breakages: Breakage[]): Promise<void> {
  try {
    for (const [breakIt, refusal] of breakages) {
      await breakIt();
      const before = await pairFacts();
      const r = await switchover("--to", "gocd-standby", "--confirm", "gocd-standby");
      assert.equal(r.code, 7, told(r));
      assert.match(r.stderr, refusal);
      assert.equal(await pairFacts(), before);
    }
  } finally {
    await restoreProvisioned();
  }
}

describe("switchover", { concurrency: false }, () => {
  before(async () => {
    await provisionOk();
    await assertHealthy("before the switchovers", FIRST_SIDES, 60_000);
    await labSnapshot(SNAPSHOT);
    await provisionOk();
    await assertHealthy("after the snapshot", FIRST_SIDES, 60_000);
  });
  after(async () => {
    await restoreProvisioned();
  });

  it("without a terminal or --confirm it refuses, exit 6, and changes nothing", async () => {
    const before = await pairFacts();
    const r = await switchover("--to", "gocd-standby");
    assert.equal(r.code, 6, told(r));
    assert.match(r.stderr, /not confirmed .*-e gocd_bc_confirm=gocd-standby|not confirmed/);
    assert.match(r.stderr, /nothing was changed/);
    assert.equal(await pairFacts(), before);
  });

  it("--confirm naming another host refuses before touching anything, exit 6", async () => {
    const before = await pairFacts();
    const r = await switchover("--to", "gocd-standby", "--confirm", "gocd-primary");
    assert.equal(r.code, 6, told(r));
    assert.match(
      r.stderr,
      /--confirm gocd-primary does not name the target \(--to gocd-standby\): nothing was changed/,
    );
    assert.doesNotMatch(r.stdout, /PLAY \[/);
    assert.equal(await pairFacts(), before);
  });

  it("--dry-run runs every preflight check, prints the plan, and changes nothing", async () => {
    const before = await pairFacts();
    const r = await switchover("--to", "gocd-standby", "--dry-run");
    assert.equal(r.code, 0, told(r));
    for (const check of [
      "the active GoCD server runs and holds the VIP",
      "the target's database streams from the primary",
      "lag is under switchover_max_lag_bytes",
      "same PostgreSQL major version and system identifier",
      "wal_log_hints is on",
      "configuration is in sync",
      "same go-server version",
      "the artifact share is mounted on the target",
      "keepalived runs on both servers",
      "maintenance mode API answers",
    ]) {
      assert.match(
        r.stderr,
        new RegExp(`^preflight ok: .*${check.replace(/[()]/g, "\\$&")}`, "m"),
        `check not shown: ${check}`,
      );
    }
    assert.match(
      r.stderr,
      /switchover of GoCD from gocd-primary \(database db-primary\) to gocd-standby \(database db-standby\)/,
    );
    assert.match(r.stderr, /5\. wait until db-standby has received and replayed that LSN/);
    assert.match(r.stderr, /dry run, the preflight passed; nothing was changed/);
    assert.equal(await pairFacts(), before);
  });

  it("refuses a target that is already active (exit 7), and each failed check of the preflight (exit 7), changing nothing", async () => {
    const already = await switchover("--to", "gocd-primary", "--confirm", "gocd-primary");
    assert.equal(already.code, 7, told(already));
    assert.match(already.stderr, /gocd-primary is the active GoCD server already/);
    // Each breakage stays while the next is made; the preflight's checks run in the order of the refusals
    // last to first, so each refusal is the newest breakage's.
    await refusedByPreflight(
      [
        () => ok("gocd-standby", "umount /var/lib/go-server/artifacts-share"),
        /^preflight REFUSED: the artifact share is mounted on the target: the artifact share is not mounted on gocd-standby: run `gocd-bc provision`/m,
      ],
      [
        async () => {
          await stopSyncLoop("gocd-standby");
          await ok("gocd-primary", "echo '<!-- changed on the active -->' >> /etc/go/cruise-config.xml");
        },
        /^preflight REFUSED: the target's GoCD configuration is in sync with the active's: gocd-standby's GoCD configuration differs from gocd-primary's: .*cruise-config\.xml/m,
      ],
      [
        () => psql("db-standby", "SELECT pg_wal_replay_pause()"),
        /^preflight REFUSED: the standby's replay is not paused, and wal_log_hints is on: db-standby: replay is paused/m,
      ],
      // Replay paused while the primary writes 3 MB: the standby falls behind by more than 1 MiB.
      [
        () =>
          psql(
            "db-primary",
            "CREATE TABLE gocd_bc_lag AS SELECT repeat('x', 1000) AS x FROM generate_series(1, 3000)",
            "gocd",
          ),
        /^preflight REFUSED: the standby's lag is under switchover_max_lag_bytes: db-standby lags \d+ bytes behind db-primary, more than switchover_max_lag_bytes \(1048576\)/m,
      ],
      [
        () => ok("db-standby", "systemctl stop postgresql@15-main"),
        /^preflight REFUSED: the target's database streams from the primary: db-standby is not a streaming standby of db-primary/m,
      ],
    );
  });

  it("at a terminal, a name typed that is not the target's refuses (exit 6) and changes nothing", async () => {
    const before = await pairFacts();
    const r = await atTerminal("gocd-standby", "gocd-primary");
    assert.equal(r.code, 6, told(r));
    assert.match(
      plain(r.stdout),
      /5\. wait until db-standby has received and replayed that LSN[\s\S]*Type its name to confirm: gocd-primary/,
    );
    assert.match(plain(r.stdout), /switchover: not confirmed \([^)]*\); nothing was changed/);
    assert.equal(await pairFacts(), before);
  });

  it("refuses a split brain (two writable databases) before the preflight, exit 1, changing nothing", async () => {
    await ok("db-standby", "pg_ctlcluster 15 main promote");
    try {
      assert.ok(await eventually(async () => !(await inRecovery("db-standby")), 30_000), "db-standby was not promoted");
      const before = await pairFacts();
      const r = await switchover("--to", "gocd-standby", "--confirm", "gocd-standby");
      assert.equal(r.code, 1, told(r));
      assert.match(
        r.stderr,
        /SPLIT BRAIN: refusing to change anything[\s\S]*two writable databases: db-primary and db-standby/,
      );
      assert.doesNotMatch(r.stdout, /PLAY \[/);
      assert.equal(await pairFacts(), before);
    } finally {
      await restoreProvisioned();
    }
  });

  it("with GoCD's security on, refuses without gocd_api_token (exit 7); with it, switches over and back: no acknowledged job report lost, the VIP moves, the agents stay connected unchanged, drift finds nothing", async () => {
    const token = await securityOn();
    tokens.push(token);
    const refused = await switchover("--to", "gocd-standby", "--confirm", "gocd-standby");
    assert.equal(refused.code, 7, told(refused));
    assert.match(refused.stderr, /answered 401 to maintenance mode: set gocd_api_token/);
    // The token reaches every command through a second inventory file (mode 0600), never the command line.
    writeFileSync(labSecretsInventory(), `all:\n  vars:\n    gocd_api_token: "${token}"\n`, { mode: 0o600 });
    try {
      // The --json events of a dry run with the token: the preflight passes (it used it), the token is in none.
      const dry = await switchover("--to", "gocd-standby", "--dry-run", "--json");
      assert.equal(dry.code, 0, told(dry));
      assert.ok(events(dry).length > 20, "no --json events");
      await switchOverAndBack(token);
    } finally {
      rmSync(labSecretsInventory(), { force: true });
    }
  });

  async function switchOverAndBack(token: string): Promise<void> {
    const there = await switchTo(SWAPPED, FIRST_SIDES);
    for (const h of ["gocd-primary", "gocd-standby"]) {
      const journal = await ok(h, "cat /var/lib/gocd-bc/journal.jsonl");
      assert.match(journal, /"step": ?"promoted", ?"lsn": ?"[0-9A-F]+\/[0-9A-F]+"/, `no promotion in ${h}'s journal`);
      for (const secret of [token, ...labSecrets()]) assert.ok(!journal.includes(secret), `a secret in ${h}'s journal`);
    }
    assert.match(there.stderr, /switchover: done in/);
    // Back at a terminal: the plan shown, then the target's name typed.
    const back = await switchTo(FIRST_SIDES, SWAPPED, "typed");
    assert.match(
      plain(back.stdout),
      /switchover of GoCD from gocd-standby \(database db-standby\) to gocd-primary[\s\S]*Type its name to confirm: /,
    );
  }

  it("when the standby cannot reach the stopped primary's last LSN, nothing is promoted and the old side runs again (exit 8)", async () => {
    await restoreProvisioned();
    // Once confirmed (after the preflight, before the config sync, the drain and the stops), the standby's
    // WAL receiver is turned off, so it never receives the primary's shutdown checkpoint.
    let cut: Promise<unknown> | undefined;
    const run = cli(
      [
        "switchover",
        ...labInventory(),
        "--to",
        "gocd-standby",
        "--confirm",
        "gocd-standby",
        "-e",
        "switchover_lsn_timeout=5",
      ],
      600_000,
      whenOutputShows(/TASK \[gocd_switchover : the operator confirms\]/, () => {
        cut = ok(
          "db-standby",
          `cd / && su postgres -c "psql -XAt -c \\"ALTER SYSTEM SET primary_conninfo = ''\\" -c 'SELECT pg_reload_conf()'"`,
        );
      }),
    );
    const r = await run;
    await cut;
    assert.ok(cut, "the switchover was never confirmed");
    assert.equal(r.code, 8, told(r));
    assert.match(r.stderr, /SWITCHOVER ABORTED: db-standby did not receive and replay db-primary's last WAL/);
    assert.match(r.stderr, /Nothing was promoted, so nothing was lost/);
    assert.equal(await inRecovery("db-standby"), true, "the standby was promoted");
    assert.equal(await inRecovery("db-primary"), false, "the old primary is not writable again");
    assert.ok(
      await eventually(async () => (await health("198.18.0.11")) === 200, 60_000),
      "GoCD does not run again on gocd-primary",
    );
    assert.ok(await eventually(() => holdsVip("gocd-primary"), 30_000), "the VIP did not come back to gocd-primary");
    assert.equal(await health("198.18.0.12"), 0, "GoCD runs on gocd-standby");
    const info = await ok(
      "gocd-primary",
      "curl -fsS -H 'Accept: application/vnd.go.cd.v1+json' http://127.0.0.1:8153/go/api/admin/maintenance_mode/info",
    );
    assert.match(info, /"is_maintenance_mode":false/, "maintenance mode stayed on");
  });

  it("no secret appears in the output of any switchover", () => {
    const runs = outputs.filter((o) => o.args[0] === "switchover");
    assert.ok(runs.length >= 6);
    for (const o of runs) {
      for (const secret of [...labSecrets(), ...tokens])
        assert.ok(
          !o.stdout.includes(secret) && !o.stderr.includes(secret),
          `a secret appeared in \`gocd-bc ${o.args.join(" ")}\``,
        );
    }
  });
});
