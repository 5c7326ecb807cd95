// `gocd-bc status`: one screen on the pair's health, built from the same read-only facts as provision.
// The model is pure (facts in, model out) so every line of the screen is tested without hosts.
import { continued, escapeDeep } from "../report/escape.js";
import type { Roles, Topology } from "./decide.js";
import { FACT, serverFields, unreachableWhy, type HostResults } from "./facts.js";
import type { JournalRecord } from "./journal.js";

/** One GoCD server as status shows it. */
export interface ServerStatus {
  readonly host: string;
  /** Why the host could not be read, when it could not: nothing else about it is known then. */
  readonly unreachable?: string;
  /** `from` and `to`: the sides of a switchover or failover half-way. */
  readonly role: "active" | "standby" | "from" | "to" | "unknown";
  readonly running: boolean;
  readonly holdsVip: boolean;
  readonly shareMounted: boolean;
  /** The standby's config sync record (`last_ok`, `last_change`, `last_error`, ...), when there is one. */
  readonly sync: Readonly<Record<string, string>>;
}

/** One database host as status shows it. */
export interface DatabaseStatus {
  readonly host: string;
  /** Why the host could not be read, when it could not. */
  readonly unreachable?: string;
  /** `former`: the old primary a failover left behind (writable or not, it is no longer the primary). */
  readonly role: "primary" | "standby" | "former" | "stopped" | "unknown";
  readonly replication: readonly {
    client: string;
    state: string;
    lagBytes: number | null;
    lagSeconds: number | null;
  }[];
}

/** The whole screen, also printed as JSON. */
export interface PairStatus {
  readonly topology: Topology;
  readonly servers: readonly ServerStatus[];
  readonly databases: readonly DatabaseStatus[];
  readonly agents: readonly { uuid: string; hostname: string; state: string }[];
  /** The latest switchover or failover either journal records. */
  readonly journal?: JournalRecord;
  /** What is wrong, one sentence each; empty when the pair is healthy. */
  readonly problems: readonly string[];
}

const num = (v: unknown) => (typeof v === "number" ? v : null);

function fieldsOf(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split(";")
      .filter((p) => p.includes("="))
      .map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)]),
  );
}

/** The roles the pair has while status shows them: decided, or a failover's with its old primary back. */
function settledRoles(topology: Topology): Roles | undefined {
  return topology.kind === "decided" || topology.kind === "former-primary" || topology.kind === "old-side-lost"
    ? topology.roles
    : undefined;
}

/** A server's role: active or standby once decided (or a failover's); during a switchover or failover
 * half-way, the side it leaves (`from`) and the side it goes to (`to`). */
function serverRole(host: string, topology: Topology): ServerStatus["role"] {
  const roles = settledRoles(topology);
  if (roles) return roles.gocdActive === host ? "active" : "standby";
  if (topology.kind === "unfinished")
    return topology.record.from === host ? "from" : topology.record.to === host ? "to" : "unknown";
  return "unknown";
}

function serverStatus(host: string, results: HostResults, topology: Topology): ServerStatus {
  const f = serverFields(results.get(host));
  const role = serverRole(host, topology);
  const unreachable = unreachableWhy(results, host);
  return {
    host,
    role,
    ...(unreachable !== undefined ? { unreachable } : {}),
    running: f.get("running") === "yes",
    holdsVip: f.get("vip") === "yes",
    shareMounted: f.get("share") === "mounted",
    sync: fieldsOf(f.get("sync") ?? ""),
  };
}

function databaseStatus(host: string, results: HostResults, topology: Topology): DatabaseStatus {
  const facts = results.get(host)?.get(FACT.database);
  const pg =
    facts?.status === "ok"
      ? (facts.data.postgres as { in_recovery?: boolean; replication?: Record<string, unknown>[] } | undefined)
      : undefined;
  const online = String(results.get(host)?.get(FACT.cluster)?.data.stdout ?? "").includes("online");
  const role = !online
    ? results.get(host)?.get(FACT.cluster)
      ? "stopped"
      : "unknown"
    : !pg
      ? "unknown"
      : pg.in_recovery
        ? "standby"
        : "primary";
  const replication = (pg?.replication ?? []).map((r) => ({
    client: String(r.client_addr ?? r.application_name ?? ""),
    state: String(r.state ?? ""),
    lagBytes: num(r.lag_bytes),
    lagSeconds: num(r.replay_lag_seconds),
  }));
  const unreachable = unreachableWhy(results, host);
  const former = topology.kind === "former-primary" && topology.formerPrimary === host;
  return {
    host,
    role: unreachable !== undefined ? "unknown" : former ? "former" : role,
    ...(unreachable !== undefined ? { unreachable } : {}),
    replication,
  };
}

function agentsFrom(results: HostResults, active: string | undefined): PairStatus["agents"] {
  const text = active ? serverFields(results.get(active)).get("agents") : undefined;
  if (!text) return [];
  try {
    const body = JSON.parse(text) as {
      _embedded?: { agents?: { uuid?: string; hostname?: string; agent_state?: string }[] };
    };
    return (body._embedded?.agents ?? []).map((a) => ({
      uuid: String(a.uuid ?? ""),
      hostname: String(a.hostname ?? ""),
      state: String(a.agent_state ?? ""),
    }));
  } catch {
    return [];
  }
}

