// What a run tells the world, as a discriminated union: the engine emits these, and each reporter
// (the live terminal view, plain lines, JSON lines) renders them. A formatter table keyed by `type` makes a
// missing case a compile error.
import type { SourceLoc } from "../errors.js";
import type { TaskResult } from "../modules/contract.js";

/** Per-host counters of the recap, in Ansible's order. */
export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

/** One event of a run. Secrets are already masked and `no_log` results censored when emitted. */
export type RunEvent =
  | {
      readonly type: "run_start";
      readonly playbook: string;
      readonly check: boolean;
      readonly diff: boolean;
      readonly time: string;
    }
  | { readonly type: "play_start"; readonly play: string; readonly hosts: readonly string[]; readonly loc: SourceLoc }
  | {
      readonly type: "task_start";
      readonly play: string;
      readonly task: string;
      readonly loc: SourceLoc;
      readonly hosts: readonly string[];
      readonly handler: boolean;
    }
  | {
      readonly type: "host_result";
      readonly task: string;
      /** The task's `register` name, when it has one: a command reads the results it needs by this name, the
       * one the playbook itself reads them by, never by the task's title, which is free to change. */
      readonly register?: string;
      readonly host: string;
      readonly loc: SourceLoc;
      readonly result: TaskResult;
      /** The loop item (its label) when the task loops; one event per item. */
      readonly item?: unknown;
      readonly delegatedTo?: string;
      /** True when failed but `ignore_errors` let the host go on. */
      readonly ignored?: boolean;
      readonly check: boolean;
      readonly durationMs: number;
    }
  | {
      readonly type: "handlers_pending";
      readonly host: string;
      readonly handlers: readonly string[];
      readonly why: string;
    }
  | { readonly type: "warning"; readonly message: string; readonly host?: string }
  | { readonly type: "play_end"; readonly play: string }
  | {
      readonly type: "recap";
      readonly hosts: Readonly<Record<string, HostStats>>;
      readonly exitCode: number;
      readonly durationMs: number;
      readonly interrupted: boolean;
    };

/** The event names, for exhaustive handler tables. */
export type RunEventType = RunEvent["type"];

/** A handler table with one entry per event type: adding an event without handling it fails to compile. */
export type EventHandlers<R> = { readonly [K in RunEventType]: (e: Extract<RunEvent, { type: K }>) => R };

/** Something that shows a run: the engine calls `emit` for each event and `close` at the end. */
export interface Reporter {
  emit(event: RunEvent): void;
  close(): Promise<void>;
  /** Keeps the terminal still while `use` has it (a prompt); only a reporter that redraws needs one. */
  hold?<T>(use: () => Promise<T>): Promise<T>;
}

/** Options every reporter honours. */
export interface ReporterOptions {
  /** Print unified diffs of changed files. */
  readonly diff: boolean;
  /** -v count: 1 shows ok reasons and registered data summaries, 2+ module logs. */
  readonly verbosity: number;
}
