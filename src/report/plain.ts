// Plain lines for output nobody watches live (CI logs, pipes): Ansible's words in a compact form,
// one line per host result, and the recap in Ansible's exact layout.
import path from "node:path";
import type { SourceLoc } from "../errors.js";
import type { TaskResult } from "../modules/contract.js";
import type { EventHandlers, Reporter, ReporterOptions, RunEvent } from "./events.js";
import { dispatch, type HostResultEvent } from "./dispatch.js";
import { palette, wantsColour, type OutStream, type Palette } from "./colour.js";
import { changesLines } from "./diff.js";
import { continued, escapeDeep } from "./escape.js";
import { formatRecap } from "./recap.js";

/** `file:line`, relative to the working directory when the file is below it. */
export function where(loc: SourceLoc): string {
  const rel = path.isAbsolute(loc.file) ? path.relative(process.cwd(), loc.file) : loc.file;
  return `${rel && !rel.startsWith("..") ? rel : loc.file}:${loc.line}`;
}

/** A loop item as Ansible shows it after `item=`: strings as is, anything else as compact JSON. */
export function itemLabel(item: unknown): string {
  if (typeof item === "string") return item;
  let text: string;
  try {
    text = JSON.stringify(item) ?? String(item);
  } catch {
    text = String(item);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

type StatusLine = {
  readonly [S in TaskResult["status"]]: (r: Extract<TaskResult, { status: S }>, e: HostResultEvent) => string;
};

function statusLines(opts: ReporterOptions, p: Palette): StatusLine {
  const tail = (text: string): string => (text ? ` ${text}` : "");
  const tag = (e: HostResultEvent): string => {
    const who = e.delegatedTo ? `${e.host} -> ${e.delegatedTo}` : e.host;
    return `[${who}]${e.item !== undefined ? ` (item=${itemLabel(e.item)})` : ""}`;
  };
  return {
    ok: (r, e) => p.ok(`ok: ${tag(e)}`) + tail(opts.verbosity >= 1 ? r.reason : ""),
    changed: (r, e) =>
      p.changed(`changed: ${tag(e)}`) + tail(e.check ? `(check mode) ${wouldSay(r.summary)}` : r.summary),
    skipped: (r, e) => p.skipped(`skipping: ${tag(e)}`) + tail(r.reason),
    failed: (r, e) => p.failed(`failed: ${tag(e)}`) + tail(r.error),
    unreachable: (r, e) => p.unreachable(`unreachable: ${tag(e)}`) + tail(r.error),
  };
}

/** `would create x` from `create x`; a summary the module already phrased with "would" is kept. */
export function wouldSay(summary: string): string {
  return /^would\b/i.test(summary) ? summary : `would ${summary}`;
}

/** The output a failed command left in its data (stdout/stderr), last lines only, indented under the result. */
function failureOutput(e: HostResultEvent): string[] {
  const r = e.result;
  if (r.status !== "failed" && r.status !== "unreachable") return [];
  const lines: string[] = [];
  for (const key of ["stdout", "stderr"] as const) {
    const text = r.data[key];
    if (typeof text !== "string" || text.trim() === "" || r.error.includes(text.trim())) continue;
    const tailLines = text.trimEnd().split("\n").slice(-20);
    lines.push(`    ${key}:`, ...tailLines.map((l) => `      ${l}`));
  }
  return lines;
}

/** Registered data, shown with -v (shortened) and -vv (whole), for results that carry any. */
function dataLines(e: HostResultEvent, verbosity: number): string[] {
  if (verbosity < 1 || Object.keys(e.result.data).length === 0) return [];
  let text: string;
  try {
    text = JSON.stringify(e.result.data);
  } catch {
    return [];
  }
  return [`    data: ${verbosity >= 2 || text.length <= 200 ? text : `${text.slice(0, 197)}...`}`];
}

/** All the lines of one host result: the status line, then failure output, `...ignoring`, data and diffs. */
export function resultLines(e: HostResultEvent, opts: ReporterOptions, p: Palette): string[] {
  const line = dispatchStatus(statusLines(opts, p), e);
  const timed = opts.verbosity >= 1 ? `${line} (${(e.durationMs / 1000).toFixed(1)}s)` : line;
  const lines = [timed, ...failureOutput(e)];
  if (e.result.status === "failed" && e.ignored) lines.push(p.skipped("...ignoring"));
  lines.push(...dataLines(e, opts.verbosity));
  if (opts.diff && e.result.status === "changed") lines.push(...changesLines(e.result.diff, p));
  return lines;
}

function dispatchStatus(table: StatusLine, e: HostResultEvent): string {
  const f = table[e.result.status] as (r: TaskResult, ev: HostResultEvent) => string;
  return f(e.result, e);
}

/** The formatter table: each event becomes zero or more lines (a missing event type fails to compile). */
export function plainFormatters(opts: ReporterOptions, p: Palette = palette(false)): EventHandlers<string[]> {
  const warning = (host: string | undefined, message: string): string =>
    p.warn(`[WARNING]: ${host ? `[${host}] ` : ""}${message}`);
  return {
    run_start: (e) => [
      ...(opts.verbosity >= 1 ? [`PLAYBOOK: ${e.playbook}`] : []),
      ...(e.check ? [p.warn("CHECK MODE: changes are reported, not made")] : []),
    ],
    play_start: (e) => ["", p.header(`PLAY [${e.play}] ***`)],
    task_start: (e) => [p.header(`${e.handler ? "RUNNING HANDLER" : "TASK"} [${e.task}] (${where(e.loc)}) ***`)],
    host_result: (e) => resultLines(e, opts, p),
    handlers_pending: (e) => [
      warning(e.host, `handlers were notified but NOT run on this host: ${e.handlers.join(", ")}. Why: ${e.why}`),
    ],
    warning: (e) => [warning(e.host, e.message)],
    play_end: () => [],
    recap: (e) => ["", ...formatRecap(e.hosts, e.durationMs, e.interrupted, p)],
  };
}

/** Resolves when the stream has taken everything written so far (never rejects). */
export function flushed(out: OutStream): Promise<void> {
  return new Promise((resolve) => {
    try {
      out.write("", () => resolve());
    } catch {
      resolve();
    }
  });
}

/**
 * Writes plain lines to a stream (stdout by default); colour only on a terminal without NO_COLOR. Control
 * characters in the events are shown escaped, and a field's line breaks start indented lines.
 */
export class PlainReporter implements Reporter {
  private readonly format: EventHandlers<string[]>;

  constructor(
    opts: ReporterOptions,
    private readonly out: OutStream = process.stdout,
    colour: boolean = wantsColour(out),
  ) {
    this.format = plainFormatters(opts, palette(colour));
  }

  emit(event: RunEvent): void {
    try {
      // Hosts' text is escaped before formatting, so the palette's own colour codes still work.
      const lines = continued(dispatch(this.format, escapeDeep(event)));
      if (lines.length > 0) this.out.write(`${lines.join("\n")}\n`);
    } catch (err) {
      // A report must never break the run it reports on; say what went wrong and carry on.
      this.out.write(`[report error] ${event.type}: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }

  /** Resolves once what was written has been handed to the stream. */
  close(): Promise<void> {
    return flushed(this.out);
  }
}
