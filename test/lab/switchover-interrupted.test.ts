// A switchover interrupted anywhere, as an operator meets it: the controller killed after each step in
// turn, and a host's connection cut in the middle of a step. Each time `status` names the switchover
// half-way and the command that finishes it, `provision` refuses to touch the pair, and the same
// switchover command run again finishes the job: the pair healthy with the roles swapped, the journal
// saying done. Samplers every 100 ms over the whole file never see two writable databases or two healthy
// GoCD servers, and `drift` at the end finds nothing.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import "./fresh-lab.js";
import { cli, labInventory, provisionOk, told, whenOutputShows } from "./cli.js";
import { sh } from "./lab-access.js";
import { assertHealthy, FIRST_SIDES, type Sides } from "./pair-status.js";
import { assertFinishes, assertHalfWay, killedAt, switchoverTo } from "./switchover-runs.js";
import { sampleBothHealthy, sampleWritable, type Sampler, type WritableSamples } from "./samplers.js";

/** How long the database host's ssh sessions are cut for. */
const CUT_MS = 10_000;
const SWAPPED: Sides = { gocdActive: "gocd-standby", dbPrimary: "db-standby" };
const other = (s: Sides) => (s.gocdActive === FIRST_SIDES.gocdActive ? SWAPPED : FIRST_SIDES);
/** Where the controller is killed: as the run's output shows the task (or play) that comes next. */
const KILL_POINTS: readonly { after: string; next: RegExp }[] = [
  { after: "the drain (maintenance mode on)", next: /TASK \[gocd_switchover : step 3: / },
  { after: "GoCD stopped on the active server", next: /TASK \[gocd_switchover : step 4: / },
  { after: "the primary stopped cleanly", next: /TASK \[gocd_switchover : step 5: / },
  {
    after: "the old primary's standby.signal, before the promotion",
    next: /TASK \[gocd_switchover : step 6: the standby is promoted/,
  },
  { after: "the promotion", next: /TASK \[gocd_switchover : step 7: / },
  { after: "GoCD active on the target, before provisioning the swapped pair", next: /PLAY \[database pair\]/ },
];

describe("switchover, interrupted", { concurrency: false }, () => {
  let servers: Sampler<number[]>;
  let databases: Sampler<WritableSamples>;
  let sides: Sides = FIRST_SIDES;
  before(async () => {
    await provisionOk();
    await assertHealthy("before the switchovers", FIRST_SIDES, 60_000);
    servers = sampleBothHealthy(["198.18.0.11", "198.18.0.12"]);
    databases = sampleWritable(["db-primary", "db-standby"]);
  });
  after(async () => {
    await servers?.stop();
    await databases?.stop();
  });

  for (const point of KILL_POINTS) {
    it(`killed after ${point.after}, the same command finishes it`, async () => {
      const target = other(sides);
      await killedAt(target.gocdActive, point.next);
      await assertHalfWay(target.gocdActive);
      await assertFinishes(target);
      sides = target;
    });
  }

  it("with every ssh session to the old primary's database host cut as it is stopped, the run stops and the same command finishes it", async () => {
    const target = other(sides);
    let cut: Promise<unknown> | undefined;
    let cutFrom = 0;
    // From the drain on, every ssh session on the database host is killed for ten seconds, the
    // controller's reconnection included: a link that drops. Steps 2 and 3 work on the GoCD server, so the
    // first task to need the database host is step 4's, however fast the steps before it ran (a cut that
    // began at step 3 and lasted three seconds could be over before step 4 started).
    const r = await switchoverTo(
      target.gocdActive,
      whenOutputShows(/TASK \[gocd_switchover : step 2: /, () => {
        cutFrom = Date.now();
        cut = sh(
          sides.dbPrimary,
          `systemd-run --quiet --collect sh -c "for i in \\$(seq ${CUT_MS / 100}); do pkill -KILL -f '^sshd(-session)?: root@'; sleep 0.1; done"`,
        );
      }),
    );
    await cut;
    assert.ok(cut, "step 2 never started");
    await new Promise((r) => setTimeout(r, Math.max(0, cutFrom + CUT_MS + 1000 - Date.now())));
    assert.equal(
      r.code,
      4,
      `the switchover did not stop at the cut connection (exit 4, a host unreachable): ${told(r)}`,
    );
    assert.match(r.stderr, /switchover: stopped at "gocd_switchover : step 4: [^"]+": /);
    assert.match(r.stderr, /run the same command again to finish it/);
    await assertHalfWay(target.gocdActive);
    await assertFinishes(target);
    sides = target;
  });

  it("never two writable databases or two healthy GoCD servers, and drift finds nothing", async () => {
    assert.deepEqual(await servers.stop(), [], "both GoCD servers answered healthy at the same time");
    const dbs = await databases.stop();
    assert.ok(dbs.ticks > 300, `the database sampler took only ${dbs.ticks} samples`);
    assert.deepEqual(dbs.bothWritable, [], "both databases were writable at the same time");
    const drift = await cli(["drift", ...labInventory()]);
    assert.equal(drift.code, 0, `drift after the interrupted switchovers: ${told(drift)}`);
  });
});
