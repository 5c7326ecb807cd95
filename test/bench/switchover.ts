// The bench's switchover section: planned switchovers on the provisioned lab, alternating sides, with the
// three figures an operator asks for: the database part (primary stopping to standby writable, as the
// command prints it), the downtime the agents saw (the largest gap between two successful health checks
// through the VIP, made from the agent host every 100 ms), and the whole command (which makes the old side
// the standby again: the rejoin is part of it). Medians of RUNS, with the goals beside them.
import { LAB_NET } from "../../src/lab/topology.js";
import { largestGap, sampleAgentPings } from "../lab/samplers.js";
import { switchover } from "./gocd-bc.js";

/** The stand-in's warm-up before its health check answers 200 (gocd.standin.cache.warmup.ms, default). */
const WARMUP_S = 2;

interface Figures {
  readonly database: number;
  readonly downtime: number;
  readonly whole: number;
}

async function oneSwitchover(cli: string, to: string): Promise<Figures> {
  const pings = sampleAgentPings("agent1", `http://${LAB_NET.vip}:8153/go/api/v1/health`);
  const started = Date.now();
  let said: string;
  try {
    said = await switchover(cli, to);
  } finally {
    // A few pings after the end, so the gap that ends the downtime is closed.
    await new Promise((r) => setTimeout(r, 500));
  }
  const whole = (Date.now() - started) / 1000;
  const gap = largestGap(await pings.stop());
  const db = /^database part \(primary stopping to standby writable\): (\d+\.\d+) s$/m.exec(said)?.[1];
  return { database: Number(db ?? NaN), downtime: gap === undefined ? NaN : gap / 1000, whole };
}

const mid = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const s = (n: number) => `${n.toFixed(2)} s`;

/** The rounds start from gocd-primary's side: a lab left the other way round (by a test) is switched
 * back first, untimed. */
async function fromFirstSide(cli: string): Promise<void> {
  await switchover(cli, "gocd-primary").catch((e: Error) => {
    if (!/is the active GoCD server already/.test(e.message)) throw e;
  });
}

/** Runs `runs` switchovers from gocd-primary's side (and one more, untimed, when needed to end there) and
 * returns the table's rows. */
export async function switchoverRows(cli: string, runs: number): Promise<string[][]> {
  const all: Figures[] = [];
  await fromFirstSide(cli);
  const sides = ["gocd-standby", "gocd-primary"];
  for (let i = 0; i < runs; i++) all.push(await oneSwitchover(cli, sides[i % 2] as string));
  if (runs % 2 === 1) await switchover(cli, "gocd-primary");
  const row = (what: string, pick: (f: Figures) => number, goal: number): string[] => {
    const xs = all.map(pick);
    return [
      what,
      s(mid(xs)),
      `${s(Math.min(...xs))} - ${s(Math.max(...xs))}`,
      `<= ${s(goal)}`,
      mid(xs) <= goal ? "yes" : "no",
    ];
  };
  return [
    row("database part (primary stopping to standby writable)", (f) => f.database, 3),
    row(`agent-visible downtime (largest gap between health checks through the VIP)`, (f) => f.downtime, WARMUP_S + 4),
    row("the whole switchover, the old side made the standby again", (f) => f.whole, 30),
  ];
}
