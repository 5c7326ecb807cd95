// `gocd-bc rejoin` on the lab, as an operator meets it: a switchover stops after its promotion, someone
// starts the old primary as a primary and writes to it. While both are writable, rejoin refuses (split
// brain) and changes nothing; once the old primary is stopped, the switchover cannot finish (provisioning
// refuses the diverged directory and names rejoin); rejoin rewinds it, says what it discarded (the
// timeline and LSN range), and it streams from the new primary without the rows it had diverged with;
// the switchover then finishes, status is healthy, drift finds nothing. --reclone clones afresh, only the
// standby, moving the old directory aside; on a healthy pair rejoin changes nothing.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import "./fresh-lab.js";
import { cli, labInventory, outputs, provisionOk, recap, told } from "./cli.js";
import { eventually, inRecovery, ok, psqlOn } from "./lab-access.js";
import { assertHealthy, FIRST_SIDES, labSecrets, type Sides } from "./pair-status.js";
import { assertFinishes, killedAt, switchoverTo } from "./switchover-runs.js";

const SWAPPED: Sides = { gocdActive: "gocd-standby", dbPrimary: "db-standby" };
const DATA = "/var/lib/postgresql/15/main";
const rejoin = (...args: string[]) => cli(["rejoin", ...labInventory(), ...args], 600_000);
const streamsFrom = async (primary: string, standby: string) =>
  (await psqlOn(primary, "SELECT application_name, state FROM pg_stat_replication")).includes(
    `gocd_bc_${standby.replace("-", "_")}|streaming`,
  );

describe("rejoin", { concurrency: false }, () => {
  before(async () => {
    await provisionOk();
    await assertHealthy("before the rejoins", FIRST_SIDES, 60_000);
  });

  it("on a healthy pair: the standby streams already, nothing is rewound or changed", async () => {
    const r = await rejoin("--json");
    assert.equal(r.code, 0, told(r));
    assert.match(r.stderr, /rejoin: db-standby streams from db-primary already: nothing to rewind/);
    const changed = Object.entries(recap(r)).filter(([, c]) => (c.changed ?? 0) > 0);
    assert.deepEqual(changed, [], "rejoin changed something on a healthy pair");
  });

  it("a former primary that diverged is refused while writable, then rewound, reporting what it discards", async () => {
    // The switchover to gocd-standby stops right after promoting db-standby.
    await killedAt(SWAPPED.gocdActive, /TASK \[gocd_switchover : step 7: /);
    assert.equal(await inRecovery("db-standby"), false, "db-standby was not promoted");
    // Someone starts the old primary as a primary, past its guard (which would make it a standby: the new
    // primary answers as writable), and writes to it: it diverges from db-standby.
    await ok("db-primary", `rm -f ${DATA}/standby.signal && pg_ctlcluster --skip-systemctl-redirect 15 main start`);
    await psqlOn("db-primary", "CREATE TABLE gocd_bc_diverged (x int); INSERT INTO gocd_bc_diverged VALUES (1)");

    const refused = await rejoin();
    assert.equal(refused.code, 1, told(refused));
    assert.match(refused.stderr, /SPLIT BRAIN: refusing to change anything/);
    assert.equal(await inRecovery("db-primary"), false, "rejoin touched a writable database");
    assert.equal((await psqlOn("db-primary", "SELECT count(*) FROM gocd_bc_diverged")).trim(), "1");

    // The operator stops it; the switchover cannot finish: provisioning refuses it and names rejoin.
    await ok("db-primary", "pg_ctlcluster --skip-systemctl-redirect 15 main stop");
    const stuck = await switchoverTo(SWAPPED.gocdActive);
    assert.equal(stuck.code, 2, told(stuck));
    assert.match(stuck.stdout, /It is of the primary's cluster \(a former primary\?\): `gocd-bc rejoin` rewinds it/);

    const r = await rejoin();
    assert.equal(r.code, 0, told(r));
    assert.match(
      r.stderr,
      /^rejoin: rewound db-primary: it diverged from db-standby at [0-9A-F]+\/[0-9A-F]+ on timeline 1; discarded its own WAL on timeline 1 from [0-9A-F]+\/[0-9A-F]+ to its end \(last checkpoint [0-9A-F]+\/[0-9A-F]+\)$/m,
    );
    assert.match(r.stderr, /run `gocd-bc switchover --to gocd-standby` again to finish the switchover/);
    assert.equal(await inRecovery("db-primary"), true, "db-primary is not a standby");
    assert.ok(await eventually(() => streamsFrom("db-standby", "db-primary"), 30_000), "db-primary does not stream");
    // What it wrote after diverging is gone: it is a copy of the new primary now.
    const gone = await ok(
      "db-primary",
      `cd / && su postgres -c "psql -XAtc \\"SELECT to_regclass('gocd_bc_diverged') IS NULL\\""`,
    );
    assert.equal(gone.trim(), "t", "the rows written after the divergence are still there");

    await assertFinishes(SWAPPED);
    const drift = await cli(["drift", ...labInventory()]);
    assert.equal(drift.code, 0, `drift after the rejoin: ${told(drift)}`);
  });

  it("--reclone clones only the standby afresh, moving its directory aside", async () => {
    const primary = await rejoin("--reclone", "db-standby");
    assert.equal(primary.code, 5, told(primary));
    assert.match(
      primary.stderr,
      /only the standby's database host \(db-primary\) is ever cloned afresh; nothing was changed/,
    );

    const before = (await ok("db-primary", `cat ${DATA}/postmaster.pid | head -n 1`)).trim();
    const r = await rejoin("--reclone", "db-primary");
    assert.equal(r.code, 0, told(r));
    const aside = await ok("db-primary", `ls -d ${DATA}.gocd-bc-* && cat ${DATA}.gocd-bc-*/PG_VERSION`);
    assert.match(aside, /main\.gocd-bc-\d{8}T\d{6}Z\n15\n/, "the old data directory was not kept aside");
    assert.notEqual((await ok("db-primary", `head -n 1 ${DATA}/postmaster.pid`)).trim(), before);
    assert.ok(await eventually(() => streamsFrom("db-standby", "db-primary"), 30_000), "the clone does not stream");
    await assertHealthy("after the reclone", SWAPPED, 60_000);
  });

  it("a standby whose server was killed (left unclean) recovers as a standby first, then rejoins with nothing to rewind", async () => {
    await ok("db-primary", `kill -9 $(head -n 1 ${DATA}/postmaster.pid)`);
    assert.match(
      await ok("db-primary", `sleep 1; LC_ALL=C /usr/lib/postgresql/15/bin/pg_controldata ${DATA}`),
      /Database cluster state: +in archive recovery/,
    );
    const r = await rejoin();
    assert.equal(r.code, 0, told(r));
    assert.match(r.stdout, /TASK \[postgres_rejoin : the server recovers\]/);
    assert.match(
      r.stderr,
      /^rejoin: no rewind needed: db-primary \(timeline \d+, last checkpoint [0-9A-F]+\/[0-9A-F]+\) is on db-standby's history/m,
    );
    assert.ok(await eventually(() => streamsFrom("db-standby", "db-primary"), 30_000), "db-primary does not stream");
  });

  it("no secret appears in the output of any rejoin (pg_rewind reads the password from ~/.pgpass)", () => {
    const runs = outputs.filter((o) => o.args[0] === "rejoin");
    assert.ok(runs.length >= 5);
    for (const o of runs)
      for (const secret of labSecrets())
        assert.ok(
          !o.stdout.includes(secret) && !o.stderr.includes(secret),
          `a secret in \`gocd-bc ${o.args.join(" ")}\``,
        );
  });
});
