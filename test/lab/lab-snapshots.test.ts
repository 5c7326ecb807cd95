// `lab snapshot` and `lab restore`, as a person rehearsing a failover again would check them: a restore after
// changes brings back the files, the committed rows and the running services the snapshot saved, throws
// away what came after, boots the hosts that ran (and only those), and the saved databases shut down
// cleanly, so a restored host needs no crash recovery. Bad names and unknown snapshots are refused.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import "./fresh-lab.js";
import { cli, told } from "./cli.js";
import { eventually, ok, pgReady, psqlOn, sh } from "./lab-access.js";

const DB = "db-primary";
const PG_LOG = "/var/log/postgresql/postgresql-15-main.log";
const psql = (sql: string) => psqlOn(DB, sql);
const active = async (h: string, unit: string) => (await sh(h, `systemctl is-active ${unit}`)).stdout.trim();

describe("lab snapshots", { concurrency: false }, () => {
  it("a restore brings back the saved files, rows and running services, and drops what came after", async () => {
    await ok(DB, "echo before > /root/gbc-snap && systemctl enable --now postgresql@15-main");
    assert.ok(await eventually(() => pgReady(DB), 20_000), "PostgreSQL did not start");
    await psql("CREATE TABLE snap (n int); INSERT INTO snap VALUES (1)");

    const saved = await cli(["lab", "snapshot", "base"]);
    assert.equal(saved.code, 0, told(saved));
    assert.match(saved.stdout, /^db-primary +198\.18\.0\.21 +saved, running again$/m);
    // Taking a snapshot stops the hosts cleanly and boots them again with what they enabled.
    assert.ok(await eventually(() => pgReady(DB), 20_000), "PostgreSQL did not come back after the snapshot");
    assert.equal((await psql("SELECT n FROM snap")).trim(), "1");
    const listed = await cli(["lab", "snapshot"]);
    assert.equal(listed.stdout.trim(), "base", told(listed));

    await psql("INSERT INTO snap VALUES (2)");
    await ok(DB, "echo after > /root/gbc-snap && touch /root/gbc-snap-later");
    await ok(DB, "systemctl stop postgresql@15-main");
    const crashed = await cli(["lab", "crash", "agent1"]);
    assert.equal(crashed.code, 0, told(crashed));

    const restored = await cli(["lab", "restore", "base"]);
    assert.equal(restored.code, 0, told(restored));
    assert.match(restored.stdout, /^agent1 +198\.18\.0\.41 +restored, running$/m);
    assert.equal((await ok(DB, "cat /root/gbc-snap")).trim(), "before");
    assert.equal(
      (await sh(DB, "test -e /root/gbc-snap-later")).code,
      1,
      "a file made after the snapshot survived the restore",
    );
    assert.ok(
      await eventually(() => pgReady(DB), 20_000),
      "PostgreSQL, running when the snapshot was taken, did not start",
    );
    assert.ok(
      await eventually(async () => (await active(DB, "postgresql@15-main")) === "active", 20_000),
      "postgresql@15-main is not active",
    );
    assert.equal(
      (await psql("SELECT n FROM snap ORDER BY n")).trim(),
      "1",
      "the row committed after the snapshot survived",
    );
    assert.equal((await ok("agent1", "hostname")).trim(), "agent1");
    // The saved cluster was shut down cleanly for the snapshot: the restored one starts without recovery.
    assert.doesNotMatch(await ok(DB, `cat ${PG_LOG}`), /database system was interrupted/);
  });

  it("a host stopped when the snapshot was taken is restored stopped", async () => {
    assert.equal((await cli(["lab", "stop", "share"])).code, 0);
    const saved = await cli(["lab", "snapshot", "share-off"]);
    assert.equal(saved.code, 0, told(saved));
    assert.match(saved.stdout, /^share +198\.18\.0\.31 +saved \(stopped\)$/m);
    assert.equal((await cli(["lab", "start", "share"])).code, 0);
    const restored = await cli(["lab", "restore", "share-off"]);
    assert.equal(restored.code, 0, told(restored));
    assert.match(restored.stdout, /^share +198\.18\.0\.31 +restored \(stopped\)$/m);
    const status = await cli(["lab", "status", "--json"]);
    const rows = (JSON.parse(status.stdout) as { hosts: { name: string; state: string }[] }).hosts;
    assert.deepEqual(
      rows.filter((h) => h.state !== "running").map((h) => h.name),
      ["share"],
    );
    assert.equal((await cli(["lab", "start", "share"])).code, 0);
  });

  it("refuses a bad name and an unknown snapshot, naming the ones there are, and changes nothing", async () => {
    await ok(DB, "echo untouched > /root/gbc-snap");
    const bad = await cli(["lab", "snapshot", "../x"]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /snapshot name "\.\.\/x": expected letters, digits/);
    const unknown = await cli(["lab", "restore", "nope"]);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /no lab snapshot nope; the snapshots are base, share-off/);
    assert.equal((await ok(DB, "cat /root/gbc-snap")).trim(), "untouched");
  });
});
