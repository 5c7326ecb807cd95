// The soak's figures, from what its rounds and samplers recorded: pure, so the arithmetic an operator's
// trust rests on (what counts as lost, as split, as passed) is unit-tested apart from the lab.

/** The kinds of round, in the order a soak runs them. */
export const ROUND_KINDS = ["switchover", "crash failover", "partition failover"] as const;
export type RoundKind = (typeof ROUND_KINDS)[number];

/** How many rounds of each kind a soak runs. */
export type SoakPlan = Readonly<Record<RoundKind, number>>;

/** `npm run soak`: 20 planned switchovers (10 round trips), 5 failovers after a power cut of the active
 * side, 2 after a partition. */
export const FULL_SOAK: SoakPlan = { switchover: 20, "crash failover": 5, "partition failover": 2 };
/** The short version `npm test` runs: the same checks, fewer rounds. */
export const SHORT_SOAK: SoakPlan = { switchover: 2, "crash failover": 1, "partition failover": 0 };

/** The job reports of one round, as the agents logged them and the new primary's database holds them. */
export interface RoundReports {
  /** Reports an agent logged as acknowledged during the round. */
  readonly acknowledged: number;
  /** Acknowledged reports missing from the primary's database, that no loss is allowed for: all of them
   * after a switchover; after a failover, those that had replicated before the loss or came after it. */
  readonly lost: readonly string[];
  /** After a failover: acknowledged by the old primary, not yet received by the standby when the active
   * side was lost (asynchronous replication may lose these; the failover printed its estimate). */
  readonly unreplicated: number;
}

/** One round as it ran: its figures, and why it failed when it did. */
export interface Round {
  readonly kind: RoundKind;
  readonly to: string;
  readonly problems: readonly string[];
  /** Primary stopping (switchover) or promotion starting (failover) to the standby writable, as printed. */
  readonly databaseS?: number;
  /** The largest gap between two successful health checks through the VIP, made from an agent host. */
  readonly downtimeS?: number;
  readonly totalS: number;
  readonly reports: RoundReports;
  /** Jobs GoCD rescheduled during the round (a planned switchover drains, so it should reschedule none). */
  readonly rescheduled: number;
  /** Agents whose identity or configuration changed, or that did not connect again on their own. */
  readonly reconfigured: readonly string[];
}

/** What the samplers saw over the whole soak, every 100 ms. */
export interface Samples {
  readonly ticks: number;
  /** Controller times (ms) at which both GoCD servers answered healthy. */
  readonly bothHealthyAt: readonly number[];
  /** Times (ms) at which both databases answered writable. */
  readonly bothWritableAt: readonly number[];
  /** Times (ms) at which both servers held the VIP. */
  readonly bothVipAt: readonly number[];
  /** When each partition was healed (ms). */
  readonly healedAt: readonly number[];
}

/** After a heal, the old side has this long to give up GoCD and the VIP (the failover's bound). */
export const HEAL_BOUND_MS = 30_000;

/** The stand-in's warm-up before its health answers 200 (gocd.standin.cache.warmup.ms, default). */
export const WARMUP_S = 2;
/** A planned switchover's agent-visible downtime may be the warm-up and this much more, in every round. */
export const SWITCHOVER_DOWNTIME_GOAL_S = WARMUP_S + 4;

/** One of the issue's goals and whether this soak showed it. */
export interface Goal {
  readonly goal: string;
  readonly shown: string;
  readonly met: boolean;
}

/** Minimum, median and maximum, or undefined without values. */
export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

