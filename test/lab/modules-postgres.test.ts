// Timelines of the Postgres modules on a real cluster of this test's own (15/gbcmod, port 5457) on
// db-standby, reached both ways: psql as the postgres OS user (no password) and pg over the SSH stream
// with a password. postgres_facts is checked on a real primary + streaming standby (agent1) pair.
import { after, before, test } from "node:test";
import "./fresh-sshd-lab.js";
import assert from "node:assert/strict";
import type { TaskResult } from "../../src/modules/contract.js";
import { renderString } from "../../src/template/engine.js";
import { closeLabConnections, runModule } from "./module-harness.js";
import { eventually, host, ok, sh } from "./lab-access.js";

const P = "db-standby";
const S = "agent1";
const PORT = 5457;
const CLUSTER = `15 gbcmod`;
const ADMIN_PW = "adm-Secret-4e1f";
const REPL_PW = "repl-Secret-9c2b";
const peer = { port: PORT };
const creds = { port: PORT, login_host: "127.0.0.1", login_user: "gbc_admin", login_password: ADMIN_PW };

function changed(r: TaskResult): Extract<TaskResult, { status: "changed" }> {
  assert.equal(r.status, "changed", JSON.stringify(r));
  return r as Extract<TaskResult, { status: "changed" }>;
}

function okBecause(r: TaskResult, reason: RegExp): Extract<TaskResult, { status: "ok" }> {
  assert.equal(r.status, "ok", JSON.stringify(r));
  assert.match((r as Extract<TaskResult, { status: "ok" }>).reason, reason);
  return r as Extract<TaskResult, { status: "ok" }>;
}

/** No password may appear anywhere in a result (messages, diffs, data). */
function noSecrets(r: TaskResult): TaskResult {
  const text = JSON.stringify(r);
  for (const s of [ADMIN_PW, REPL_PW, "new-Secret-77aa"])
    assert.ok(!text.includes(s), `a password leaked into ${text}`);
  return r;
}

const psql = (h: string, sql: string) => ok(h, `su postgres -c ${JSON.stringify(`psql -X -p ${PORT} -Atc "${sql}"`)}`);
const dropCluster = `pg_dropcluster --stop ${CLUSTER} 2>/dev/null; rm -rf /etc/postgresql/15/gbcmod /var/lib/postgresql/15/gbcmod; true`;

before(async () => {
  await ok(
    P,
    [
      dropCluster,
      `pg_createcluster ${CLUSTER} -p ${PORT} -- --auth-local=peer --auth-host=scram-sha-256 >/dev/null`,
      `echo "listen_addresses = '*'" > /etc/postgresql/15/gbcmod/conf.d/gbc.conf`,
      `printf 'host all all 198.18.0.0/24 scram-sha-256\\nhost replication all 198.18.0.0/24 scram-sha-256\\n' >> /etc/postgresql/15/gbcmod/pg_hba.conf`,
      // The socket access path: peer auth sees the SSH login user (root), mapped to postgres in pg_ident.
      `sed -i '1i local all postgres peer map=gbc' /etc/postgresql/15/gbcmod/pg_hba.conf`,
      `printf 'gbc root postgres\\ngbc postgres postgres\\n' >> /etc/postgresql/15/gbcmod/pg_ident.conf`,
    ].join(" && "),
  );
});

after(async () => {
  await closeLabConnections();
  await sh(S, dropCluster);
  await sh(P, dropCluster);
});

test("service drives a PostgreSQL cluster through pg_ctlcluster where there is no systemd", async () => {
  const args = { name: "postgresql@15-gbcmod", state: "started", enabled: true };
  assert.match(
    changed(await runModule(P, "service", args, { check: true })).summary,
    /start postgresql@15-gbcmod \(pg_ctlcluster\)/,
  );
  assert.equal((await sh(P, `pg_ctlcluster ${CLUSTER} status`)).code, 3, "check mode started the cluster");
  changed(await runModule(P, "service", args));
  assert.equal((await sh(P, `pg_ctlcluster ${CLUSTER} status`)).code, 0);
  okBecause(
    await runModule(P, "service", args),
    /postgresql@15-gbcmod is running and enabled at boot \(pg_ctlcluster\)/,
  );
});

