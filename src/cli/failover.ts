// `gocd-bc failover -i INVENTORY --to HOST [--confirm HOST] [--dry-run]`: the active side is lost (its GoCD
// server, its database host, or both). Reads which hosts answer, refuses what is not a failover (a split
// brain, a switchover half-way, a target that is active already), then runs playbooks/failover.yml, whose
// preflight refuses while the active side is healthy (that is a switchover), shows what is known and what
// may be lost, asks for the target's name (or takes --confirm), fences what answers of the old side,
// promotes the standby and starts GoCD there. Afterwards: each step's time, what could not be fenced, and
// how long after the confirmation the agents worked through the VIP again.
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { formatDiagnostic } from "../errors.js";
import { decideTopology, type Topology } from "../topology/decide.js";
import { type HostResults, readFacts, unreachableWhy } from "../topology/facts.js";
import type { JournalRecord } from "../topology/journal.js";
import { TOPOLOGY_REFUSED } from "./provision.js";
import { reporterFor, runCommand, withConnections, type RunCommandOptions } from "./run.js";
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
import { CONFIRM, type TimedEvent } from "./switchover-timings.js";

/** The playbook the command runs. */
export const FAILOVER_PLAYBOOK = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../playbooks/failover.yml",
);

/** Options of `failover`, as the CLI parses them. */
export interface FailoverOptions extends RunCommandOptions {
  readonly to: string;
  readonly confirm?: string;
  readonly dryRun?: boolean;
}

/** The hosts that did not answer the facts' read (as status shows them unreachable). */
export function lostHosts(results: HostResults, hosts: readonly string[]): string[] {
  return hosts.filter((h) => unreachableWhy(results, h) !== undefined);
}

/** Refusals decided before the playbook runs, from the options and the pair as the hosts tell it. */
export function failoverRefusal(
  opts: Pick<FailoverOptions, "to" | "confirm">,
  servers: readonly string[],
  t: Topology,
): { code: number; why: string } | undefined {
  if (!servers.includes(opts.to))
    return { code: 5, why: `--to ${opts.to}: expected one of the GoCD servers (${servers.join(", ")})` };
  if (opts.confirm !== undefined && opts.confirm !== opts.to)
    return {
      code: NOT_CONFIRMED,
      why: `--confirm ${opts.confirm} does not name the target (--to ${opts.to}): nothing was changed`,
    };
  if (t.kind === "split-brain")
    return {
      code: TOPOLOGY_REFUSED,
      why: `both sides are active (${t.reasons.join("; ")}): a split brain, which a person resolves; nothing was changed`,
    };
  if (t.kind === "decided" && t.roles.gocdActive === opts.to)
    return { code: PREFLIGHT_REFUSED, why: `${opts.to} is the active GoCD server already: nothing to fail over` };
  const record = unfinishedRecord(t);
  if (record && record.kind === "switchover")
    return {
      code: PREFLIGHT_REFUSED,
      why: `the switchover to ${record.to} is half-way: finish it (\`gocd-bc switchover --to ${record.to}\`); nothing was changed`,
    };
  if (record && record.to !== opts.to)
    return {
      code: PREFLIGHT_REFUSED,
      why: `the failover to ${record.to} is unfinished: finish it first (--to ${record.to}); nothing was changed`,
    };
  if (t.kind === "old-side-lost")
    return {
      code: PREFLIGHT_REFUSED,
      why:
        t.record.to === opts.to
          ? `the failover to ${opts.to} is done already (${t.record.id}); ${t.lost.join(" and ")} do not answer yet`
          : `${opts.to}'s side is the one the failover left (${t.lost.join(" and ")} do not answer): start it and \`gocd-bc rejoin\` first`,
    };
  if (t.kind === "former-primary")
    return {
      code: PREFLIGHT_REFUSED,
      why: `${t.roles.gocdActive} is the active side already, after a failover; ${t.formerPrimary} is left behind: run \`gocd-bc rejoin\``,
    };
  return undefined;
}

