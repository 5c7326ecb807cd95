// The one contract every module follows. A module *decides* in `plan`, which only reads the host, and
// *acts* in the `apply` closure it returns. The engine calls `plan` in both check and real runs and calls
// `apply` only in a real run: check mode is the same decision path, stopped before the write, so it cannot
// diverge from what a real run would do.
// "plan only reads" is held by the types, not by care: `plan` gets a ModuleContext, a view of the host that
// can only read it (commands that look, stat, file contents, HTTP requests, read-only SQL) and holds no
// connection; the view that writes (HostWriter: commands that change the host, file writes, SQL that
// writes) is the argument the engine hands an `apply` when it calls one, so check mode, which never calls
// apply, never makes one, and plan code cannot write by mistake: the write helpers (mustRun, backupFile)
// take a HostWriter. A read is still a command or a request the module writes; what plan cannot reach is
// every other way to the host. Both views work with the task's become, so plan reads what apply changes.
import type { Connection, BecomeSpec, RemoteStat, RunResult } from "../connection/types.js";
import type { Command } from "../connection/command.js";
import type { HttpOutcome, HttpRequest } from "./support/http-over.js";
import type { Redactor } from "./support/mask.js";
import type { PgLoginArgs, SqlReader, SqlSession } from "./support/pg.js";

/** A before/after pair for `--diff`; `path` names the file or object the change is about. */
export interface Change {
  readonly path: string;
  readonly before: string;
  readonly after: string;
}

/** Values a module returns for `register:` (e.g. stat's `stat`, command's `stdout`, `rc`). */
export type ModuleData = Readonly<Record<string, unknown>>;

/** What an `apply` returns: data to register, `applyFailed(...)`, or nothing. */
// biome-ignore lint/suspicious/noConfusingVoidType: void, not undefined, so an apply may be `async () => { ... }`.
export type Applied = ModuleData | ApplyFailed | void;

/** What `plan` decided. `apply` must do exactly what `summary` and `diff` describe, nothing else. */
export type Decision =
  | { readonly kind: "ok"; readonly reason: string; readonly data?: ModuleData }
  | {
      readonly kind: "change";
      readonly summary: string;
      readonly diff?: readonly Change[];
      /** Values known without acting, registered in check mode too. */
      readonly data?: ModuleData;
      /**
       * Makes the change through `host`, the writable view of the host; returns data to register (merged
       * over `data`), or `applyFailed(...)` when the change was attempted and failed (a command's non-zero
       * exit, with its output). Never called in check mode.
       */
      readonly apply: (host: HostWriter) => Promise<Applied>;
    }
  | { readonly kind: "skip"; readonly reason: string; readonly data?: ModuleData }
  | { readonly kind: "fail"; readonly error: string; readonly data?: ModuleData };

const FAILED = Symbol("apply failed");

/** What `apply` returns when the attempt failed but has data worth registering (rc, stdout, stderr). */
export interface ApplyFailed {
  readonly [FAILED]: true;
  readonly error: string;
  readonly data: ModuleData;
}

/** Build the failed outcome of an `apply`. */
export function applyFailed(error: string, data: ModuleData = {}): ApplyFailed {
  return { [FAILED]: true, error, data };
}

/** Tell a failed apply from registered data. */
export function isApplyFailed(value: unknown): value is ApplyFailed {
  return typeof value === "object" && value !== null && FAILED in value;
}

/** A task's outcome as the engine reports it: a discriminated union, handled with exhaustive switches. */
export type TaskResult =
  | { readonly status: "ok"; readonly reason: string; readonly data: ModuleData }
  | {
      readonly status: "changed";
      readonly summary: string;
      readonly diff: readonly Change[];
      readonly data: ModuleData;
    }
  | { readonly status: "skipped"; readonly reason: string; readonly data: ModuleData }
  | { readonly status: "failed"; readonly error: string; readonly data: ModuleData }
  | { readonly status: "unreachable"; readonly error: string; readonly data: ModuleData };

/** How a module runs one command: its input and a time limit (the task's become and environment always apply). */
export interface CommandOptions {
  readonly stdin?: string | Buffer;
  /** Kill the command after this long and return a `timeout` result. */
  readonly timeoutMs?: number;
}

