// The executor's entry point: runs a validated plan on its hosts, emitting events to the reporter, and
// returns the exit code. One connection pool per run, closed at the end whatever happens, unless the
// caller lends one that several runs share (it closes that one itself).
// Exit codes follow ansible-playbook: 0 all good, 2 some host failed (wins over unreachable),
// 4 some host unreachable and none failed, 99 interrupted (Ctrl-C).
import { ConnectionPool, type Connector } from "../connection/pool.js";
import type { LoadedPlaybook } from "../playbook/plan.js";
import type { HostStats, RunEvent } from "../report/events.js";
import { connectAhead } from "./connect.js";
import { runPlay } from "./play.js";
import { Redactor } from "../modules/support/mask.js";
import { maskEvent } from "./secrets.js";
import { newStats, type HostState, type RunContext, type RunOptions, type RunOutcome } from "./types.js";

/** The default number of hosts worked on at once. */
export const DEFAULT_FORKS = 50;

/** Exit codes of a run (ansible-playbook's where they overlap). */
export const RUN_EXIT = { ok: 0, failed: 2, unreachable: 4, interrupted: 99 } as const;

/** Runs every play of the plan; never throws for host problems (they are results), only for bugs. */
export async function runPlan(plan: LoadedPlaybook, opts: RunOptions, connector?: Connector): Promise<RunOutcome> {
  const started = Date.now();
  const pool = opts.pool ?? new ConnectionPool(connector);
  let closed = false;
  const secrets = new Set<string>();
  const run: RunContext = {
    plan,
    opts,
    forks: opts.forks && opts.forks > 0 ? opts.forks : DEFAULT_FORKS,
    pool,
    hosts: new Map(),
    inventoryLayers: new Map(),
    secrets,
    redact: new Redactor(secrets),
    stopRun: false,
    interrupted: () => opts.signal?.aborted === true,
    emit: (event: RunEvent) => {
      if (!closed) opts.reporter.emit(maskEvent(event, run.redact.secrets));
    },
  };
  for (const host of new Set(plan.playHosts.flat())) run.hosts.set(host, newHost(host));
  run.emit({
    type: "run_start",
    playbook: plan.playbook,
    check: opts.check,
    diff: opts.diff,
    time: new Date(started).toISOString(),
  });
  connectAhead(run);
  try {
    for (const [i, play] of plan.plays.entries()) {
      if (run.stopRun || run.interrupted()) break;
      await runPlay(run, play, i);
    }
  } finally {
    if (opts.pool) pool.forgetFailures();
    else await pool.closeAll().catch(() => undefined);
  }
  const stats = recapStats(run);
  const interrupted = run.interrupted();
  const exitCode = exitCodeOf(stats, interrupted);
  run.emit({ type: "recap", hosts: stats, exitCode, durationMs: Date.now() - started, interrupted });
  closed = true;
  return { exitCode, stats, interrupted };
}

function newHost(name: string): HostState {
  return {
    name,
    stats: newStats(),
    facts: {},
    setFacts: {},
    includeVars: {},
    status: { kind: "active" },
    notified: new Map(),
    endedPlay: false,
  };
}

function recapStats(run: RunContext): Record<string, HostStats> {
  const out: Record<string, HostStats> = {};
  for (const [name, st] of run.hosts) out[name] = { ...st.stats };
  return out;
}

/** 99 when interrupted, else 2 when any host failed, else 4 when any was unreachable, else 0. */
export function exitCodeOf(stats: Readonly<Record<string, HostStats>>, interrupted: boolean): number {
  if (interrupted) return RUN_EXIT.interrupted;
  const all = Object.values(stats);
  if (all.some((s) => s.failed > 0)) return RUN_EXIT.failed;
  if (all.some((s) => s.unreachable > 0)) return RUN_EXIT.unreachable;
  return RUN_EXIT.ok;
}
