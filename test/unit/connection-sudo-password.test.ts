// A wrong sudo password is tried once per host, never again in the run: sudo asked three times per
// command (6.5 s, and three failures towards an account lockout) and every later task asked again.
// The become script runs for real here, through the local connection, against a stand-in `sudo` on PATH
// that behaves as sudo -A does: it asks the askpass helper up to three times and stops when it answers
// nothing. No real sudo, no other host.
import assert from "node:assert/strict";
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { PasswordTrials, sudoRefusedPassword } from "../../src/connection/become.js";
import { cmd, secret } from "../../src/connection/command.js";
import { RemoteOperationError } from "../../src/connection/errors.js";
import { LocalConnection } from "../../src/connection/local-connection.js";

const FAKE_SUDO = `#!/bin/sh
while [ $# -gt 0 ]; do case $1 in -p) prompt=$2; shift 2;; -u) shift 2;; --) shift; break;; *) shift;; esac; done
[ -n "$FAKE_SUDO_NOASK" ] && exec "$@"
n=0
while [ $n -lt 3 ]; do
  pw=$("$SUDO_ASKPASS" "$prompt"); echo asked >> "$FAKE_SUDO_LOG"
  if [ -z "$pw" ]; then echo "sudo: no password was provided" >&2; echo "sudo: $n incorrect password attempt" >&2; exit 1; fi
  [ "$pw" = "$FAKE_SUDO_GOOD" ] && exec "$@"
  n=$((n+1)); echo "Sorry, try again." >&2
done
echo "sudo: 3 incorrect password attempts" >&2; exit 1
`;

describe("a sudo password on a host", () => {
  let dir = "";
  const saved = { ...process.env };
  const log = () => path.join(dir, "log");
  const asked = async () => (await readFile(log(), "utf8").catch(() => "")).split("\n").filter(Boolean).length;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "gocd-bc-sudo-"));
    await writeFile(path.join(dir, "sudo"), FAKE_SUDO);
    await chmod(path.join(dir, "sudo"), 0o755);
    await writeFile(path.join(dir, "tmp.keep"), "");
    Object.assign(process.env, {
      PATH: `${dir}:${process.env.PATH}`,
      TMPDIR: dir,
      FAKE_SUDO_LOG: log(),
      FAKE_SUDO_GOOD: "right pw",
    });
  });
  beforeEach(async () => {
    await rm(log(), { force: true });
    delete process.env.FAKE_SUDO_NOASK;
  });
  after(async () => {
    process.env = saved;
    await rm(dir, { recursive: true, force: true });
  });
  const leftovers = async () => (await readdir(dir)).filter((f) => f.includes("askpass"));

  it("is sent once per command; the command gets its stdin intact; no helper file is left", async () => {
    const conn = new LocalConnection("h");
    const r = await conn.run(cmd`cat`, { become: { user: "nobody", password: secret("right pw") }, stdin: "input\n" });
    assert.deepEqual(r, { kind: "exited", exitCode: 0, stdout: "input\n", stderr: "" });
    assert.equal(await asked(), 1);
    assert.deepEqual(await leftovers(), []);
  });

  it("when wrong, sudo is asked once (its retries get nothing), then never again on that host", async () => {
    const conn = new LocalConnection("h");
    const wrong = { user: "nobody", password: secret("wrong pw") };
    const r = await conn.run(cmd`id -u`, { become: wrong, stdin: "line 1\n" });
    assert.equal(r.kind === "exited" && r.exitCode, 1);
    assert.equal(r.stderr, "sudo: 1 incorrect password attempt\n");
    assert.equal(await asked(), 2, "the second ask answered nothing, so sudo stopped");
    assert.deepEqual(await leftovers(), []);
    await assert.rejects(conn.run(cmd`id -u`, { become: wrong }), (e: unknown) => {
      assert.ok(e instanceof RemoteOperationError, String(e));
      assert.match(e.message, /sudo refused this password .* earlier in this run; not sending it again/);
      return true;
    });
    await assert.rejects(conn.put(path.join(dir, "x"), "x\n", { become: wrong }), /refused this password/);
    assert.equal(await asked(), 2, "sudo was not run again");
    const other = await conn.run(cmd`true`, { become: { user: "nobody", password: secret("right pw") } });
    assert.equal(other.kind === "exited" && other.exitCode, 0, "another password is still tried");
    assert.equal(
      (await new LocalConnection("h2").run(cmd`true`, { become: wrong })).kind,
      "exited",
      "another host tries it",
    );
  });

  it("when sudo does not ask (NOPASSWD, cached), the helper file is removed all the same", async () => {
    process.env.FAKE_SUDO_NOASK = "1";
    const r = await new LocalConnection("h").run(cmd`cat`, {
      become: { user: "nobody", password: secret("any") },
      stdin: "data\n",
    });
    assert.deepEqual(r, { kind: "exited", exitCode: 0, stdout: "data\n", stderr: "" });
    assert.deepEqual(await leftovers(), []);
  });
});

describe("the refusal decision", () => {
  it("reads sudo's count of incorrect attempts; other failures are not a refusal", () => {
    assert.equal(
      sudoRefusedPassword(1, "Sorry, try again.\nsudo: no password was provided\nsudo: 1 incorrect password attempt\n"),
      true,
    );
    assert.equal(sudoRefusedPassword(1, "sudo: 3 incorrect password attempts\n"), true);
    assert.equal(sudoRefusedPassword(1, "sudo: a password is required\n"), false);
    assert.equal(sudoRefusedPassword(0, "1 incorrect password attempt"), false, "the command itself printed it");
    assert.equal(sudoRefusedPassword(3, "grep: x: No such file\n"), false);
  });

  it("tries a password once at a time until it is known, then never after a refusal", async () => {
    const trials = new PasswordTrials();
    const order: string[] = [];
    let release: () => void = () => undefined;
    const first = trials.run(
      "pw",
      () =>
        new Promise<string>((r) => {
          order.push("first");
          release = () => r("refused");
        }),
      (x) => x === "refused",
    );
    const second = trials.run(
      "pw",
      async () => {
        order.push("second");
        return "ran";
      },
      () => false,
    );
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(order, ["first"], "the second waits for the first verdict");
    release();
    assert.equal(await first, "refused");
    assert.equal(await second, "refused-before");
    assert.deepEqual(order, ["first"]);
    assert.equal(
      await trials.run(
        "other",
        async () => "ok",
        () => false,
      ),
      "ok",
    );
  });
});
