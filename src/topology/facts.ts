// Reads the topology facts by running playbooks/topology-facts.yml (read-only) with the runner itself, so
// connections, become and PostgreSQL access work exactly as in provisioning, then parses what each
// host's tasks returned. Results are found by their tasks' `register` names (FACT), and a facts playbook
// without one of them is refused before it runs, so a renamed task or variable can never read as
// "unknown". Parsing is pure and tested apart.
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ConnectionPool } from "../connection/pool.js";
import { runPlan } from "../engine/run.js";
import { loadPlan } from "../playbook/load.js";
import { playModuleTasks } from "../playbook/module-tasks.js";
import type { LoadedPlaybook, Play } from "../playbook/plan.js";
import { displayPath } from "../source/yaml-file.js";
import type { Diagnostic } from "../errors.js";
import type { Reporter, RunEvent } from "../report/events.js";
import type { TaskResult } from "../modules/contract.js";
import type { DbFact, GocdFact, PairNames } from "./decide.js";
import type { Inventory } from "../inventory/types.js";
import { inventoryVarsOf } from "../inventory/precedence.js";
import { epochOf, journalRecord, latestRecord, type JournalRecord } from "./journal.js";

/** The read-only playbook whose results are the facts. */
export const FACTS_PLAYBOOK = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../playbooks/topology-facts.yml",
);

/** The `register` names of the facts playbook's tasks that the topology reads. The playbook's task titles
 * are free to change; these are not, and `factsPlays` names any that the playbook lacks. */
export const FACT: Readonly<Record<"cluster" | "database" | "server", string>> = {
  /** pg_lsclusters' line for the cluster, on each database host. */
  cluster: "gocd_bc_cluster",
  /** postgres_facts, on each database host whose cluster is online (same play as `cluster`). */
  database: "gocd_bc_db",
  /** The `name=value` lines each GoCD server prints about itself (running, vip, marker, epoch, ...). */
  server: "gocd_bc_server",
};

/** Every host's results, by the `register` name of the task that gave them, from a run's events. */
export type HostResults = ReadonlyMap<string, ReadonlyMap<string, TaskResult>>;

/** Collects the last result of each registered task on each host (the facts playbook registers all). */
export function resultsByHost(events: readonly RunEvent[]): HostResults {
  const out = new Map<string, Map<string, TaskResult>>();
  for (const e of events) {
    if (e.type !== "host_result" || e.register === undefined) continue;
    const host = out.get(e.host) ?? new Map<string, TaskResult>();
    host.set(e.register, e.result);
    out.set(e.host, host);
  }
  return out;
}

/** Which plays of the facts playbook read the database hosts and the GoCD servers: the ones that register
 * FACT's names. Every missing name is a diagnostic that names it, so the commands stop instead of
 * reading a pair they cannot see. */
export function factsPlays(
  plan: LoadedPlaybook,
): { ok: true; db: number; gocd: number } | { ok: false; diagnostics: Diagnostic[] } {
  const registers = plan.plays.map((p) => new Set(playModuleTasks(p).map((t) => t.register)));
  const playOf = (name: string) => registers.findIndex((r) => r.has(name));
  const db = playOf(FACT.cluster);
  const gocd = playOf(FACT.server);
  // At the play that lacks it when there is one, else at the top of the file.
  const at = (play: Play | undefined, index: number) =>
    play ? { ...play.loc, path: `plays[${index}]` } : { file: displayPath(plan.playbook), line: 1, col: 1, path: "" };
  const missing = (name: string, what: string, index = -1): Diagnostic => ({
    ...at(plan.plays[index], index),
    message: `no task registers '${name}' (${what}), which gocd-bc's topology reads: keep that register name`,
  });
  const problems = [
    ...(db < 0 ? [missing(FACT.cluster, "each database host's cluster state")] : []),
    ...(db >= 0 && !registers[db]?.has(FACT.database)
      ? [missing(FACT.database, `each database host's facts, beside '${FACT.cluster}'`, db)]
      : []),
    ...(gocd < 0 ? [missing(FACT.server, "each GoCD server's state")] : []),
  ];
  return problems.length ? { ok: false, diagnostics: problems } : { ok: true, db, gocd };
}