function unfinishedRecord(t: Topology): JournalRecord | undefined {
  return t.kind === "unfinished" ? t.record : undefined;
}

/** The variables the playbook reads from the command. */
function failoverVars(opts: FailoverOptions, lost: readonly string[], t: Topology): Record<string, unknown> {
  const resume = unfinishedRecord(t);
  return {
    failover_to: opts.to,
    failover_dry_run: opts.dryRun === true,
    failover_lost: lost,
    failover_operator: `${os.userInfo().username}@${os.hostname()}`,
    failover_id: resume?.id ?? `${new Date().toISOString()}-${randomBytes(3).toString("hex")}`,
    ...(resume ? { failover_resume: true, failover_resume_epoch: resume.epoch } : {}),
    ...(opts.confirm !== undefined ? { gocd_bc_confirm: opts.confirm } : {}),
  };
}

/** The last wait of failover.yml's play on the agents (test/unit/cli-task-names.test.ts holds that it is there). */
export const AGENTS_BACK = /^the agent is connected to GoCD again$/;

/** From the confirmation to the last agent connected through the VIP again (the failover's own measure of
 * what the agents saw; `npm run bench` reports it). */
export function backAfterConfirmMs(events: readonly TimedEvent[]): number | undefined {
  const confirmed = events.find((t) => t.event.type === "host_result" && CONFIRM.test(t.event.task))?.at;
  const back = events.filter(
    (t) => t.event.type === "host_result" && AGENTS_BACK.test(t.event.task) && t.event.result.status === "ok",
  );
  const last = back.at(-1)?.at;
  return confirmed !== undefined && last !== undefined ? last - confirmed : undefined;
}

const failoverReport = (lost: readonly string[], resumed: boolean): StepsCommand => ({
  name: "failover",
  // A step of a lost host, or one an earlier run did.
  skipped: "-",
  extraLines: (events) => {
    const back = backAfterConfirmMs(events);
    return [
      lost.length
        ? `not fenced (they did not answer): ${lost.join(", ")}; when they return, their guard keeps GoCD stopped and \`gocd-bc rejoin\` makes them the standby`
        : "every host of the old side answered and was fenced",
      ...(back !== undefined && !resumed
        ? [`agents working through the VIP again ${(back / 1000).toFixed(2)} s after the confirmation`]
        : []),
    ];
  },
});

/** `gocd-bc failover`: GoCD moved to `--to` after the active side was lost, confirmed. */
export function failoverCommand(opts: FailoverOptions, io: Io = stderr): Promise<number> {
  return withConnections((pool) => failover(opts, { ...io, pool }));
}

async function failover(opts: FailoverOptions, io: Io): Promise<number> {
  const facts = await readFacts(opts.inventory, opts.extraVars ?? [], {
    trustOnFirstUse: opts.trustOnFirstUse,
    pool: io.pool,
  });
  if (!facts.ok) {
    for (const d of facts.diagnostics) io.err(formatDiagnostic(d));
    return 4;
  }
  const t = decideTopology(facts.db, facts.gocd, facts.names, facts.journal);
  const servers = facts.gocd.map((f) => f.host);
  const refused = failoverRefusal(opts, servers, t);
  if (refused) {
    io.err(`failover: ${refused.why}`);
    return refused.code;
  }
  const lost = lostHosts(facts.results, [...servers, ...facts.db.map((f) => f.host)]);
  io.err(`failover: not answering: ${lost.length ? lost.join(", ") : "none"}`);
  const record = unfinishedRecord(t);
  if (record) io.err(`failover: finishing ${record.id}, which stopped after '${record.step}'`);
  const timed = new Timed(reporterFor(opts), io);
  const extraVars = [...(opts.extraVars ?? []), JSON.stringify(failoverVars(opts, lost, t))];
  const code = await runCommand(FAILOVER_PLAYBOOK, { ...opts, extraVars }, { ...io, reporter: timed });
  return (
    interruptedCode("failover", code, timed.events, io) ??
    reportSteps(failoverReport(lost, record !== undefined), timed.events, code, opts.dryRun === true, io)
  );
}
