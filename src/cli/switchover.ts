// `gocd-bc switchover -i INVENTORY --to HOST [--confirm HOST] [--dry-run] [--no-drain] [--drain-timeout S]`:
// reads which side is active from the hosts (a split brain refuses), refuses a target that is not the
// standby, then runs playbooks/switchover.yml, which runs the preflight, shows the plan, asks for the
// target's name (or takes --confirm), and switches over. Afterwards: each step's time, the database part,
// and an exit code that says how it ended.
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Topology } from "../topology/decide.js";
import type { JournalRecord } from "../topology/journal.js";
import { readTopology, TOPOLOGY_REFUSED } from "./provision.js";
import { reporterFor, runCommand, withConnections, type RunCommandOptions } from "./run.js";
import { databaseMs, vipGapMs } from "./switchover-timings.js";
import {
  interruptedCode,
  type Io,
  NOT_CONFIRMED,
  PREFLIGHT_REFUSED,
  reportSteps,
  type StepsCommand,
  stderr,
  Timed,
} from "./steps-report.js";

/** The playbook the command runs. */
export const SWITCHOVER_PLAYBOOK = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../playbooks/switchover.yml",
);

export { NOT_CONFIRMED, PREFLIGHT_REFUSED, SWITCHOVER_ABORTED } from "./steps-report.js";

/** Options of `switchover`, as the CLI parses them. */
export interface SwitchoverOptions extends RunCommandOptions {
  readonly to: string;
  readonly confirm?: string;
  readonly dryRun?: boolean;
  /** commander's `--no-drain`: false when given. */
  readonly drain?: boolean;
  readonly drainTimeout?: number;
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
  if (t.kind === "old-side-lost")
    return `${t.lost.join(" and ")} do not answer since the failover: there is no standby to switch over to; nothing was changed`;
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

/** The switchover's own lines after the steps: the database part and the VIP's gap (not when finishing an
 * interrupted switchover, whose database part ran, some of it, in the earlier run). */
const SWITCHOVER: StepsCommand = {
  name: "switchover",
  skipped: "done",
  // Finishing an interrupted switchover, the steps that are done were skipped: its database part ran, some
  // of it, in the earlier run.
  extraLines: (events, steps) => {
    if (steps.some((s) => s.skipped)) return [];
    const db = databaseMs(events);
    const gap = vipGapMs(events);
    return [
      ...(db !== undefined
        ? [`database part (primary stopping to standby writable): ${(db / 1000).toFixed(2)} s`]
        : []),
      ...(gap !== undefined
        ? [
            `GoCD unreachable through the VIP: ${(gap / 1000).toFixed(2)} s (GoCD stopping there to the VIP answering here)`,
          ]
        : []),
    ];
  },
};

/** `gocd-bc switchover`: the planned switchover to `--to`, confirmed. */
export function switchoverCommand(opts: SwitchoverOptions, io: Io = stderr): Promise<number> {
  return withConnections((pool) => switchover(opts, { ...io, pool }));
}

async function switchover(opts: SwitchoverOptions, io: Io): Promise<number> {
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
  return (
    interruptedCode("switchover", code, timed.events, io) ??
    reportSteps(SWITCHOVER, timed.events, code, opts.dryRun === true, io)
  );
}
