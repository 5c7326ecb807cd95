// Authentication and privilege escalation against real sshd and sudo on the lab host `share`: become via
// sudo with and without a password, password login, and login through an ssh-agent. Users, sudoers
// drop-ins and the agent are set up over OpenSSH (lab-access) and removed afterwards.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import "./fresh-lab.js";
import { cmd, command, secret } from "../../src/connection/command.js";
import { RemoteOperationError, UnreachableError } from "../../src/connection/errors.js";
import { connectSsh } from "../../src/connection/ssh-connect.js";
import type { SshTarget } from "../../src/connection/ssh-config.js";
import type { Connection } from "../../src/connection/types.js";
import { labPaths } from "../../src/lab/topology.js";
import { host, ok, sh } from "./lab-access.js";

const run = promisify(execFile);
const paths = labPaths();
const share = host("share");
const labUp = existsSync(path.join(paths.root, "ready"));
const SKIP = labUp ? false : `the lab is not up (no ${path.join(paths.root, "ready")}); start it with gocd-bc lab up`;

const DEPLOY = "gbcdeploy"; // password, sudo needs the password
const NOPW = "gbcnopw"; // no password, NOPASSWD sudo
const PASSWORD = `Gbc-${process.pid}-sudo pw`;
const DIR = `/srv/gbc-auth-${process.pid}`;

let home = ""; // an empty local home: no ~/.ssh/id_* to fall back on
let agent: { pid: number; sock: string } | undefined;

function target(user: string, extra: Partial<SshTarget> = {}): SshTarget {
  return {
    name: share.name,
    host: share.ip,
    user,
    privateKeyFile: paths.privateKey,
    knownHostsFile: paths.knownHosts,
    sshConfigFile: false,
    ...extra,
  };
}

/** Connects without key files (and without an agent unless `agentSocket` is given). */
function connectWithout(user: string, extra: Partial<SshTarget>, agentSocket?: string): Promise<Connection> {
  const { privateKeyFile: _none, ...rest } = target(user, extra);
  return connectSsh(rest, { env: { home, localUser: "nobody", ...(agentSocket ? { agentSocket } : {}) } });
}

const sudoPw = { password: secret(PASSWORD) };

