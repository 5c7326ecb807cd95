// Timeline tests of the file modules on a real lab host: check mode reports the change with its diff and
// writes nothing; apply changes; apply again is ok with the reason. All paths live under one unique
// directory, removed afterwards, so engineers testing on the same hosts do not collide.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import "./fresh-lab.js";
import type { TaskResult } from "../../src/modules/contract.js";
import { ok as remote, sh } from "./lab-access.js";
import { closeLabConnections, runModule, type RunModuleOptions } from "./module-harness.js";

const HOST = "agent1";
const DIR = `/srv/gbc-test-files-${process.pid}`;

function run(module: string, args: Record<string, unknown>, opts?: RunModuleOptions): Promise<TaskResult> {
  return runModule(HOST, module, args, opts);
}

function expectOk(r: TaskResult, reason: string): void {
  assert.deepEqual({ status: r.status, reason: r.status === "ok" ? r.reason : r }, { status: "ok", reason });
}

function expectChanged(r: TaskResult): Extract<TaskResult, { status: "changed" }> {
  assert.equal(r.status, "changed", JSON.stringify(r));
  return r as Extract<TaskResult, { status: "changed" }>;
}

async function exists(p: string): Promise<boolean> {
  return (await sh(HOST, `test -e ${p} || test -L ${p}`)).code === 0;
}

/** check -> changed (nothing written), apply -> changed, apply -> ok(reason); returns the check result. */
async function timeline(
  module: string,
  args: Record<string, unknown>,
  reason: string,
  untouched: () => Promise<void>,
  opts: RunModuleOptions = {},
) {
  const checked = expectChanged(await run(module, args, { ...opts, check: true }));
  await untouched();
  const applied = expectChanged(await run(module, args, opts));
  assert.deepEqual(applied.diff, checked.diff);
  expectOk(await run(module, args, opts), reason);
  return checked;
}

