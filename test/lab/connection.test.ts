// The connection layer against real sshd on lab hosts: host keys, commands, files, become, forwarding.
// Set-up and clean-up go through OpenSSH (lab-access) so a bug here cannot hide itself.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import "./fresh-lab.js";
import { cmd, command, secret } from "../../src/connection/command.js";
import { UnreachableError } from "../../src/connection/errors.js";
import { pgClientOver } from "../../src/connection/pg-over.js";
import { ConnectionPool } from "../../src/connection/pool.js";
import { connectSsh } from "../../src/connection/ssh-connect.js";
import type { SshTarget } from "../../src/connection/ssh-config.js";
import type { Connection } from "../../src/connection/types.js";
import { labPaths } from "../../src/lab/topology.js";
import { host, ok, sh } from "./lab-access.js";

const run = promisify(execFile);
const paths = labPaths();
const primary = host("gocd-primary");
const standby = host("gocd-standby");
const labUp = existsSync(path.join(paths.root, "ready"));
const SKIP = labUp ? false : `the lab is not up (no ${path.join(paths.root, "ready")}); start it with gocd-bc lab up`;

function target(ip: string, extra: Partial<SshTarget> = {}): SshTarget {
  return {
    name: ip,
    host: ip,
    user: "root",
    privateKeyFile: paths.privateKey,
    knownHostsFile: paths.knownHosts,
    sshConfigFile: false,
    ...extra,
  };
}

const tempDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "gbc-conn-"));
  tempDirs.push(dir);
  return dir;
}
after(async () => {
  await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })));
});

function unreachable(reason: UnreachableError["reason"], message?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof UnreachableError, `expected UnreachableError, got ${String(e)}`);
    assert.equal(e.reason, reason, e.message);
    if (message) assert.match(e.message, message);
    return true;
  };
}

describe("ssh connection on the lab", { skip: SKIP }, () => {
  let conn: Connection;
  before(async () => {
    conn = await connectSsh(target(primary.ip, { name: primary.name }));
  });
  after(async () => {
    await conn?.close();
  });

  it("runs many commands, in sequence and in parallel, over one connection", async () => {
    const sshdPid = async () => {
      const r = await conn.run(cmd`ps -o ppid= -p $$`);
      assert.equal(r.kind, "exited");
      return r.stdout.trim();
    };
    const first = await sshdPid();
    for (let i = 0; i < 10; i++) assert.equal(await sshdPid(), first);
    const parallel = await Promise.all(Array.from({ length: 25 }, () => sshdPid()));
    assert.deepEqual(new Set(parallel), new Set([first]), "every command ran under the same sshd session process");
  });

  it("returns stdout, stderr and the exit code, and feeds stdin", async () => {
    const r = await conn.run(cmd`cat; echo ${"to stderr"} >&2; hostname; exit 7`, { stdin: "from stdin\n" });
    assert.deepEqual(r, {
      kind: "exited",
      exitCode: 7,
      stdout: `from stdin\n${primary.name}\n`,
      stderr: "to stderr\n",
    });
  });

  it("scrubs secrets from output", async () => {
    const r = await conn.run(cmd`echo ${secret("not-for-logs")}`);
    assert.equal(r.stdout, "********\n");
  });

  it("times a command out, answers at once, and the remote process dies", async () => {
    const marker = `gbc-timeout-${process.pid}`;
    const started = Date.now();
    const r = await conn.run(cmd`sleep 30; echo ${marker}`, { timeoutMs: 800 });
    assert.equal(r.kind, "timeout");
    assert.ok(Date.now() - started < 3000, "answered long after the deadline");
    await new Promise((res) => setTimeout(res, 2500));
    // The bracket keeps pgrep from matching the shell that runs it.
    const left = await conn.run(cmd`pgrep -f ${`[g]${marker.slice(1)}`} || true`);
    assert.equal(left.stdout.trim(), "", "the timed-out command is still running");
  });

  it("writes atomically with mode and owner set, no temp file left, and reads back", async () => {
    const dir = `/tmp/gbc-put-${process.pid}`;
    await ok(primary, `mkdir -p ${dir}`);
    try {
      const file = `${dir}/app.conf`;
      await conn.put(file, "secret=1\n", { mode: 0o640, owner: "postgres", group: "root" });
      assert.equal(await ok(primary, `stat -c '%a %U %G' ${file}; cat ${file}`), "640 postgres root\nsecret=1\n");
      await conn.put(file, Buffer.from("secret=2\n"));
      assert.equal(
        await ok(primary, `stat -c '%a %U %G' ${file}`),
        "640 postgres root\n",
        "a rewrite keeps mode and owner",
      );
      assert.equal(await ok(primary, `ls -A ${dir}`), "app.conf\n");
      assert.equal((await conn.get(file))?.toString(), "secret=2\n");
      assert.equal(await conn.get(`${dir}/absent`), null);
      const st = await conn.stat(file);
      assert.deepEqual([st?.type, st?.mode, st?.owner, st?.group, st?.size], ["file", 0o640, "postgres", "root", 9]);
      assert.equal(await conn.stat(`${dir}/absent`), null);
    } finally {
      await ok(primary, `rm -rf ${dir}`);
    }
  });

  for (const method of ["sudo", "su"] as const)
    it(`becomes postgres for commands and files with ${method}`, async () => {
      const become = { user: "postgres", method };
      const r = await conn.run(command(["id", "-un"]), { become });
      assert.equal(r.kind === "exited" && r.stdout.trim(), "postgres");
      const file = `/var/lib/postgresql/gbc-become-${process.pid}`;
      try {
        await conn.put(file, "as postgres\n", { mode: 0o600, become });
        assert.equal(
          await ok(primary, `stat -c '%a %U' ${file}; ls -a /var/lib/postgresql | grep -c gocd-bc || true`),
          "600 postgres\n0\n",
        );
        assert.equal((await conn.get(file, { become }))?.toString(), "as postgres\n");
        assert.equal(await conn.get(`${file}.absent`, { become }), null);
        assert.equal((await conn.stat(file, { become }))?.owner, "postgres");
      } finally {
        await ok(primary, `rm -f ${file}`);
      }
    });

  it("forwards a TCP stream to a port on the host", async () => {
    const stream = await conn.forwardOut("127.0.0.1", 22);
    const banner = await new Promise<string>((resolve, reject) => {
      stream.once("data", (d: Buffer) => resolve(d.toString()));
      stream.once("error", reject);
    });
    stream.destroy();
    assert.match(banner, /^SSH-2\.0-OpenSSH/);
  });
});

