// The bench's failover section: the active side (its GoCD server and database host) cut off by a power cut
// (`lab crash`), then `gocd-bc failover` to the standby, confirmed. The figure the failover issue sets:
// from the confirmation to the agents working through the VIP again (the command prints it: the controller's
// times of the confirmation and of the agent's own check of its connection). Between the rounds the old
// side starts again, is rejoined, and a switchover makes it active, so every round starts from the
// provisioned pair. Medians of RUNS, with the goals beside them.
import { labFault } from "../../src/lab/lab.js";
import { gocdBc, switchover } from "./gocd-bc.js";

/** The stand-in's warm-up before its health check answers 200 (gocd.standin.cache.warmup.ms, default). */
const WARMUP_S = 2;

interface Figures {
  readonly back: number;
  readonly whole: number;
}

async function oneFailover(cli: string): Promise<Figures> {
  await labFault("crash", ["gocd-primary", "db-primary"]);
  const started = Date.now();
  const said = await gocdBc(cli, ["failover", "--to", "gocd-standby", "--confirm", "gocd-standby"]);
  const whole = (Date.now() - started) / 1000;
  const back = /^agents working through the VIP again (\d+\.\d+) s after the confirmation$/m.exec(said)?.[1];
  // The way back, untimed: the old side starts, is rejoined, and becomes the active side again.
  await labFault("start", ["gocd-primary", "db-primary"]);
  await gocdBc(cli, ["rejoin"]);
  await switchover(cli, "gocd-primary");
  return { back: Number(back ?? Number.NaN), whole };
}

const mid = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const s = (n: number) => `${n.toFixed(2)} s`;

/** Runs `runs` failovers from the provisioned pair (gocd-primary active) and returns the table's rows. */
export async function failoverRows(cli: string, runs: number): Promise<string[][]> {
  const all: Figures[] = [];
  for (let i = 0; i < runs; i++) all.push(await oneFailover(cli));
  const row = (what: string, pick: (f: Figures) => number, goal?: number): string[] => {
    const xs = all.map(pick);
    const met = goal === undefined ? "-" : mid(xs) <= goal ? "yes" : "no";
    return [
      what,
      s(mid(xs)),
      `${s(Math.min(...xs))} - ${s(Math.max(...xs))}`,
      goal === undefined ? "-" : `<= ${s(goal)}`,
      met,
    ];
  };
  return [
    row("from the confirmation to the agents working through the VIP", (f) => f.back, WARMUP_S + 5),
    row("the whole failover command (reading the lost hosts included)", (f) => f.whole),
  ];
}