describe("authentication and sudo on the lab", { skip: SKIP }, () => {
  before(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), "gbc-auth-home-"));
    const pub = (await readFile(paths.publicKey, "utf8")).trim();
    const user = (u: string, rule: string) => [
      `id -u ${u} >/dev/null 2>&1 || useradd -m -s /bin/bash ${u}`,
      `install -d -m 700 -o ${u} -g ${u} /home/${u}/.ssh`,
      `printf '%s\\n' '${pub}' > /home/${u}/.ssh/authorized_keys`,
      `chown ${u}: /home/${u}/.ssh/authorized_keys`,
      `printf '%s\\n' '${u} ${rule}' > /etc/sudoers.d/${u}.tmp`,
      `visudo -cf /etc/sudoers.d/${u}.tmp`,
      `chmod 440 /etc/sudoers.d/${u}.tmp && mv /etc/sudoers.d/${u}.tmp /etc/sudoers.d/${u}`,
    ];
    await ok(
      share,
      [
        "set -e",
        ...user(DEPLOY, "ALL=(ALL:ALL) ALL"),
        ...user(NOPW, "ALL=(ALL:ALL) NOPASSWD: ALL"),
        `printf '%s\\n' '${DEPLOY}:${PASSWORD}' | chpasswd`,
        `usermod -p '*' ${NOPW}`,
        `mkdir -p ${DIR}`,
      ].join("\n"),
    );
  });
  after(async () => {
    if (agent) process.kill(agent.pid);
    await sh(
      share,
      `rm -rf ${DIR} /etc/sudoers.d/${DEPLOY} /etc/sudoers.d/${NOPW}; pkill -u ${DEPLOY}; pkill -u ${NOPW}; sleep 0.5; userdel -rf ${DEPLOY}; userdel -rf ${NOPW}; true`,
    );
    await rm(home, { recursive: true, force: true });
  });

  describe("as a user whose sudo needs a password", () => {
    let conn: Connection;
    before(async () => {
      conn = await connectSsh(target(DEPLOY));
    });
    after(async () => {
      await conn?.close();
    });

    it("becomes root with the password, which shows nowhere in the results", async () => {
      assert.equal((await conn.run(cmd`id -un`)).stdout, `${DEPLOY}\n`);
      for (let i = 0; i < 2; i++) {
        // Twice: the second time sudo may have cached the credentials and not ask.
        const r = await conn.run(cmd`id -u; cat`, { become: sudoPw, stdin: "input\n" });
        assert.deepEqual(r, { kind: "exited", exitCode: 0, stdout: "0\ninput\n", stderr: "" });
        assert.ok(!JSON.stringify(r).includes(PASSWORD));
      }
    });

    it("puts files as root with the password, content intact every time", async () => {
      for (const content of ["first\n", "second\n"]) {
        await conn.put(`${DIR}/pw.conf`, content, { mode: 0o600, become: sudoPw });
        assert.equal(await ok(share, `stat -c '%a %U' ${DIR}/pw.conf; cat ${DIR}/pw.conf`), `600 root\n${content}`);
      }
      assert.equal((await conn.get(`${DIR}/pw.conf`, { become: sudoPw }))?.toString(), "second\n");
    });

    it("fails clearly, without hanging, on a wrong sudo password or none", async () => {
      const started = Date.now();
      const wrong = await conn.run(cmd`id -u`, {
        become: { password: secret("not-the-password") },
        stdin: "line 1\nline 2\n",
      });
      assert.equal(wrong.kind === "exited" && wrong.exitCode !== 0, true, JSON.stringify(wrong));
      assert.match(wrong.stderr, /incorrect password|Sorry, try again/);
      assert.ok(!wrong.stderr.includes("not-the-password") && !wrong.stderr.includes("line 1"), wrong.stderr);
      const none = await conn.run(cmd`id -u`, { become: {}, timeoutMs: 20_000 });
      assert.equal(none.kind, "exited");
      assert.match(none.stderr, /a password is required/);
      assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
      await assert.rejects(
        conn.put(`${DIR}/wrong.conf`, "x\n", { become: { password: secret("nope") } }),
        (e: unknown) => {
          assert.ok(
            e instanceof RemoteOperationError && /^put .*wrong\.conf: .*incorrect password/s.test(e.message),
            String(e),
          );
          return true;
        },
      );
    });
  });

  describe("a wrong sudo password", () => {
    it("is tried once per host: one attempt, then a clear error without asking sudo again", async () => {
      const c = await connectSsh(target(DEPLOY));
      try {
        const wrong = { password: secret(`wrong-${process.pid}`) };
        const first = await c.run(cmd`id -u`, { become: wrong, stdin: "line 1\n" });
        assert.equal(first.kind === "exited" && first.exitCode, 1, JSON.stringify(first));
        assert.match(first.stderr, /sudo: 1 incorrect password attempt/);
        assert.doesNotMatch(first.stderr, /Sorry, try again|3 incorrect|no password was provided/);
        const again = (e: unknown) =>
          e instanceof RemoteOperationError && /refused this password .* earlier in this run/.test(e.message);
        await assert.rejects(c.run(cmd`id -u`, { become: wrong }), again);
        await assert.rejects(c.put(`${DIR}/never.conf`, "x\n", { become: wrong }), again);
        assert.equal(
          await ok(share, `ls -A /tmp | grep -c gocd-bc-askpass || true`),
          "0\n",
          "no askpass helper left behind",
        );
        const right = await c.run(cmd`id -u`, { become: sudoPw });
        assert.equal(right.kind === "exited" && right.stdout, "0\n", "the right password still works");
      } finally {
        await c.close();
      }
    });
  });

  describe("as a user with NOPASSWD sudo", () => {
    let conn: Connection;
    before(async () => {
      conn = await connectSsh(target(NOPW));
    });
    after(async () => {
      await conn?.close();
    });

    it("becomes root without a password", async () => {
      const r = await conn.run(command(["id", "-u"]), { become: { user: "root" } });
      assert.deepEqual(r, { kind: "exited", exitCode: 0, stdout: "0\n", stderr: "" });
    });

    it("puts a file as root, owned by root with its mode, atomically", async () => {
      const file = `${DIR}/nopw.conf`;
      await conn.put(file, "one\n", { mode: 0o640, become: {} });
      const inode = await ok(share, `stat -c %i ${file}`);
      await conn.put(file, "two\n", { become: {} });
      assert.equal(
        await ok(share, `stat -c '%a %U %G' ${file}; cat ${file}; ls -A ${DIR} | grep -c gocd-bc || true`),
        "640 root root\ntwo\n0\n",
      );
      assert.notEqual(await ok(share, `stat -c %i ${file}`), inode, "the rewrite renamed a new file over the old one");
    });

    it("ignores a password sudo does not ask for (stdin and files stay intact)", async () => {
      const r = await conn.run(cmd`cat`, { become: sudoPw, stdin: "data\n" });
      assert.deepEqual(r, { kind: "exited", exitCode: 0, stdout: "data\n", stderr: "" });
      await conn.put(`${DIR}/nopw-pw.conf`, "exact\n", { become: sudoPw });
      assert.equal(await ok(share, `cat ${DIR}/nopw-pw.conf`), "exact\n");
    });
  });

  describe("login methods", () => {
    it("logs in with a password and no key", async () => {
      const c = await connectWithout(DEPLOY, { password: secret(PASSWORD) });
      try {
        assert.equal((await c.run(cmd`id -un`)).stdout, `${DEPLOY}\n`);
      } finally {
        await c.close();
      }
      await assert.rejects(connectWithout(DEPLOY, { password: secret("wrong") }), (e: unknown) => {
        assert.ok(e instanceof UnreachableError && e.reason === "auth", String(e));
        assert.match(e.message, /tried: password/);
        assert.ok(!e.message.includes(PASSWORD) && !e.message.includes("wrong"), e.message);
        return true;
      });
    });

    it("logs in with a key held by ssh-agent", async () => {
      const sock = `/tmp/gbc-agent-${process.pid}.sock`;
      const { stdout } = await run("ssh-agent", ["-s", "-a", sock]);
      agent = { pid: Number(/SSH_AGENT_PID=(\d+)/.exec(stdout)?.[1]), sock };
      await run("ssh-add", ["-q", paths.privateKey], { env: { ...process.env, SSH_AUTH_SOCK: sock } });
      await assert.rejects(connectWithout(DEPLOY, {}), /tried: nothing/);
      const c = await connectWithout(DEPLOY, {}, sock);
      try {
        assert.equal((await c.run(cmd`id -un`)).stdout, `${DEPLOY}\n`);
      } finally {
        await c.close();
      }
    });
  });
});
