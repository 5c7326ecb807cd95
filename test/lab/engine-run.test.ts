// The executor on real lab hosts (agent1, share): linear order, idempotent second run, check mode that
// writes nothing, the task keywords, delegation, run_once and secrets, asserted as a user would see them.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import "./fresh-lab.js";
import { NO_LOG_TEXT } from "../../src/engine/results.js";
import type { RunEvent } from "../../src/report/events.js";
import { baseDir, changedCount, resultsOf, runFixture, statusOf, writeInventory } from "./engine-harness.js";
import { ok as remote, sh } from "./lab-access.js";

const HOSTS = ["agent1", "share"] as const;

async function cleanup(base: string): Promise<void> {
  await Promise.all(HOSTS.map((h) => sh(h, `rm -rf ${base}`)));
}

/** Task names in the order their first result arrived, and whether every host finished a task before the next began. */
function lockstep(events: readonly RunEvent[]): boolean {
  let current = "";
  const seen = new Set<string>();
  for (const e of events) {
    if (e.type === "task_start") {
      if (seen.has(e.task)) return false;
      seen.add(e.task);
      current = e.task;
    }
    if (e.type === "host_result" && e.task !== current) return false;
  }
  return true;
}

describe("executor on lab hosts", () => {
  const inventory = writeInventory();
  const base = baseDir("run");
  const extraVars = [`base=${base}`];
  before(() => cleanup(base));
  after(() => cleanup(base));

  it("check mode reports changes and writes nothing; a real run changes; a second run changes nothing", async () => {
    await Promise.all(HOSTS.map((h) => remote(h, `mkdir -p ${base}`)));
    const checked = await runFixture("basic.yml", { inventory, extraVars, check: true });
    assert.equal(checked.outcome.exitCode, 0, JSON.stringify(checked.outcome.stats));
    assert.equal(statusOf(checked.events, "config file", "agent1"), "changed");
    for (const h of HOSTS) assert.equal((await sh(h, `ls -A ${base}`)).stdout, "", `check mode wrote on ${h}`);

    const first = await runFixture("basic.yml", { inventory, extraVars });
    assert.equal(first.outcome.exitCode, 0);
    assert.ok(lockstep(first.events), "every host finishes a task before the next starts");
    assert.deepEqual(first.outcome.stats.agent1, {
      ok: 5,
      changed: 2,
      unreachable: 0,
      failed: 0,
      skipped: 0,
      rescued: 0,
      ignored: 0,
    });
    assert.equal((await remote("share", `cat ${base}/app.conf`)).trim(), "host=share");
    const shown = resultsOf(first.events, "show it", "agent1")[0]!;
    assert.equal(shown.result.status === "ok" && shown.result.reason, "host=agent1\nmode=standby");

    const second = await runFixture("basic.yml", { inventory, extraVars });
    assert.equal(changedCount(second.outcome), 0, "second run is all ok");
    assert.equal(second.outcome.exitCode, 0);
  });

  it("register, when, loop, until, changed_when, failed_when, ignore_errors, block/rescue/always", async () => {
    const { events, outcome } = await runFixture("keywords.yml", { inventory, extraVars: [`base=${base}/kw`] });
    assert.equal(
      outcome.exitCode,
      0,
      JSON.stringify(events.filter((e) => e.type === "host_result" && e.result.status === "failed" && !e.ignored)),
    );
    for (const h of HOSTS) {
      assert.deepEqual(outcome.stats[h], {
        ok: h === "share" ? 17 : 16,
        changed: 5,
        unreachable: 0,
        failed: 0,
        skipped: h === "share" ? 0 : 1,
        rescued: 1,
        ignored: 2,
      });
      assert.equal(resultsOf(events, "never after failure", h).length, 0);
      assert.equal((await remote(h, `cat ${base}/kw/always`)).trim(), "ran");
    }
    const skipped = resultsOf(events, "only on share", "agent1")[0]!.result;
    assert.deepEqual(
      skipped.status === "skipped" && skipped.reason,
      'condition false: (eq inventory_hostname "share")',
    );
    assert.equal(statusOf(events, "only on share", "share"), "ok");
    assert.deepEqual(
      resultsOf(events, "loop over items", "share").map((e) => e.item),
      ["a", "b", "c"],
    );
    assert.equal(statusOf(events, "exit 3 is fine here", "agent1"), "ok");
    assert.equal(resultsOf(events, "failing but ignored", "agent1")[0]!.ignored, true);
  });

  it("delegate_to runs on the delegate with the host's variables; run_once runs once and shares the result", async () => {
    const { events, outcome } = await runFixture("delegate.yml", { inventory, extraVars });
    assert.equal(
      outcome.exitCode,
      0,
      JSON.stringify(events.filter((e) => e.type === "host_result" && e.result.status === "failed")),
    );
    assert.deepEqual(
      resultsOf(events, "who runs it").map((e) => e.delegatedTo),
      ["share", "share"],
    );
    assert.deepEqual(
      resultsOf(events, "once").map((e) => e.host),
      ["agent1"],
    );
    assert.deepEqual(
      resultsOf(events, "pick once").map((e) => e.host),
      ["agent1"],
    );
  });

  it("include_tasks (computed name, loop) and include_role (defaults, params, templates, handlers); tags", async () => {
    const vars = [`base=${base}/inc`];
    const { events, outcome } = await runFixture("includes.yml", { inventory, extraVars: vars });
    assert.equal(
      outcome.exitCode,
      0,
      JSON.stringify(events.filter((e) => e.type === "host_result" && e.result.status === "failed")),
    );
    assert.equal((await remote("share", `cat ${base}/inc/step-a ${base}/inc/step-b`)).trim(), "a on share\nb on share");
    assert.equal((await remote("agent1", `cat ${base}/inc/demo.txt`)).trim(), "word=from-params role=demo");
    assert.equal((await remote("agent1", `cat ${base}/inc/demo-handled`)).trim(), "handled");
    assert.equal(resultsOf(events, "only when asked").length, 0, "a `never` task runs only when asked for");

    const tagged = await runFixture("includes.yml", { inventory, extraVars: vars, tags: ["special"] });
    const ran = [...new Set(tagged.events.flatMap((e) => (e.type === "host_result" ? [e.task] : [])))];
    assert.deepEqual(ran, ["directory", "only when asked"], "`always` and the asked-for tag only");
    assert.equal((await remote("agent1", `cat ${base}/inc/never`)).trim(), "asked");
  });

  it("no_log hides results; secret values appear nowhere in the events", async () => {
    const { events, outcome } = await runFixture("nolog.yml", { inventory, extraVars });
    assert.equal(outcome.exitCode, 0, JSON.stringify(outcome.stats));
    const json = JSON.stringify(events);
    assert.ok(!json.includes("Pw-4f9c-secret-value"), "the password leaked");
    assert.ok(!json.includes("unlisted-9d2e-value"), "a no_log task's rendered argument leaked");
    const hidden = resultsOf(events, "hidden command", "agent1")[0]!.result;
    assert.equal(hidden.status === "changed" && hidden.summary, NO_LOG_TEXT);
    assert.equal((await remote("agent1", `cat ${base}/pw`)).trim(), "Pw-4f9c-secret-value");
  });
});
