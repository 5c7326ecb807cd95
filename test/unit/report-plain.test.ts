// Plain lines for CI logs: Ansible's words, diffs for --diff, colour only on a terminal.
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { test } from "node:test";
import type { ReporterOptions, RunEvent } from "../../src/report/events.js";
import type { TaskResult } from "../../src/modules/contract.js";
import { PlainReporter } from "../../src/report/plain.js";
import { createReporter, isInteractive } from "../../src/report/index.js";
import { emptyStats } from "../../src/report/recap.js";

/** A stream that keeps what is written; `isTTY` as asked. */
class Capture extends Writable {
  text = "";
  constructor(readonly isTTY = false) {
    super();
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const loc = { file: "playbooks/provision.yml", line: 12, col: 7 };
const result = (r: TaskResult, extra: Partial<Extract<RunEvent, { type: "host_result" }>> = {}): RunEvent => ({
  type: "host_result",
  task: "config",
  host: "gocd1",
  loc,
  result: r,
  check: false,
  durationMs: 250,
  ...extra,
});
const changedFile: TaskResult = {
  status: "changed",
  summary: "update /etc/go/wrapper.conf",
  diff: [{ path: "/etc/go/wrapper.conf", before: "a\nold line\nc\n", after: "a\nnew line\nc\n" }],
  data: {},
};

async function render(events: RunEvent[], opts: Partial<ReporterOptions> = {}, colour = false): Promise<string[]> {
  const out = new Capture();
  const reporter = new PlainReporter({ diff: false, verbosity: 0, ...opts }, out, colour);
  for (const e of events) reporter.emit(e);
  await reporter.close();
  return out.text.split("\n");
}

test("plays, tasks and host results read like Ansible's", async () => {
  const lines = await render([
    { type: "play_start", play: "GoCD servers", hosts: ["gocd1"], loc },
    { type: "task_start", play: "GoCD servers", task: "config", loc, hosts: ["gocd1"], handler: false },
    result({ status: "ok", reason: "already in place", data: {} }),
    result(changedFile, { host: "gocd2" }),
    result({ status: "skipped", reason: "when: is_primary", data: {} }, { host: "gocd3" }),
    result({ status: "failed", error: "exit 1: no such file", data: {} }, { host: "gocd4" }),
    result({ status: "unreachable", error: "connect ETIMEDOUT", data: {} }, { host: "gocd5" }),
    { type: "task_start", play: "GoCD servers", task: "restart", loc, hosts: ["gocd1"], handler: true },
  ]);
  assert.deepEqual(lines, [
    "",
    "PLAY [GoCD servers] ***",
    "TASK [config] (playbooks/provision.yml:12) ***",
    "ok: [gocd1]",
    "changed: [gocd2] update /etc/go/wrapper.conf",
    "skipping: [gocd3] when: is_primary",
    "failed: [gocd4] exit 1: no such file",
    "unreachable: [gocd5] connect ETIMEDOUT",
    "RUNNING HANDLER [restart] (playbooks/provision.yml:12) ***",
    "",
  ]);
});

test("loop items, delegation, ignored failures and check mode are marked", async () => {
  const lines = await render([
    result({ status: "ok", reason: "present", data: {} }, { item: "postgresql-15" }),
    result({ status: "ok", reason: "present", data: {} }, { item: { name: "x", state: "present" } }),
    result({ status: "failed", error: "exit 3", data: {} }, { delegatedTo: "db1", ignored: true }),
    result({ ...changedFile, summary: "create /etc/x" }, { check: true }),
    result({ ...changedFile, summary: "would restart go-server" }, { check: true }),
  ]);
  assert.deepEqual(lines.slice(0, -1), [
    "ok: [gocd1] (item=postgresql-15)",
    'ok: [gocd1] (item={"name":"x","state":"present"})',
    "failed: [gocd1 -> db1] exit 3",
    "...ignoring",
    "changed: [gocd1] (check mode) would create /etc/x",
    "changed: [gocd1] (check mode) would restart go-server",
  ]);
});

test("-v shows ok reasons, durations and registered data; without -v they stay hidden", async () => {
  const e = result({ status: "ok", reason: "mode already 0644", data: { mode: "0644" } });
  assert.deepEqual(await render([e]), ["ok: [gocd1]", ""]);
  assert.deepEqual(await render([e], { verbosity: 1 }), [
    "ok: [gocd1] mode already 0644 (0.3s)",
    '    data: {"mode":"0644"}',
    "",
  ]);
});

test("a failure always shows its error, and the command output it carries", async () => {
  const lines = await render([
    result({ status: "failed", error: "command exited 2", data: { rc: 2, stdout: "", stderr: "line 1\nline 2\n" } }),
  ]);
  assert.deepEqual(lines, ["failed: [gocd1] command exited 2", "    stderr:", "      line 1", "      line 2", ""]);
});

test("--diff prints a unified diff per change after a changed result", async () => {
  const lines = await render([result(changedFile)], { diff: true });
  assert.deepEqual(lines.slice(0, 4), [
    "changed: [gocd1] update /etc/go/wrapper.conf",
    "--- before: /etc/go/wrapper.conf",
    "+++ after: /etc/go/wrapper.conf",
    "@@ -1,3 +1,3 @@",
  ]);
  assert.ok(lines.includes("-old line"));
  assert.ok(lines.includes("+new line"));
  assert.ok(!(await render([result(changedFile)])).some((l) => l.includes("old line")), "no diff without --diff");
});

test("the reporter prints only what the event carries: masking is the engine's, done before emitting", async () => {
  const masked: TaskResult = {
    status: "changed",
    summary: "set password",
    diff: [{ path: "/etc/pgpass", before: "", after: "db:5432:*:repl:********\n" }],
    data: { password: "********" },
  };
  const text = (await render([result(masked)], { diff: true, verbosity: 2 })).join("\n");
  assert.match(text, /\+db:5432:\*:repl:\*{8}/);
  assert.match(text, /"password":"\*{8}"/);
});

test("handlers notified but not run get a clear warning naming them and why", async () => {
  const lines = await render([
    {
      type: "handlers_pending",
      host: "gocd2",
      handlers: ["restart go-server", "reload keepalived"],
      why: "task 'sync config' failed",
    },
  ]);
  assert.equal(
    lines[0],
    "[WARNING]: [gocd2] handlers were notified but NOT run on this host: restart go-server, reload keepalived. Why: task 'sync config' failed",
  );
});

test("the recap ends the output in Ansible's form with the total duration", async () => {
  const lines = await render([
    {
      type: "recap",
      hosts: { gocd1: { ...emptyStats(), ok: 4, changed: 2 } },
      exitCode: 0,
      durationMs: 4200,
      interrupted: false,
    },
  ]);
  assert.deepEqual(lines, [
    "",
    "PLAY RECAP ***",
    "gocd1                      : ok=4    changed=2    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   ",
    "",
    "Finished in 4.2s",
    "",
  ]);
});

test("colour only when asked (a TTY without NO_COLOR), never in pipes", async () => {
  const coloured = (await render([result(changedFile)], { diff: true }, true)).join("\n");
  assert.match(coloured, /\u001b\[33mchanged: \[gocd1\]\u001b\[39m/);
  assert.match(coloured, /\u001b\[31m-old line\u001b\[39m/);
  const plain = await render([result(changedFile)], { diff: true });
  assert.ok(!plain.join("\n").includes("\u001b["));
  const tty = new Capture(true);
  const viaFactory = createReporter("plain", { diff: false, verbosity: 0 }, tty);
  viaFactory.emit(result(changedFile));
  await viaFactory.close();
  assert.equal(tty.text.includes("\u001b["), process.env.NO_COLOR === undefined || process.env.NO_COLOR === "");
});

test("emit never throws, even for data that JSON cannot show", async () => {
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  const lines = await render([result({ status: "ok", reason: "x", data: circular }, { item: circular })], {
    verbosity: 1,
  });
  assert.match(lines[0] ?? "", /^ok: \[gocd1\] \(item=\[object Object\]\) x/);
});

test("auto picks the tree on a terminal outside CI, plain lines elsewhere", () => {
  assert.equal(isInteractive(new Capture(true), {}), true);
  assert.equal(isInteractive(new Capture(true), { CI: "true" }), false);
  assert.equal(isInteractive(new Capture(false), {}), false);
  assert.ok(createReporter("auto", { diff: false, verbosity: 0 }, new Capture(false), {}) instanceof PlainReporter);
});

test("text from a host cannot forge a line: control characters are shown escaped, continuation lines indented", async () => {
  const forged = "exit 1: boom\nok: [gocd2] fine\u001b[2K\r";
  const lines = await render([
    { type: "task_start", play: "p", task: "t\nok: [gocd3]", loc, hosts: ["gocd1"], handler: false },
    result({
      status: "failed",
      error: forged,
      data: { rc: 1, stdout: "", stderr: "\u001b]0;pwned\u0007 text\nok: [gocd4]\rok: [gocd1]\n" },
    }),
    result({ status: "skipped", reason: "when\u009b2K\nchanged: [gocd5]", data: {} }, { item: "a\rb" }),
    { type: "warning", message: "careful\nok: [gocd6]" },
  ]);
  const text = lines.join("\n");
  assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(text), JSON.stringify(text));
  assert.deepEqual(
    lines.filter((l) => /^(ok|changed|skipping|failed):/.test(l)),
    ["failed: [gocd1] exit 1: boom", "skipping: [gocd1] (item=a\\rb) when\\x9b2K"],
  );
  assert.ok(lines.includes("    ok: [gocd2] fine\\x1b[2K\\r"), text);
  assert.ok(lines.includes("      \\x1b]0;pwned\\x07 text"), text);
  assert.ok(lines.includes("      ok: [gocd4]\\rok: [gocd1]"), text);
  assert.ok(lines.includes("    ok: [gocd3]] (playbooks/provision.yml:12) ***"), text);
  assert.ok(lines.includes("    ok: [gocd6]"), text);
});

test("--diff shows escape sequences in file contents escaped, keeping lines and tabs", async () => {
  const change: TaskResult = {
    status: "changed",
    summary: "update /etc/motd",
    diff: [{ path: "/etc/motd", before: "", after: "\u001b[31mred\u001b[0m\tok\nok: [gocd2]\n" }],
    data: {},
  };
  const lines = await render([result(change)], { diff: true });
  assert.ok(lines.includes("+\\x1b[31mred\\x1b[0m\tok"), lines.join("\n"));
  assert.ok(lines.includes("+ok: [gocd2]"));
  assert.ok(!lines.join("\n").includes("\u001b"));
});
