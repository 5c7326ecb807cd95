// The soak's short version (`npm run soak` runs the full one): three agents under load, two planned
// switchovers and one failover after a power cut of the active side, with the same checks after every
// round (drift clean, status healthy, the config change synced, every acknowledged report kept, no agent
// needing a person) and the samplers running throughout: nothing lost, nothing split.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import "./fresh-lab.js";
import { CORE_HOSTS, extraAgents } from "../../src/lab/topology.js";
import { eventually, sh } from "./lab-access.js";
import { SHORT_SOAK, summaryTable } from "../soak/figures.js";
import { runSoak } from "../soak/soak.js";

describe("soak (short)", () => {
  it("two switchovers and a failover under load lose no acknowledged report and never split the pair", async () => {
    const lines: string[] = [];
    const s = await runSoak(SHORT_SOAK, (l) => lines.push(l));
    const table = summaryTable(s);
    assert.equal(s.passed, true, `${lines.join("\n")}\n${table}`);
    assert.deepEqual(s.rounds, { run: 3, passed: 3 });
    assert.ok(s.reports.acknowledged > 100, `too few reports to prove anything: ${s.reports.acknowledged}`);
    assert.equal(s.reports.lost, 0);
    assert.equal(s.samples.twoWritableDatabases, 0);
    assert.equal(s.samples.twoHealthyServers, 0);
    assert.equal(s.agentsReconfigured, 0);
    assert.ok(s.samples.taken > 100, `the samplers took ${s.samples.taken} samples`);
    // The samplers' loops run on the hosts under the controller's ssh sessions: a loop that outlived its
    // session would poll on through every later round (and load the hosts more each time).
    const left = async () => {
      const found = await Promise.all(
        [...CORE_HOSTS, ...extraAgents(3)].map(async (h) => {
          const r = await sh(h, "pgrep -af '[w]hile :' || true");
          return r.stdout.trim() ? [`${h.name}: ${r.stdout.trim()}`] : [];
        }),
      );
      return found.flat();
    };
    assert.ok(await eventually(async () => (await left()).length === 0, 5000), (await left()).join("\n"));
  });
});
