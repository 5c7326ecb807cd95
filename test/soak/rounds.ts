// One round of the soak: a planned switchover, or a failover after the active side was lost (a power cut,
// or a partition later healed) followed by the way back (`lab start` or `lab heal`, then `rejoin`). Each
// round first changes cruise-config.xml on the active server and has the standby pull it, and ends with
// what an operator checks: `drift` reports nothing, `status` is healthy with the new roles, the config
// change is on the new active server, every acknowledged job report is in the new primary's database,
// and no agent needs a person. A problem is recorded, never thrown, so the soak reports every round.
import { labFault } from "../../src/lab/lab.js";
import { LAB_NET } from "../../src/lab/topology.js";
import { jobIdsOn } from "../lab/agent-reports.js";
import { cli, labInventory, told, type Cli } from "../lab/cli.js";
import { eventually, host, inRecovery, ok, pgReady, sh } from "../lab/lab-access.js";
import { assertHealthy } from "../lab/pair-status.js";
import { largestGap, sampleAgentPings } from "../lab/samplers.js";
import { acknowledgedSince, identities, marks, needingAPerson, type Marks } from "./agents.js";
import type { Round, RoundKind, RoundReports } from "./figures.js";

/** One side of the pair: a GoCD server and the database host it uses. */
export interface Side {
  readonly gocd: string;
  readonly db: string;
}
export const SIDES: readonly [Side, Side] = [
  { gocd: "gocd-primary", db: "db-primary" },
  { gocd: "gocd-standby", db: "db-standby" },
];

/** What a round needs: the sides as it starts, the agents, its number (for its config change). */
export interface RoundContext {
  readonly active: Side;
  readonly standby: Side;
  readonly agents: readonly string[];
  readonly n: number;
  /** Called with the time a partition was healed. */
  readonly healed: (at: number) => void;
}

const CONFIG = "/etc/go/cruise-config.xml";
const marker = (n: number) => `gocd-bc soak round ${n}`;

/** A change to cruise-config.xml on the active server (a comment naming the round, replacing the last
 * one), pulled at once by the standby's config sync, as its timer would within its interval. */
async function changeConfig(c: RoundContext): Promise<void> {
  await ok(
    c.active.gocd,
    `sed -i '/^<!-- gocd-bc soak round /d; s|</cruise>|<!-- ${marker(c.n)} -->\\n</cruise>|' ${CONFIG}`,
  );
  await ok(c.standby.gocd, "systemctl start gocd-bc-config-sync.service");
  await ok(c.standby.gocd, `grep -qF '${marker(c.n)}' ${CONFIG}`);
}

const hasConfigChange = async (server: string, n: number) =>
  (await sh(server, `grep -qF '${marker(n)}' ${CONFIG}`)).code === 0;

/** Jobs GoCD rescheduled, as the servers logged them (a server that does not answer counts 0). */
async function rescheduledCount(): Promise<number> {
  const counts = await Promise.all(
    SIDES.map(async (s) =>
      Number(
        (
          await sh(s.gocd, "grep -c 'rescheduled:' /var/log/go-server/go-server.log", { timeoutMs: 5000 })
        ).stdout.trim() || 0,
      ),
    ),
  );
  return counts.reduce((a, b) => a + b, 0);
}

const seconds = (re: RegExp, text: string): number | undefined => {
  const m = re.exec(text)?.[1];
  return m === undefined ? undefined : Number(m);
};
const SWITCHOVER_DB = /^database part \(primary stopping to standby writable\): (\d+\.\d+) s$/m;
const FAILOVER_DB = /^step +\d+: +(\d+\.\d+) s +promote the standby/m;

/** A command's failure as one problem line. */
const failedRun = (what: string, r: Cli) => `${what} exited ${r.code}: ${told(r).slice(0, 1500)}`;

/** What every round ends with: drift clean, status healthy with `active` active, the config change there. */
async function checkPair(active: Side, n: number, problems: string[]): Promise<void> {
  try {
    await assertHealthy(`after round ${n}`, { gocdActive: active.gocd, dbPrimary: active.db }, 60_000);
  } catch (e) {
    problems.push((e as Error).message.slice(0, 1500));
  }
  const drift = await cli(["drift", ...labInventory()]);
  if (drift.code !== 0) problems.push(failedRun("drift", drift));
  if (!(await hasConfigChange(active.gocd, n)))
    problems.push(`the config change made before the round is not on ${active.gocd}`);
}

/** Reports of a round without a loss: every acknowledged one must be in the primary's database. */
async function reportsKept(from: Marks, primary: string): Promise<RoundReports> {
  const acked = await acknowledgedSince(from);
  const rows = await jobIdsOn(primary);
  return { acknowledged: acked.length, lost: acked.filter((id) => !rows.has(id)), unreplicated: 0 };
}

/** Reports of a failover round: those acknowledged before the loss may be missing only if the standby
 * had not received them; those acknowledged after it must all be there. */
async function reportsAcrossLoss(
  from: Marks,
  before: readonly string[],
  reached: ReadonlySet<string>,
  primary: string,
): Promise<RoundReports> {
  const all = await acknowledgedSince(from);
  const rows = await jobIdsOn(primary);
  const earlier = new Set(before);
  const missing = all.filter((id) => !rows.has(id));
  const allowed = missing.filter((id) => earlier.has(id) && !reached.has(id));
  return {
    acknowledged: all.length,
    lost: missing.filter((id) => !allowed.includes(id)),
    unreplicated: allowed.length,
  };
}

