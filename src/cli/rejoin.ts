// `gocd-bc rejoin -i INVENTORY [--reclone HOST]`: the database host that is not the primary becomes its
// streaming standby again (rewound with pg_rewind when it diverged, what that discards reported; cloned
// afresh only when --reclone names it), and the pair is provisioned as the roles read from the hosts say.
// Also after a switchover or failover whose promotion happened but whose old side could not become the standby,
// and for the old primary a failover left behind (rewound onto the new primary's timeline).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { EchoMessages } from "../report/echo-messages.js";
import { rolesAsVars, type Roles, type Topology } from "../topology/decide.js";
import type { JournalRecord } from "../topology/journal.js";
import { readTopology, TOPOLOGY_REFUSED } from "./provision.js";
import { type CommandIo, reporterFor, runCommand, stderrIo, withConnections, type RunCommandOptions } from "./run.js";

/** The playbook the command runs. */
export const REJOIN_PLAYBOOK = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../playbooks/rejoin.yml",
);

/** Options of `rejoin`, as the CLI parses them. */
export interface RejoinOptions extends RunCommandOptions {
  /** The standby's database host, to be moved aside and cloned afresh instead of rewound. */
  readonly reclone?: string;
}

type Io = CommandIo;
const stderr = stderrIo;

/** The tasks (of postgres_rejoin) whose message says what the rejoin did to the data directory;
 * test/unit/cli-task-names.test.ts holds that the role has each. */
export const REPORT_TASK_NAMES = ["what the rewind discarded", "the standby streams already"] as const;
const REPORT_TASKS = new RegExp(`^(?:[\\w.-]+ : )?(?:${REPORT_TASK_NAMES.join("|")})$`);

/** The roles to rejoin with: decided ones, a failover's (its old primary the standby to be), or those of a
 * switchover or failover half-way past its promotion. */
function rejoinRoles(t: Topology, io: Io): Roles | undefined {
  if (t.kind === "decided" || t.kind === "former-primary") return t.roles;
  if (t.kind === "unfinished" && t.roles) return t.roles;
  if (t.kind === "old-side-lost")
    io.err(`rejoin: ${t.lost.join(" and ")} do not answer yet: start ${t.lost.length > 1 ? "them" : "it"} first`);
  if (t.kind === "unfinished")
    io.err(
      `rejoin: the ${t.record.kind} to ${t.record.to} is half-way before its promotion:` +
        ` finish it with \`${rerun(t.record)}\``,
    );
  return undefined;
}

/** The command that finishes a switchover or failover half-way. */
const rerun = (r: JournalRecord) => `gocd-bc ${r.kind} --to ${r.to}`;

/** `gocd-bc rejoin`: the standby's database streams from the primary again. */
export function rejoinCommand(opts: RejoinOptions, io: Io = stderr): Promise<number> {
  return withConnections((pool) => rejoin(opts, { ...io, pool }));
}

async function rejoin(opts: RejoinOptions, io: Io): Promise<number> {
  const t = await readTopology(opts, io);
  if (!t.ok) return t.code;
  const roles = rejoinRoles(t.topology, io);
  if (!roles) return TOPOLOGY_REFUSED;
  if (opts.reclone !== undefined && opts.reclone !== roles.dbStandby) {
    io.err(
      `rejoin: --reclone ${opts.reclone}: only the standby's database host (${roles.dbStandby}) is ever cloned afresh; nothing was changed`,
    );
    return 5;
  }
  const vars = { ...rolesAsVars(roles), ...(opts.reclone ? { postgres_standby_reclone: opts.reclone } : {}) };
  const extraVars = [...(opts.extraVars ?? []), JSON.stringify(vars)];
  const reporter = new EchoMessages(reporterFor(opts), REPORT_TASKS, (line) => io.err(`rejoin: ${line}`));
  const code = await runCommand(REJOIN_PLAYBOOK, { ...opts, extraVars }, { ...io, reporter });
  if (code === 0 && t.topology.kind === "unfinished") {
    const r = t.topology.record;
    io.err(`rejoin: done; run \`${rerun(r)}\` again to finish the ${r.kind} (its other steps are done)`);
  }
  return code;
}
