// Provisioning an existing installation: a primary GoCD already running on its own database is adopted
// (its data kept, its server restarted only when its own configuration had to change), and provisioning
// the standby side never interrupts the primary's service: same server and database processes, agents
// pinging through the VIP without a failure.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import "./fresh-lab.js";
import { LAB_APT_MOUNT, LAB_NET, labPaths } from "../../src/lab/topology.js";
import { enabledAtBoot, eventually, gocdHealth, goServerPid, ok, sh } from "./lab-access.js";
import { cli, labInventory, provisionOk, recap, told } from "./cli.js";

const inventory = () => readFileSync(labPaths().inventory, "utf8");
const gocdDbPassword = () => /^\s*gocd_db_password:\s*(\S+)\s*$/m.exec(inventory())?.[1] ?? "";
const serverPid = () => goServerPid("gocd-primary");
const postmasterPid = () =>
  ok("db-primary", "head -n 1 /var/lib/postgresql/15/main/postmaster.pid").then((s) => s.trim());
const psql = (host: string, sql: string) => ok(host, `cd / && su postgres -c "psql -d gocd -Atc '${sql}'"`);

const health = gocdHealth;

/** What an operator has before gocd-bc: PostgreSQL with GoCD's database and data, GoCD running on it. */
async function existingPrimary(): Promise<void> {
  const password = gocdDbPassword();
  await ok(
    "db-primary",
    [
      `echo "listen_addresses = '*'" > /etc/postgresql/15/main/conf.d/operator.conf`,
      `echo "host gocd gocd_database_user 198.18.0.11/32 scram-sha-256" >> /etc/postgresql/15/main/pg_hba.conf`,
      "pg_ctlcluster 15 main start",
      `cd / && su postgres -c "psql -qc \\"CREATE ROLE gocd_database_user LOGIN PASSWORD '${password}'\\" -c 'CREATE DATABASE gocd OWNER gocd_database_user'"`,
      `cd / && su postgres -c "psql -d gocd -qc 'CREATE TABLE pipeline_history (id int)' -c 'INSERT INTO pipeline_history VALUES (42)'"`,
    ].join(" && "),
  );
  await ok(
    "gocd-primary",
    [
      `echo 'deb [trusted=yes] file:${LAB_APT_MOUNT} ./' > /etc/apt/sources.list.d/gocd.list`,
      "apt-get update -qq -o Dir::Etc::sourcelist=sources.list.d/gocd.list -o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0",
      "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq go-server >/dev/null",
      `printf 'db.driver=org.postgresql.Driver\\ndb.url=jdbc:postgresql://db-primary:5432/gocd\\ndb.user=gocd_database_user\\ndb.password=${password}\\n' > /etc/go/db.properties`,
      "/etc/init.d/go-server start",
    ].join(" && "),
    120_000,
  );
  assert.ok(
    await eventually(async () => (await health("198.18.0.11")) === 200, 30_000),
    "the operator's GoCD never became healthy",
  );
}