test("postgres_user: roles by peer auth (psql as postgres) and over the ssh stream; the password never shows", async () => {
  const admin = { ...peer, name: "gbc_admin", password: ADMIN_PW, role_attr_flags: "SUPERUSER,LOGIN" };
  const check = changed(noSecrets(await runModule(P, "postgres_user", admin, { check: true })));
  assert.match(check.diff[0]?.after ?? "", /attributes: SUPERUSER LOGIN\n.*\npassword: \(set\)/);
  assert.equal(
    await psql(P, "SELECT count(*) FROM pg_roles WHERE rolname = 'gbc_admin'"),
    "0\n",
    "check mode created the role",
  );
  changed(noSecrets(await runModule(P, "postgres_user", admin)));
  okBecause(
    noSecrets(await runModule(P, "postgres_user", admin)),
    /role gbc_admin has the wanted attributes and password/,
  );
  assert.match(await psql(P, "SELECT rolpassword FROM pg_authid WHERE rolname = 'gbc_admin'"), /^SCRAM-SHA-256\$4096:/);

  const repl = { ...creds, name: "gbc_repl", password: REPL_PW, role_attr_flags: "REPLICATION,LOGIN" };
  changed(noSecrets(await runModule(P, "postgres_user", repl)));
  okBecause(noSecrets(await runModule(P, "postgres_user", repl)), /has the wanted attributes and password/);
  const pw = changed(
    noSecrets(await runModule(P, "postgres_user", { ...repl, password: "new-Secret-77aa", conn_limit: 5 })),
  );
  assert.match(pw.diff[0]?.after ?? "", /connection limit: 5\npassword: \(changed\)/);
  changed(noSecrets(await runModule(P, "postgres_user", repl)));
  okBecause(
    noSecrets(await runModule(P, "postgres_user", { ...repl, role_attr_flags: "NOSUPERUSER" })),
    /wanted attributes/,
  );
  const wrong = await runModule(P, "postgres_user", { ...repl, login_password: "wrong-pass-x" });
  assert.equal(wrong.status, "failed");
  assert.match((wrong as { error: string }).error, /password authentication failed for user "gbc_admin"/);

  const gone = { ...creds, name: "gbc_gone", state: "absent" };
  changed(await runModule(P, "postgres_user", { ...gone, state: "present" }));
  changed(await runModule(P, "postgres_user", gone, { check: true }));
  changed(await runModule(P, "postgres_user", gone));
  okBecause(await runModule(P, "postgres_user", gone), /role gbc_gone does not exist/);
});

test("the pg client over the forwarded unix socket, as root mapped to postgres by pg_ident", async () => {
  const viaSocket = { port: PORT, login_unix_socket: "/var/run/postgresql", login_user: "postgres" };
  const r = okBecause(
    await runModule(P, "postgres_query", { ...viaSocket, query: "SELECT current_user AS who" }),
    /1 row/,
  );
  assert.deepEqual(r.data.query_result, [{ who: "postgres" }]);
  const denied = await runModule(P, "postgres_query", { ...viaSocket, login_user: "gbc_repl", query: "SELECT 1" });
  assert.match(
    (denied as { error: string }).error,
    /pg over ssh to \/var\/run\/postgresql\/\.s\.PGSQL\.5457 as gbc_repl\): .*(Peer authentication failed|no pg_hba.conf entry)/,
  );
});

