// `postgres_standby_datadir`: reads the data directory a standby is to run on, without starting or touching
// it, and decides what provisioning does with it. A directory is cloned over only when nothing in it can be
// lost, a standby of this primary is kept, and anything else is left alone unless the operator named this
// host. The module only reads, so check mode runs it exactly as a real run does. It reads the same facts,
// under the same names, as postgres_common's postgres_inspect_script, which the other database roles use.
import { cmd, type Command } from "../../connection/command.js";
import { defineModule, fail, ok } from "../contract.js";
import { mustRead } from "../support/exec.js";
import type { PostgresStandbyDatadirArgs } from "./schema.js";

/** What a data directory is, read without touching it; registered as `datadir`, so named as the role reads it. */
export interface DataDir {
  readonly path: string;
  /** Something is at the path (a link is followed). */
  readonly exists: boolean;
  /** It is a directory with nothing in it. */
  readonly empty: boolean;
  /** It is a PostgreSQL data directory (it has PG_VERSION). */
  readonly pgdata: boolean;
  /** pg_controldata's "Database system identifier"; "" when there is none to read. */
  readonly system_identifier: string;
  /** pg_controldata's "Database cluster state" ('shut down', 'in archive recovery', ...); "" when unread. */
  readonly state: string;
  /** standby.signal is there: a server started on it runs as a standby. */
  readonly standby_signal: boolean;
  /** postmaster.opts is there: a server started on it at least once (written at every start, never removed). */
  readonly ever_started: boolean;
  /** postmaster.pid is there: a server runs on it (or one stopped without cleaning up). */
  readonly running: boolean;
}

const FLAGS = ["exists", "empty", "pgdata", "standby_signal", "ever_started", "running"] as const;

/** The command whose output parseDataDir reads: a `name=true|false` line per flag, then pg_controldata's report. */
export function readCommand(path: string, binDir: string): Command {
  // pg_controldata in the C locale (its labels are translated otherwise); its exit status does not matter
  // (a directory it cannot read has no identifier): `true` ends it.
  return cmd`d=${path}
flag() { if "$@"; then echo true; else echo false; fi; }
echo "exists=$(flag test -e "$d")"
if [ -d "$d" ] && [ -z "$(ls -A "$d" 2>/dev/null)" ]; then echo empty=true; else echo empty=false; fi
echo "pgdata=$(flag test -f "$d/PG_VERSION")"
echo "standby_signal=$(flag test -f "$d/standby.signal")"
echo "ever_started=$(flag test -f "$d/postmaster.opts")"
echo "running=$(flag test -f "$d/postmaster.pid")"
if [ -f "$d/PG_VERSION" ]; then LC_ALL=C ${`${binDir}/pg_controldata`} "$d" 2>/dev/null; fi
true`;
}

/** The data directory readCommand's output describes, or what is wrong with the output. */
export function parseDataDir(
  path: string,
  stdout: string,
): { readonly ok: true; readonly dir: DataDir } | { readonly ok: false; readonly error: string } {
  const lines = stdout.split("\n");
  const value = (name: string) => lines.find((l) => l.startsWith(`${name}=`))?.slice(name.length + 1);
  const unsaid = FLAGS.filter((name) => value(name) !== "true" && value(name) !== "false");
  if (unsaid.length) return { ok: false, error: `reading ${path} said neither true nor false of ${unsaid.join(", ")}` };
  const flag = (name: (typeof FLAGS)[number]) => value(name) === "true";
  // pg_controldata's "Label:   value" lines; a label that is not there reads as "".
  const control = (label: string) => {
    const line = lines.find((l) => l.startsWith(`${label}:`));
    return line === undefined ? "" : line.slice(label.length + 1).replace(/^ */, "");
  };
  return {
    ok: true,
    dir: {
      path,
      exists: flag("exists"),
      empty: flag("empty"),
      pgdata: flag("pgdata"),
      system_identifier: control("Database system identifier"),
      state: control("Database cluster state"),
      standby_signal: flag("standby_signal"),
      ever_started: flag("ever_started"),
      running: flag("running"),
    },
  };
}

/** What provisioning does with a standby's data directory (the role's later tasks test these names). */
export type StandbyAction = "clone" | "keep" | "replace-new" | "replace-asked" | "refuse";

/** What the directory is judged against: the primary it is to follow, and what the operator asked. */
export interface StandbyWanted {
  /** The primary's system identifier: a standby of it has the same one. */
  readonly primarySystemIdentifier: string;
  /** The host the operator asked to clone afresh (`postgres_standby_reclone`); "" for none. */
  readonly reclone: string;
  /** This host's inventory name. */
  readonly host: string;
}

/** The action, and why, in the words the task's output shows. */
export interface StandbyDecision {
  readonly action: StandbyAction;
  readonly reason: string;
}

/**
 * What to do with a standby's data directory. The order is the policy: nothing to lose is cloned into; a
 * standby of this primary is kept, even when the operator names the host (a flag left in a vars file must not
 * clone again); a cluster no server ever ran on is what Debian's package leaves and holds nothing; only then
 * does the operator's word replace a directory, and without it anything else is refused.
 */
export function standbyAction(dir: DataDir, wanted: StandbyWanted): StandbyDecision {
  const { path } = dir;
  if (!dir.exists) return { action: "clone", reason: `${path} does not exist: the primary is cloned into it` };
  if (dir.empty) return { action: "clone", reason: `${path} is empty: the primary is cloned into it` };
  if (dir.pgdata && dir.standby_signal && dir.system_identifier === wanted.primarySystemIdentifier)
    return {
      action: "keep",
      reason: `${path} is a standby of the primary (system identifier ${dir.system_identifier}): it is kept`,
    };
  if (dir.pgdata && !dir.ever_started && !dir.running && !dir.standby_signal && dir.state === "shut down")
    return {
      action: "replace-new",
      reason: `${path} is a new cluster no server ever ran on: it is moved aside and the primary cloned`,
    };
  if (wanted.reclone === wanted.host)
    return {
      action: "replace-asked",
      reason: `${path} is ${held(dir, wanted)}, and postgres_standby_reclone names ${wanted.host}: it is moved aside and the primary cloned`,
    };
  return { action: "refuse", reason: `${path} is ${held(dir, wanted)}: it is left untouched` };
}

/** What a directory holds that is neither empty, nor new, nor a standby of the primary. */
function held(dir: DataDir, wanted: StandbyWanted): string {
  if (!dir.pgdata) return "not empty and not a PostgreSQL data directory";
  const standby = dir.standby_signal ? ", a standby" : "";
  return `not a standby of the primary (system identifier '${dir.system_identifier}', the primary's is '${wanted.primarySystemIdentifier}'; state '${dir.state}'${standby})`;
}

/** The `postgres_standby_datadir` module. */
export default defineModule<PostgresStandbyDatadirArgs>({
  name: "postgres_standby_datadir",
  async plan(ctx, args) {
    const out = await mustRead(ctx, readCommand(args.path, args.bin_dir), { what: `reading ${args.path}` });
    const read = parseDataDir(args.path, out);
    if (!read.ok) return fail(`postgres_standby_datadir: ${read.error}`);
    const decision = standbyAction(read.dir, {
      primarySystemIdentifier: args.primary_system_identifier,
      reclone: args.reclone ?? "",
      host: ctx.host,
    });
    return ok(`${decision.action}: ${decision.reason}`, { datadir: read.dir, action: decision.action });
  },
});
