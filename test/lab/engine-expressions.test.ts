// Ansible's expression syntax on real lab hosts (agent1, share): conditions (when, until, failed_when,
// assert), loops built with filters, and module arguments, beside Handlebars helper calls.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import "./fresh-lab.js";
import { baseDir, changedCount, resultsOf, runFixture, statusOf, writeInventory } from "./engine-harness.js";
import { ok as remote, sh } from "./lab-access.js";

const HOSTS = ["agent1", "share"] as const;

describe("Ansible's expressions on lab hosts", () => {
  const inventory = writeInventory();
  const base = baseDir("expr");
  const extraVars = [`base=${base}`];
  const cleanup = () => Promise.all(HOSTS.map((h) => sh(h, `rm -rf ${base}`)));
  before(cleanup);
  after(cleanup);

  it("when, loop, until and arguments written in Ansible's syntax run as in Ansible, and a second run changes nothing", async () => {
    const { events, outcome } = await runFixture("expressions.yml", { inventory, extraVars });
    assert.equal(
      outcome.exitCode,
      0,
      JSON.stringify(events.filter((e) => e.type === "host_result" && e.result.status === "failed")),
    );
    for (const h of HOSTS) {
      assert.equal((await remote(h, `cat ${base}/web.conf`)).trim(), `port=8080\nhost=${h.toUpperCase()}`);
      assert.equal(
        (await sh(h, `test -e ${base}/db.conf`)).code,
        1,
        "a service filtered out by selectattr is not written",
      );
      assert.equal((await remote(h, `cat ${base}/words`)).trim(), "alpha,Beta,Gamma");
      assert.equal((await remote(h, `cat ${base}/mixed`)).trim(), "a-b|a-b|big");
      assert.equal(statusOf(events, "guarded", h), "ok");
      assert.equal(statusOf(events, "failed_when with not in", h), "ok");
    }
    assert.deepEqual(
      resultsOf(events, "enabled services", "agent1").map((e) => e.item),
      ["web"],
    );
    assert.equal(statusOf(events, "only on share", "agent1"), "skipped");
    assert.equal(statusOf(events, "only on share", "share"), "ok");
    const counted = resultsOf(events, "count up until three", "share")[0]!;
    assert.equal(counted.result.status, "ok");

    await Promise.all(HOSTS.map((h) => sh(h, `rm -f ${base}/n`)));
    const second = await runFixture("expressions.yml", { inventory, extraVars });
    assert.equal(second.outcome.exitCode, 0);
    assert.equal(changedCount(second.outcome), 0, "second run is all ok");
  });
});
