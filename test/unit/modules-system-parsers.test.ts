// The pure parts of the system and Postgres modules, from captured text: fstab and /proc/mounts, sysctl
// files, dpkg-query and apt-cache output, setting units, password verifiers made by a real server,
// placeholder binding, statement classification and psql's output.
import { test } from "node:test";
import assert from "node:assert/strict";
import { findFstabEntry, liveMountAt, missingFlags, setFstabEntry } from "../../src/modules/support/fstab.js";
import { fileValue, normaliseValue, setFileValue } from "../../src/modules/sysctl/index.js";
import { parseAptPolicy, parseDpkgQuery, splitPin } from "../../src/modules/apt/index.js";
import { normaliseSetting } from "../../src/modules/postgres_setting/index.js";
import { parseRoleFlags, passwordMatches, scramVerifier } from "../../src/modules/postgres_user/index.js";
import { isReadOnly, toNumbered } from "../../src/modules/postgres_query/index.js";
import { inlineParams, jsonWrapped, parsePsqlOutput, psqlScript } from "../../src/modules/support/pg.js";
import { pgClusterUnit, startWord } from "../../src/modules/support/init-system.js";

test("fstab: entries replaced in place, escaped blanks, duplicates dropped, removal", () => {
  const text =
    "# static\nUUID=1 / ext4 defaults 0 1\nshare:/a /mnt/my\\040share nfs4 hard 0 0\nshare:/b /mnt/my\\040share nfs4 soft 0 0\n";
  assert.equal(findFstabEntry(text, "/mnt/my share")?.src, "share:/b");
  const entry = {
    src: "share:/c",
    path: "/mnt/my share",
    fstype: "nfs4",
    opts: "hard,vers=4.1",
    dump: "0",
    passno: "0",
  };
  assert.equal(
    setFstabEntry(text, "/mnt/my share", entry),
    "# static\nUUID=1 / ext4 defaults 0 1\nshare:/c /mnt/my\\040share nfs4 hard,vers=4.1 0 0\n",
  );
  assert.equal(setFstabEntry(text, "/mnt/my share", undefined), "# static\nUUID=1 / ext4 defaults 0 1\n");
  assert.equal(setFstabEntry("", "/x", { ...entry, path: "/x" }), "share:/c /x nfs4 hard,vers=4.1 0 0\n");
});

test("/proc/mounts: the top mount at a path and the visible flags it lacks", () => {
  const mounts =
    "root@share:/srv/a /mnt/gbc fuse.sshfs rw,nosuid,nodev,relatime,user_id=0,group_id=0 0 0\nroot@share:/srv/b /mnt/gbc fuse.sshfs ro,nosuid,nodev,relatime 0 0\n";
  const live = liveMountAt(mounts, "/mnt/gbc");
  assert.equal(live?.src, "root@share:/srv/b");
  assert.deepEqual(missingFlags("rw,noexec,IdentityFile=/k", live!), ["rw", "noexec"]);
  assert.equal(liveMountAt(mounts, "/mnt"), undefined);
});

test("sysctl files: last assignment wins, slashes are dots, values compare with blanks collapsed", () => {
  const text = "# x\nnet/ipv4/ip_forward = 0\nnet.ipv4.ip_forward=1\nvm.swappiness = 10\n";
  assert.equal(fileValue(text, "net.ipv4.ip_forward"), "1");
  assert.equal(setFileValue(text, "net.ipv4.ip_forward", "0"), "# x\nnet.ipv4.ip_forward=0\nvm.swappiness = 10\n");
  assert.equal(setFileValue(text, "vm.swappiness", undefined), "# x\nnet/ipv4/ip_forward = 0\nnet.ipv4.ip_forward=1\n");
  assert.equal(normaliseValue(" 4096\t87380  6291456 "), "4096 87380 6291456");
  assert.deepEqual([normaliseValue(true), normaliseValue("yes"), normaliseValue(0)], ["1", "1", "0"]);
});

test("apt: dpkg-query states, apt-cache policy versions, pinned names", () => {
  const dpkg = "go-agent\tii \t25.1.0-standin\nold\trc \t1.0\nnodejs\tii \t20.20.2-1\n";
  assert.deepEqual(
    [...parseDpkgQuery(dpkg)],
    [
      ["go-agent", "25.1.0-standin"],
      ["nodejs", "20.20.2-1"],
    ],
  );
  const policy =
    "go-agent:\n  Installed: (none)\n  Candidate: 25.1.0-standin\n  Version table:\n     25.1.0-standin 500\nnodejs:\n  Installed: 20.20.2-1\n  Candidate: 20.20.2-1\n";
  assert.deepEqual(Object.fromEntries(parseAptPolicy(policy)), {
    "go-agent": { installed: undefined, candidate: "25.1.0-standin" },
    nodejs: { installed: "20.20.2-1", candidate: "20.20.2-1" },
  });
  assert.deepEqual(splitPin("go-agent=25.1.0"), { name: "go-agent", version: "25.1.0" });
});

