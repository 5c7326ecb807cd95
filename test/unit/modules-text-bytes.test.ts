// lineinfile and blockinfile on a host file that is not UTF-8 (a Latin-1 config): the lines they do not
// touch keep their bytes, as Ansible's byte-wise edit does; they used to come back as U+FFFD.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { LocalConnection } from "../../src/connection/local-connection.js";
import { runLocalModule } from "./local-modules.js";

const LATIN1 = Buffer.from("# caf\xe9 cr\xe8me\nport = 1\n", "latin1");

describe("editing a file that is not UTF-8", () => {
  const conn = new LocalConnection("localhost");
  let dir = "";
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "gocd-bc-bytes-"));
  });
  after(async () => {
    await conn.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("lineinfile keeps the bytes of the other lines and writes its line as UTF-8", async () => {
    const f = path.join(dir, "a.conf");
    await writeFile(f, LATIN1);
    const r = await runLocalModule(conn, "lineinfile", { path: f, regexp: "^port", line: "port = 2 # \u00e9" });
    assert.equal(r.status, "changed", JSON.stringify(r));
    assert.deepEqual(
      await readFile(f),
      Buffer.concat([Buffer.from("# caf\xe9 cr\xe8me\n", "latin1"), Buffer.from("port = 2 # \u00e9\n", "utf8")]),
    );
    assert.equal(
      (await runLocalModule(conn, "lineinfile", { path: f, regexp: "^port", line: "port = 2 # \u00e9" })).status,
      "ok",
    );
  });

  it("blockinfile too", async () => {
    const f = path.join(dir, "b.conf");
    await writeFile(f, LATIN1);
    const r = await runLocalModule(conn, "blockinfile", { path: f, block: "x = 1" });
    assert.equal(r.status, "changed", JSON.stringify(r));
    assert.deepEqual(
      await readFile(f),
      Buffer.concat([LATIN1, Buffer.from("# BEGIN ANSIBLE MANAGED BLOCK\nx = 1\n# END ANSIBLE MANAGED BLOCK\n")]),
    );
  });
});
