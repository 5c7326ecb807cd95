// Which side is active, decided from what the hosts say (the README's standby setup section), never assumed from the
// inventory: after a switchover the inventory's "primary" may be the standby. The inventory's initial
// roles are used only where nothing has been provisioned yet. Two writable databases or two running
// GoCD servers are a split brain: a person resolves that, the tool never guesses. A switchover or failover
// that the journal shows unfinished is a state of its own: only the same command, run again, may go on.
// So is the old primary a failover left behind, once its host is back: the markers' epochs and the
// databases' timelines tell it from a split brain, and only `rejoin` (which rewinds it) may go on.
import type { JournalRecord } from "./journal.js";

/** What one database host says about itself. */
export type DbFact =
  | { readonly host: string; readonly kind: "unknown"; readonly why: string }
  | { readonly host: string; readonly kind: "stopped" }
  | {
      readonly host: string;
      readonly kind: "running";
      readonly inRecovery: boolean;
      readonly systemId: string;
      /** The timeline of its latest checkpoint (null when it did not say): a promotion starts a higher one. */
      readonly timeline: number | null;
      /** The application names of the standbys streaming from it (`gocd_bc_<standby host>`). */
      readonly streamingTo: readonly string[];
    };

/** What one GoCD server says about itself. */
export type GocdFact =
  | { readonly host: string; readonly kind: "unknown"; readonly why: string }
  | {
      readonly host: string;
      readonly kind: "reachable";
      readonly running: boolean;
      readonly holdsVip: boolean;
      readonly marker?: "active" | "standby";
      /** The marker's `epoch=` line (0 when there is none): every switchover and failover raises it. */
      readonly epoch: number;
    };

/** The pair as the inventory names it, with the initial roles for hosts provisioned for the first time. */
export interface PairNames {
  readonly db: readonly [primary: string, standby: string];
  readonly gocd: readonly [primary: string, standby: string];
  /** Each GoCD server's own database host (`gocd_db_host`), where the inventory names it. */
  readonly dbOf?: Readonly<Record<string, string>>;
}

/** Who is who now. */
export interface Roles {
  readonly dbPrimary: string;
  readonly dbStandby: string;
  readonly gocdActive: string;
  readonly gocdStandby: string;
}

/** The decision: roles read from the hosts (each with how it was known), or why there are none. */
export type Topology =
  | { readonly kind: "decided"; readonly roles: Roles; readonly evidence: readonly string[] }
  | { readonly kind: "split-brain"; readonly reasons: readonly string[] }
  | {
      /** A switchover or failover half-way (the record's kind says which). */
      readonly kind: "unfinished";
      readonly record: JournalRecord;
      /** The target's database is writable already: the only way on is forward. */
      readonly promoted: boolean;
      /** Once promoted (and each server's database host is known): the roles the record's command gave. */
      readonly roles?: Roles;
      readonly reasons: readonly string[];
    }
  | {
      /** A failover's outcome with the lost side back: its old primary database on its older timeline. */
      readonly kind: "former-primary";
      /** The failover's roles: the former primary is the standby to be (rejoin rewinds it). */
      readonly roles: Roles;
      /** The database host left behind (roles.dbStandby). */
      readonly formerPrimary: string;
      readonly timelines: { readonly primary: number; readonly former: number };
      /** The markers' epochs: the active server's, and the former primary's server's (the lower). */
      readonly epochs: { readonly active: number; readonly former: number };
      readonly reasons: readonly string[];
    }
  | {
      /** A failover done, its old side's hosts (some of them) not answering yet: the failover's roles stand. */
      readonly kind: "old-side-lost";
      readonly roles: Roles;
      readonly record: JournalRecord;
      /** The old side's hosts that do not answer. */
      readonly lost: readonly string[];
      readonly reasons: readonly string[];
    }
  | { readonly kind: "undecidable"; readonly reasons: readonly string[] };

function other(pair: readonly [string, string], one: string): string {
  return pair[0] === one ? pair[1] : pair[0];
}

type Side = { primary: string; evidence: string } | { error: "split-brain" | "undecidable"; reason: string };

function decideDb(facts: readonly DbFact[], pair: readonly [string, string]): Side {
  const lost = facts.filter((f): f is Extract<DbFact, { kind: "unknown" }> => f.kind === "unknown");
  if (lost.length)
    return {
      error: "undecidable",
      reason: lost.map((f) => `database host ${f.host} cannot be read: ${f.why}`).join("; "),
    };
  const writable = facts.filter((f) => f.kind === "running" && !f.inRecovery).map((f) => f.host);
  if (writable.length > 1)
    return {
      error: "split-brain",
      reason: `two writable databases: ${writable.join(" and ")} are both out of recovery`,
    };
  if (writable.length === 1)
    return { primary: writable[0] as string, evidence: `${writable[0]} is the writable database` };
  const standbys = facts.filter((f) => f.kind === "running" && f.inRecovery).map((f) => f.host);
  if (standbys.length === facts.length) {
    return {
      error: "undecidable",
      reason: `every database is a standby (${standbys.join(", ")}): no primary to follow; promote one (switchover) first`,
    };
  }
  if (standbys.length) {
    return {
      error: "undecidable",
      reason: `${standbys.join(", ")} is a standby but no primary database is running; start the primary, or promote the standby with a switchover`,
    };
  }
  return {
    primary: pair[0],
    evidence: `no database is running: ${pair[0]} becomes the primary, as the inventory names it`,
  };
}