/** What an operator should look at, from the model. */
function problemsOf(topology: Topology, servers: readonly ServerStatus[], dbs: readonly DatabaseStatus[]): string[] {
  const lost = [...servers, ...dbs].flatMap((h) =>
    h.unreachable !== undefined ? [`${h.host} is unreachable: ${h.unreachable}`] : [],
  );
  if (topology.kind !== "decided") return [...lost, ...topology.reasons];
  return [
    ...lost,
    ...decidedProblems(
      topology,
      servers.filter((s) => s.unreachable === undefined),
      dbs,
    ),
  ];
}

/** The problems of a decided pair, from the hosts that answered. */
function decidedProblems(
  topology: Extract<Topology, { kind: "decided" }>,
  servers: readonly ServerStatus[],
  dbs: readonly DatabaseStatus[],
): string[] {
  const out: string[] = [];
  const active = servers.find((s) => s.role === "active");
  const standby = servers.find((s) => s.role === "standby");
  if (active && !active.running) out.push(`the active GoCD server ${active.host} is not running`);
  if (active && !active.holdsVip) out.push(`the active GoCD server ${active.host} does not hold the VIP`);
  if (standby?.running)
    out.push(
      `the standby GoCD server ${standby.host} is running (it must stay stopped while its database is a replica)`,
    );
  for (const s of servers) if (!s.shareMounted) out.push(`the artifact share is not mounted on ${s.host}`);
  if (standby && !standby.sync.last_ok) out.push(`the config of ${standby.host} has never been synced`);
  if (standby?.sync.last_error) out.push(`the last config sync on ${standby.host} failed: ${standby.sync.last_error}`);
  const primary = dbs.find((d) => d.host === topology.roles.dbPrimary);
  if (!primary?.replication.some((r) => r.state === "streaming"))
    out.push(`${topology.roles.dbPrimary} has no streaming standby`);
  return out;
}

/** Builds the status model from the facts run's results, the topology decided from them, and the latest
 * journal record the facts read. */
export function pairStatus(
  results: HostResults,
  topology: Topology,
  gocdHosts: readonly string[],
  dbHosts: readonly string[],
  journal: JournalRecord | undefined,
): PairStatus {
  const servers = gocdHosts.map((h) => serverStatus(h, results, topology));
  const databases = dbHosts.map((h) => databaseStatus(h, results, topology));
  const active = settledRoles(topology)?.gocdActive;
  return {
    topology,
    servers,
    databases,
    agents: agentsFrom(results, active),
    ...(journal ? { journal } : {}),
    problems: problemsOf(topology, servers, databases),
  };
}

const bytes = (n: number | null) =>
  n === null
    ? "?"
    : n < 1024
      ? `${n} B`
      : n < 1048576
        ? `${(n / 1024).toFixed(1)} KiB`
        : `${(n / 1048576).toFixed(1)} MiB`;
const secs = (n: number | null) => (n === null ? "0.0 s" : `${n.toFixed(1)} s`);

/** The one screen, as text. */
export function formatStatus(status: PairStatus): string {
  // Sync records and agent names come from hosts: escaped, so they cannot steer the terminal or forge a line.
  const s = escapeDeep(status);
  const lines = ["GoCD servers"];
  for (const v of s.servers) {
    if (v.unreachable !== undefined) {
      lines.push(`  ${v.role.padEnd(8)} ${v.host.padEnd(16)} unreachable: ${v.unreachable}`);
      continue;
    }
    const facts = [
      v.running ? "running" : "stopped",
      v.holdsVip ? "holds the VIP" : "",
      v.shareMounted ? "share mounted" : "share NOT mounted",
    ];
    if (v.role === "standby")
      facts.push(
        v.sync.last_ok
          ? `config synced ${v.sync.last_ok} (last change ${v.sync.last_change || "never"})`
          : "config never synced",
      );
    lines.push(`  ${v.role.padEnd(8)} ${v.host.padEnd(16)} ${facts.filter(Boolean).join(", ")}`);
  }
  lines.push("databases");
  for (const d of s.databases) {
    const repl = d.replication
      .map((r) => `to ${r.client}: ${r.state}, lag ${bytes(r.lagBytes)}, ${secs(r.lagSeconds)}`)
      .join("; ");
    lines.push(
      `  ${d.role.padEnd(8)} ${d.host.padEnd(16)} ${d.unreachable !== undefined ? `unreachable: ${d.unreachable}` : repl}`.trimEnd(),
    );
  }
  lines.push(
    `agents connected: ${s.agents.filter((a) => a.state !== "LostContact").length}${s.agents.length ? ` (${s.agents.map((a) => `${a.hostname} ${a.state}`).join(", ")})` : ""}`,
  );
  const r = s.journal;
  if (r) {
    const where = r.ended ? r.step : `UNFINISHED after '${r.step}'`;
    lines.push(`last ${r.kind}: ${r.from} -> ${r.to} (${r.id}), ${where} at ${r.time}`);
  }
  lines.push(...(s.problems.length ? ["problems:", ...s.problems.map((p) => `  - ${p}`)] : ["healthy"]));
  return continued(lines).join("\n");
}
