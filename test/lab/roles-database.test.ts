// playbooks/database.yml (roles postgres_primary and postgres_standby) on the lab's two database hosts,
// from freshly created `main` clusters: provisioning, a second run that changes nothing, replication a
// user can see, drift reported by check mode and corrected by a real run, and a standby data directory
// that is not ours refused untouched unless the operator names the host to reclone. Secrets never show.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import "./fresh-lab.js";
import { runPlan } from "../../src/engine/run.js";
import { renderInventory } from "../../src/lab/inventory-file.js";
import { CORE_HOSTS, labPaths } from "../../src/lab/topology.js";
import { loadPlan } from "../../src/playbook/load.js";
import type { RunEvent } from "../../src/report/events.js";
import { CaptureReporter, runPlaybook, type Ran } from "./engine-harness.js";
import { ok as remote, sh } from "./lab-access.js";

const PRIMARY = "db-primary";
const STANDBY = "db-standby";
const PLAYBOOK = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../playbooks/database.yml");
const DATA = "/var/lib/postgresql/15/main";
const CONF = "/etc/postgresql/15/main";
const MARKER = "gbc-foreign-marker";

/** The lab's own inventory (written as `lab up` writes it), so the lab's secrets are the ones checked. */
function labInventory(): { file: string; secrets: string[] } {
  const text = renderInventory(CORE_HOSTS, labPaths());
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "gbc-db-inv-")), "inventory.yml");
  writeFileSync(file, text);
  const secrets = [...text.matchAll(/^\s*(?:postgres_replication_password|gocd_db_password): (.+)$/gm)].map((m) =>
    (m[1] as string).replace(/^["']|["']$/g, ""),
  );
  assert.equal(secrets.length, 2, "the lab inventory names both database secrets");
  return { file, secrets };
}

const inv = labInventory();
const allEvents: RunEvent[] = [];

async function play(opts: { check?: boolean; extraVars?: string[] } = {}): Promise<Ran> {
  const ran = await runPlaybook(PLAYBOOK, {
    inventory: inv.file,
    extraVars: opts.extraVars ?? [],
    limit: `${PRIMARY},${STANDBY}`,
    check: opts.check === true,
    diff: true,
  });
  allEvents.push(...ran.events);
  return ran;
}

type HostResult = Extract<RunEvent, { type: "host_result" }>;
const bare = (task: string) => task.replace(/^[\w-]+ : /, "");

/** "host: task [item]" for each changed result. */
function changes(events: readonly RunEvent[]): string[] {
  return events
    .filter((e): e is HostResult => e.type === "host_result" && e.result.status === "changed")
    .map((e) => `${e.host}: ${bare(e.task)}${e.item === undefined ? "" : ` [${String(e.item)}]`}`);
}

function failures(events: readonly RunEvent[]): HostResult[] {
  return events.filter((e): e is HostResult => e.type === "host_result" && e.result.status === "failed" && !e.ignored);
}

function assertClean(r: Ran, what: string): void {
  assert.deepEqual(
    failures(r.events).map((e) => `${e.host}: ${bare(e.task)}: ${e.result.status === "failed" ? e.result.error : ""}`),
    [],
    `${what}: no task fails`,
  );
  assert.equal(r.outcome.exitCode, 0, `${what}: exit code`);
}

function assertNoChange(r: Ran, what: string): void {
  assertClean(r, what);
  assert.deepEqual(changes(r.events), [], `${what}: nothing changed`);
  for (const h of [PRIMARY, STANDBY]) assert.equal(r.outcome.stats[h]?.changed, 0, `${what}: recap of ${h}`);
}

const psql = (h: string, sql: string, db = "postgres") =>
  remote(h, `cd / && su postgres -c ${JSON.stringify(`psql -X -d ${db} -Atc "${sql}"`)}`);
const sysid = async (h: string, dir = DATA) =>
  (
    await remote(h, `/usr/lib/postgresql/15/bin/pg_controldata ${dir} | sed -n 's/^Database system identifier: *//p'`)
  ).trim();

/** Both hosts back to what the lab starts with: a `main` cluster created but never started, no gocd-bc files. */
const FRESH = [
  "pg_dropcluster --stop 15 main 2>/dev/null",
  `rm -rf ${DATA} ${DATA}.gocd-bc-* ${CONF} /var/lib/postgresql/.pgpass`,
  "pg_createcluster 15 main >/dev/null",
].join("; ");

/** The tasks of the WAL sampler and the database guard, which playbooks/database.yml runs after the roles. */
const FENCE_TASKS =
  /^[\w-]+: (sampler |guard |database guard loop |(reload systemd for|restart) the database guard$|restart the WAL sampler|systemd knows the (sampler's unit|start check)|the cluster('s start check| starts writable)|the replication password for the postgres user)/;

describe("playbooks/database.yml on db-primary and db-standby", () => {
  before(async () => {
    await Promise.all([remote(PRIMARY, FRESH), remote(STANDBY, FRESH)]);
  });

  after(async () => {
    // Leave the pair provisioned (other tests and users expect a working lab), minus moved-aside copies.
    await sh(STANDBY, `rm -rf ${DATA}.gocd-bc-*`);
  });

  it("check mode on fresh hosts says what it would do and changes nothing", async () => {
    const checked = await play({ check: true });
    assertClean(checked, "check run on fresh hosts");
    // The database roles' own: what a first run would do to the servers. The WAL sampler and the database
    // guard (roles of their own, after them) would install their files and units on both hosts.
    const all = changes(checked.events);
    assert.deepEqual(
      all.filter((c) => !FENCE_TASKS.test(c)),
      [
        `${PRIMARY}: the server runs and starts at boot`,
        `${PRIMARY}: check mode, the server is not running yet`,
        `${STANDBY}: check mode, the primary's server is not running yet`,
      ],
    );
    for (const h of [PRIMARY, STANDBY])
      for (const task of [
        "sampler script installed",
        "guard script installed",
        "the cluster starts writable only when the guard allows it",
        "database guard loop unit installed",
      ])
        assert.ok(all.includes(`${h}: ${task}`), `check mode does not say it would do '${task}' on ${h}`);
    for (const h of [PRIMARY, STANDBY]) {
      assert.equal((await sh(h, "pg_ctlcluster 15 main status")).code, 3, `check mode started the server on ${h}`);
      assert.equal(
        (await sh(h, `test -e ${DATA}/postmaster.opts || ls -d ${DATA}.gocd-bc-* 2>/dev/null`)).code,
        2,
        `check mode touched ${h}'s data directory`,
      );
    }
  });

  it("provisions fresh hosts, and a second run changes nothing", async () => {
    const first = await play();
    assertClean(first, "first run");
    assert.ok(
      (first.outcome.stats[PRIMARY]?.changed ?? 0) > 0 && (first.outcome.stats[STANDBY]?.changed ?? 0) > 0,
      "both hosts were set up",
    );
    // The package's never-started cluster on the standby was moved aside, not deleted.
    assert.match(await remote(STANDBY, `ls -d ${DATA}.gocd-bc-*`), /main\.gocd-bc-\d{8}T\d{6}Z/);
    assert.equal(await sysid(STANDBY), await sysid(PRIMARY), "the standby is a clone of the primary");
    assert.equal((await sh(STANDBY, `test -f ${DATA}/standby.signal`)).code, 0);
    assert.equal(
      (await psql(PRIMARY, "SELECT application_name || ' ' || state FROM pg_stat_replication")).trim(),
      "gocd_bc_db_standby streaming",
    );
    assert.equal(
      (
        await psql(
          PRIMARY,
          "SELECT extname FROM pg_extension WHERE extname IN ('citext','pgcrypto') ORDER BY 1",
          "gocd",
        )
      ).trim(),
      "citext\npgcrypto",
    );
    assert.equal(
      (await psql(PRIMARY, "SELECT setting FROM pg_settings WHERE name = 'wal_log_hints'")).trim(),
      "on",
      "restarted for wal_log_hints",
    );
    // pg_hba: the operator's lines stay, gocd-bc's block allows only the standby to replicate.
    const hba = await remote(PRIMARY, `cat ${CONF}/pg_hba.conf`);
    assert.match(hba, /^local\s+all\s+postgres\s+peer$/m);
    assert.match(hba, /^host replication "gocd_bc_replication" 198\.18\.0\.22\/32 scram-sha-256$/m);
    assert.equal((hba.match(/replication "gocd_bc_replication"/g) ?? []).length, 1);

    assertNoChange(await play(), "second run");
  });

  it("replicates: a row committed on the primary is readable on the standby within a second", async () => {
    await psql(PRIMARY, "CREATE TABLE IF NOT EXISTS gbc_probe (v text)");
    const value = `row-${Date.now()}`;
    // The hosts share the machine's clock: the standby polls and stamps the moment the row appears.
    const poll = remote(
      STANDBY,
      `cd / && for i in $(seq 100); do if [ "$(su postgres -c "psql -X -Atc \\"SELECT count(*) FROM gbc_probe WHERE v = '${value}'\\"" 2>/dev/null)" = 1 ]; then date +%s%N; exit 0; fi; sleep 0.02; done; exit 1`,
      20_000,
    );
    const committed = (
      await remote(
        PRIMARY,
        `cd / && su postgres -c "psql -X -Atc \\"INSERT INTO gbc_probe VALUES ('${value}')\\"" >/dev/null && date +%s%N`,
      )
    ).trim();
    const seen = (await poll).trim();
    const ms = Number(BigInt(seen) - BigInt(committed)) / 1e6;
    assert.ok(ms < 1000, `the row showed on the standby ${ms} ms after the commit`);
  });

  it("check mode reports exactly the drift and changes nothing; a real run corrects it", async () => {
    await psql(PRIMARY, "ALTER SYSTEM RESET wal_keep_size");
    await psql(PRIMARY, "SELECT pg_reload_conf()");
    await remote(PRIMARY, `sed -i '/^host replication "gocd_bc_replication" /d' ${CONF}/pg_hba.conf`);
    const hbaBefore = await remote(PRIMARY, `cat ${CONF}/pg_hba.conf`);
    const autoBefore = await remote(PRIMARY, `cat ${DATA}/postgresql.auto.conf`);

    const checked = await play({ check: true });
    assertClean(checked, "check run");
    assert.deepEqual(changes(checked.events).sort(), [
      `${PRIMARY}: pg_hba.conf lets the standby replicate and GoCD's servers reach their database`,
      `${PRIMARY}: reload postgresql`,
      `${PRIMARY}: server settings for streaming replication (ALTER SYSTEM) [wal_keep_size]`,
    ]);
    assert.equal(await remote(PRIMARY, `cat ${CONF}/pg_hba.conf`), hbaBefore, "check mode left pg_hba.conf alone");
    assert.equal(
      await remote(PRIMARY, `cat ${DATA}/postgresql.auto.conf`),
      autoBefore,
      "check mode left the settings alone",
    );

    const fixed = await play();
    assertClean(fixed, "correcting run");
    assert.deepEqual(
      changes(fixed.events).sort(),
      changes(checked.events).sort(),
      "the real run changes what check mode reported",
    );
    assert.equal((await psql(PRIMARY, "SHOW wal_keep_size")).trim(), "1GB");
    assert.match(
      await remote(PRIMARY, `cat ${CONF}/pg_hba.conf`),
      /^host replication "gocd_bc_replication" 198\.18\.0\.22\/32 scram-sha-256$/m,
    );
    assertNoChange(await play(), "run after the correction");
  });

  it("refuses a standby data directory of another cluster, untouched; recloning needs the host named", async () => {
    // Another cluster, initdb'd and used on its own, where the standby's data directory belongs.
    await remote(
      STANDBY,
      `pg_dropcluster --stop 15 main && pg_createcluster 15 main --start >/dev/null && touch ${DATA}/${MARKER} && pg_ctlcluster 15 main stop`,
    );
    const foreign = await sysid(STANDBY);
    assert.notEqual(foreign, await sysid(PRIMARY));

    const refused = await play();
    assert.equal(refused.outcome.exitCode, 2);
    const failed = failures(refused.events);
    assert.deepEqual(
      failed.map((e) => `${e.host}: ${bare(e.task)}`),
      [`${STANDBY}: refuse to replace a data directory that is not a standby of this primary`],
    );
    const msg = failed[0]!.result.status === "failed" ? failed[0]!.result.error : "";
    assert.match(msg, new RegExp(`not a standby\\s+of ${PRIMARY}`));
    assert.match(msg, new RegExp(`system identifier ${foreign}`));
    assert.match(msg, /left untouched/);
    assert.match(msg, /-e postgres_standby_reclone=db-standby/);
    assert.equal((await sh(STANDBY, `test -f ${DATA}/${MARKER}`)).code, 0, "the marker is still there");
    assert.equal(await sysid(STANDBY), foreign, "the directory is the same cluster");
    assert.equal(
      (await sh(STANDBY, `ls -d ${DATA}.gocd-bc-* 2>/dev/null | wc -l`)).stdout.trim(),
      "1",
      "nothing new moved aside",
    );

    // Naming another host does not count.
    assert.equal((await play({ extraVars: ["postgres_standby_reclone=db-primary"] })).outcome.exitCode, 2);
    assert.equal((await sh(STANDBY, `test -f ${DATA}/${MARKER}`)).code, 0);

    const recloned = await play({ extraVars: ["postgres_standby_reclone=db-standby"] });
    assertClean(recloned, "reclone");
    const aside =
      (await remote(STANDBY, `ls -d ${DATA}.gocd-bc-*/${MARKER} 2>/dev/null; true`)).trim().split("\n").pop() ?? "";
    assert.match(aside, /main\.gocd-bc-\d{8}T\d{6}Z\/gbc-foreign-marker$/, "the old directory was moved aside whole");
    assert.equal(await sysid(STANDBY, path.posix.dirname(aside)), foreign);
    assert.equal(await sysid(STANDBY), await sysid(PRIMARY), "the standby is a clone of the primary again");
    assert.equal(
      (
        await psql(PRIMARY, "SELECT state FROM pg_stat_replication WHERE application_name = 'gocd_bc_db_standby'")
      ).trim(),
      "streaming",
    );

    // The flag never reclones a good standby.
    assertNoChange(
      await play({ extraVars: ["postgres_standby_reclone=db-standby"] }),
      "run with the flag on a good standby",
    );
  });

  it("stops on two writable copies of the database (a promoted standby) and changes nothing", async () => {
    await psql(STANDBY, "SELECT pg_promote()");
    assert.equal((await psql(STANDBY, "SELECT pg_is_in_recovery()")).trim(), "f");
    const stopped = await play();
    assert.equal(stopped.outcome.exitCode, 2);
    assert.deepEqual(changes(stopped.events), [], "nothing changed on either host");
    const failed = failures(stopped.events);
    assert.deepEqual(
      failed.map((e) => `${e.host}: ${bare(e.task)}`),
      [
        `${PRIMARY}: the standby host does not run a primary of the same database (split brain)`,
        `${STANDBY}: refuse to replace a data directory that is not a standby of this primary`,
      ],
    );
    const msg = failed[0]!.result.status === "failed" ? failed[0]!.result.error : "";
    assert.match(msg, /two primaries/);
    assert.equal(
      (await psql(STANDBY, "SELECT pg_is_in_recovery()")).trim(),
      "f",
      "the promoted database still runs, untouched",
    );
    // No failover raised an epoch, so neither database's guard takes a side: a person decides.
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal((await psql(PRIMARY, "SELECT pg_is_in_recovery()")).trim(), "f", "the primary was made read-only");

    // The operator decides db-primary stays the primary: stop the other, then reclone it by name.
    await remote(STANDBY, "pg_ctlcluster 15 main stop");
    assertClean(await play({ extraVars: ["postgres_standby_reclone=db-standby"] }), "reclone after the split brain");
    assert.equal((await psql(STANDBY, "SELECT pg_is_in_recovery()")).trim(), "t");
    assertNoChange(await play(), "run after the reclone");
  });

  it("a PostgreSQL error read through psql is the server's words only", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gbc-db-pb-"));
    const pb = path.join(dir, "pg-error.yml");
    writeFileSync(
      pb,
      `- hosts: ${PRIMARY}\n  gather_facts: false\n  tasks:\n    - name: no server on this port\n      postgres_query: { query: "SELECT 1", port: 5999 }\n`,
    );
    const loaded = loadPlan({ playbook: pb, inventories: [inv.file] });
    assert.ok(loaded.ok);
    const reporter = new CaptureReporter();
    await runPlan(loaded.plan, { check: false, diff: false, reporter });
    const [failed] = failures(reporter.events);
    const error = failed?.result.status === "failed" ? failed.result.error : "";
    assert.match(error, /PGSQL\.5999" failed: No such file or directory/);
    assert.doesNotMatch(error, /could not change directory/, "psql ran from a directory the postgres user can enter");
  });

  it("never shows the secrets in any event", () => {
    assert.ok(allEvents.length > 100);
    const text = JSON.stringify(allEvents);
    for (const secret of inv.secrets) assert.ok(!text.includes(secret), "a database password appeared in the events");
  });
});