function decideGocd(facts: readonly GocdFact[], pair: readonly [string, string]): Side {
  const lost = facts.filter((f): f is Extract<GocdFact, { kind: "unknown" }> => f.kind === "unknown");
  if (lost.length)
    return {
      error: "undecidable",
      reason: lost.map((f) => `GoCD server ${f.host} cannot be read: ${f.why}`).join("; "),
    };
  const seen = facts.filter((f): f is Extract<GocdFact, { kind: "reachable" }> => f.kind === "reachable");
  const running = seen.filter((f) => f.running).map((f) => f.host);
  if (running.length > 1)
    return { error: "split-brain", reason: `two GoCD servers are running: ${running.join(" and ")}` };
  if (running.length === 1) return { primary: running[0] as string, evidence: `${running[0]} runs GoCD` };
  const marked = seen.filter((f) => f.marker === "active").map((f) => f.host);
  if (marked.length > 1)
    return { error: "split-brain", reason: `both GoCD servers are marked active: ${marked.join(" and ")}` };
  if (marked.length === 1)
    return {
      primary: marked[0] as string,
      evidence: `no GoCD server runs; ${marked[0]} was the active one (its marker says so)`,
    };
  return {
    primary: pair[0],
    evidence: `no GoCD server runs or was marked active: ${pair[0]} becomes the active one, as the inventory names it`,
  };
}

/** A switchover or failover the journal shows unfinished: provisioning between its steps could undo half of
 * it (or start the old side's GoCD against a database that is no longer the primary), so only the same
 * command, run again, goes on. */
function unfinished(r: JournalRecord, db: readonly DbFact[], names: PairNames): Topology {
  const [toDb, fromDb] = [names.dbOf?.[r.to], names.dbOf?.[r.from]];
  const fact = db.find((f) => f.host === toDb);
  const promoted =
    fact !== undefined
      ? fact.kind === "running" && !fact.inRecovery
      : ["promoted", "gocd active on the target"].includes(r.step);
  const roles =
    promoted && toDb && fromDb
      ? { dbPrimary: toDb, dbStandby: fromDb, gocdActive: r.to, gocdStandby: r.from }
      : undefined;
  return { kind: "unfinished", record: r, promoted, ...(roles ? { roles } : {}), reasons: [unfinishedReason(r)] };
}

function unfinishedReason(r: JournalRecord): string {
  return (
    `the ${r.kind} ${r.id} (${r.from} -> ${r.to}) did not finish: its last step was '${r.step}' at ${r.time}` +
    ` (journal /var/lib/gocd-bc/journal.jsonl on both servers); run \`gocd-bc ${r.kind} --to ${r.to}\` again,` +
    " with the same inventory, to finish it"
  );
}

/** The application name (and slot) a standby streams under: `gocd_bc_` and its host in lower case, each
 * other character `_` (postgres_slot_name in roles/postgres_common/defaults/main.yml). */
export function standbyApplicationName(host: string): string {
  return `gocd_bc_${host.toLowerCase().replace(/[^a-z0-9_]/g, "_")}`;
}

type RunningDb = Extract<DbFact, { kind: "running" }>;
type ReachableServer = Extract<GocdFact, { kind: "reachable" }>;
type FormerPrimary = Extract<Topology, { kind: "former-primary" }>;

/**
 * The old primary a failover left behind, once every host answers again: two databases of one cluster
 * (one system identifier), the primary P writable, the other F not streaming from P (writable, or in
 * recovery without a connection) and on an older timeline, and P's GoCD server marked with a higher epoch
 * than F's. Two writable databases without all of that stay a split brain (an old primary started by hand
 * after a switchover has the epoch of its server's marker equal to the other's); with it they can only be a
 * failover's outcome. Undefined unless every rule holds.
 */
function formerPrimary(db: readonly DbFact[], gocd: readonly GocdFact[], names: PairNames): FormerPrimary | undefined {
  const dbs = db.filter((f): f is RunningDb => f.kind === "running");
  const servers = gocd.filter((f): f is ReachableServer => f.kind === "reachable");
  const [a, b] = dbs;
  if (!a || !b || dbs.length !== db.length || servers.length !== gocd.length) return undefined;
  return leftBehind(a, b, servers, names) ?? leftBehind(b, a, servers, names);
}

