// `--json`: one JSON object per event per line (JSON Lines) for CI and scripts. The field names below
// are the public format: snake_case, flat source positions, and they change only on purpose.
import type { SourceLoc } from "../errors.js";
import type { EventHandlers, Reporter, ReporterOptions, RunEvent } from "./events.js";
import { dispatch } from "./dispatch.js";
import type { OutStream } from "./colour.js";
import { diffLines } from "./diff.js";
import { flushed } from "./plain.js";

/** One JSON line's object. */
export type JsonRecord = Record<string, unknown>;

const at = (loc: SourceLoc): JsonRecord => ({ file: loc.file, line: loc.line, col: loc.col });

/** The table of JSON shapes, one per event type: adding an event without a shape fails to compile. */
export function jsonShapes(opts: ReporterOptions): EventHandlers<JsonRecord> {
  return {
    run_start: (e) => ({ type: e.type, playbook: e.playbook, check: e.check, diff: e.diff, time: e.time }),
    play_start: (e) => ({ type: e.type, play: e.play, hosts: e.hosts, ...at(e.loc) }),
    task_start: (e) => ({ type: e.type, play: e.play, task: e.task, handler: e.handler, hosts: e.hosts, ...at(e.loc) }),
    host_result: (e) => {
      const r = e.result;
      const message =
        r.status === "ok" || r.status === "skipped" ? r.reason : r.status === "changed" ? r.summary : r.error;
      const changes =
        r.status === "changed"
          ? r.diff.map((c) => (opts.diff ? { path: c.path, patch: diffLines(c).join("\n") } : { path: c.path }))
          : undefined;
      return {
        type: e.type,
        task: e.task,
        host: e.host,
        status: r.status,
        message,
        ...(e.item !== undefined ? { item: e.item } : {}),
        ...(e.delegatedTo ? { delegated_to: e.delegatedTo } : {}),
        ignored: e.ignored === true,
        check: e.check,
        duration_ms: e.durationMs,
        ...(changes ? { changes } : {}),
        data: r.data,
        ...at(e.loc),
      };
    },
    handlers_pending: (e) => ({ type: e.type, host: e.host, handlers: e.handlers, why: e.why }),
    warning: (e) => ({ type: e.type, message: e.message, ...(e.host ? { host: e.host } : {}) }),
    play_end: (e) => ({ type: e.type, play: e.play }),
    recap: (e) => ({
      type: e.type,
      hosts: e.hosts,
      exit_code: e.exitCode,
      duration_ms: e.durationMs,
      interrupted: e.interrupted,
    }),
  };
}

/** JSON.stringify that cannot throw: bigints as strings, errors as messages, cycles cut (shared objects kept). */
export function safeJson(value: unknown): string {
  const ancestors: unknown[] = [];
  return JSON.stringify(value, function (this: unknown, _key: string, v: unknown) {
    if (typeof v === "bigint") return v.toString();
    if (v instanceof Error) return { error: v.message };
    if (typeof v === "object" && v !== null) {
      while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) ancestors.pop();
      if (ancestors.includes(v)) return "[Circular]";
      ancestors.push(v);
    }
    return v;
  });
}

/** Writes one JSON line per event to the stream and nothing else, so stdout stays machine-readable. */
export class JsonReporter implements Reporter {
  private readonly shapes: EventHandlers<JsonRecord>;

  constructor(
    opts: ReporterOptions,
    private readonly out: OutStream = process.stdout,
  ) {
    this.shapes = jsonShapes(opts);
  }

  emit(event: RunEvent): void {
    let line: string;
    try {
      line = safeJson(dispatch(this.shapes, event));
    } catch (err) {
      line = safeJson({
        type: "report_error",
        event: event.type,
        message: err instanceof Error ? err.message : String(err),
      });
    }
    try {
      this.out.write(`${line}\n`);
    } catch {
      // A closed stdout (EPIPE) must not break the run; the engine's exit code still tells the outcome.
    }
  }

  /** Resolves once every line has been handed to the stream. */
  close(): Promise<void> {
    return flushed(this.out);
  }
}