/** Runs `body` with the agents' view of the VIP sampled; returns its result, the downtime and the time. */
async function timed<T>(
  agents: readonly string[],
  body: () => Promise<T>,
): Promise<{ value: T; downtimeS?: number; totalS: number }> {
  const pings = sampleAgentPings(agents[0] as string, `http://${LAB_NET.vip}:8153/go/api/v1/health`);
  // A power cut at once would come before the sampler's first check: the outage would look like no gap.
  await Promise.race([pings.ready, new Promise((r) => setTimeout(r, 10_000))]);
  const started = Date.now();
  let value: T;
  try {
    value = await body();
  } finally {
    await new Promise((r) => setTimeout(r, 500)); // a few pings after, to close the last gap
  }
  const gap = largestGap(await pings.stop());
  return { value, downtimeS: gap === undefined ? undefined : gap / 1000, totalS: (Date.now() - started) / 1000 };
}

/** A planned switchover from `active` to `standby`. */
export async function switchoverRound(c: RoundContext): Promise<Round> {
  const problems: string[] = [];
  await changeConfig(c);
  const ids = await identities(c.agents);
  const from = await marks(c.agents);
  const rescheduledBefore = await rescheduledCount();
  const to = c.standby.gocd;
  const run = await timed(c.agents, () => cli(["switchover", ...labInventory(), "--to", to, "--confirm", to], 600_000));
  if (run.value.code !== 0) problems.push(failedRun("switchover", run.value));
  await checkPair(c.standby, c.n, problems);
  const reports = await reportsKept(from, c.standby.db);
  if (reports.lost.length) problems.push(`${reports.lost.length} acknowledged job reports are not in ${c.standby.db}`);
  const reconfigured = await needingAPerson(ids);
  if (reconfigured.length) problems.push(`agents needing a person: ${reconfigured.join(", ")}`);
  return {
    kind: "switchover",
    to,
    problems,
    databaseS: seconds(SWITCHOVER_DB, run.value.stderr),
    downtimeS: run.downtimeS,
    totalS: run.totalS,
    reports,
    rescheduled: (await rescheduledCount()) - rescheduledBefore,
    reconfigured,
  };
}

const OLD_SIDE = (c: RoundContext) => [c.active.gocd, c.active.db];

/** The old side back after a power cut: its hosts booted, answering, its database up (as a standby: its
 * guard saw the peer writable). */
async function startOldSide(c: RoundContext, problems: string[]): Promise<void> {
  await labFault("start", OLD_SIDE(c));
  const up = await eventually(
    async () => (await sh(c.active.gocd, "true", { timeoutMs: 5000 })).code === 0 && (await pgReady(c.active.db)),
    90_000,
    1000,
  );
  if (!up) problems.push(`the old side (${OLD_SIDE(c).join(", ")}) did not come back within 90 s`);
}

/** The old side back after a partition: reconnected; within the bound, its GoCD stopped, the VIP gone and its
 * database read-only (its guard restarts it so), as an operator waits to see before running `rejoin`. */
async function healOldSide(c: RoundContext, problems: string[]): Promise<void> {
  await labFault("heal", OLD_SIDE(c));
  c.healed(Date.now());
  const settled = await eventually(
    async () =>
      (
        await sh(
          c.active.gocd,
          `! systemctl is-active --quiet go-server && ! ip -4 -o addr show | grep -qF ' ${LAB_NET.vip}/'`,
        )
      ).code === 0 && (await inRecovery(c.active.db).catch(() => false)),
    30_000,
    200,
  );
  if (!settled)
    problems.push(
      `30 s after the heal ${c.active.gocd} still runs GoCD or holds the VIP, or ${c.active.db} is not read-only`,
    );
}

/** A failover to the standby side after the active side was lost (`how`), and the way back. */
async function failoverRound(c: RoundContext, kind: RoundKind, how: "crash" | "partition"): Promise<Round> {
  const problems: string[] = [];
  await changeConfig(c);
  const ids = await identities(c.agents);
  const from = await marks(c.agents);
  const to = c.standby.gocd;
  let before: string[] = [];
  let reached = new Set<string>();
  const started = Date.now();
  const run = await timed(c.agents, async () => {
    await labFault(how, OLD_SIDE(c));
    // What the standby had received when the side was lost, and what the agents had seen acknowledged.
    reached = await jobIdsOn(c.standby.db);
    before = await acknowledgedSince(from);
    return cli(["failover", ...labInventory(), "--to", to, "--confirm", to], 600_000);
  });
  if (run.value.code !== 0) problems.push(failedRun("failover", run.value));
  if (how === "crash") await startOldSide(c, problems);
  else await healOldSide(c, problems);
  const rejoin = await cli(["rejoin", ...labInventory()], 600_000);
  if (rejoin.code !== 0) problems.push(failedRun("rejoin", rejoin));
  // The whole round: the loss, the failover, the old side's return and its rejoin.
  const totalS = (Date.now() - started) / 1000;
  await checkPair(c.standby, c.n, problems);
  const reports = await reportsAcrossLoss(from, before, reached, c.standby.db);
  if (reports.lost.length)
    problems.push(
      `${reports.lost.length} acknowledged job reports that no failover may lose are not in ${c.standby.db}`,
    );
  const reconfigured = await needingAPerson(ids);
  if (reconfigured.length) problems.push(`agents needing a person: ${reconfigured.join(", ")}`);
  return {
    kind,
    to,
    problems,
    databaseS: seconds(FAILOVER_DB, run.value.stderr),
    downtimeS: run.downtimeS,
    totalS,
    reports,
    rescheduled: 0,
    reconfigured,
  };
}

export const crashFailoverRound = (c: RoundContext) => failoverRound(c, "crash failover", "crash");
export const partitionFailoverRound = (c: RoundContext) => failoverRound(c, "partition failover", "partition");

/** The server whose GoCD address the samplers watch, for both sides. */
export const SERVER_IPS: readonly [string, string] = [host(SIDES[0].gocd).ip, host(SIDES[1].gocd).ip];
