// `connection: local` on a real temp directory: the Connection contract without ssh.
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { cmd, command, secret } from "../../src/connection/command.js";
import { LocalConnection } from "../../src/connection/local-connection.js";

describe("LocalConnection", () => {
  const conn = new LocalConnection("localhost");
  let dir = "";
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "gocd-bc-local-"));
  });
  after(async () => {
    await conn.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("runs through sh with stdin, stdout, stderr and the exit code", async () => {
    const r = await conn.run(cmd`cat; echo oops >&2; exit 4`, { stdin: "in\n" });
    assert.deepEqual(r, { kind: "exited", exitCode: 4, stdout: "in\n", stderr: "oops\n" });
  });

  it("passes awkward values through the real shell as single words", async () => {
    const nasty = ["a b", "it's", '"q"', "$HOME", "`id`", "x;y", "*", "", "tab\there", "new\nline", "-n"];
    const r = await conn.run(command(["printf", "%s\\0", ...nasty]));
    assert.equal(r.kind, "exited");
    assert.deepEqual(r.stdout.split("\0").slice(0, -1), nasty);
  });

  it("scrubs a command's secrets from its output", async () => {
    const r = await conn.run(cmd`echo password is ${secret("hunter2")}`);
    assert.equal(r.stdout, "password is ********\n");
  });

  it("kills the whole command on timeout and says so", async () => {
    const started = Date.now();
    const r = await conn.run(cmd`sleep 30 | cat`, { timeoutMs: 300 });
    assert.equal(r.kind, "timeout");
    assert.ok(Date.now() - started < 5000);
  });

  it("writes atomically with mode, leaves no temp file, and reads back", async () => {
    const file = path.join(dir, "conf");
    await conn.put(file, "v1\n", { mode: 0o600 });
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    await conn.put(file, Buffer.from("v2\n"));
    assert.equal((await stat(file)).mode & 0o777, 0o600, "an unset mode keeps the replaced file's");
    assert.equal(await readFile(file, "utf8"), "v2\n");
    assert.deepEqual(await readdir(dir), ["conf"]);
    assert.deepEqual(await conn.get(file), Buffer.from("v2\n"));
    assert.equal(await conn.get(path.join(dir, "missing")), null);
  });

  it("sets an explicit owner and group before the rename", async (t) => {
    if (os.userInfo().uid !== 0) return t.skip("needs root to chown");
    const file = path.join(dir, "owned");
    await conn.put(file, "x", { owner: "nobody", group: "nogroup", mode: 0o640 });
    const st = await conn.stat(file);
    assert.deepEqual([st?.owner, st?.group, st?.mode, st?.type], ["nobody", "nogroup", 0o640, "file"]);
  });

  it("hands an owner to chown after --, so `--help` fails as a user instead of printing chown's help", async () => {
    await assert.rejects(conn.put(path.join(dir, "helped"), "x", { owner: "--help" }), /chown --help: .*invalid user/);
    assert.deepEqual(
      (await readdir(dir)).filter((f) => f.includes("helped")),
      [],
    );
  });

  it("fails a put into a missing directory without leaving anything behind", async () => {
    await assert.rejects(conn.put(path.join(dir, "no/such/dir/f"), "x"), /put .*no\/such\/dir\/f/);
  });

  it("stats files, directories and absent paths", async () => {
    await writeFile(path.join(dir, "s"), "12345");
    const s = await conn.stat(path.join(dir, "s"));
    assert.equal(s?.type, "file");
    assert.equal(s?.size, 5);
    assert.equal((await conn.stat(dir))?.type, "directory");
    assert.equal(await conn.stat(path.join(dir, "nope")), null);
  });

  it("becomes another user when running as root (sudo, or su without it)", async (t) => {
    if (os.userInfo().uid !== 0) return t.skip("needs root");
    const r = await conn.run(cmd`id -un`, { become: { user: "nobody" } });
    assert.equal(r.kind === "exited" && r.stdout.trim(), "nobody");
    const same = await conn.run(cmd`id -un`, { become: { user: "root" } });
    assert.equal(same.kind === "exited" && same.stdout.trim(), "root");
  });
});
