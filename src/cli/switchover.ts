// `gocd-bc switchover -i INVENTORY --to HOST [--confirm HOST] [--dry-run] [--no-drain] [--drain-timeout S]`:
// reads which side is active from the hosts (a split brain refuses), refuses a target that is not the
// standby, then runs playbooks/switchover.yml, which runs the preflight, shows the plan, asks for the
// target's name (or takes --confirm), and switches over. Afterwards: each step's time, the database part,
// and an exit code that says how it ended.
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Reporter, RunEvent } from "../report/events.js";
import { EchoMessages } from "../report/echo-messages.js";
import type { Topology } from "../topology/decide.js";
import type { JournalRecord } from "../topology/journal.js";
import { readTopology, TOPOLOGY_REFUSED } from "./provision.js";
import { reporterFor, runCommand, type RunCommandOptions } from "./run.js";
import {
  databaseMs,
  passedChecks,
  stepTimings,
  switchoverOutcome,
  type SwitchoverOutcome,
  type TimedEvent,
  vipGapMs,
} from "./switchover-timings.js";

/** The playbook the command runs. */
export const SWITCHOVER_PLAYBOOK = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../playbooks/switchover.yml",
);

/** Exit codes of `switchover` beyond run's: nothing was changed (6, 7), or the switchover undid itself (8). */
export const NOT_CONFIRMED = 6;
export const PREFLIGHT_REFUSED = 7;
export const SWITCHOVER_ABORTED = 8;

/** Options of `switchover`, as the CLI parses them. */
export interface SwitchoverOptions extends RunCommandOptions {
  readonly to: string;
  readonly confirm?: string;
  readonly dryRun?: boolean;
  /** commander's `--no-drain`: false when given. */
  readonly drain?: boolean;
  readonly drainTimeout?: number;
}

type Io = { err: (line: string) => void };
const stderr: Io = { err: (l) => process.stderr.write(`${l}\n`) };

/** The task whose message is the plan, shown to the operator before the confirmation is asked. */
const PLAN_TASK = /^(?:[\w.-]+ : )?the plan$/;

/** Passes every event on, keeps each with the time it arrived, and shows the plan as soon as it is known
 * (before the confirmation asks for the target's name). */
class Timed extends EchoMessages {
  readonly events: TimedEvent[] = [];
  constructor(inner: Reporter, io: Io) {
    super(inner, PLAN_TASK, io.err);
  }
  protected override observe(e: RunEvent): void {
    this.events.push({ at: Date.now(), event: e });
    super.observe(e);
  }
}

/** The variables the playbook reads from the command (never the roles: the playbook swaps those itself). */
function switchoverVars(opts: SwitchoverOptions): Record<string, unknown> {
  return {
    switchover_to: opts.to,
    switchover_dry_run: opts.dryRun === true,
    switchover_drain: opts.drain !== false,
    ...(opts.drainTimeout !== undefined ? { switchover_drain_timeout: opts.drainTimeout } : {}),
    switchover_operator: `${os.userInfo().username}@${os.hostname()}`,
    switchover_id: `${new Date().toISOString()}-${randomBytes(3).toString("hex")}`,
    ...(opts.confirm !== undefined ? { gocd_bc_confirm: opts.confirm } : {}),
  };
}

/** The pair as the hosts tell it: decided roles, or a switchover half-way that this run may finish. */
type Situation =
  | { readonly kind: "decided"; readonly servers: readonly string[]; readonly active: string }
  | { readonly kind: "unfinished"; readonly servers: readonly string[]; readonly record: JournalRecord };

function situation(t: Topology): Situation | undefined {
  if (t.kind === "decided")
    return { kind: "decided", servers: [t.roles.gocdActive, t.roles.gocdStandby], active: t.roles.gocdActive };
  if (t.kind === "unfinished" && t.record.kind === "switchover")
    return { kind: "unfinished", servers: [t.record.from, t.record.to], record: t.record };
  return undefined;
}

/** Why no switchover starts from this topology, when the reasons the decision printed do not say it: a
 * failover half-way is finished by the failover command only (a switchover would resume it as its own), and
 * a failover's old primary must be rejoined first (the switchover's target must stream from the primary). */
export function topologyRefusal(t: Topology): string | undefined {
  if (t.kind === "unfinished" && t.record.kind === "failover")
    return (
      `the failover ${t.record.id} to ${t.record.to} is half-way: finish it with` +
      ` \`gocd-bc failover --to ${t.record.to}\` first; nothing was changed`
    );
  if (t.kind === "former-primary")
    return (
      `${t.formerPrimary} is a former primary left behind by a failover: rejoin the pair first` +
      " (`gocd-bc rejoin`); nothing was changed"
    );
  return undefined;
}

