// `gocd-bc provision` and `gocd-bc drift`: read which side is active from the hosts, refuse on a split
// brain (or a switchover or failover half-way, or a failover's old primary not yet rejoined), then run
// playbooks/provision.yml with those roles (provision) or the same in check+diff mode, reporting what
// drifted (drift). The roles read from the hosts are passed last as extra vars, so they
// win over the inventory and over `-e`: the tool never "corrects" a switched-over pair back.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { formatDiagnostic } from "../errors.js";
import { decideTopology, rolesAsVars, type Topology } from "../topology/decide.js";
import { readFacts } from "../topology/facts.js";
import { ForwardingReporter } from "../report/forwarding.js";
import type { Reporter, RunEvent } from "../report/events.js";
import { type CommandIo, reporterFor, runCommand, stderrIo, withConnections, type RunCommandOptions } from "./run.js";

/** The playbook both commands run. */
export const PROVISION_PLAYBOOK = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../playbooks/provision.yml",
);

/** `drift` found something to correct (ansible-playbook leaves 3 unused). */
export const DRIFT_FOUND = 3;
/** The topology could not be read, or is a split brain: nothing was run. */
export const TOPOLOGY_REFUSED = 1;

type Io = CommandIo;
const stderr = stderrIo;

/** The roles read from the hosts, or the exit code when the inventory could not be used (4). */
export type TopologyRead =
  | { readonly ok: true; readonly topology: Topology }
  | { readonly ok: false; readonly code: number };

/** Reads the facts and decides; prints the evidence (or the refusal) on stderr. */
export async function readTopology(opts: RunCommandOptions, io: Io): Promise<TopologyRead> {
  const t = await topology(opts, io);
  return t ? { ok: true, topology: t } : { ok: false, code: 4 };
}

async function topology(opts: RunCommandOptions, io: Io): Promise<Topology | undefined> {
  const facts = await readFacts(opts.inventory, opts.extraVars ?? [], {
    trustOnFirstUse: opts.trustOnFirstUse,
    pool: io.pool,
  });
  if (!facts.ok) {
    for (const d of facts.diagnostics) io.err(formatDiagnostic(d));
    return undefined;
  }
  const t = decideTopology(facts.db, facts.gocd, facts.names, facts.journal);
  for (const line of topologyLines(t)) io.err(line);
  return t;
}

/** What the commands print of the decision: how each role was known, or why there are none. */
export function topologyLines(t: Topology): string[] {
  switch (t.kind) {
    case "decided":
      return t.evidence.map((line) => `topology: ${line}`);
    case "unfinished":
    case "former-primary":
    case "old-side-lost":
      return t.reasons.map((line) => `topology: ${line}`);
    case "split-brain":
      return ["SPLIT BRAIN: refusing to change anything; a person must decide which side is right:", ...bullets(t)];
    case "undecidable":
      return ["cannot tell which side is active; nothing was changed:", ...bullets(t)];
  }
}

const bullets = (t: { readonly reasons: readonly string[] }) => t.reasons.map((r) => `  - ${r}`);

/** Why provision and drift change nothing beyond the lines the decision printed, when there is more to say. */
export function provisionRefusal(t: Topology): string | undefined {
  if (t.kind === "unfinished")
    return `refusing to change anything while a ${t.record.kind} is half-way (provisioning could undo half of it)`;
  if (t.kind === "former-primary")
    return (
      `refusing to change anything while ${t.formerPrimary} is a former primary left behind by a failover:` +
      ` run \`gocd-bc rejoin\` first (it rewinds ${t.formerPrimary} and makes it the standby)`
    );
  if (t.kind === "old-side-lost")
    return `refusing to change anything while ${t.lost.join(" and ")} of the failed-over side do not answer`;
  return undefined;
}

/** Runs provision.yml with the roles read from the hosts; `check` makes it a drift report. */
async function provisionWith(opts: RunCommandOptions, io: Io, reporter?: Reporter): Promise<number> {
  const t = await topology(opts, io);
  if (!t) return 4;
  const refused = provisionRefusal(t);
  if (refused) io.err(refused);
  if (t.kind !== "decided") return TOPOLOGY_REFUSED;
  const extraVars = [...(opts.extraVars ?? []), JSON.stringify(rolesAsVars(t.roles))];
  return runCommand(PROVISION_PLAYBOOK, { ...opts, extraVars }, { ...io, reporter });
}

/** `gocd-bc provision -i INVENTORY`: bring the pair to the full standby setup. */
export function provisionCommand(opts: RunCommandOptions, io: Io = stderr): Promise<number> {
  return withConnections((pool) => provisionWith(opts, { ...io, pool }));
}

/** Collects what a run reports as changed (handlers aside: they follow from a drifted item), passing every
 * event on to the real reporter. */
class DriftCounter extends ForwardingReporter {
  readonly drifted: string[] = [];
  private inHandler = false;
  protected observe(e: RunEvent): void {
    if (e.type === "task_start") this.inHandler = e.handler;
    if (e.type === "host_result" && e.result.status === "changed" && !this.inHandler) {
      this.drifted.push(`${e.host}: ${e.task}: ${e.result.summary}`);
    }
  }
}

/** `gocd-bc drift -i INVENTORY`: provision in check+diff mode; exit 3 when anything drifted. */
export async function driftCommand(opts: RunCommandOptions, io: Io = stderr): Promise<number> {
  const counter = new DriftCounter(reporterFor({ ...opts, diff: true }));
  const code = await withConnections((pool) =>
    provisionWith({ ...opts, check: true, diff: true }, { ...io, pool }, counter),
  );
  if (code !== 0) return code;
  if (counter.drifted.length === 0) {
    io.err("drift: none");
    return 0;
  }
  io.err(`drift: ${counter.drifted.length} item(s) differ from the playbook (diffs above); nothing was changed:`);
  for (const line of counter.drifted) io.err(`  ${line}`);
  return DRIFT_FOUND;
}
