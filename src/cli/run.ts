// `gocd-bc run PLAYBOOK -i INVENTORY ...`: loads and validates the plan (errors: exit 4 before any host
// is touched), creates the reporter, turns Ctrl-C into an abort (exit 99), runs, returns the exit code.
import { formatDiagnostic, sortDiagnostics } from "../errors.js";
import { ConnectionPool } from "../connection/pool.js";
import { runPlan } from "../engine/run.js";
import { loadPlan } from "../playbook/load.js";
import { holdWhileAsking } from "../modules/pause/index.js";
import { createReporter, type ReportMode } from "../report/index.js";
import type { Reporter } from "../report/events.js";

/** Options of `run`, as the CLI parses them. */
export interface RunCommandOptions {
  readonly inventory: string[];
  readonly extraVars?: string[];
  readonly limit?: string;
  readonly tags?: string[];
  readonly skipTags?: string[];
  readonly check?: boolean;
  readonly diff?: boolean;
  readonly forks?: number;
  readonly json?: boolean;
  readonly verbose?: number;
  readonly forceHandlers?: boolean;
  readonly trustOnFirstUse?: boolean;
  readonly rolesPath?: string[];
}

/** What the command needs from the outside world, replaceable in tests. */
export interface RunCommandIo {
  readonly err: (line: string) => void;
  readonly reporter?: Reporter;
  /** Aborted to interrupt the run; by default Ctrl-C (SIGINT) aborts it. */
  readonly signal?: AbortSignal;
  /** The connections of a command that reads the facts first (see withConnections). */
  readonly pool?: ConnectionPool;
}

/** What a command that reads the facts and then runs a playbook needs: where its lines go, and the
 * connections both runs share. */
export type CommandIo = Pick<RunCommandIo, "err" | "pool">;
export const stderrIo: CommandIo = { err: (l) => process.stderr.write(`${l}\n`) };

/** Runs a command's work with one connection pool for all its runs, closed at the end: the playbook run
 * reuses the connections its facts read opened instead of connecting to every host a second time. */
export async function withConnections<T>(work: (pool: ConnectionPool) => Promise<T>): Promise<T> {
  const pool = new ConnectionPool();
  try {
    return await work(pool);
  } finally {
    await pool.closeAll().catch(() => undefined);
  }
}

/** Splits `-t a,b -t c` into tags. */
export function tagList(values: readonly string[] | undefined): string[] | undefined {
  if (!values || values.length === 0) return undefined;
  return values
    .flatMap((v) => v.split(","))
    .map((t) => t.trim())
    .filter((t) => t !== "");
}

/** The reporter the options ask for: JSON Lines with --json, else the live view or plain lines. */
export function reporterFor(opts: RunCommandOptions): Reporter {
  const mode: ReportMode = opts.json ? "json" : "auto";
  return createReporter(mode, { diff: opts.diff === true, verbosity: opts.verbose ?? 0 });
}

/** Runs a playbook; resolves to the exit code (0, 2 failed hosts, 4 unreachable or invalid, 99 interrupted). */
export async function runCommand(
  playbook: string,
  opts: RunCommandOptions,
  io: RunCommandIo = { err: (l) => process.stderr.write(`${l}\n`) },
): Promise<number> {
  const loaded = loadPlan({
    playbook,
    inventories: opts.inventory,
    extraVars: opts.extraVars,
    limit: opts.limit,
    rolesPath: opts.rolesPath,
  });
  for (const w of sortDiagnostics(loaded.warnings)) io.err(`warning: ${formatDiagnostic(w)}`);
  if (!loaded.ok) {
    for (const d of sortDiagnostics(loaded.diagnostics)) io.err(formatDiagnostic(d));
    io.err(`${loaded.diagnostics.length} error(s): ${playbook} is not valid; no host was touched`);
    return 4;
  }
  const reporter = io.reporter ?? reporterFor(opts);
  // A pause prompt must not be drawn over: the live view is held still while it asks.
  const unhold = reporter.hold ? holdWhileAsking((use) => reporter.hold!(use)) : undefined;
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  if (io.signal) io.signal.addEventListener("abort", onSigint, { once: true });
  else process.once("SIGINT", onSigint);
  try {
    const outcome = await runPlan(loaded.plan, {
      check: opts.check === true,
      diff: opts.diff === true,
      forks: opts.forks,
      limit: opts.limit,
      tags: tagList(opts.tags),
      skipTags: tagList(opts.skipTags),
      forceHandlers: opts.forceHandlers,
      trustOnFirstUse: opts.trustOnFirstUse,
      verbosity: opts.verbose ?? 0,
      reporter,
      signal: controller.signal,
      pool: io.pool,
    });
    return outcome.exitCode;
  } finally {
    process.removeListener("SIGINT", onSigint);
    unhold?.();
    await reporter.close();
  }
}