describe("postgres through the ssh connection", { skip: SKIP }, () => {
  let conn: Connection;
  let startedHere = false;
  const role = "gbc_conn_test";
  const psql = (sql: string) => `su postgres -c ${JSON.stringify(`psql -v ON_ERROR_STOP=1 -qAtc "${sql}"`)}`;
  before(async () => {
    conn = await connectSsh(target(primary.ip, { name: primary.name }));
    startedHere = !(await ok(primary, "pg_lsclusters -h 15 main")).includes("online");
    if (startedHere) await ok(primary, "pg_ctlcluster 15 main start", 60_000);
    await ok(primary, psql(`CREATE ROLE ${role} LOGIN PASSWORD 'pw-${process.pid}'; CREATE ROLE root LOGIN`));
  });
  after(async () => {
    await sh(primary, psql(`DROP ROLE IF EXISTS ${role}; DROP ROLE IF EXISTS root`));
    if (startedHere) await sh(primary, "pg_ctlcluster 15 main stop", { timeoutMs: 60_000 });
    await conn?.close();
  });

  it("queries over a forwarded TCP stream with a password", async () => {
    const pg = await pgClientOver(conn, {
      port: 5432,
      user: role,
      password: secret(`pw-${process.pid}`),
      database: "postgres",
    });
    try {
      const r = await pg.query("select current_user as u, pg_is_in_recovery() as rec");
      assert.deepEqual(r.rows, [{ u: role, rec: false }]);
    } finally {
      await pg.end();
    }
  });

  it("queries over the forwarded unix socket, where peer auth sees the ssh login user", async () => {
    const pg = await pgClientOver(conn, {
      socketPath: "/var/run/postgresql/.s.PGSQL.5432",
      user: "root",
      database: "postgres",
    });
    try {
      assert.deepEqual((await pg.query("select current_user as u")).rows, [{ u: "root" }]);
    } finally {
      await pg.end();
    }
  });
});