export function spread(xs: readonly (number | undefined)[]): Spread | undefined {
  const v = xs.filter((x): x is number => typeof x === "number" && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  // The lower middle of an even count: a median that was measured, not averaged.
  return { min: v[0] as number, median: v[Math.floor((v.length - 1) / 2)] as number, max: v.at(-1) as number };
}

/** The samples of `at` that fall outside every heal's bound, and the latest one inside it (ms after its heal). */
export function splitByHeal(
  at: readonly number[],
  healedAt: readonly number[],
): { outside: number[]; withinMs?: number } {
  const outside: number[] = [];
  let withinMs: number | undefined;
  for (const t of at) {
    const since = healedAt.filter((h) => h <= t && t - h <= HEAL_BOUND_MS).map((h) => t - h);
    if (since.length === 0) outside.push(t);
    else withinMs = Math.max(withinMs ?? 0, Math.min(...since));
  }
  return { outside, withinMs };
}

/** The soak's summary: what `--json` prints, and what the table shows. */
export interface Summary {
  readonly plan: SoakPlan;
  readonly rounds: { readonly run: number; readonly passed: number };
  readonly reports: { readonly acknowledged: number; readonly lost: number; readonly unreplicatedAtLoss: number };
  readonly samples: {
    readonly taken: number;
    readonly twoWritableDatabases: number;
    readonly twoHealthyServers: number;
    readonly twoHealthyServersAfterHeal: number;
    /** How long after a heal the last sample with two healthy servers came (ms). */
    readonly twoHealthyLastMsAfterHeal?: number;
    readonly twoVipHolders: number;
  };
  readonly byKind: Readonly<
    Record<
      RoundKind,
      { readonly rounds: number; readonly databaseS?: Spread; readonly downtimeS?: Spread; readonly totalS?: Spread }
    >
  >;
  readonly rescheduledBySwitchover: number;
  readonly agentsReconfigured: number;
  readonly failures: readonly string[];
  /** The goals the soak is to show, each with what it showed (a goal missed does not fail the soak by
   * itself: losing or splitting does). */
  readonly goals: readonly Goal[];
  /** Nothing lost, nothing split, every round planned was run and passed. */
  readonly passed: boolean;
}

/** What the soak showed of each goal. */
function goalsOf(plan: SoakPlan, rounds: readonly Round[], s: Omit<Summary, "goals" | "passed">): Goal[] {
  const ok = (kinds: readonly RoundKind[]) =>
    rounds.filter((r) => kinds.includes(r.kind) && r.problems.length === 0).length;
  const planned = (kinds: readonly RoundKind[]) => kinds.reduce((n, k) => n + plan[k], 0);
  const lost = (kinds: readonly RoundKind[]) =>
    rounds.filter((r) => kinds.includes(r.kind)).reduce((n, r) => n + r.reports.lost.length, 0);
  const failovers = ["crash failover", "partition failover"] as const;
  const worst = s.byKind.switchover.downtimeS?.max;
  return [
    {
      goal: "acknowledged reports lost over the planned switchovers: 0",
      shown: String(lost(["switchover"])),
      met: lost(["switchover"]) === 0,
    },
    {
      goal: "lost over the failovers, of those replicated before the loss: 0",
      shown: String(lost(failovers)),
      met: lost(failovers) === 0,
    },
    {
      goal: "samples with two writable databases: 0",
      shown: String(s.samples.twoWritableDatabases),
      met: s.samples.twoWritableDatabases === 0,
    },
    {
      goal: `samples with two healthy GoCD servers, but within ${HEAL_BOUND_MS / 1000} s of a heal: 0`,
      shown: String(s.samples.twoHealthyServers),
      met: s.samples.twoHealthyServers === 0,
    },
    {
      goal: `planned switchovers that succeed on their own: ${planned(["switchover"])} of ${planned(["switchover"])}`,
      shown: String(ok(["switchover"])),
      met: ok(["switchover"]) === planned(["switchover"]),
    },
    {
      goal: `failovers that succeed on their own: ${planned(failovers)} of ${planned(failovers)}`,
      shown: String(ok(failovers)),
      met: ok(failovers) === planned(failovers),
    },
    {
      goal: `agent-visible downtime of a planned switchover, every round: <= ${SWITCHOVER_DOWNTIME_GOAL_S.toFixed(2)} s`,
      shown: worst === undefined ? "-" : `${worst.toFixed(2)} s at most`,
      met: worst !== undefined && worst <= SWITCHOVER_DOWNTIME_GOAL_S,
    },
  ];
}

export function summarise(plan: SoakPlan, rounds: readonly Round[], samples: Samples): Summary {
  const passed = rounds.filter((r) => r.problems.length === 0).length;
  const lost = rounds.reduce((n, r) => n + r.reports.lost.length, 0);
  const healthy = splitByHeal(samples.bothHealthyAt, samples.healedAt);
  const planned = ROUND_KINDS.reduce((n, k) => n + plan[k], 0);
  const byKind = Object.fromEntries(
    ROUND_KINDS.map((k) => {
      const of = rounds.filter((r) => r.kind === k);
      return [
        k,
        {
          rounds: of.length,
          databaseS: spread(of.map((r) => r.databaseS)),
          downtimeS: spread(of.map((r) => r.downtimeS)),
          totalS: spread(of.map((r) => r.totalS)),
        },
      ];
    }),
  ) as Summary["byKind"];
  const failures = rounds.flatMap((r, i) => r.problems.map((p) => `round ${i + 1} (${r.kind} to ${r.to}): ${p}`));
  const summary = {
    plan,
    rounds: { run: rounds.length, passed },
    reports: {
      acknowledged: rounds.reduce((n, r) => n + r.reports.acknowledged, 0),
      lost,
      unreplicatedAtLoss: rounds.reduce((n, r) => n + r.reports.unreplicated, 0),
    },
    samples: {
      taken: samples.ticks,
      twoWritableDatabases: samples.bothWritableAt.length,
      twoHealthyServers: healthy.outside.length,
      twoHealthyServersAfterHeal: samples.bothHealthyAt.length - healthy.outside.length,
      twoHealthyLastMsAfterHeal: healthy.withinMs,
      twoVipHolders: samples.bothVipAt.length,
    },
    byKind,
    rescheduledBySwitchover: rounds.filter((r) => r.kind === "switchover").reduce((n, r) => n + r.rescheduled, 0),
    agentsReconfigured: new Set(rounds.flatMap((r) => r.reconfigured)).size,
    failures,
  };
  const clean =
    rounds.length === planned &&
    passed === planned &&
    lost === 0 &&
    summary.samples.twoWritableDatabases === 0 &&
    summary.samples.twoHealthyServers === 0 &&
    summary.agentsReconfigured === 0;
  return { ...summary, goals: goalsOf(plan, rounds, summary), passed: clean };
}

const sec = (n: number) => `${n.toFixed(2)} s`;
const spreadText = (s: Spread | undefined) => (s ? `${sec(s.min)} / ${sec(s.median)} / ${sec(s.max)}` : "-");

/** The summary as the table an operator reads at the end of `npm run soak`. */
export function summaryTable(s: Summary): string {
  const rows: [string, string][] = [
    [
      "rounds run / passed",
      `${s.rounds.run} / ${s.rounds.passed} (planned ${ROUND_KINDS.map((k) => `${s.plan[k]} ${k}`).join(", ")})`,
    ],
    ["job reports acknowledged", String(s.reports.acknowledged)],
    ["acknowledged reports lost", String(s.reports.lost)],
    ["acknowledged, not yet replicated when the active side was lost", String(s.reports.unreplicatedAtLoss)],
    ["samples (100 ms)", String(s.samples.taken)],
    ["samples with two writable databases", String(s.samples.twoWritableDatabases)],
    ["samples with two healthy GoCD servers", String(s.samples.twoHealthyServers)],
    [
      `  ... within ${HEAL_BOUND_MS / 1000} s after a heal`,
      s.samples.twoHealthyServersAfterHeal
        ? `${s.samples.twoHealthyServersAfterHeal} (the last ${sec((s.samples.twoHealthyLastMsAfterHeal ?? 0) / 1000)} after the heal)`
        : "0",
    ],
    ["samples with two servers holding the VIP", String(s.samples.twoVipHolders)],
    ["jobs rescheduled by a planned switchover", String(s.rescheduledBySwitchover)],
    ["agents that needed reconfiguring", String(s.agentsReconfigured)],
  ];
  for (const k of ROUND_KINDS) {
    const b = s.byKind[k];
    if (!b.rounds) continue;
    rows.push([`${k}: database part (min / median / max)`, spreadText(b.databaseS)]);
    rows.push([`${k}: agent-visible downtime`, spreadText(b.downtimeS)]);
    rows.push([`${k}: whole round`, spreadText(b.totalS)]);
  }
  rows.push(["", ""]);
  for (const g of s.goals) rows.push([g.goal, `${g.shown} (${g.met ? "met" : "NOT met"})`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  // A failure's first line: the round lines printed as the soak ran have the whole story.
  const failures = s.failures.map((f) => `  ${(f.split("\n")[0] as string).slice(0, 300)}`);
  const verdict = s.passed ? "soak: passed" : `soak: FAILED\n${failures.join("\n")}`;
  return `${lines.join("\n")}\n${verdict}`;
}
