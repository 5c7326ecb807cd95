// A runtime include that includes itself (a computed file name hides the cycle from the loader) grew
// without limit: 487 MB after a minute. It now stops at a depth limit with the chain in the error.
// Runs the executor on localhost with `connection: local` and debug tasks only: no command runs.
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { MAX_INCLUDE_DEPTH } from "../../src/engine/include.js";
import { runPlan } from "../../src/engine/run.js";
import { loadPlan } from "../../src/playbook/load.js";
import type { Reporter, RunEvent } from "../../src/report/events.js";
import { tree } from "./loader-helpers.js";

const LOCAL = "all:\n  hosts:\n    localhost:\n      ansible_connection: local\n";

/** Keeps events; aborts the run once it has seen far more tasks than the limit allows (the old hang). */
class Capture implements Reporter {
  readonly events: RunEvent[] = [];
  readonly abort = new AbortController();
  emit(event: RunEvent): void {
    this.events.push(event);
    if (this.events.length > 20 * MAX_INCLUDE_DEPTH) this.abort.abort();
  }
  async close(): Promise<void> {}
}

async function run(files: Record<string, string>): Promise<Capture> {
  const root = tree({ "hosts.yml": LOCAL, ...files });
  const loaded = loadPlan({ playbook: path.join(root, "site.yml"), inventories: [path.join(root, "hosts.yml")] });
  assert.ok(loaded.ok, loaded.ok ? "" : loaded.diagnostics.map((d) => d.message).join("\n"));
  const reporter = new Capture();
  await runPlan(loaded.plan, { check: false, diff: false, reporter, signal: reporter.abort.signal });
  return reporter;
}

function failures(events: readonly RunEvent[]): string[] {
  return events.flatMap((e) =>
    e.type === "host_result" && e.result.status === "failed" ? [e.result.error ?? ""] : [],
  );
}

test("a runtime include of itself stops at the depth limit, naming the chain", async () => {
  const r = await run({
    "site.yml":
      "- hosts: all\n  gather_facts: false\n  vars:\n    me: again.yml\n  tasks:\n    - include_tasks: again.yml\n",
    "again.yml": '- debug: {msg: once more}\n- include_tasks: "{{ me }}"\n',
  });
  assert.equal(r.abort.signal.aborted, false, "the run had to be stopped from outside");
  const errors = failures(r.events);
  assert.equal(errors.length, 1, errors.join("\n"));
  assert.match(errors[0]!, new RegExp(`includes nested more than ${MAX_INCLUDE_DEPTH} deep`));
  assert.match(
    errors[0]!,
    /site\.yml:6 include_tasks again\.yml -> .*again\.yml:2 include_tasks \{\{ me \}\} -> .*again\.yml:2 again/,
  );
  const debugs = r.events.filter((e) => e.type === "host_result" && e.task.includes("debug")).length;
  assert.equal(debugs, MAX_INCLUDE_DEPTH);
});

test("a recursion that ends by itself is not limited", async () => {
  const r = await run({
    "site.yml": "- hosts: all\n  gather_facts: false\n  tasks:\n    - include_tasks: count.yml\n      vars: {n: 0}\n",
    "count.yml": '- set_fact: {n: "{{ add n 1 }}"}\n- include_tasks: "{{ \'count.yml\' }}"\n  when: (lt n 5)\n',
  });
  assert.deepEqual(failures(r.events), []);
});
