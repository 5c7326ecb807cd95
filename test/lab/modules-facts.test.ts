// ping and setup on a real host: both read only, so always ok; setup's facts are the host's own.
import { after, test } from "node:test";
import "./fresh-lab.js";
import assert from "node:assert/strict";
import { closeLabConnections, runModule } from "./module-harness.js";
import { ok } from "./lab-access.js";

after(closeLabConnections);

test("ping: the host answers, with the data given or pong", async () => {
  const pong = await runModule("agent1", "ping", {});
  assert.deepEqual(pong, { status: "ok", reason: "the host answers and runs commands", data: { ping: "pong" } });
  const echoed = await runModule("agent1", "ping", { data: "hello" });
  assert.equal(echoed.data.ping, "hello");
});

test("setup: the host's own facts, filtered by glob", async () => {
  const all = await runModule("agent1", "setup", {});
  assert.equal(all.status, "ok");
  const facts = all.data.ansible_facts as Record<string, string>;
  assert.equal(facts.ansible_hostname, "agent1");
  assert.equal(facts.ansible_kernel, (await ok("agent1", "uname -r")).trim());
  assert.equal(facts.ansible_os_family, "Debian");
  const some = await runModule("agent1", "setup", { filter: "ansible_distribution*" });
  assert.deepEqual(Object.keys(some.data.ansible_facts as object).sort(), [
    "ansible_distribution",
    "ansible_distribution_major_version",
    "ansible_distribution_release",
    "ansible_distribution_version",
  ]);
});