describe("host keys, reachability and authentication on the lab", { skip: SKIP }, () => {
  it("refuses an unknown host key with a clear message", async () => {
    const kh = path.join(await tempDir(), "known_hosts");
    await writeFile(kh, "");
    await assert.rejects(
      connectSsh(target(primary.ip, { knownHostsFile: kh })),
      unreachable(
        "hostkey-unknown",
        /^host key for 198\.18\.0\.11 \(ssh-ed25519 SHA256:[A-Za-z0-9+/]+\) is not in .*known_hosts; add it with ssh-keyscan or pass --trust-on-first-use$/,
      ),
    );
  });

  it("refuses a changed host key", async () => {
    const kh = path.join(await tempDir(), "known_hosts");
    const otherKey = (await readFile(paths.knownHosts, "utf8"))
      .split("\n")
      .find((l) => l.startsWith(`${standby.ip},`))!
      .split(" ")
      .slice(1)
      .join(" ");
    await writeFile(kh, `${primary.ip} ${otherKey}\n`);
    await assert.rejects(
      connectSsh(target(primary.ip, { knownHostsFile: kh })),
      unreachable("hostkey-changed", /HOST KEY CHANGED for 198\.18\.0\.11.*possible man-in-the-middle/),
    );
  });

  it("accepts a hashed known_hosts entry (ssh-keygen -H)", async () => {
    const kh = path.join(await tempDir(), "known_hosts");
    await copyFile(paths.knownHosts, kh);
    await run("ssh-keygen", ["-H", "-f", kh]);
    assert.ok(!(await readFile(kh, "utf8")).includes(primary.ip));
    const c = await connectSsh(target(primary.ip, { knownHostsFile: kh }));
    await c.close();
  });

  it("records an unknown key only with trust-on-first-use, then trusts it", async () => {
    const kh = path.join(await tempDir(), "sub", "known_hosts");
    const c = await connectSsh(target(primary.ip, { knownHostsFile: kh, trustOnFirstUse: true }));
    await c.close();
    assert.match(await readFile(kh, "utf8"), /^198\.18\.0\.11 ssh-ed25519 \S+\n$/);
    const again = await connectSsh(target(primary.ip, { knownHostsFile: kh }));
    await again.close();
  });

  it("refuses a key of a new type for a known host, even with trust-on-first-use, and records nothing", async () => {
    const dir = await tempDir();
    await run("ssh-keygen", ["-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", path.join(dir, "rsa")]);
    const rsa = (await readFile(path.join(dir, "rsa.pub"), "utf8")).split(" ").slice(0, 2).join(" ");
    const kh = path.join(dir, "known_hosts");
    await writeFile(kh, `${primary.ip} ${rsa}\n`);
    await assert.rejects(
      connectSsh(target(primary.ip, { knownHostsFile: kh, trustOnFirstUse: true })),
      unreachable(
        "hostkey-changed",
        /HOST KEY CHANGED for 198\.18\.0\.11: it presented ssh-ed25519 .* has a different key, of type ssh-rsa/,
      ),
    );
    assert.equal(await readFile(kh, "utf8"), `${primary.ip} ${rsa}\n`);
  });

  it("reports an address with nothing behind it as unreachable within the connect timeout", async () => {
    const started = Date.now();
    await assert.rejects(connectSsh(target("198.18.0.250", { connectTimeoutMs: 3000 })), (e: unknown) => {
      assert.ok(e instanceof UnreachableError && (e.reason === "connect" || e.reason === "timeout"), String(e));
      return true;
    });
    assert.ok(Date.now() - started < 4500, `took ${Date.now() - started} ms`);
  });

  it("reports a key the host does not accept as an auth failure", async () => {
    const dir = await tempDir();
    await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "stranger")]);
    await assert.rejects(
      connectSsh(target(primary.ip, { privateKeyFile: path.join(dir, "stranger") }), {
        env: { home: dir, localUser: "nobody" },
      }),
      unreachable("auth", /authentication failed for root@198\.18\.0\.11:22 \(tried: key .*stranger/),
    );
  });

  it("hops through a ProxyJump host, checking both host keys", async () => {
    const c = await connectSsh(target(standby.ip, { proxyJump: `root@${primary.ip}` }));
    try {
      assert.equal((await c.run(cmd`hostname`)).stdout.trim(), standby.name);
      const from = await c.run(cmd`echo $SSH_CONNECTION`);
      assert.match(
        from.stdout,
        new RegExp(`^${primary.ip.replace(/\./g, "\\.")} `),
        "the connection came from the jump host",
      );
    } finally {
      await c.close();
    }
  });

  it("pool: reuses the connection and reconnects once after it dropped", async () => {
    const pool = new ConnectionPool();
    const spec = { kind: "ssh" as const, target: target(primary.ip, { name: primary.name }) };
    try {
      const c1 = await pool.get(spec);
      assert.equal(await pool.get(spec), c1);
      // Kill this connection's sshd session process: the connection drops under us.
      await c1.run(cmd`kill $(ps -o ppid= -p $$)`).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(c1.isAlive(), false);
      const c2 = await pool.get(spec);
      assert.notEqual(c2, c1);
      assert.equal((await c2.run(cmd`hostname`)).stdout.trim(), primary.name);
    } finally {
      await pool.closeAll();
    }
  });
});
