// The soak: the lab with three agents under load, provisioned, then the planned rounds one after another
// (switchovers, alternating sides; failovers after a power cut; failovers after a partition), with the
// samplers running the whole time. Each round starts from the side the previous one left active. A round
// whose checks fail is recorded and the soak stops there: the rounds after it would start from a pair
// nobody has looked at.
import { labUp } from "../../src/lab/lab.js";
import { LAB_NET } from "../../src/lab/topology.js";
import { cli, labInventory, told } from "../lab/cli.js";
import { status } from "../lab/pair-status.js";
import { sampleBothHealthy, sampleVip, sampleWritable } from "../lab/samplers.js";
import { startLoad } from "./agents.js";
import { ROUND_KINDS, summarise, type Round, type RoundKind, type SoakPlan, type Summary } from "./figures.js";
import {
  crashFailoverRound,
  partitionFailoverRound,
  type RoundContext,
  SERVER_IPS,
  SIDES,
  type Side,
  switchoverRound,
} from "./rounds.js";

/** Agents under load: the "at least three". */
export const SOAK_AGENTS = ["agent1", "agent2", "agent3"] as const;

const ROUND: Record<RoundKind, (c: RoundContext) => Promise<Round>> = {
  switchover: switchoverRound,
  "crash failover": crashFailoverRound,
  "partition failover": partitionFailoverRound,
};

/** The lab with the soak's agents, provisioned; the side active now. */
async function prepare(log: (line: string) => void): Promise<Side> {
  await labUp({ agents: SOAK_AGENTS.length });
  const p = await cli(["provision", ...labInventory()], 600_000);
  if (p.code !== 0) throw new Error(`provision before the soak failed: ${told(p)}`);
  await startLoad(SOAK_AGENTS);
  const { s } = await status();
  const active = SIDES.find((side) => side.gocd === s.topology.roles?.gocdActive);
  if (!active || s.problems.length) throw new Error(`the pair is not healthy before the soak: ${JSON.stringify(s)}`);
  log(`soak: ${SOAK_AGENTS.length} agents under load, ${active.gocd} active`);
  return active;
}

/** A round that stopped on an error of its own (a lab host that did not answer a check, say). */
const brokenRound = (kind: RoundKind, to: Side, e: Error): Round => ({
  kind,
  to: to.gocd,
  problems: [`stopped: ${e.message}`],
  totalS: Number.NaN,
  reports: { acknowledged: 0, lost: [], unreplicated: 0 },
  rescheduled: 0,
  reconfigured: [],
});

/** The planned rounds, each from the side the one before left active; stops after a failed round. */
async function runRounds(plan: SoakPlan, first: Side, healed: (t: number) => void, log: (line: string) => void) {
  const rounds: Round[] = [];
  let active = first;
  for (const kind of ROUND_KINDS) {
    for (let i = 0; i < plan[kind] && rounds.every((r) => r.problems.length === 0); i++) {
      const standby = SIDES.find((s) => s !== active) as Side;
      const c = { active, standby, agents: SOAK_AGENTS, n: rounds.length + 1, healed };
      const round = await ROUND[kind](c).catch((e: Error) => brokenRound(kind, standby, e));
      rounds.push(round);
      log(roundLine(rounds.length, round));
      active = standby;
    }
  }
  return rounds;
}

/** Runs the soak and returns its summary; `log` gets a line per round. */
export async function runSoak(plan: SoakPlan, log: (line: string) => void = () => {}): Promise<Summary> {
  const active = await prepare(log);
  const healedAt: number[] = [];
  const servers = sampleBothHealthy(SERVER_IPS);
  const databases = sampleWritable(SIDES.map((s) => s.db));
  const vip = sampleVip(
    SIDES.map((s) => s.gocd),
    LAB_NET.vip,
  );
  const stopSamplers = () => Promise.all([servers.stop(), databases.stop(), vip.stop()]);
  let rounds: Round[];
  try {
    rounds = await runRounds(plan, active, (t) => healedAt.push(t), log);
  } catch (e) {
    await stopSamplers();
    throw e;
  }
  const [both, dbs, vips] = await stopSamplers();
  return summarise(plan, rounds, {
    ticks: dbs.ticks,
    bothHealthyAt: both,
    bothWritableAt: dbs.bothWritable.map((t) => t * 100),
    bothVipAt: vips.bothHeld.map((t) => t * 100),
    healedAt,
  });
}

const f = (n: number | undefined) => (n === undefined ? "-" : `${n.toFixed(2)} s`);

function roundLine(n: number, r: Round): string {
  const verdict = r.problems.length ? `FAILED: ${r.problems.join("; ")}` : "ok";
  return `round ${n}: ${r.kind} to ${r.to}: database ${f(r.databaseS)}, downtime ${f(r.downtimeS)}, whole ${f(r.totalS)}, ${r.reports.acknowledged} reports acknowledged, ${r.reports.lost.length} lost: ${verdict}`;
}
