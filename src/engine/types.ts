// The executor's shared state: run options, per-host state that lives for the whole run (stats, facts,
// registered results, pending handlers) and the per-play context the strategy walks with.
import type { ConnectionPool } from "../connection/pool.js";
import type { VarLayers } from "../inventory/precedence.js";
import type { LoadedPlaybook, Play, Task } from "../playbook/plan.js";
import type { Vars } from "../source/vars-file.js";
import type { HostStats, Reporter, RunEvent } from "../report/events.js";
import type { Redactor } from "../modules/support/mask.js";

/** What `gocd-bc run` asks of the executor. */
export interface RunOptions {
  readonly check: boolean;
  readonly diff: boolean;
  /** Hosts worked on at once (default 50). */
  readonly forks?: number;
  /** Already applied by loadPlan; kept for `ansible_limit`. */
  readonly limit?: string;
  readonly tags?: readonly string[];
  readonly skipTags?: readonly string[];
  readonly forceHandlers?: boolean;
  readonly trustOnFirstUse?: boolean;
  readonly verbosity?: number;
  readonly reporter: Reporter;
  /** Aborted on Ctrl-C: no new task starts, the recap says interrupted, exit code 99. */
  readonly signal?: AbortSignal;
  /** Connections shared with the other runs of one command (its facts read, then its playbook), so each
   * host is connected to once; the run leaves them open for the command to close. */
  readonly pool?: ConnectionPool;
}

/** The end of a run: the exit code (0, 2 failed, 4 unreachable, 99 interrupted) and the recap counters. */
export interface RunOutcome {
  readonly exitCode: number;
  readonly stats: Readonly<Record<string, HostStats>>;
  readonly interrupted: boolean;
}

/** Where a host stands: still working, failed (out of the play and later plays) or unreachable. */
export type HostStatus =
  | { readonly kind: "active" }
  | { readonly kind: "failed"; readonly task: string }
  | { readonly kind: "unreachable"; readonly task: string; readonly error: string };

/** One host's state for the whole run. */
export interface HostState {
  readonly name: string;
  readonly stats: HostStats;
  /** Gathered facts and facts modules returned (the `facts` precedence level, and `ansible_facts`). */
  readonly facts: Vars;
  /** set_fact values and registered results (the `setFacts` level); they persist across plays. */
  readonly setFacts: Vars;
  /** include_vars values (the `includeVars` level). */
  readonly includeVars: Vars;
  status: HostStatus;
  /** Handlers notified and not yet run, with the task that notified first (for messages). */
  readonly notified: Map<Task, string>;
  /** meta: end_host: the host does nothing more in this play. */
  endedPlay: boolean;
}

/** Everything shared by a run: the plan, options, connections, hosts, secrets and the event sink. */
export interface RunContext {
  readonly plan: LoadedPlaybook;
  readonly opts: RunOptions;
  readonly forks: number;
  readonly pool: ConnectionPool;
  readonly hosts: Map<string, HostState>;
  /** Inventory layers per host, computed once. */
  readonly inventoryLayers: Map<string, VarLayers>;
  /** Values masked in every event, diff and error; grows as the run finds more. */
  readonly secrets: Set<string>;
  /** The run's one redactor, masking with `secrets` as they are when it is used: every event on emit,
   * every result, diff and error where invokeModule builds it. */
  readonly redact: Redactor;
  /** Emits an event with secrets masked; nothing is emitted after the recap. */
  emit(event: RunEvent): void;
  /** True once Ctrl-C arrived. */
  interrupted(): boolean;
  /** Set when a play hit any_errors_fatal or max_fail_percentage: no later play runs. */
  stopRun: boolean;
}

/** The context of one play (one serial batch at a time). */
export interface PlayContext {
  readonly run: RunContext;
  readonly play: Play;
  readonly index: number;
  /** Every host of the play (all batches). */
  readonly playHosts: readonly string[];
  /** The hosts of the current serial batch. */
  batch: readonly string[];
  /** The play's handlers, plus those of roles included at run time. */
  readonly handlers: Task[];
  /** Set by meta end_play, any_errors_fatal or max_fail_percentage: the play stops. */
  ended: boolean;
  /** Depth of blocks with a rescue section around the current task: failures there may still be rescued. */
  rescueDepth: number;
  /** True while handlers run (task_start says so). */
  inHandlers: boolean;
}

/** Per-host variables added by an enclosing include loop (loop item, index), keyed by host. */
export type ScopeVars = ReadonlyMap<string, Vars>;

/** Zeroed recap counters. */
export function newStats(): HostStats {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
}

/** True when the host may run the next task of the play. */
export function isActive(pc: PlayContext, host: string): boolean {
  const h = pc.run.hosts.get(host);
  return h !== undefined && h.status.kind === "active" && !h.endedPlay;
}
