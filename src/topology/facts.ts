// Reads the topology facts by running playbooks/topology-facts.yml (read-only) with the runner itself, so
// connections, become and PostgreSQL access work exactly as in provisioning, then parses what each
// host's tasks returned. Parsing is pure and tested apart.
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ConnectionPool } from "../connection/pool.js";
import { runPlan } from "../engine/run.js";
import { loadPlan } from "../playbook/load.js";
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

/** Every host's results, by task name, from a run's events. */
export type HostResults = ReadonlyMap<string, ReadonlyMap<string, TaskResult>>;

/** Collects the last result of each task on each host. */
export function resultsByHost(events: readonly RunEvent[]): HostResults {
  const out = new Map<string, Map<string, TaskResult>>();
  for (const e of events) {
    if (e.type !== "host_result") continue;
    const host = out.get(e.host) ?? new Map<string, TaskResult>();
    host.set(e.task, e.result);
    out.set(e.host, host);
  }
  return out;
}

const str = (v: unknown) => (typeof v === "string" ? v : "");

/** A database host's fact from its `cluster state` and `database facts` results. */
export function dbFact(host: string, results: ReadonlyMap<string, TaskResult> | undefined): DbFact {
  const cluster = results?.get("cluster state");
  if (!cluster || cluster.status === "unreachable")
    return { host, kind: "unknown", why: cluster?.status === "unreachable" ? cluster.error : "no result" };
  if (!str(cluster.data.stdout).includes("online")) return { host, kind: "stopped" };
  const facts = results?.get("database facts");
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

/** The `name=value` lines a GoCD server's `server state` task printed. */
export function serverFields(results: ReadonlyMap<string, TaskResult> | undefined): ReadonlyMap<string, string> {
  const stdout = str(results?.get("server state")?.data.stdout);
  return new Map(
    stdout
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)] as const),
  );
}

/** The latest switchover or failover record of the servers' journals, from their `server state` results' `journal=`
 * lines (each server keeps a journal; a lost write leaves one behind). */
export function latestJournal(results: HostResults, gocdHosts: readonly string[]): JournalRecord | undefined {
  return latestRecord(gocdHosts.map((h) => journalRecord(serverFields(results.get(h)).get("journal"))));
}

/** A GoCD server's fact from its `server state` result (`running=`, `vip=`, `marker=`, `epoch=` lines). */
export function gocdFact(host: string, results: ReadonlyMap<string, TaskResult> | undefined): GocdFact {
  const state = results?.get("server state");
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
  const [dbHosts = [], gocdHosts = []] = loaded.plan.playHosts;
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
