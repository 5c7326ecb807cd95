// `--json`: one parseable object per event per line, stable field names, nothing else on the stream.
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { test } from "node:test";
import type { ReporterOptions, RunEvent } from "../../src/report/events.js";
import { createReporter } from "../../src/report/index.js";
import { emptyStats } from "../../src/report/recap.js";

class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const loc = { file: "site.yml", line: 4, col: 3 };
const run: RunEvent[] = [
  { type: "run_start", playbook: "site.yml", check: true, diff: true, time: "2024-01-01T00:00:00.000Z" },
  { type: "play_start", play: "db", hosts: ["db1"], loc },
  { type: "task_start", play: "db", task: "conf", loc, hosts: ["db1"], handler: false },
  {
    type: "host_result",
    task: "conf",
    host: "db1",
    loc,
    check: true,
    durationMs: 12,
    item: "a",
    delegatedTo: "db2",
    result: {
      status: "changed",
      summary: "would write x",
      diff: [{ path: "/x", before: "old line\n", after: "new line\n" }],
      data: { n: 1n },
    },
  },
  {
    type: "host_result",
    task: "conf",
    host: "db1",
    loc,
    check: true,
    durationMs: 3,
    ignored: true,
    result: { status: "failed", error: "boom", data: {} },
  },
  { type: "handlers_pending", host: "db1", handlers: ["restart"], why: "run interrupted" },
  { type: "warning", message: "careful" },
  { type: "play_end", play: "db" },
  {
    type: "recap",
    hosts: { db1: { ...emptyStats(), ok: 2, changed: 1, ignored: 1 } },
    exitCode: 0,
    durationMs: 99,
    interrupted: false,
  },
];

async function lines(opts: Partial<ReporterOptions> = {}): Promise<Record<string, unknown>[]> {
  const out = new Capture();
  const r = createReporter("json", { diff: false, verbosity: 0, ...opts }, out);
  for (const e of run) r.emit(e);
  await r.close();
  assert.ok(out.text.endsWith("\n"));
  return out.text
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

test("one JSON object per event, in order, and nothing else", async () => {
  const objs = await lines();
  assert.deepEqual(
    objs.map((o) => o.type),
    run.map((e) => e.type),
  );
});

test("field names are the documented ones", async () => {
  const [start, play, task, changed, ignored, pending, warning, end, recap] = await lines({ diff: true });
  assert.deepEqual(start, {
    type: "run_start",
    playbook: "site.yml",
    check: true,
    diff: true,
    time: "2024-01-01T00:00:00.000Z",
  });
  assert.deepEqual(play, { type: "play_start", play: "db", hosts: ["db1"], file: "site.yml", line: 4, col: 3 });
  assert.deepEqual(task, {
    type: "task_start",
    play: "db",
    task: "conf",
    handler: false,
    hosts: ["db1"],
    file: "site.yml",
    line: 4,
    col: 3,
  });
  assert.deepEqual(Object.keys(changed ?? {}).sort(), [
    "changes",
    "check",
    "col",
    "data",
    "delegated_to",
    "duration_ms",
    "file",
    "host",
    "ignored",
    "item",
    "line",
    "message",
    "status",
    "task",
    "type",
  ]);
  assert.equal(changed?.status, "changed");
  assert.equal(changed?.message, "would write x");
  assert.deepEqual(changed?.data, { n: "1" }, "a bigint becomes a string instead of breaking the line");
  const patch = (changed?.changes as { path: string; patch: string }[] | undefined)?.[0]?.patch ?? "";
  assert.match(patch, /^--- before: \/x\n\+\+\+ after: \/x\n/);
  assert.match(patch, /\n-old line\n\+new line/);
  assert.equal(ignored?.ignored, true);
  assert.deepEqual(pending, { type: "handlers_pending", host: "db1", handlers: ["restart"], why: "run interrupted" });
  assert.deepEqual(warning, { type: "warning", message: "careful" });
  assert.deepEqual(end, { type: "play_end", play: "db" });
  assert.deepEqual(recap, {
    type: "recap",
    hosts: { db1: { ...emptyStats(), ok: 2, changed: 1, ignored: 1 } },
    exit_code: 0,
    duration_ms: 99,
    interrupted: false,
  });
});

test("without --diff a change names its path but carries no file content", async () => {
  const changed = (await lines())[3];
  assert.deepEqual(changed?.changes, [{ path: "/x" }]);
});

test("cyclic data is cut, shared data kept, and the line still parses", async () => {
  const shared = { v: 1 };
  const cyclic: Record<string, unknown> = { a: shared, b: shared };
  cyclic.self = cyclic;
  const out = new Capture();
  const r = createReporter("json", { diff: false, verbosity: 0 }, out);
  r.emit({
    type: "host_result",
    task: "t",
    host: "h",
    loc,
    check: false,
    durationMs: 1,
    result: { status: "ok", reason: "r", data: cyclic },
  });
  await r.close();
  const obj = JSON.parse(out.text) as { data: Record<string, unknown> };
  assert.deepEqual(obj.data, { a: { v: 1 }, b: { v: 1 }, self: "[Circular]" });
});