/** Reads of the task's host, each with the task's become: what `plan` may do there (and `apply` too). */
export interface HostReader {
  /** The inventory name of the host. */
  readonly host: string;
  /** The run's redactor: the engine masks every result, error and event with it; a module needs it only
   * for a text it builds from a value's structure, or a secret only the module knows. */
  readonly redact: Redactor;
  /** Runs a command that only looks (its exit code and output are the answer), with the task's environment. */
  read(command: Command, opts?: CommandOptions): Promise<RunResult>;
  /** Describes a path (not following a final symlink); null when it does not exist. */
  stat(path: string): Promise<RemoteStat | null>;
  /** A file's bytes; null when it does not exist. */
  get(path: string): Promise<Buffer | null>;
  /** An HTTP(S) request sent from the host (uri's GET and HEAD, get_url's download). */
  request(req: HttpRequest): Promise<HttpOutcome>;
  /** Runs `work` in a PostgreSQL session whose statements each run in a READ ONLY transaction, rolled back. */
  sql<T>(login: PgLoginArgs, work: (s: SqlReader) => Promise<T>): Promise<T>;
}

/** What `apply` gets: the reads, and the changes. Only the engine makes one, to call an `apply`. */
export interface HostWriter extends HostReader {
  /** Runs a command that changes the host, with the task's environment. */
  run(command: Command, opts?: CommandOptions): Promise<RunResult>;
  /** Writes a file atomically (temp file in the same directory, mode and owner set, then rename);
   * unset mode/owner/group keep those of the file being replaced. */
  put(path: string, content: Buffer | string, opts?: { mode?: number; owner?: string; group?: string }): Promise<void>;
  /** Runs `work` in a PostgreSQL session that may also change the database (`query`). */
  sql<T>(login: PgLoginArgs, work: (s: SqlSession) => Promise<T>): Promise<T>;
}

/** What `plan` gets: the host to read, the task's variables, and lookups for role files. */
export interface ModuleContext extends HostReader {
  /** True in check mode; modules need not read it (the engine withholds `apply`) except to say "would". */
  readonly check: boolean;
  /** The task's variables, already merged in precedence order (for debug, set_fact, assert). */
  readonly vars: Readonly<Record<string, unknown>>;
  /** Finds a role/playbook file by relative name in `files/` or `templates/` search paths; absolute as is. */
  findFile(kind: "files" | "templates", name: string): string;
  /** Renders a template file (Handlebars) with the task's variables. */
  renderTemplateFile(file: string): Promise<string>;
}

/** One task on one host as the engine holds it: the connection and the task's settings. The engine makes
 * the module's two views of it (src/engine/host-views.ts); modules never see it. */
export interface TaskHost {
  /** The inventory name of the host. */
  readonly host: string;
  readonly conn: Connection;
  /** Become settings of the task (undefined: run as the login user). */
  readonly become?: BecomeSpec;
  readonly check: boolean;
  readonly vars: Readonly<Record<string, unknown>>;
  /** Runs a command with the task's become settings and environment. */
  run(command: Command, opts?: CommandOptions): Promise<RunResult>;
  findFile(kind: "files" | "templates", name: string): string;
  renderTemplateFile(file: string): Promise<string>;
  /** The run's redactor (secrets the task's output must never show: no_log values, vars marked secret...). */
  readonly redact: Redactor;
}

/** A module: its name, its argument schema's registration name, and its decision function. */
export interface ModuleDefinition<Args = Record<string, unknown>> {
  readonly name: string;
  /** Decide what to do for these (rendered, validated) arguments; must not change the host. */
  plan(ctx: ModuleContext, args: Args): Promise<Decision>;
}

/** Types a module's definition by its arguments; each src/modules/<name>/index.ts exports one as its default. */
export function defineModule<Args>(def: ModuleDefinition<Args>): ModuleDefinition<Args> {
  return def;
}

/** Helper for modules: a plan that changes something, with its diff. */
export function change(
  summary: string,
  apply: (host: HostWriter) => Promise<Applied>,
  diff?: readonly Change[],
  data?: ModuleData,
): Decision {
  return { kind: "change", summary, apply, diff, data };
}

/** Helper for modules: nothing to do, and why (tests assert the reason). */
export function ok(reason: string, data?: ModuleData): Decision {
  return { kind: "ok", reason, data };
}

/** Helper for modules: the task cannot be carried out. */
export function fail(error: string, data?: ModuleData): Decision {
  return { kind: "fail", error, data };
}