const str = (v: unknown) => (typeof v === "string" ? v : "");

/** A database host's fact from its cluster state and database facts results. */
export function dbFact(host: string, results: ReadonlyMap<string, TaskResult> | undefined): DbFact {
  const cluster = results?.get(FACT.cluster);
  if (!cluster || cluster.status === "unreachable")
    return { host, kind: "unknown", why: cluster?.status === "unreachable" ? cluster.error : "no result" };
  if (!str(cluster.data.stdout).includes("online")) return { host, kind: "stopped" };
  const facts = results?.get(FACT.database);
  const pg = (facts?.data.postgres ?? undefined) as PostgresFacts | undefined;
  if (facts?.status !== "ok" || !pg) {
    const why = facts && (facts.status === "failed" || facts.status === "unreachable") ? facts.error : "no facts";
    return { host, kind: "unknown", why: `PostgreSQL is online but its state cannot be read: ${why}` };
  }
  return {
    host,
    kind: "running",
    inRecovery: pg.in_recovery === true,
    systemId: str(pg.system_identifier),
    timeline: typeof pg.timeline === "number" && Number.isInteger(pg.timeline) ? pg.timeline : null,
    streamingTo: (Array.isArray(pg.replication) ? pg.replication : [])
      .filter((r) => r?.state === "streaming")
      .map((r) => str(r.application_name)),
  };
}

/** The part of `postgres_facts` the topology reads. */
interface PostgresFacts {
  readonly in_recovery?: unknown;
  readonly system_identifier?: unknown;
  readonly timeline?: unknown;
  readonly replication?: readonly ({ readonly application_name?: unknown; readonly state?: unknown } | null)[];
}

/** Why a host could not be read (its first unreachable result), or undefined when it answered. A host
 * that was never reached has no result at all: that is unreachable too, never "stopped". */
export function unreachableWhy(results: HostResults, host: string): string | undefined {
  const mine = results.get(host);
  if (!mine || mine.size === 0) return "no answer";
  for (const r of mine.values()) if (r.status === "unreachable") return r.error;
  return undefined;
}

/** The `name=value` lines of a GoCD server's state that gocd-bc reads. Typed, so reading a field not listed
 * here does not compile; the facts test holds that the playbook's script prints every one. */
export const SERVER_FIELDS = ["running", "vip", "marker", "epoch", "share", "sync", "journal", "agents"] as const;
export type ServerField = (typeof SERVER_FIELDS)[number];

const isServerField = (name: string): name is ServerField => (SERVER_FIELDS as readonly string[]).includes(name);

/** The `name=value` lines a GoCD server's state task printed (the fields gocd-bc reads). */
export function serverFields(results: ReadonlyMap<string, TaskResult> | undefined): ReadonlyMap<ServerField, string> {
  const stdout = str(results?.get(FACT.server)?.data.stdout);
  const out = new Map<ServerField, string>();
  for (const line of stdout.split("\n")) {
    const name = line.slice(0, line.indexOf("="));
    if (line.includes("=") && isServerField(name)) out.set(name, line.slice(line.indexOf("=") + 1));
  }
  return out;
}

/** The latest switchover or failover record of the servers' journals, from their state results' `journal=`
 * lines (each server keeps a journal; a lost write leaves one behind). */
export function latestJournal(results: HostResults, gocdHosts: readonly string[]): JournalRecord | undefined {
  return latestRecord(gocdHosts.map((h) => journalRecord(serverFields(results.get(h)).get("journal"))));
}

/** A GoCD server's fact from its state result (`running=`, `vip=`, `marker=`, `epoch=` lines). */
export function gocdFact(host: string, results: ReadonlyMap<string, TaskResult> | undefined): GocdFact {
  const state = results?.get(FACT.server);
  if (!state || state.status === "unreachable" || state.status === "failed") {
    return {
      host,
      kind: "unknown",
      why: state && (state.status === "unreachable" || state.status === "failed") ? state.error : "no result",
    };
  }
  const fields = serverFields(results);
  const marker = fields.get("marker");
  return {
    host,
    kind: "reachable",
    running: fields.get("running") === "yes",
    holdsVip: fields.get("vip") === "yes",
    ...(marker === "active" || marker === "standby" ? { marker } : {}),
    epoch: epochOf(fields.get("epoch")),
  };
}

