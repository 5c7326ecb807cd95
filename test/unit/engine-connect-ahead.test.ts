// A run connects to its hosts before the first task, so no play waits for a handshake at its first task.
// That includes the hosts its tasks delegate to (the share host of provisioning), as far as the first
// host's variables render them before the run. Runs the executor on local connections: nothing remote.
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { defaultConnector, type HostSpec } from "../../src/connection/pool.js";
import { runPlan } from "../../src/engine/run.js";
import { loadPlan } from "../../src/playbook/load.js";
import type { Reporter, RunEvent } from "../../src/report/events.js";
import { tree } from "./loader-helpers.js";

const INVENTORY = `all:
  hosts:
    server: {ansible_connection: local}
    share: {ansible_connection: local}
    elsewhere: {ansible_connection: local}
  vars:
    share_host: share
`;

const PLAYBOOK = `- hosts: server
  gather_facts: false
  tasks:
    - debug: {msg: first}
    - name: on the share host
      command: "true"
      delegate_to: "{{ share_host }}"
    - name: on a host named by the loop item
      command: "true"
      delegate_to: "{{ item }}"
      loop: [elsewhere]
`;

test("the hosts a play delegates to are connected before its first task; a loop item's delegate waits for its task", async () => {
  const root = tree({ "hosts.yml": INVENTORY, "site.yml": PLAYBOOK });
  const loaded = loadPlan({ playbook: path.join(root, "site.yml"), inventories: [path.join(root, "hosts.yml")] });
  assert.ok(loaded.ok, loaded.ok ? "" : loaded.diagnostics.map((d) => d.message).join("\n"));
  const order: string[] = [];
  const reporter: Reporter = {
    emit(e: RunEvent) {
      if (e.type === "task_start") order.push(`task ${e.task}`);
    },
    async close() {},
  };
  const connector = (spec: HostSpec) => {
    order.push(`connect ${spec.kind === "local" ? spec.name : spec.target.name}`);
    return defaultConnector(spec);
  };
  const outcome = await runPlan(loaded.plan, { check: false, diff: false, reporter }, connector);
  assert.equal(outcome.exitCode, 0, order.join("\n"));
  const firstTask = order.findIndex((l) => l.startsWith("task "));
  const before = order.slice(0, firstTask);
  assert.ok(before.includes("connect server") && before.includes("connect share"), order.join("\n"));
  assert.ok(
    order.indexOf("connect elsewhere") > order.indexOf("task on a host named by the loop item"),
    order.join("\n"),
  );
});