describe("provisioning an existing GoCD", { concurrency: false }, () => {
  it("adopts a running primary with its data; a second run restarts nothing and changes nothing", async () => {
    await existingPrimary();
    await provisionOk();
    assert.equal(
      (await psql("db-primary", "SELECT id FROM pipeline_history")).trim(),
      "42",
      "the primary's data was lost",
    );
    assert.ok(
      await eventually(
        async () => (await psql("db-standby", "SELECT id FROM pipeline_history").catch(() => "")).trim() === "42",
        10_000,
      ),
      "the existing data did not reach the standby",
    );
    assert.equal(await health("198.18.0.11"), 200);
    const pid = await serverPid();
    assert.notEqual(pid, "", "the primary GoCD server does not run");
    const again = await provisionOk();
    for (const [host, s] of Object.entries(recap(again)))
      assert.equal(s.changed, 0, `${host} changed on the second run`);
    assert.equal(await serverPid(), pid, "the second run restarted the primary GoCD server");
  });

  it("provisioning the standby side does not interrupt the primary's service", async () => {
    const [server, postmaster] = [await serverPid(), await postmasterPid()];
    assert.notEqual(server, "", "the primary GoCD server does not run");
    // The standby side in disrepair: its database stopped, its share unmounted, its GoCD config gone.
    await ok("db-standby", "pg_ctlcluster 15 main stop");
    await ok("gocd-standby", "umount /var/lib/go-server/artifacts-share && rm -f /etc/go/db.properties");
    const mark = Number((await ok("agent1", "wc -l < /var/log/go-agent/go-agent.log")).trim());
    let down = 0;
    let probing = true;
    const probe = (async () => {
      while (probing) {
        if ((await health(LAB_NET.vip)) !== 200) down++;
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    try {
      await provisionOk();
    } finally {
      probing = false;
      await probe;
    }
    assert.equal(down, 0, "GoCD did not answer through the VIP during the provision run");
    assert.equal(await serverPid(), server, "the primary GoCD server was restarted");
    assert.equal(await postmasterPid(), postmaster, "the primary database was restarted");
    const pings = await ok("agent1", `tail -n +${mark + 1} /var/log/go-agent/go-agent.log`);
    assert.match(pings, /ping ok/);
    assert.doesNotMatch(pings, /ping failed/, "the agent lost GoCD during the provision run");
    assert.equal((await sh("gocd-standby", "/etc/init.d/go-server status")).code, 3, "the standby GoCD server runs");
  });

  // Someone starts the standby's GoCD by hand against the primary's database (the only way it can run):
  // two healthy servers write to one database. Every command refuses and leaves both as they are.
  it("two running GoCD servers are a split brain: provision, drift and status refuse and change nothing", async () => {
    const props = "/etc/go/db.properties";
    const original = await ok("gocd-standby", `cat ${props}`);
    await ok(
      "gocd-standby",
      `sed -i 's|^db.url=.*|db.url=jdbc:postgresql://db-primary:5432/gocd|' ${props} && /etc/init.d/go-server start >/dev/null`,
    );
    try {
      assert.ok(
        await eventually(async () => (await health("198.18.0.12")) === 200, 30_000),
        "the standby's GoCD never became healthy on the primary's database",
      );
      const pids = async () => [await serverPid(), await goServerPid("gocd-standby")];
      const files = async () =>
        `${await ok("gocd-standby", `md5sum ${props} /etc/go/cruise-config.xml`)} at boot: ${await enabledAtBoot("gocd-standby", "go-server")}`;
      const [pidsBefore, filesBefore] = [await pids(), await files()];
      assert.ok(pidsBefore.every(Boolean), `a GoCD server does not run: ${pidsBefore.join(", ")}`);
      for (const command of ["provision", "drift"]) {
        const r = await cli([command, ...labInventory()]);
        assert.equal(r.code, 1, told(r));
        assert.match(r.stderr, /SPLIT BRAIN/);
        assert.match(r.stderr, /two GoCD servers are running: gocd-primary and gocd-standby/);
        assert.doesNotMatch(r.stdout, /PLAY \[/, `${command} ran a play despite the split brain`);
      }
      const status = await cli(["status", ...labInventory(), "--json"]);
      assert.equal(status.code, 1);
      assert.match(
        (JSON.parse(status.stdout) as { problems: string[] }).problems.join(" "),
        /two GoCD servers are running/,
      );
      assert.deepEqual(await pids(), pidsBefore, "a GoCD server was stopped or restarted");
      assert.equal(await files(), filesBefore);
      for (const ip of ["198.18.0.11", "198.18.0.12"]) assert.equal(await health(ip), 200);
    } finally {
      await ok(
        "gocd-standby",
        `/etc/init.d/go-server stop >/dev/null; echo ${Buffer.from(original).toString("base64")} | base64 -d > ${props}`,
      );
    }
    assert.equal(await ok("gocd-standby", `cat ${props}`), original);
  });

  it("two writable databases are a split brain: provision, drift and status refuse and change nothing", async () => {
    await ok("db-standby", `cd / && su postgres -c "psql -Atc 'SELECT pg_promote()'"`);
    assert.ok(
      await eventually(async () => (await psql("db-standby", "SELECT pg_is_in_recovery()")).trim() === "f", 10_000),
    );
    const before = await ok(
      "db-standby",
      "md5sum /etc/postgresql/15/main/postgresql.conf /var/lib/postgresql/15/main/postgresql.auto.conf",
    );
    for (const command of ["provision", "drift"]) {
      const r = await cli([command, ...labInventory()]);
      assert.equal(r.code, 1, told(r));
      assert.match(r.stderr, /SPLIT BRAIN/);
      assert.match(r.stderr, /two writable databases: db-primary and db-standby/);
      assert.doesNotMatch(r.stdout, /PLAY \[/, `${command} ran a play despite the split brain`);
    }
    const status = await cli(["status", ...labInventory(), "--json"]);
    assert.equal(status.code, 1);
    assert.match((JSON.parse(status.stdout) as { problems: string[] }).problems.join(" "), /two writable databases/);
    assert.equal(
      await ok(
        "db-standby",
        "md5sum /etc/postgresql/15/main/postgresql.conf /var/lib/postgresql/15/main/postgresql.auto.conf",
      ),
      before,
    );
  });
});
