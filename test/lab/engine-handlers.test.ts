// Handlers on real lab hosts: once per host at the end of each section, in definition order, only
// after a change; a host that fails after notifying runs them with --force-handlers or has them
// reported as pending, never silently lost.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import "./fresh-lab.js";
import type { RunEvent } from "../../src/report/events.js";
import { baseDir, resultsOf, runFixture, writeInventory } from "./engine-harness.js";
import { ok as remote, sh } from "./lab-access.js";

const HOSTS = ["agent1", "share"] as const;

async function cleanup(base: string): Promise<void> {
  await Promise.all(HOSTS.map((h) => sh(h, `rm -rf ${base}`)));
}

function pending(events: readonly RunEvent[]) {
  return events.filter((e): e is Extract<RunEvent, { type: "handlers_pending" }> => e.type === "handlers_pending");
}

describe("handlers on lab hosts", () => {
  const inventory = writeInventory();
  const base = baseDir("handlers");
  before(() => cleanup(base));
  after(() => cleanup(base));

  it("run once at the end of each section, in definition order, and only after a change", async () => {
    const extraVars = [`base=${base}/h`];
    const first = await runFixture("handlers.yml", { inventory, extraVars });
    assert.equal(first.outcome.exitCode, 0);
    for (const h of HOSTS) {
      assert.deepEqual((await remote(h, `cat ${base}/h/order`)).trim().split("\n"), [
        "pre-handler",
        "task-done",
        "restart",
        "reload",
      ]);
    }
    assert.equal(resultsOf(first.events, "restart app").length, 2, "notified twice, ran once per host");
    assert.equal(resultsOf(first.events, "never notified").length, 0);
    const starts = first.events
      .filter((e) => e.type === "task_start" && e.handler)
      .map((e) => e.type === "task_start" && e.task);
    assert.deepEqual(starts, ["pre handler", "restart app", "reload via topic"]);

    const second = await runFixture("handlers.yml", { inventory, extraVars });
    assert.equal(second.events.filter((e) => e.type === "task_start" && e.handler).length, 0, "no change, no handler");
    assert.deepEqual((await remote("agent1", `cat ${base}/h/order`)).trim().split("\n"), [
      "pre-handler",
      "task-done",
      "restart",
      "reload",
      "task-done",
    ]);
  });

  it("a host that fails after notifying has its handlers reported pending", async () => {
    const extraVars = [`base=${base}/f`];
    const { events, outcome } = await runFixture("handlers-fail.yml", { inventory, extraVars });
    assert.equal(outcome.exitCode, 2);
    assert.equal(outcome.stats.share!.failed, 1);
    assert.equal((await remote("agent1", `cat ${base}/f/handled`)).trim(), "yes");
    assert.equal((await sh("share", `test -e ${base}/f/handled`)).code, 1, "share's handler must not have run");
    const p = pending(events);
    assert.deepEqual(
      p.map((e) => [e.host, e.handlers]),
      [["share", ["mark handled"]]],
    );
    assert.match(p[0]!.why, /failed at task 'fail on share'.*--force-handlers/);
  });

  it("--force-handlers runs them on the failed host too", async () => {
    const extraVars = [`base=${base}/forced`];
    const { events, outcome } = await runFixture("handlers-fail.yml", { inventory, extraVars, forceHandlers: true });
    assert.equal(outcome.exitCode, 2);
    for (const h of HOSTS) assert.equal((await remote(h, `cat ${base}/forced/handled`)).trim(), "yes");
    assert.equal(pending(events).length, 0);
    assert.equal(outcome.stats.share!.failed, 1, "the host stays failed");
  });
});