test("settings compare by unit: memory in bytes, time in ms, booleans and enums normalised", () => {
  assert.equal(normaliseSetting("64MB", "integer", "kB"), normaliseSetting("65536", "integer", "kB"));
  assert.equal(normaliseSetting("128MB", "integer", "8kB"), normaliseSetting("16384", "integer", "8kB"));
  assert.equal(normaliseSetting("1GB", "integer", "MB"), normaliseSetting("1024", "integer", "MB"));
  assert.equal(normaliseSetting("5min", "integer", "s"), normaliseSetting("300", "integer", "s"));
  assert.notEqual(normaliseSetting("64MB", "integer", "kB"), normaliseSetting("64", "integer", "kB"));
  assert.deepEqual(
    [
      normaliseSetting("true", "bool", null),
      normaliseSetting("OFF", "bool", null),
      normaliseSetting("Replica", "enum", null),
    ],
    ["on", "off", "replica"],
  );
});

test("password verifiers made by PostgreSQL 15 are matched by re-deriving them, and ours are SCRAM", () => {
  const server =
    "SCRAM-SHA-256$4096:6tgCk0BQvxPBllXz9Jn6ew==$Eofm0Yd9xADKe767ujUlQ9IHRefJmRg655q6zVrSjeo=:jMvPzKmpvLaF7gRQX8VqbH4HcLcDAuetlXIzdM0TSog=";
  assert.equal(passwordMatches(server, "pencil", "v"), true);
  assert.equal(passwordMatches(server, "pencil2", "v"), false);
  assert.equal(passwordMatches("md58bbf3f45673bf67d02e4214911f3417f", "pencil", "m"), true);
  assert.equal(passwordMatches(null, "pencil", "m"), false);
  assert.equal(passwordMatches(scramVerifier("s3cret"), "s3cret", "x"), true);
  assert.match(
    scramVerifier("s3cret"),
    /^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}$/,
  );
  assert.deepEqual(parseRoleFlags("REPLICATION,LOGIN nosuperuser"), {
    REPLICATION: true,
    LOGIN: true,
    SUPERUSER: false,
  });
  assert.equal(parseRoleFlags("LOGIN,WIZARD"), "WIZARD");
});

test("postgres_query: placeholders bound, read-only statements told from changing ones", () => {
  assert.deepEqual(toNumbered("SELECT %s, '%s', %s, 100%%", [1, 2], undefined), {
    text: "SELECT $1, '%s', $2, 100%",
    params: [1, 2],
  });
  assert.deepEqual(toNumbered("x = %(a)s OR y = %(a)s OR z = %(b)s", undefined, { a: 1, b: "q" }), {
    text: "x = $1 OR y = $1 OR z = $2",
    params: [1, "q"],
  });
  assert.deepEqual(toNumbered("SELECT $1", ["v"], undefined), { text: "SELECT $1", params: ["v"] });
  assert.match(String(toNumbered("SELECT %s, %s", [1], undefined)), /more %s placeholders/);
  for (const q of [
    "SELECT 1",
    "  -- c\n(SELECT * FROM t)",
    "SHOW work_mem",
    "WITH a AS (SELECT 1) SELECT * FROM a",
    "SELECT 'update me'",
  ])
    assert.equal(isReadOnly(q), true, q);
  for (const q of [
    "SELECT pg_promote()",
    "SELECT nextval('s')",
    "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d",
    "SELECT * INTO t2 FROM t",
    "SELECT * FROM t FOR UPDATE",
    "INSERT INTO t VALUES (1)",
    "CHECKPOINT",
  ])
    assert.equal(isReadOnly(q), false, q);
});

test("psql access: parameters inlined as literals, rows returned as JSON, command tags read", () => {
  assert.equal(
    inlineParams("SELECT $1, '$1', $2::text[]", ["o'ne", ["a", "b"]]),
    "SELECT 'o''ne', '$1', ARRAY['a', 'b']::text[]",
  );
  assert.match(jsonWrapped("SHOW work_mem") ?? "", /current_setting\('work_mem'\) AS "work_mem"/);
  assert.equal(jsonWrapped("CREATE TABLE t (a int)"), undefined);
  assert.match(jsonWrapped("INSERT INTO t VALUES (1) RETURNING a") ?? "", /^WITH q AS \(INSERT/);
  const { script } = psqlScript("SELECT 1;", true);
  assert.match(
    script,
    /BEGIN READ ONLY;\n\\echo __gocd_bc_begin__\n\\set QUIET off\nSELECT \$gocd_bc\$SELECT coalesce\(json_agg\(q\), '\[\]'::json\) FROM \(SELECT 1\n\) q\$gocd_bc\$ \\gexec\n/,
  );
  const rows = parsePsqlOutput('__gocd_bc_begin__\n[{"a":1}, \n {"a":2}]\n__gocd_bc_end__\n', true, "SELECT a FROM t");
  assert.deepEqual([rows.rows, rows.statusMessage], [[{ a: 1 }, { a: 2 }], "SELECT 2"]);
  const tag = parsePsqlOutput("__gocd_bc_begin__\nINSERT 0 3\n__gocd_bc_end__\n", false, "INSERT INTO t SELECT 1");
  assert.deepEqual([tag.command, tag.rowCount, tag.statusMessage], ["INSERT", 3, "INSERT 0 3"]);
});

test("service names: postgresql@V-C maps to pg_ctlcluster, start.conf's first word", () => {
  assert.deepEqual(pgClusterUnit("postgresql@15-main"), { version: "15", cluster: "main" });
  assert.deepEqual(pgClusterUnit("postgresql@15-gbc_mod.service"), { version: "15", cluster: "gbc_mod" });
  assert.equal(pgClusterUnit("postgresql"), undefined);
  assert.equal(startWord("# Automatic startup\n\nmanual\n"), "manual");
});