test("postgres_slot: a physical slot created (reserving WAL) and dropped", async () => {
  const slot = { ...creds, name: "gbc_standby_slot", immediately_reserve: true };
  changed(await runModule(P, "postgres_slot", slot, { check: true }));
  assert.equal(await psql(P, "SELECT count(*) FROM pg_replication_slots"), "0\n", "check mode created the slot");
  const made = changed(await runModule(P, "postgres_slot", slot));
  assert.match(String(made.data.restart_lsn), /^[0-9A-F]+\/[0-9A-F]+$/);
  okBecause(await runModule(P, "postgres_slot", slot), /replication slot gbc_standby_slot exists \(physical\)/);
  const other = { ...peer, name: "gbc_other_slot" };
  changed(await runModule(P, "postgres_slot", other));
  changed(await runModule(P, "postgres_slot", { ...other, state: "absent" }, { check: true }));
  changed(await runModule(P, "postgres_slot", { ...other, state: "absent" }));
  okBecause(await runModule(P, "postgres_slot", { ...other, state: "absent" }), /gbc_other_slot does not exist/);
});

test("postgres_setting: ALTER SYSTEM with unit-aware comparison, reload for sighup settings, restart reported for postmaster ones", async () => {
  const workMem = { ...creds, name: "work_mem", value: "64MB" };
  changed(await runModule(P, "postgres_setting", workMem, { check: true }));
  assert.equal(await psql(P, "SHOW work_mem"), "4MB\n", "check mode changed the setting");
  const applied = changed(await runModule(P, "postgres_setting", workMem));
  assert.equal(applied.data.restart_required, false);
  assert.ok(
    await eventually(async () => (await psql(P, "SHOW work_mem")) === "64MB\n", 5000),
    "the reload did not apply work_mem",
  );
  okBecause(await runModule(P, "postgres_setting", workMem), /work_mem is 64MB \(now 65536 kB\)/);
  okBecause(
    await runModule(P, "postgres_setting", { ...peer, name: "work_mem", value: "65536kB" }),
    /work_mem is 65536kB/,
  );

  const maxConn = { ...creds, name: "max_connections", value: 120 };
  const conn = changed(await runModule(P, "postgres_setting", maxConn));
  assert.equal(conn.data.restart_required, true);
  assert.equal(conn.data.pending_restart, true);
  const again = okBecause(
    await runModule(P, "postgres_setting", maxConn),
    /max_connections is 120 \(now 100, applied at the next restart\)/,
  );
  assert.deepEqual([again.data.restart_required, again.data.pending_restart], [true, true]);
  assert.equal(
    (await runModule(P, "postgres_setting", { ...creds, name: "no_such_setting", value: 1 })).status,
    "failed",
  );
});

