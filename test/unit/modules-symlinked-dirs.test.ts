// copy, template and lineinfile write through a symlinked parent directory (`/var/run -> /run`), as
// Ansible does, and never through the final component: a dest that is itself a link is replaced.
// On this machine, with `connection: local` in a temporary directory.
import assert from "node:assert/strict";
import { lstat, mkdir, mkdtemp, readFile, readlink, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { LocalConnection } from "../../src/connection/local-connection.js";
import { runLocalModule } from "./local-modules.js";

describe("writing through symlinked directories", () => {
  const conn = new LocalConnection("localhost");
  let dir = "";
  const run = (module: string, args: Record<string, unknown>, check = false) =>
    runLocalModule(conn, module, args, check);
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "gocd-bc-links-"));
    await mkdir(path.join(dir, "real"));
    await symlink("real", path.join(dir, "run"));
  });
  after(async () => {
    await conn.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("copy creates a file under a symlinked parent, in check mode and for real", async () => {
    const dest = path.join(dir, "run", "app.pid");
    assert.equal((await run("copy", { dest, content: "42\n" }, true)).status, "changed");
    const r = await run("copy", { dest, content: "42\n" });
    assert.equal(r.status, "changed", JSON.stringify(r));
    assert.equal(await readFile(path.join(dir, "real", "app.pid"), "utf8"), "42\n");
    assert.equal(await readlink(path.join(dir, "run")), "real", "the parent link is still a link");
    assert.equal((await run("copy", { dest, content: "42\n" })).status, "ok");
  });

  it("lineinfile with create: true creates a file under a symlinked parent", async () => {
    const r = await run("lineinfile", { path: path.join(dir, "run", "x.conf"), line: "a=1", create: true });
    assert.equal(r.status, "changed", JSON.stringify(r));
    assert.equal(await readFile(path.join(dir, "real", "x.conf"), "utf8"), "a=1\n");
  });

  it("copy with src puts the file inside a dest that is a symlink to a directory", async () => {
    const src = path.join(dir, "src.txt");
    await writeFile(src, "from src\n");
    const r = await run("copy", { src, dest: path.join(dir, "run") });
    assert.equal(r.status, "changed", JSON.stringify(r));
    assert.equal(await readFile(path.join(dir, "real", "src.txt"), "utf8"), "from src\n");
  });

  it("a dest that is itself a symlink is replaced, its target left alone", async () => {
    await writeFile(path.join(dir, "real", "target"), "target\n");
    await symlink(path.join(dir, "real", "target"), path.join(dir, "link"));
    const r = await run("copy", { dest: path.join(dir, "link"), content: "new\n" });
    assert.equal(r.status, "changed", JSON.stringify(r));
    assert.equal((await lstat(path.join(dir, "link"))).isSymbolicLink(), false);
    assert.equal(await readFile(path.join(dir, "real", "target"), "utf8"), "target\n");
  });
});
