// The terminal view of a playbook run, as ansible-playbook's output reads but compact and live: play
// headers, warnings and each finished task print once and scroll away (a task as one line with its counts
// and duration, followed by its failures, diffs and, with -v, every result); only the running task is
// drawn live, with its hosts. The recap prints in full at the end. See live.ts for how it is drawn.
import type { EventHandlers, Reporter, ReporterOptions, RunEvent } from "./events.js";
import { dispatch, type HostResultEvent } from "./dispatch.js";
import { palette, wantsColour, wantsUnicode, type OutStream } from "./colour.js";
import { continued, escapeDeep } from "./escape.js";
import { LiveView } from "./live.js";
import { flushed, plainFormatters } from "./plain.js";
import type { Clock } from "./screen.js";
import { TaskBox } from "./task-model.js";

/** Where the view draws and what it may assume of the terminal (tests pass a fake terminal and clock). */
export interface TermOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly clock?: Clock;
}

/** Shows a run on a terminal at next to no cost: bounded height, throttled redraws (see the file's head). */
export class TermReporter implements Reporter {
  private readonly view: LiveView;
  private readonly plain: EventHandlers<string[]>;
  private readonly handlers: EventHandlers<void>;
  private task: TaskBox | undefined;
  private notes: string[] = [];

  constructor(
    private readonly opts: ReporterOptions,
    private readonly out: OutStream = process.stdout,
    term: TermOptions = {},
  ) {
    const env = term.env ?? process.env;
    const p = palette(wantsColour(out, env));
    this.plain = plainFormatters(opts, p);
    this.view = new LiveView(out, { palette: p, unicode: wantsUnicode(env), clock: term.clock });
    this.handlers = this.table();
  }

  /** Frames drawn so far (for tests and the bench). */
  get frames(): number {
    return this.view.frames;
  }

  emit(event: RunEvent): void {
    try {
      dispatch(this.handlers, escapeDeep(event));
    } catch (err) {
      // A report must never break the run it reports on.
      this.view.print([`[report error] ${event.type}: ${err instanceof Error ? err.message : String(err)}`]);
    }
  }

  /** Erases the live region and keeps it away while `use` has the terminal (pause's prompt). */
  async hold<T>(use: () => Promise<T>): Promise<T> {
    this.view.suspend();
    try {
      return await use();
    } finally {
      this.view.resume();
    }
  }

  /** Ends the running task (the engine may have stopped inside it) and prints what is left. */
  close(): Promise<void> {
    this.finishTask();
    this.view.close();
    return flushed(this.out);
  }

  private table(): EventHandlers<void> {
    return {
      run_start: (e) => this.print(dispatch(this.plain, e)),
      play_start: (e) => {
        this.finishTask();
        this.print(dispatch(this.plain, e));
      },
      task_start: (e) => {
        this.finishTask();
        this.task = new TaskBox(e);
        this.view.start(this.task);
      },
      host_result: (e) => this.result(e),
      handlers_pending: (e) => this.note(dispatch(this.plain, e)),
      warning: (e) => this.note(dispatch(this.plain, e)),
      play_end: () => this.finishTask(),
      recap: (e) => {
        this.finishTask();
        this.print(dispatch(this.plain, e));
      },
    };
  }

  /** Adds a result to the running task; failures, diffs and (with -v) every result are kept to print under it. */
  private result(e: HostResultEvent): void {
    this.task?.add(e);
    const s = e.result.status;
    const notable =
      s === "failed" || s === "unreachable" || (this.opts.diff && s === "changed" && e.result.diff.length > 0);
    if (notable || this.opts.verbosity >= 1) this.note(dispatch(this.plain, e));
    this.view.touch();
  }

  /** Lines that follow the running task's line once it has finished (at once when no task runs). */
  private note(lines: readonly string[]): void {
    if (this.task) this.notes.push(...lines);
    else this.print(lines);
  }

  /** The running task becomes one line, with its notes under it. */
  private finishTask(): void {
    const task = this.task;
    if (!task) return;
    this.task = undefined;
    this.view.finish(task.outcome(), continued(this.notes.splice(0)));
  }

  private print(lines: readonly string[]): void {
    if (lines.length > 0) this.view.print(continued(lines));
  }
}