/** F left behind by a failover to P, or undefined (the rules of `formerPrimary`). */
function leftBehind(
  p: RunningDb,
  f: RunningDb,
  servers: readonly ReachableServer[],
  names: PairNames,
): FormerPrimary | undefined {
  if (p.inRecovery || p.systemId === "" || p.systemId !== f.systemId) return undefined;
  // A writable F streams from nobody; an F in recovery that streams from P is a standby already.
  if (p.streamingTo.includes(standbyApplicationName(f.host))) return undefined;
  if (p.timeline === null || f.timeline === null || f.timeline >= p.timeline) return undefined;
  const active = servers.find((s) => names.dbOf?.[s.host] === p.host);
  const former = servers.find((s) => names.dbOf?.[s.host] === f.host);
  if (!active || !former || active.epoch <= former.epoch) return undefined;
  const reasons = [
    `${f.host} is a former primary left behind by a failover: timeline ${f.timeline}, the primary ${p.host} is on` +
      ` timeline ${p.timeline} (epoch ${active.epoch} on ${active.host}, ${former.epoch} on ${former.host});` +
      " run `gocd-bc rejoin` to make it the standby (pg_rewind reports what it discards)",
  ];
  if (former.running)
    reasons.push(
      `${former.host} still runs GoCD at the lower epoch (${former.epoch}, ${active.host} has ${active.epoch}):` +
        " its guard stops it within seconds",
    );
  return {
    kind: "former-primary",
    roles: { dbPrimary: p.host, dbStandby: f.host, gocdActive: active.host, gocdStandby: former.host },
    formerPrimary: f.host,
    timelines: { primary: p.timeline, former: f.timeline },
    epochs: { active: active.epoch, former: former.epoch },
    reasons,
  };
}

type OldSideLost = Extract<Topology, { kind: "old-side-lost" }>;

/**
 * Right after a failover, before its old side is back: the journal's latest record is a failover done, its
 * target runs GoCD, the target's database is the writable primary, and only hosts of the old side do not
 * answer. The failover's roles stand; nothing can be provisioned or rejoined until the lost hosts answer
 * (their guards keep them from running GoCD or a writable database when they do). Undefined otherwise.
 */
function oldSideLost(
  db: readonly DbFact[],
  gocd: readonly GocdFact[],
  names: PairNames,
  r: JournalRecord,
): OldSideLost | undefined {
  const [toDb, fromDb] = [names.dbOf?.[r.to], names.dbOf?.[r.from]];
  if (r.kind !== "failover" || !r.ended || !toDb || !fromDb) return undefined;
  const target = gocd.find((f) => f.host === r.to);
  const primary = db.find((f) => f.host === toDb);
  if (target?.kind !== "reachable" || !target.running || primary?.kind !== "running" || primary.inRecovery)
    return undefined;
  const lost = [...gocd, ...db].filter((f) => f.kind === "unknown").map((f) => f.host);
  if (lost.length === 0 || lost.some((h) => h !== r.from && h !== fromDb)) return undefined;
  const they = lost.length > 1 ? "they are" : "it is";
  return {
    kind: "old-side-lost",
    roles: { dbPrimary: toDb, dbStandby: fromDb, gocdActive: r.to, gocdStandby: r.from },
    record: r,
    lost,
    reasons: [
      `the failover ${r.id} to ${r.to} is done (${r.time}); ${lost.join(" and ")} of the old side ` +
        `${lost.length > 1 ? "do" : "does"} not answer: when ${they} back, \`gocd-bc rejoin\` makes the old side the standby` +
        " (until then its guards keep it from running GoCD or a writable database)",
    ],
  };
}

/** Decide the roles from the facts and the latest journal record; pure, so every rule is tested with
 * facts in and a decision out. */
export function decideTopology(
  db: readonly DbFact[],
  gocd: readonly GocdFact[],
  names: PairNames,
  journal?: JournalRecord,
): Topology {
  // Before the split brain: a failover's old primary back on its old timeline is two writable databases too.
  const former = formerPrimary(db, gocd, names);
  if (former) {
    const halfway = journal && !journal.ended ? [unfinishedReason(journal)] : [];
    return { ...former, reasons: [...former.reasons, ...halfway] };
  }
  const d = decideDb(db, names.db);
  const g = decideGocd(gocd, names.gocd);
  const errors = [d, g].filter((s): s is Extract<Side, { error: string }> => "error" in s);
  if (errors.some((e) => e.error === "split-brain")) {
    return { kind: "split-brain", reasons: errors.filter((e) => e.error === "split-brain").map((e) => e.reason) };
  }
  if (journal && !journal.ended) return unfinished(journal, db, names);
  const lostSide = journal ? oldSideLost(db, gocd, names, journal) : undefined;
  if (lostSide) return lostSide;
  if (errors.length) return { kind: "undecidable", reasons: errors.map((e) => e.reason) };
  const dbPrimary = (d as { primary: string }).primary;
  const gocdActive = (g as { primary: string }).primary;
  return {
    kind: "decided",
    roles: { dbPrimary, dbStandby: other(names.db, dbPrimary), gocdActive, gocdStandby: other(names.gocd, gocdActive) },
    evidence: [(d as { evidence: string }).evidence, (g as { evidence: string }).evidence],
  };
}

/** The roles as the variables the roles and playbooks read (passed as extra vars, which always win). */
export function rolesAsVars(roles: Roles): Record<string, string> {
  return {
    db_primary_host: roles.dbPrimary,
    db_standby_host: roles.dbStandby,
    gocd_active_server: roles.gocdActive,
    gocd_standby_server: roles.gocdStandby,
  };
}