test("postgres_query: statements run only in apply, SELECTs while planning; arguments bound", async () => {
  const create = { ...creds, query: "CREATE TABLE gbc_items (id int PRIMARY KEY, label text)" };
  changed(await runModule(P, "postgres_query", create, { check: true }));
  assert.equal(await psql(P, "SELECT to_regclass('gbc_items') IS NULL"), "t\n", "check mode ran the statement");
  assert.equal(changed(await runModule(P, "postgres_query", create)).data.statusmessage, "CREATE");
  const insert = {
    ...peer,
    query: "INSERT INTO gbc_items VALUES (%s, %s), (2, 'two') ON CONFLICT DO NOTHING",
    positional_args: [1, "o'ne"],
  };
  const ins = changed(await runModule(P, "postgres_query", insert));
  assert.deepEqual([ins.data.rowcount, ins.data.statusmessage], [2, "INSERT 0 2"]);
  const select = {
    ...creds,
    query: "SELECT id, label FROM gbc_items WHERE label = %(label)s OR id = %(id)s ORDER BY id",
    named_args: { label: "o'ne", id: 2 },
  };
  const rows = okBecause(await runModule(P, "postgres_query", select), /read-only statement \(SELECT 2\): 2 row\(s\)/);
  assert.deepEqual(rows.data.query_result, [
    { id: 1, label: "o'ne" },
    { id: 2, label: "two" },
  ]);
  const viaPsql = okBecause(
    await runModule(
      P,
      "postgres_query",
      { ...select, ...peer, login_user: undefined, login_password: undefined, login_host: undefined },
      { check: true },
    ),
    /2 row\(s\)/,
  );
  assert.deepEqual(viaPsql.data.query_result, rows.data.query_result);
  okBecause(await runModule(P, "postgres_query", { ...peer, query: "SHOW max_connections" }), /SHOW/);
  const promoteLike = { ...creds, query: "SELECT pg_create_physical_replication_slot('gbc_query_slot')" };
  changed(await runModule(P, "postgres_query", promoteLike, { check: true }));
  assert.equal(await psql(P, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'gbc_query_slot'"), "0\n");
  const failed = await runModule(P, "postgres_query", { ...creds, query: "SELECT * FROM no_such_table" });
  assert.match((failed as { error: string }).error, /relation "no_such_table" does not exist/);
});

test("a psql meta-command in a name, a statement or a parameter runs nothing on the host and is refused", async () => {
  const pwned = "/tmp/pwned";
  const meta = `\\! touch ${pwned}`;
  await ok(P, `rm -f ${pwned}`);
  const refused = async (module: string, args: Record<string, unknown>, message: RegExp) => {
    const r = await runModule(P, module, args);
    assert.equal(r.status, "failed", JSON.stringify(r));
    assert.match((r as { error: string }).error, message);
  };
  await refused(
    "postgres_user",
    { ...peer, name: `x${meta}` },
    /invalid arguments for postgres_user: name: .*expected a PostgreSQL name/,
  );
  await refused(
    "postgres_query",
    { ...peer, db: `postgres${meta}`, query: "SELECT 1" },
    /db: .*expected a PostgreSQL name/,
  );
  await refused("postgres_slot", { ...peer, name: `s${meta}` }, /expected a replication slot name/);
  await refused("postgres_setting", { ...peer, name: `work_mem${meta}`, value: 1 }, /expected a setting name/);
  // A name rendered raw into SQL text ends its quoted identifier: psql used to run what followed as a command.
  await refused(
    "postgres_query",
    { ...peer, query: `CREATE DATABASE "gbc_x" ${meta}\n"" OWNER "gbc_admin"` },
    /syntax error/,
  );
  await refused("postgres_query", { ...peer, query: `SELECT 1 AS "x" ${meta}\n" AS y` }, /syntax error/);
  // The roles render names through quote_ident, which refuses such a name before any SQL exists.
  const where = { loc: { file: "main.yml", line: 1, col: 1 }, task: "GoCD's database" };
  assert.throws(
    () => renderString("CREATE DATABASE {{ quote_ident n }}", { n: `gocd${meta}` }, where),
    /quote_ident: .* is not a PostgreSQL name .* in task 'GoCD's database'/,
  );
  // A %s inside a comment is no placeholder, so a parameter's newline cannot end the comment.
  await refused(
    "postgres_query",
    { ...peer, query: "SELECT 1 -- %s", positional_args: [`\n${meta}\n`] },
    /no placeholder/,
  );
  for (const via of [peer, creds]) {
    const echoed = okBecause(
      await runModule(P, "postgres_query", {
        ...via,
        query: "SELECT %s AS v -- note",
        positional_args: [`\n${meta}\n`],
      }),
      /1 row/,
    );
    assert.deepEqual(echoed.data.query_result, [{ v: `\n${meta}\n` }]);
  }
  assert.equal((await sh(P, `test -e ${pwned}`)).code, 1, `a psql meta-command ran on ${P}`);
  assert.equal(await psql(P, "SELECT count(*) FROM pg_database WHERE datname LIKE 'gbc_x%'"), "0\n");
});

test("postgres_facts: a primary and its streaming standby (pg_basebackup -R into agent1)", async () => {
  const primaryIp = host(P).ip;
  await ok(
    S,
    [
      dropCluster,
      `pg_createcluster ${CLUSTER} -p ${PORT} >/dev/null`,
      "rm -rf /var/lib/postgresql/15/gbcmod && install -d -o postgres -g postgres -m 0700 /var/lib/postgresql/15/gbcmod",
      `su postgres -c "PGPASSWORD=${REPL_PW} pg_basebackup -h ${primaryIp} -p ${PORT} -U gbc_repl -D /var/lib/postgresql/15/gbcmod -R -c fast -X stream -S gbc_standby_slot"`,
      `pg_ctlcluster ${CLUSTER} start`,
    ].join(" && "),
    120_000,
  );
  const streaming = async () =>
    (await psql(P, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")) === "1\n";
  assert.ok(await eventually(streaming, 20_000), "the standby never streamed");
  await psql(P, "INSERT INTO gbc_items SELECT g, 'x' FROM generate_series(10, 1000) g");

  const primary = noSecrets(
    okBecause(
      await runModule(P, "postgres_facts", creds),
      /^PostgreSQL 15\.\d+.*: primary at [0-9A-F]+\/[0-9A-F]+ with 1 standby/,
    ),
  );
  const pf = (primary as unknown as { data: { postgres: Record<string, any> } }).data.postgres;
  assert.equal(pf.in_recovery, false);
  assert.equal(pf.replication.length, 1);
  assert.equal(pf.replication[0].client_addr, host(S).ip);
  assert.equal(pf.replication[0].state, "streaming");
  assert.equal(typeof pf.replication[0].lag_bytes, "number");
  assert.deepEqual(
    pf.slots.map((s: { slot_name: string; active: boolean }) => [s.slot_name, s.active]),
    [["gbc_standby_slot", true]],
  );
  assert.deepEqual(pf.pending_restart_settings, ["max_connections"]);
  assert.equal(pf.settings.wal_level, "replica");

  const standby = noSecrets(
    okBecause(await runModule(S, "postgres_facts", peer), /standby replaying at [0-9A-F]+\/[0-9A-F]+/),
  );
  const sf = (standby as unknown as { data: { postgres: Record<string, any> } }).data.postgres;
  assert.equal(sf.in_recovery, true);
  assert.equal(sf.current_lsn, null);
  assert.equal(sf.system_identifier, pf.system_identifier);
  assert.equal(sf.wal_receiver.status, "streaming");
  assert.equal(sf.wal_receiver.slot_name, "gbc_standby_slot");
  assert.equal(sf.wal_receiver.sender_host, primaryIp);
  assert.equal(
    sf.settings.primary_conninfo,
    undefined,
    "primary_conninfo (it holds the password) must not be reported",
  );
  const caughtUp = async () => {
    const r = await runModule(P, "postgres_facts", { ...creds, filter: ["replication"] });
    const rep = (r as unknown as { data: { postgres: { replication: { lag_bytes: number }[] } } }).data.postgres
      .replication;
    return rep[0]?.lag_bytes === 0;
  };
  assert.ok(await eventually(caughtUp, 15_000), "the standby's replay lag never reached 0 bytes");
});

test("psql as postgres: a run's statements share one session; each task starts clean; a restart between tasks is survived", async () => {
  const q = (query: string) => runModule(P, "postgres_query", { ...peer, query });
  const one = async (query: string) =>
    (okBecause(await q(query), /1 row/).data.query_result as Record<string, unknown>[])[0] ?? {};
  const pid = async () => Number((await one("SELECT pg_backend_pid() AS pid")).pid);
  const first = await pid();
  assert.equal(await pid(), first, "the second statement ran in a psql of its own");
  assert.notEqual((await q("SET application_name = 'leaked'")).status, "failed");
  assert.notEqual(
    (await one("SELECT current_setting('application_name') AS n")).n,
    "leaked",
    "a SET reached the next task",
  );

  const bad = await q("SELECT * FROM gocd_bc_no_such_table");
  assert.equal(bad.status, "failed");
  assert.match((bad as { error: string }).error, /relation "gocd_bc_no_such_table" does not exist/);
  assert.equal(await pid(), first, "a failed statement ended the session");

  await ok(P, `pg_ctlcluster ${CLUSTER} restart`);
  const again = await pid();
  assert.ok(Number.isInteger(again) && again !== first, "the statement after the restart did not get a new session");
});
