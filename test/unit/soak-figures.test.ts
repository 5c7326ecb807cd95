// The soak's verdict and figures from recorded rounds and samples: what counts as lost, as split, as passed.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  HEAL_BOUND_MS,
  type Round,
  type Samples,
  SHORT_SOAK,
  spread,
  splitByHeal,
  summarise,
  summaryTable,
} from "../soak/figures.js";

const round = (over: Partial<Round> = {}): Round => ({
  kind: "switchover",
  to: "gocd-standby",
  problems: [],
  databaseS: 0.5,
  downtimeS: 5,
  totalS: 17,
  reports: { acknowledged: 100, lost: [], unreplicated: 0 },
  rescheduled: 0,
  reconfigured: [],
  ...over,
});
const quiet: Samples = { ticks: 1000, bothHealthyAt: [], bothWritableAt: [], bothVipAt: [], healedAt: [] };
const shortRounds = () => [
  round(),
  round({ to: "gocd-primary", databaseS: 0.7, downtimeS: 6, totalS: 18 }),
  round({
    kind: "crash failover",
    databaseS: 0.4,
    downtimeS: 9,
    totalS: 60,
    reports: { acknowledged: 80, lost: [], unreplicated: 3 },
  }),
];

describe("soak figures", () => {
  it("passes a soak that ran every planned round, lost nothing and never split", () => {
    const s = summarise(SHORT_SOAK, shortRounds(), quiet);
    assert.equal(s.passed, true);
    assert.deepEqual(s.rounds, { run: 3, passed: 3 });
    assert.deepEqual(s.reports, { acknowledged: 280, lost: 0, unreplicatedAtLoss: 3 });
    assert.deepEqual(s.byKind.switchover.databaseS, { min: 0.5, median: 0.5, max: 0.7 });
    assert.deepEqual(s.byKind["crash failover"].downtimeS, { min: 9, median: 9, max: 9 });
    assert.equal(s.byKind["partition failover"].rounds, 0);
    assert.match(summaryTable(s), /^soak: passed$/m);
    assert.deepEqual(
      s.goals.filter((g) => !g.met),
      [],
    );
  });

  it("shows a switchover's downtime over the goal as a goal not met, without failing the soak on it", () => {
    const rounds = shortRounds();
    rounds[1] = round({ to: "gocd-primary", downtimeS: 6.5 });
    const s = summarise(SHORT_SOAK, rounds, quiet);
    assert.equal(s.passed, true);
    const downtime = s.goals.find((g) => g.goal.startsWith("agent-visible downtime"));
    assert.deepEqual({ shown: downtime?.shown, met: downtime?.met }, { shown: "6.50 s at most", met: false });
    assert.match(
      summaryTable(s),
      /agent-visible downtime of a planned switchover, every round: <= 6\.00 s +6\.50 s at most \(NOT met\)/,
    );
  });

  it("fails on one lost report, and names the round", () => {
    const rounds = shortRounds();
    rounds[1] = round({ to: "gocd-primary", reports: { acknowledged: 50, lost: ["a-1"], unreplicated: 0 } });
    const s = summarise(SHORT_SOAK, rounds, quiet);
    assert.equal(s.passed, false);
    assert.equal(s.reports.lost, 1);
  });

  it("fails when a round failed or was never run", () => {
    const failed = shortRounds();
    failed[2] = round({ kind: "crash failover", problems: ["rejoin exited 1"] });
    const f = summarise(SHORT_SOAK, failed, quiet);
    assert.equal(f.passed, false);
    assert.deepEqual(f.failures, ["round 3 (crash failover to gocd-standby): rejoin exited 1"]);
    assert.match(summaryTable(f), /^soak: FAILED\n {2}round 3 \(crash failover to gocd-standby\): rejoin exited 1$/m);
    assert.equal(summarise(SHORT_SOAK, shortRounds().slice(0, 2), quiet).passed, false);
  });

  it("fails on two writable databases, or an agent that needed a person", () => {
    assert.equal(summarise(SHORT_SOAK, shortRounds(), { ...quiet, bothWritableAt: [5000] }).passed, false);
    const rounds = shortRounds();
    rounds[0] = round({ reconfigured: ["agent2"] });
    const s = summarise(SHORT_SOAK, rounds, quiet);
    assert.equal(s.agentsReconfigured, 1);
    assert.equal(s.passed, false);
  });

  it("allows two healthy servers only within the bound after a heal, and says how long after", () => {
    const heal = 100_000;
    const within = { ...quiet, healedAt: [heal], bothHealthyAt: [heal + 1200, heal + 2500] };
    const s = summarise(SHORT_SOAK, shortRounds(), within);
    assert.equal(s.passed, true);
    assert.equal(s.samples.twoHealthyServersAfterHeal, 2);
    assert.equal(s.samples.twoHealthyLastMsAfterHeal, 2500);
    assert.equal(s.samples.twoHealthyServers, 0);
    const late = summarise(SHORT_SOAK, shortRounds(), { ...within, bothHealthyAt: [heal + HEAL_BOUND_MS + 100] });
    assert.equal(late.samples.twoHealthyServers, 1);
    assert.equal(late.passed, false);
    // Before the heal is no excuse either.
    assert.deepEqual(splitByHeal([heal - 1], [heal]).outside, [heal - 1]);
  });

  it("takes the lower middle of an even count as the median, and ignores rounds without a figure", () => {
    assert.deepEqual(spread([4, 1, 3, 2]), { min: 1, median: 2, max: 4 });
    assert.deepEqual(spread([undefined, 2, Number.NaN]), { min: 2, median: 2, max: 2 });
    assert.equal(spread([undefined]), undefined);
  });
});