describe("file modules on a lab host", () => {
  let local = "";
  before(async () => {
    await remote(HOST, `rm -rf ${DIR} && mkdir -p ${DIR}`);
    local = await mkdtemp(path.join(os.tmpdir(), "gbc-files-"));
  });
  after(async () => {
    await sh(HOST, `rm -rf ${DIR}`);
    await rm(local, { recursive: true, force: true });
    await closeLabConnections();
  });

  it("file: directory timeline, then a mode change with state-line diff", async () => {
    const d = `${DIR}/dir`;
    const c = await timeline("file", { path: d, state: "directory", mode: "0750" }, "already a directory", async () =>
      assert.equal(await exists(d), false),
    );
    assert.deepEqual(c.diff, [{ path: d, before: "state: absent\n", after: "state: directory\nmode: 0750\n" }]);
    assert.equal((await remote(HOST, `stat -c %a ${d}`)).trim(), "750");
    const m = await timeline("file", { path: d, mode: "u=rwx,g=,o=" }, "already a directory", async () => {
      assert.equal((await remote(HOST, `stat -c %a ${d}`)).trim(), "750");
    });
    assert.deepEqual(m.diff, [
      { path: d, before: "state: directory\nmode: 0750\n", after: "state: directory\nmode: 0700\n" },
    ]);
    assert.equal(m.summary, `set mode 0750 -> 0700 on ${d}`);
  });

  it("file: recurse sets the group below a directory", async () => {
    const d = `${DIR}/tree`;
    await remote(HOST, `mkdir -p ${d}/a/b && touch ${d}/a/b/f`);
    await timeline(
      "file",
      { path: d, state: "directory", recurse: true, group: "daemon" },
      "already a directory",
      async () => {
        assert.equal((await remote(HOST, `stat -c %G ${d}/a/b/f`)).trim(), "root");
      },
    );
    assert.equal((await remote(HOST, `stat -c %G ${d}/a/b/f`)).trim(), "daemon");
  });

  it("file: absent when absent is ok, removal when present; touch is always changed", async () => {
    expectOk(await run("file", { path: `${DIR}/nothing`, state: "absent" }), "already absent");
    const f = `${DIR}/touched`;
    expectChanged(await run("file", { path: f, state: "touch", mode: "0600" }));
    const again = expectChanged(await run("file", { path: f, state: "touch", mode: "0600" }));
    assert.deepEqual(again.diff, [
      { path: f, before: "state: file\nmode: 0600\n", after: "state: file (touched)\nmode: 0600\n" },
    ]);
    const rmDiff = await timeline("file", { path: f, state: "absent" }, "already absent", async () =>
      assert.ok(await exists(f)),
    );
    assert.deepEqual(rmDiff.diff, [{ path: f, before: "state: file\n", after: "state: absent\n" }]);
  });

  it("file: state file on a missing path fails, and links are made and checked", async () => {
    const missing = await run("file", { path: `${DIR}/missing`, state: "file" });
    assert.equal(missing.status, "failed");
    const target = `${DIR}/target`;
    await remote(HOST, `echo t > ${target}`);
    const l = `${DIR}/link`;
    const c = await timeline("file", { path: l, src: target, state: "link" }, `already a link to ${target}`, async () =>
      assert.equal(await exists(l), false),
    );
    assert.deepEqual(c.diff, [{ path: l, before: "state: absent\n", after: `state: link -> ${target}\n` }]);
    assert.equal((await remote(HOST, `readlink ${l}`)).trim(), target);
    const refused = await run("file", { path: target, src: l, state: "link" });
    assert.match(refused.status === "failed" ? refused.error : "", /refusing to replace file/);
    await timeline(
      "file",
      { path: `${DIR}/hard`, src: target, state: "hard" },
      `already a hard link to ${target}`,
      async () => undefined,
    );
  });

  it("copy: content timeline with diff, then a mode-only change", async () => {
    const f = `${DIR}/copy.conf`;
    const c = await timeline(
      "copy",
      { content: "a=1\n", dest: f, mode: "0644" },
      "content and attributes already match",
      async () => assert.equal(await exists(f), false),
    );
    assert.deepEqual(c.diff, [{ path: f, before: "", after: "a=1\n" }]);
    assert.equal(c.summary, `create ${f}`);
    assert.equal(await remote(HOST, `cat ${f}; stat -c %a ${f}`), "a=1\n644\n");
    const m = await timeline(
      "copy",
      { content: "a=1\n", dest: f, mode: "0600" },
      "content and attributes already match",
      async () => {
        assert.equal((await remote(HOST, `stat -c %a ${f}`)).trim(), "644");
      },
    );
    assert.deepEqual(m.diff, [{ path: `${f} (attributes)`, before: "mode: 0644\n", after: "mode: 0600\n" }]);
    const u = await timeline(
      "copy",
      { content: "a=2\n", dest: f, backup: true },
      "content and attributes already match",
      async () => {
        assert.equal(await remote(HOST, `cat ${f}`), "a=1\n");
      },
    );
    assert.deepEqual(u.diff, [{ path: f, before: "a=1\n", after: "a=2\n" }]);
    assert.equal(await remote(HOST, `stat -c %a ${f}; cat ${f}.*~`), "600\na=1\n");
  });

  it("copy: src from files/, binary diff described, missing directory fails, force false", async () => {
    await writeFile(path.join(local, "blob.bin"), Buffer.from([0, 1, 2, 255]));
    const c = await timeline(
      "copy",
      { src: "blob.bin", dest: `${DIR}/` },
      "content and attributes already match",
      async () => undefined,
      { filesDir: local },
    );
    assert.match(c.diff[0]!.after, /^\(binary file, 4 bytes, sha1 [0-9a-f]{40}\)\n$/);
    assert.equal((await remote(HOST, `od -An -tu1 ${DIR}/blob.bin`)).trim().split(/\s+/).join(","), "0,1,2,255");
    const noDir = await run("copy", { content: "x", dest: `${DIR}/no/such/file` });
    assert.deepEqual(noDir.status === "failed" && noDir.error, `destination directory ${DIR}/no/such does not exist`);
    expectOk(
      await run("copy", { content: "other", dest: `${DIR}/blob.bin`, force: false }),
      `${DIR}/blob.bin exists and force is false`,
    );
  });

  it("copy: validate checks the new content before it replaces dest", async () => {
    const f = `${DIR}/validated.conf`;
    const good = await run("copy", { content: "key=1\n", dest: f, validate: "grep -q ^key= %s" });
    assert.equal(good.status, "changed");
    const bad = await run("copy", { content: "oops\n", dest: f, validate: "grep -q ^key= %s" });
    assert.match(
      bad.status === "failed" ? bad.error : JSON.stringify(bad),
      /validate \(grep -q \^key= %s\): `grep -q \^key= \S+\/validated\.conf\.gocd-bc-validate\.\d+\.\d+` exited 1/,
    );
    assert.equal(await remote(HOST, `cat ${f}; ls -a ${DIR} | grep -c validate || true`), "key=1\n1\n");
  });

  it("copy: secrets never appear in the diff or registered data", async () => {
    const f = `${DIR}/secret.conf`;
    const r = await run(
      "copy",
      { content: "password=hunter2\n", dest: f, mode: "0600" },
      { check: true, secrets: ["hunter2"] },
    );
    assert.equal(r.status, "changed");
    assert.equal(JSON.stringify(r).includes("hunter2"), false);
    assert.deepEqual(r.status === "changed" && r.diff[0]!.after, "password=********\n");
  });

  it("template: renders with the task's variables; undefined variables fail naming them", async () => {
    await writeFile(path.join(local, "pg.conf.hbs"), "port = {{pg_port}}\nhost = {{inventory_hostname}}\n");
    const f = `${DIR}/pg.conf`;
    const vars = { pg_port: 5433, inventory_hostname: HOST };
    const c = await timeline(
      "template",
      { src: "pg.conf.hbs", dest: f },
      "content and attributes already match",
      async () => assert.equal(await exists(f), false),
      { filesDir: local, vars },
    );
    assert.deepEqual(c.diff, [{ path: f, before: "", after: `port = 5433\nhost = ${HOST}\n` }]);
    const bad = await run("template", { src: "pg.conf.hbs", dest: f }, { filesDir: local, vars: { pg_port: 1 } });
    assert.match(bad.status === "failed" ? bad.error : "", /inventory_hostname/);
  });

  it("lineinfile: timeline, idempotent when the regexp stops matching, create and absent", async () => {
    const f = `${DIR}/sshd_config`;
    await remote(HOST, `printf 'Port 22\\n#PermitRootLogin yes\\n' > ${f}`);
    const args = { path: f, regexp: "^#PermitRootLogin", line: "PermitRootLogin no" };
    const c = await timeline("lineinfile", args, "line already present", async () => {
      assert.equal(await remote(HOST, `cat ${f}`), "Port 22\n#PermitRootLogin yes\n");
    });
    assert.deepEqual(c.diff, [
      { path: f, before: "Port 22\n#PermitRootLogin yes\n", after: "Port 22\nPermitRootLogin no\n" },
    ]);
    const missing = await run("lineinfile", { path: `${DIR}/new.conf`, line: "x" });
    assert.match(missing.status === "failed" ? missing.error : "", /does not exist \(set create: true/);
    await timeline(
      "lineinfile",
      { path: `${DIR}/new.conf`, line: "x", create: true, mode: "0640" },
      "line already present",
      async () => undefined,
    );
    assert.equal(await remote(HOST, `cat ${DIR}/new.conf; stat -c %a ${DIR}/new.conf`), "x\n640\n");
    await timeline(
      "lineinfile",
      { path: f, regexp: "^Port ", state: "absent" },
      "line not present",
      async () => undefined,
    );
    assert.equal(await remote(HOST, `cat ${f}`), "PermitRootLogin no\n");
  });

  it("copy, template and lineinfile write under a symlinked parent (as /var/run -> /run), never through dest", async () => {
    await remote(
      HOST,
      `mkdir -p ${DIR}/real && ln -sfn real ${DIR}/run && printf 'old\\n' > ${DIR}/real/target && ln -sfn ${DIR}/real/target ${DIR}/link`,
    );
    await timeline(
      "copy",
      { dest: `${DIR}/run/app.pid`, content: "42\n", mode: "0644" },
      "content and attributes already match",
      async () => {
        assert.equal(await exists(`${DIR}/real/app.pid`), false);
      },
    );
    await timeline(
      "lineinfile",
      { path: `${DIR}/run/app.conf`, line: "a=1", create: true },
      "line already present",
      async () => undefined,
    );
    await writeFile(path.join(local, "t.hbs"), "host={{ inventory_hostname }}\n");
    await timeline(
      "template",
      { src: "t.hbs", dest: `${DIR}/run/t.conf` },
      "content and attributes already match",
      async () => undefined,
      { filesDir: local, vars: { inventory_hostname: HOST } },
    );
    assert.equal(
      await remote(HOST, `readlink ${DIR}/run; cat ${DIR}/real/app.pid ${DIR}/real/app.conf ${DIR}/real/t.conf`),
      `real\n42\na=1\nhost=${HOST}\n`,
    );
    expectChanged(await run("copy", { dest: `${DIR}/link`, content: "new\n" }));
    assert.equal(
      await remote(HOST, `test -L ${DIR}/link && echo link; cat ${DIR}/real/target ${DIR}/link`),
      "old\nnew\n",
    );
  });

  it("blockinfile: insert, replace, remove", async () => {
    const f = `${DIR}/hosts`;
    await remote(HOST, `printf '127.0.0.1 localhost\\n' > ${f}`);
    const c = await timeline(
      "blockinfile",
      { path: f, block: "198.18.0.100 gocd-vip\n" },
      "block already present",
      async () => {
        assert.equal(await remote(HOST, `cat ${f}`), "127.0.0.1 localhost\n");
      },
    );
    assert.equal(
      c.diff[0]!.after,
      "127.0.0.1 localhost\n# BEGIN ANSIBLE MANAGED BLOCK\n198.18.0.100 gocd-vip\n# END ANSIBLE MANAGED BLOCK\n",
    );
    await timeline(
      "blockinfile",
      { path: f, block: "198.18.0.101 gocd-vip" },
      "block already present",
      async () => undefined,
    );
    await timeline("blockinfile", { path: f, state: "absent" }, "block not present", async () => undefined);
    assert.equal(await remote(HOST, `cat ${f}`), "127.0.0.1 localhost\n");
  });

  it("stat: facts of a file, a link and a missing path; always ok", async () => {
    const f = `${DIR}/stat-me`;
    await remote(HOST, `printf abc > ${f} && chmod 0640 ${f} && chgrp daemon ${f} && ln -sf ${f} ${DIR}/stat-link`);
    const r = await run("stat", { path: f });
    assert.equal(r.status, "ok");
    assert.deepEqual(r.data.stat, {
      exists: true,
      path: f,
      isdir: false,
      isreg: true,
      islnk: false,
      mode: "0640",
      uid: 0,
      gid: 1,
      pw_name: "root",
      gr_name: "daemon",
      size: 3,
      mtime: (r.data.stat as { mtime: number }).mtime,
      checksum: "a9993e364706816aba3e25717850c26c9cd0d89d",
    });
    const l = await run("stat", { path: `${DIR}/stat-link` });
    assert.deepEqual(
      [(l.data.stat as { islnk: boolean }).islnk, (l.data.stat as { lnk_target: string }).lnk_target],
      [true, f],
    );
    const followed = await run("stat", { path: `${DIR}/stat-link`, follow: true });
    assert.equal((followed.data.stat as { isreg: boolean }).isreg, true);
    const none = await run("stat", { path: `${DIR}/none` });
    assert.deepEqual(none, { status: "ok", reason: `${DIR}/none does not exist`, data: { stat: { exists: false } } });
  });
});
