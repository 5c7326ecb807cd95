// The switchover command as the lab tests run it: confirmed, killed (SIGKILL, as a lost controller) at a
// chosen point of its output, and what an operator checks while it is half-way and once it is finished.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { cli, labInventory, told, whenOutputShows, type Cli } from "./cli.js";
import { assertHealthy, status, type Sides } from "./pair-status.js";

/** `gocd-bc switchover --to TO --confirm TO` on the lab; `started` gets the process (to watch or signal it). */
export const switchoverTo = (to: string, started?: (child: ChildProcess) => void): Promise<Cli> =>
  cli(["switchover", ...labInventory(), "--to", to, "--confirm", to], 600_000, started);

/** A switchover to `to`, killed once its output matches `next` (the task or play that comes next). */
export async function killedAt(to: string, next: RegExp): Promise<Cli> {
  const r = await switchoverTo(
    to,
    whenOutputShows(next, (child) => child.kill("SIGKILL")),
  );
  assert.equal(r.code, -1, `the switchover was not killed at ${next}: ${told(r)}`);
  return r;
}

/** While the switchover to `to` is half-way: status says so and names the command; provision refuses. */
export async function assertHalfWay(to: string): Promise<void> {
  const { r, s } = await status();
  assert.equal(r.code, 1, `status of a switchover half-way: ${told(r)}`);
  assert.equal(s.journal?.ended, false, "status does not show the switchover unfinished");
  assert.match(s.problems.join("\n"), new RegExp(`run \`gocd-bc switchover --to ${to}\` again`));
  const p = await cli(["provision", ...labInventory()]);
  assert.equal(p.code, 1, `provision during a switchover half-way: ${told(p)}`);
  assert.match(p.stderr, /refusing to change anything while a switchover is half-way/);
}

/** The same command again finishes the switchover to `sides`. */
export async function assertFinishes(sides: Sides): Promise<void> {
  const r = await switchoverTo(sides.gocdActive);
  assert.equal(r.code, 0, `the re-run did not finish the switchover: ${told(r)}`);
  assert.match(r.stderr, /switchover: finishing \S+, which stopped after '/);
  const s = await assertHealthy(`after finishing the switchover to ${sides.gocdActive}`, sides, 60_000);
  assert.equal(s.journal?.step, "done", "the journal does not say done");
}
