// command, shell and wait_for on a real lab host: check mode does not run commands, real runs register
// rc/stdout/stderr, creates/removes guards say why they skipped, secrets never show, and wait_for
// observes ports, paths and URLs from the target itself.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import "./fresh-lab.js";
import type { TaskResult } from "../../src/modules/contract.js";
import { ok as remote, sh } from "./lab-access.js";
import { closeLabConnections, runModule, type RunModuleOptions } from "./module-harness.js";

const HOST = "share";
const DIR = `/srv/gbc-test-commands-${process.pid}`;

function run(module: string, args: Record<string, unknown>, opts?: RunModuleOptions): Promise<TaskResult> {
  return runModule(HOST, module, args, opts);
}

async function exists(p: string): Promise<boolean> {
  return (await sh(HOST, `test -e ${p}`)).code === 0;
}

describe("command modules on a lab host", () => {
  before(async () => {
    await remote(HOST, `rm -rf ${DIR} && mkdir -p ${DIR}`);
  });
  after(async () => {
    await sh(HOST, `test -f ${DIR}/listen.pid && kill $(cat ${DIR}/listen.pid) 2>/dev/null; rm -rf ${DIR}`);
    await closeLabConnections();
  });

  it("command: check mode does not run; apply runs; creates makes the second run ok", async () => {
    const marker = `${DIR}/made`;
    const args = { cmd: `touch ${marker}`, creates: marker };
    const checked = await run("command", args, { check: true });
    assert.equal(checked.status, "changed");
    assert.equal(checked.status === "changed" && checked.summary, `run touch ${marker}`);
    assert.equal(await exists(marker), false);
    const applied = await run("command", args);
    assert.equal(applied.status, "changed");
    assert.deepEqual({ rc: applied.data.rc, stdout: applied.data.stdout }, { rc: 0, stdout: "" });
    assert.equal(await exists(marker), true);
    const again = await run("command", args);
    assert.deepEqual(
      { status: again.status, reason: again.status === "ok" && again.reason },
      { status: "ok", reason: `skipped: ${marker} exists` },
    );
    const removes = await run("command", { cmd: "true", removes: `${DIR}/never` });
    assert.equal(removes.status === "ok" && removes.reason, `skipped: ${DIR}/never does not exist`);
  });

  it("command: no shell (literal $VAR and |), argv, chdir, stdin, registered lines", async () => {
    const r = await run("command", { cmd: "echo $HOME | x" });
    assert.equal(r.data.stdout, "$HOME | x");
    const a = await run("command", { argv: ["printf", "%s\\n", "a b", "c"] });
    assert.deepEqual(a.data.stdout_lines, ["a b", "c"]);
    const c = await run("command", { cmd: "pwd", chdir: DIR });
    assert.equal(c.data.stdout, DIR);
    const s = await run("command", { cmd: "cat", stdin: "fed" });
    assert.equal(s.data.stdout, "fed");
  });

  it("command and shell: non-zero rc fails with rc and stderr registered", async () => {
    const r = await run("shell", { cmd: "echo out; echo bad >&2; exit 3" });
    assert.equal(r.status, "failed");
    assert.equal(r.status === "failed" && r.error, "non-zero return code 3: bad");
    assert.deepEqual([r.data.rc, r.data.stdout, r.data.stderr_lines], [3, "out", ["bad"]]);
    const missing = await run("command", { cmd: "/no/such/program" });
    assert.equal(missing.status, "failed");
    assert.equal(missing.data.rc, 127);
  });

  it("shell: pipes and redirections, chdir, another executable", async () => {
    const r = await run("shell", { cmd: "echo a b | wc -w > out; cat out", chdir: DIR });
    assert.deepEqual([r.status, r.data.stdout], ["changed", "2"]);
    const b = await run("shell", { cmd: "echo ${BASH_VERSION:+bash}", executable: "/bin/bash" });
    assert.equal(b.data.stdout, "bash");
    const checked = await run("shell", { cmd: `touch ${DIR}/shell-made` }, { check: true });
    assert.equal(checked.status, "changed");
    assert.equal(await exists(`${DIR}/shell-made`), false);
  });

  it("secrets never appear in the result", async () => {
    const r = await run("shell", { cmd: "echo token=s3cr3t; echo s3cr3t >&2; exit 1" }, { secrets: ["s3cr3t"] });
    assert.equal(r.status, "failed");
    assert.equal(JSON.stringify(r).includes("s3cr3t"), false);
    assert.equal(r.data.stdout, "token=********");
  });

  it("wait_for: an open port, a closed port, a timeout", async () => {
    const r = await run("wait_for", { port: 22, timeout: 5 });
    assert.equal(r.status, "ok");
    assert.match(r.status === "ok" ? r.reason : "", /^port 22 open after \d+\.\ds$/);
    const closed = await run("wait_for", { port: 1, state: "stopped", timeout: 5 });
    assert.match(closed.status === "ok" ? closed.reason : "", /^port 1 closed after/);
    const started = Date.now();
    const t = await run("wait_for", { port: 1, timeout: 1, sleep: 0.2 });
    assert.equal(t.status === "failed" && t.error, "timeout after 1s waiting for port 1 to be open");
    assert.ok(Date.now() - started < 5000);
  });

  it("wait_for: a port that opens later, from the target's point of view", async () => {
    const script = `${DIR}/listen.js`;
    await remote(
      HOST,
      `cat > ${script} <<'JS'
setTimeout(() => require('http').createServer((q, s) => { s.statusCode = q.url === '/ok' ? 200 : 503; s.end(); }).listen(18777, '127.0.0.1'), 700);
setTimeout(() => process.exit(0), 20000);
JS
nohup node ${script} >/dev/null 2>&1 & echo $! > ${DIR}/listen.pid`,
    );
    const r = await run("wait_for", { port: 18777, timeout: 10, sleep: 0.2 });
    assert.match(r.status === "ok" ? r.reason : JSON.stringify(r), /^port 18777 open after (0\.[5-9]|[1-9])/);
    const http = await run("wait_for", { url: "http://127.0.0.1:18777/ok", timeout: 5 });
    assert.match(
      http.status === "ok" ? http.reason : JSON.stringify(http),
      /^http:\/\/127\.0\.0\.1:18777\/ok answering 200 after/,
    );
    const bad = await run("wait_for", { url: "http://127.0.0.1:18777/nope", timeout: 1, sleep: 0.3 });
    assert.equal(
      bad.status === "failed" && bad.error,
      "timeout after 1s waiting for http://127.0.0.1:18777/nope to be answering 200",
    );
    const s503 = await run("wait_for", { url: "http://127.0.0.1:18777/nope", status_code: [503], timeout: 2 });
    assert.equal(s503.status, "ok");
  });

  it("wait_for: a path appearing, a pattern in it, a path absent", async () => {
    const f = `${DIR}/log`;
    await remote(HOST, `(sleep 0.5; echo 'server started' > ${f}) >/dev/null 2>&1 &`);
    const r = await run("wait_for", { path: f, search_regex: "started$", timeout: 10, sleep: 0.2 });
    assert.match(r.status === "ok" ? r.reason : JSON.stringify(r), new RegExp(`^/started\\$/ in ${f} present after`));
    const gone = await run("wait_for", { path: `${DIR}/none`, state: "absent", timeout: 2 });
    assert.match(gone.status === "ok" ? gone.reason : "", /absent after 0\.\ds/);
    const checked = await run("wait_for", { path: f, timeout: 2 }, { check: true });
    assert.equal(checked.status, "ok");
  });
});
