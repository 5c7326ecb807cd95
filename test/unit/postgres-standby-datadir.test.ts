// postgres_standby_datadir: what provisioning does with the data directory a standby is to run on, for every
// kind of directory an operator may find there; the parser against pg_controldata's report captured from
// PostgreSQL 15; and the module on real directories of this machine, in check mode and in a real run.
import assert from "node:assert/strict";
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { LocalConnection } from "../../src/connection/local-connection.js";
import {
  parseDataDir,
  standbyAction,
  type DataDir,
  type StandbyWanted,
} from "../../src/modules/postgres_standby_datadir/index.js";
import { runLocalModule } from "./local-modules.js";

const PRIMARY_ID = "7714506602246050519";
const OTHER_ID = "7712501835635683572";
const DATA = "/var/lib/postgresql/15/main";

/** A data directory as the module reads it: nothing there unless said otherwise. */
const dir = (facts: Partial<DataDir>): DataDir => ({
  path: DATA,
  exists: true,
  empty: false,
  pgdata: false,
  system_identifier: "",
  state: "",
  standby_signal: false,
  ever_started: false,
  running: false,
  ...facts,
});

const noDirectory = dir({ exists: false });
const emptyDirectory = dir({ empty: true });
/** What Debian's package leaves: initdb's cluster, no server ever started on it. */
const packageCluster = dir({ pgdata: true, system_identifier: OTHER_ID, state: "shut down" });
const standbyOfPrimary = dir({
  pgdata: true,
  system_identifier: PRIMARY_ID,
  state: "in archive recovery",
  standby_signal: true,
  ever_started: true,
  running: true,
});
/** After a switchover that did not finish: this cluster, writable once, no standby.signal. */
const formerPrimary = dir({ pgdata: true, system_identifier: PRIMARY_ID, state: "shut down", ever_started: true });
const standbyOfAnotherPrimary = { ...standbyOfPrimary, system_identifier: OTHER_ID };
/** A cluster initdb'd and used on its own where the standby belongs. */
const anotherCluster = dir({ pgdata: true, system_identifier: OTHER_ID, state: "in production", ever_started: true });
const strangersFiles = dir({});

const asked = (reclone = ""): StandbyWanted => ({ primarySystemIdentifier: PRIMARY_ID, reclone, host: "db-standby" });
const action = (d: DataDir, reclone = "") => standbyAction(d, asked(reclone)).action;

describe("what provisioning does with a standby's data directory", () => {
  it("clones the primary where there is no data directory yet, or an empty one", () => {
    assert.deepEqual(standbyAction(noDirectory, asked()), {
      action: "clone",
      reason: `${DATA} does not exist: the primary is cloned into it`,
    });
    assert.deepEqual(standbyAction(emptyDirectory, asked()), {
      action: "clone",
      reason: `${DATA} is empty: the primary is cloned into it`,
    });
    assert.equal(action(noDirectory, "db-standby"), "clone");
  });

  it("keeps a standby of this primary, even when postgres_standby_reclone names this host", () => {
    assert.deepEqual(standbyAction(standbyOfPrimary, asked()), {
      action: "keep",
      reason: `${DATA} is a standby of the primary (system identifier ${PRIMARY_ID}): it is kept`,
    });
    assert.equal(action(standbyOfPrimary, "db-standby"), "keep");
    assert.equal(action({ ...standbyOfPrimary, running: false, state: "shut down in recovery" }), "keep");
  });

  it("replaces the never-started cluster Debian's package leaves, without being asked", () => {
    assert.deepEqual(standbyAction(packageCluster, asked()), {
      action: "replace-new",
      reason: `${DATA} is a new cluster no server ever ran on: it is moved aside and the primary cloned`,
    });
    assert.equal(action(packageCluster, "db-standby"), "replace-new");
  });

  it("does not take a cluster for new once a server started on it, runs on it, or it is a standby, or not shut down", () => {
    for (const d of [
      { ...packageCluster, ever_started: true },
      { ...packageCluster, running: true },
      { ...packageCluster, standby_signal: true },
      { ...packageCluster, state: "in production" },
      { ...packageCluster, state: "shut down in recovery" },
    ])
      assert.equal(action(d), "refuse", JSON.stringify(d));
  });

  it("refuses what is not a standby of this primary, saying what it holds", () => {
    assert.deepEqual(standbyAction(anotherCluster, asked()), {
      action: "refuse",
      reason: `${DATA} is not a standby of the primary (system identifier '${OTHER_ID}', the primary's is '${PRIMARY_ID}'; state 'in production'): it is left untouched`,
    });
    assert.match(standbyAction(standbyOfAnotherPrimary, asked()).reason, /state 'in archive recovery', a standby\)/);
    assert.equal(action(formerPrimary), "refuse");
    assert.deepEqual(standbyAction(strangersFiles, asked()), {
      action: "refuse",
      reason: `${DATA} is not empty and not a PostgreSQL data directory: it is left untouched`,
    });
  });

  it("replaces any of those when postgres_standby_reclone names this host, and only this host", () => {
    for (const d of [anotherCluster, standbyOfAnotherPrimary, formerPrimary, strangersFiles]) {
      assert.equal(action(d, "db-standby"), "replace-asked", JSON.stringify(d));
      assert.equal(action(d, "db-primary"), "refuse", JSON.stringify(d));
      assert.equal(action(d, "db-standby-2"), "refuse", JSON.stringify(d));
    }
    assert.deepEqual(standbyAction(strangersFiles, asked("db-standby")), {
      action: "replace-asked",
      reason: `${DATA} is not empty and not a PostgreSQL data directory, and postgres_standby_reclone names db-standby: it is moved aside and the primary cloned`,
    });
  });
});