class Collect implements Reporter {
  readonly events: RunEvent[] = [];
  emit(e: RunEvent): void {
    this.events.push(e);
  }
  async close(): Promise<void> {}
}

/** What reading the facts gave: the facts and the pair's names, or why the inventory cannot be used. */
export type FactsResult =
  | {
      readonly ok: true;
      readonly db: DbFact[];
      readonly gocd: GocdFact[];
      readonly names: PairNames;
      readonly results: HostResults;
      /** The latest switchover or failover either server's journal records. */
      readonly journal: JournalRecord | undefined;
    }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** Runs the facts playbook against the inventory and returns every host's fact. */
export async function readFacts(
  inventories: readonly string[],
  extraVars: readonly string[],
  opts: { trustOnFirstUse?: boolean; pool?: ConnectionPool } = {},
): Promise<FactsResult> {
  const loaded = loadPlan({ playbook: FACTS_PLAYBOOK, inventories: [...inventories], extraVars: [...extraVars] });
  if (!loaded.ok) return { ok: false, diagnostics: loaded.diagnostics };
  const plays = factsPlays(loaded.plan);
  if (!plays.ok) return plays;
  const reporter = new Collect();
  await runPlan(loaded.plan, {
    check: false,
    diff: false,
    reporter,
    trustOnFirstUse: opts.trustOnFirstUse,
    verbosity: 0,
    pool: opts.pool,
  });
  const results = resultsByHost(reporter.events);
  const dbHosts = loaded.plan.playHosts[plays.db] ?? [];
  const gocdHosts = loaded.plan.playHosts[plays.gocd] ?? [];
  const names = pairNames(loaded.plan.inventory, dbHosts, gocdHosts);
  if (!names.ok) return { ok: false, diagnostics: names.diagnostics };
  const db = dbHosts.map((h) => dbFact(h, results.get(h)));
  const gocd = gocdHosts.map((h) => gocdFact(h, results.get(h)));
  return { ok: true, db, gocd, names: names.names, results, journal: latestJournal(results, gocdHosts) };
}

/**
 * The pair as the inventory names it: exactly two hosts in each group; the initial primary is the host
 * named by `db_primary_host` / `gocd_active_server` in the inventory, else the group's first host.
 */
export function pairNames(
  inv: Inventory,
  dbHosts: readonly string[],
  gocdHosts: readonly string[],
): { ok: true; names: PairNames } | { ok: false; diagnostics: Diagnostic[] } {
  const where = { file: inv.files[0] ?? "inventory", line: 1, col: 1, path: "" };
  const problems: Diagnostic[] = [];
  const pair = (group: string, hosts: readonly string[], variable: string): readonly [string, string] | undefined => {
    if (hosts.length !== 2) {
      problems.push({
        ...where,
        message: `group ${group} must have exactly two hosts (the pair), found ${hosts.length}: ${hosts.join(", ") || "none"}`,
      });
      return undefined;
    }
    const named = hosts.map((h) => inventoryVarsOf(inv, h)[variable]).find((v) => typeof v === "string");
    const first = typeof named === "string" ? named : (hosts[0] as string);
    if (!hosts.includes(first)) {
      problems.push({
        ...where,
        message: `${variable} is '${first}', which is not in group ${group} (${hosts.join(", ")})`,
      });
      return undefined;
    }
    return [first, hosts.find((h) => h !== first) as string];
  };
  const db = pair("db_servers", dbHosts, "db_primary_host");
  const gocd = pair("gocd_servers", gocdHosts, "gocd_active_server");
  const dbOf = Object.fromEntries(
    gocdHosts.flatMap((h) => {
      const own = inventoryVarsOf(inv, h).gocd_db_host;
      return typeof own === "string" ? [[h, own]] : [];
    }),
  );
  return db && gocd ? { ok: true, names: { db, gocd, dbOf } } : { ok: false, diagnostics: problems };
}
