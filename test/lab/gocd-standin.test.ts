// The GoCD stand-in goes through the production path (apt source + apt-get install) in a lab host and
// behaves like GoCD towards its database: it refuses to start on a read-only replica and serves on a primary.
import { test } from "node:test";
import "./fresh-lab.js";
import assert from "node:assert/strict";
import { LAB_APT_MOUNT } from "../../src/lab/topology.js";
import { eventually, gocdHealth, host, ok, sh } from "./lab-access.js";

const CLUSTER = "15 standin";
const PORT = 5440;
const aptSource = `deb [trusted=yes] file:${LAB_APT_MOUNT} ./`;
const aptOnlyGocd =
  "-o Dir::Etc::sourcelist=sources.list.d/gocd.list -o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0";

/** A new cluster that listens on the lab network and takes passwords from lab addresses. */
const newCluster = [
  `pg_createcluster ${CLUSTER} -p ${PORT} >/dev/null`,
  `echo "listen_addresses = '*'" > /etc/postgresql/15/standin/conf.d/lab.conf`,
  `echo "host all,replication all 198.18.0.0/24 scram-sha-256" >> /etc/postgresql/15/standin/pg_hba.conf`,
];

/** A primary on db-primary and a streaming replica of it on db-standby, both for the stand-in's database. */
async function primaryAndReplica(): Promise<void> {
  await ok(
    "db-primary",
    [
      ...newCluster,
      `pg_ctlcluster ${CLUSTER} start`,
      `su postgres -c "psql -p ${PORT} -qc \\"CREATE ROLE gocd LOGIN REPLICATION PASSWORD 'gocd-pw'\\" -c 'CREATE DATABASE gocd OWNER gocd'"`,
    ].join(" && "),
  );
  await ok(
    "db-standby",
    [
      ...newCluster,
      "rm -rf /var/lib/postgresql/15/standin/*",
      "cd /",
      `su postgres -c "PGPASSWORD=gocd-pw pg_basebackup -h db-primary -p ${PORT} -U gocd -D /var/lib/postgresql/15/standin -R -X stream -c fast"`,
      `pg_ctlcluster ${CLUSTER} start`,
    ].join(" && "),
  );
  const inRecovery = await ok("db-standby", `su postgres -c "psql -p ${PORT} -Atc 'select pg_is_in_recovery()'"`);
  assert.equal(inRecovery.trim(), "t");
}

const dbProperties = (dbHost: string) =>
  `db.driver=org.postgresql.Driver\ndb.url=jdbc:postgresql://${dbHost}:${PORT}/gocd\ndb.user=gocd\ndb.password=gocd-pw\n`;

const health = (ip: string) => gocdHealth(ip, 2000);

test("go-server installs from the lab's apt repository, refuses a read-only replica, serves on a primary", async (t) => {
  const server = host("gocd-standby");
  t.after(async () => {
    await sh(
      server,
      "/etc/init.d/go-server stop; apt-get purge -y -qq go-server >/dev/null 2>&1; rm -f /etc/apt/sources.list.d/gocd.list",
    );
    await sh("db-standby", `pg_dropcluster --stop ${CLUSTER}`);
    await sh("db-primary", `pg_dropcluster --stop ${CLUSTER}`);
  });
  await primaryAndReplica();
  await ok(
    server,
    [
      `echo '${aptSource}' > /etc/apt/sources.list.d/gocd.list`,
      `apt-get update -qq ${aptOnlyGocd}`,
      "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq go-server >/dev/null",
    ].join(" && "),
    120_000,
  );
  assert.match(await ok(server, "dpkg-query -W -f '${Status} ${Version}' go-server"), /install ok installed .*standin/);
  assert.equal((await ok(server, "id -un go")).trim(), "go");

  await ok(server, `printf '${dbProperties("db-standby")}' > /etc/go/db.properties && /etc/init.d/go-server start`);
  const exited = await eventually(async () => (await sh(server, "/etc/init.d/go-server status")).code === 3, 15_000);
  assert.ok(exited, "go-server kept running against a read-only replica");
  assert.match(await ok(server, "cat /var/log/go-server/go-server.log"), /read-only transaction/);
  assert.equal(await health(server.ip), 0, "a refused server must not answer");

  await ok(server, `printf '${dbProperties("db-primary")}' > /etc/go/db.properties && /etc/init.d/go-server start`);
  assert.ok(
    await eventually(async () => (await health(server.ip)) === 200, 20_000),
    "health never became OK on the primary",
  );
  const rows = await ok(
    "db-primary",
    `su postgres -c "psql -p ${PORT} -d gocd -Atc 'select host from gocd_standin_schema_version'"`,
  );
  assert.match(rows, /gocd-standby/);
});