/** pg_controldata's report on PostgreSQL 15, trimmed to its first lines: a standby that runs. */
const STANDBY_CONTROLDATA = `pg_control version number:            1300
Catalog version number:               202209061
Database system identifier:           7714506602246050519
Database cluster state:               in archive recovery
pg_control last modified:             Wed Dec  2 01:05:43 2026
Latest checkpoint location:           0/2000060
Maximum length of identifiers:        64
`;

const flags = (on: string[]) =>
  ["exists", "empty", "pgdata", "standby_signal", "ever_started", "running"]
    .map((f) => `${f}=${on.includes(f)}`)
    .join("\n");

describe("reading a data directory", () => {
  it("takes the identifier and the state from pg_controldata's report", () => {
    const out = `${flags(["exists", "pgdata", "standby_signal", "ever_started", "running"])}\n${STANDBY_CONTROLDATA}`;
    assert.deepEqual(parseDataDir(DATA, out), { ok: true, dir: standbyOfPrimary });
  });

  it("reads no identifier or state where pg_controldata said nothing", () => {
    assert.deepEqual(parseDataDir(DATA, `${flags(["exists", "empty"])}\n`), { ok: true, dir: emptyDirectory });
  });

  it("refuses output that does not say every flag", () => {
    assert.deepEqual(parseDataDir(DATA, "exists=true\nempty=maybe\n"), {
      ok: false,
      error: `reading ${DATA} said neither true nor false of empty, pgdata, standby_signal, ever_started, running`,
    });
  });
});

describe("postgres_standby_datadir on this machine", () => {
  const conn = new LocalConnection("db-standby");
  let root = "";
  let bin = "";
  const data = () => path.join(root, "data dir");
  const run = (reclone: string, check = false) =>
    runLocalModule(
      conn,
      "postgres_standby_datadir",
      { path: data(), bin_dir: bin, primary_system_identifier: PRIMARY_ID, reclone },
      check,
    );
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "gocd-bc-datadir-"));
    // pg_controldata as PostgreSQL prints it, so the test needs no PostgreSQL.
    bin = path.join(root, "bin");
    await mkdir(bin);
    await writeFile(path.join(bin, "pg_controldata"), `#!/bin/sh\ncat <<'EOF'\n${STANDBY_CONTROLDATA}EOF\n`);
    await chmod(path.join(bin, "pg_controldata"), 0o755);
  });
  after(async () => {
    await conn.close();
    await rm(root, { recursive: true, force: true });
  });

  it("registers the facts and the action, the same in check mode, and writes nothing", async () => {
    const absent = await run("");
    assert.equal(absent.status, "ok", JSON.stringify(absent));
    assert.equal(
      absent.status === "ok" && absent.reason,
      `clone: ${data()} does not exist: the primary is cloned into it`,
    );
    assert.deepEqual(absent.data, { datadir: { ...noDirectory, path: data() }, action: "clone" });

    await mkdir(data());
    assert.equal((await run("")).data.action, "clone");
    await writeFile(path.join(data(), "PG_VERSION"), "15\n");
    await writeFile(path.join(data(), "standby.signal"), "");
    await writeFile(path.join(data(), "postmaster.opts"), "");
    const before = await readdir(data());
    for (const check of [false, true]) {
      const kept = await run("db-standby", check);
      assert.equal(kept.status, "ok", JSON.stringify(kept));
      assert.deepEqual(kept.data, {
        datadir: { ...standbyOfPrimary, path: data(), running: false },
        action: "keep",
      });
    }
    assert.deepEqual(await readdir(data()), before, "reading changed the directory");

    await rm(path.join(data(), "standby.signal"));
    assert.equal((await run("")).data.action, "refuse");
    assert.equal((await run("db-standby")).data.action, "replace-asked");
  });
});