/** Refusals decided before any host is changed, from the options and the pair read from the hosts. */
function refusal(opts: SwitchoverOptions, s: Situation): { code: number; why: string } | undefined {
  if (!s.servers.includes(opts.to))
    return { code: 5, why: `--to ${opts.to}: expected one of the GoCD servers (${s.servers.join(", ")})` };
  if (opts.confirm !== undefined && opts.confirm !== opts.to) {
    return {
      code: NOT_CONFIRMED,
      why: `--confirm ${opts.confirm} does not name the target (--to ${opts.to}): nothing was changed`,
    };
  }
  if (s.kind === "unfinished" && s.record.to !== opts.to) {
    return {
      code: PREFLIGHT_REFUSED,
      why: `the switchover to ${s.record.to} is half-way: finish it first (--to ${s.record.to}); nothing was changed`,
    };
  }
  if (s.kind === "decided" && s.active === opts.to)
    return { code: PREFLIGHT_REFUSED, why: `${opts.to} is the active GoCD server already: nothing to switch over` };
  return undefined;
}

/** What a re-run needs to finish a switchover half-way: the same id and epoch, and where it stopped. */
function resumeVars(s: Situation): Record<string, unknown> {
  if (s.kind !== "unfinished") return {};
  return {
    switchover_resume: true,
    switchover_resume_after: s.record.step,
    switchover_id: s.record.id,
    ...(s.record.epoch > 0 ? { switchover_resume_epoch: s.record.epoch } : {}),
  };
}

function report(events: readonly TimedEvent[], runCode: number, dryRun: boolean, io: Io): number {
  const all = events.map((t) => t.event);
  // A run that ended well had its failures rescued (or ignored): only a failed run has an outcome to read.
  const outcome: SwitchoverOutcome = runCode === 0 ? { kind: "done" } : switchoverOutcome(all);
  for (const check of passedChecks(all)) io.err(`preflight ok: ${check}`);
  switch (outcome.kind) {
    case "preflight-refused":
      for (const c of outcome.checks) io.err(`preflight REFUSED: ${c}`);
      io.err("switchover: refused by the preflight; nothing was changed");
      return PREFLIGHT_REFUSED;
    case "not-confirmed":
      io.err(`switchover: not confirmed (${outcome.why}); nothing was changed`);
      return NOT_CONFIRMED;
    case "aborted":
      io.err(`switchover: ${outcome.why}`);
      return SWITCHOVER_ABORTED;
    case "failed":
      io.err(`switchover: stopped at "${outcome.task}": ${outcome.why}`);
      io.err(
        "switchover: run the same command again to finish it once the cause is fixed (`gocd-bc status` shows where it stands)",
      );
      // run's code: 2 a task failed, 4 a host could not be reached.
      return runCode;
    case "done":
      break;
  }
  if (dryRun) {
    io.err("switchover: dry run, the preflight passed; nothing was changed");
    return 0;
  }
  const steps = stepTimings(events);
  for (const s of steps)
    io.err(
      `step ${String(s.step).padStart(2)}: ${s.skipped ? `${"done".padStart(6)}  ` : `${(s.ms / 1000).toFixed(2).padStart(6)} s`}  ${s.title}`,
    );
  const db = databaseMs(events);
  // Finishing an interrupted switchover, the database part (or some of it) ran in the earlier run.
  const resumed = steps.some((s) => s.skipped);
  if (db !== undefined && !resumed)
    io.err(`database part (primary stopping to standby writable): ${(db / 1000).toFixed(2)} s`);
  const gap = vipGapMs(events);
  if (gap !== undefined && !resumed)
    io.err(
      `GoCD unreachable through the VIP: ${(gap / 1000).toFixed(2)} s (GoCD stopping there to the VIP answering here)`,
    );
  const first = events[0]?.at ?? 0;
  const last = events.at(-1)?.at ?? first;
  io.err(`switchover: done in ${((last - first) / 1000).toFixed(1)} s`);
  return 0;
}

/** `gocd-bc switchover`: the planned switchover to `--to`, confirmed. */
export async function switchoverCommand(opts: SwitchoverOptions, io: Io = stderr): Promise<number> {
  const t = await readTopology(opts, io);
  if (!t.ok) return t.code;
  const s = situation(t.topology);
  if (!s) {
    const why = topologyRefusal(t.topology);
    if (why) io.err(`switchover: ${why}`);
    return TOPOLOGY_REFUSED;
  }
  const refused = refusal(opts, s);
  if (refused) {
    io.err(`switchover: ${refused.why}`);
    return refused.code;
  }
  if (s.kind === "unfinished") io.err(`switchover: finishing ${s.record.id}, which stopped after '${s.record.step}'`);
  const timed = new Timed(reporterFor(opts), io);
  const extraVars = [...(opts.extraVars ?? []), JSON.stringify({ ...switchoverVars(opts), ...resumeVars(s) })];
  const code = await runCommand(SWITCHOVER_PLAYBOOK, { ...opts, extraVars }, { ...io, reporter: timed });
  // Invalid input stops before any event; an interruption (Ctrl-C) says nothing more than run does.
  if (code === 99 || (code === 4 && timed.events.length === 0)) {
    if (code === 99 && timed.events.length > 0)
      io.err(
        "switchover: interrupted; run the same command again to finish it (`gocd-bc status` shows where it stands)",
      );
    return code;
  }
  return report(timed.events, code, opts.dryRun === true, io);
}
