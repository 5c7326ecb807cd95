// The terminal view: a listr2 tree with a play as parent, its tasks as children and each host's result
// under its task. The only file that imports listr2 (STYLE lesson 9). The engine emits events
// synchronously; they go to an inbox that the listr2 tasks await, so the tree unfolds as the run does.
//
// listr2 fixes a task list when it starts running, but a play's tasks are only known as they start. So a
// play's children are a chain: an untitled "tail" task waits for the next task_start and returns a list of
// [that task, a new tail]. Untitled tasks are hidden and their subtasks shown at their own level, so on
// screen the chain is a flat list of tasks under the play.
import { Listr, ListrLogger, PRESET_TIMER, ProcessOutput, type ListrTask } from "listr2";
import type { EventHandlers, Reporter, ReporterOptions, RunEvent } from "./events.js";
import { dispatch, type HostResultEvent, type TaskStartEvent } from "./dispatch.js";
import { palette, wantsColour, type OutStream } from "./colour.js";
import { flushed, plainFormatters } from "./plain.js";
import { continued, escapeDeep } from "./escape.js";
import { HostBox, Inbox, TaskBox } from "./tree-model.js";

type Message = RunEvent | { readonly type: "close" };
type Play = Extract<RunEvent, { type: "play_start" }>;
type Screen = OutStream & { readonly rows?: number };

// A play's tasks stay listed when they finish (the chain is not collapsed); a finished task folds its
// hosts away unless one failed. Every list goes on after a failure: the engine decides what stops.
const CHAIN = { concurrent: true, exitOnError: false, rendererOptions: { collapseSubtasks: false } } as const;
const HOSTS = { concurrent: true, exitOnError: false, rendererOptions: { collapseSubtasks: true } } as const;

/** How the tree draws: listr2's `default` renderer (a live tree) or `simple` (one line per state change). */
export interface TreeOptions {
  readonly renderer?: "default" | "simple";
}

/** Shows the run as a live listr2 tree; diffs, failures and warnings follow each play, then the recap. */
export class TreeReporter implements Reporter {
  private readonly inbox = new Inbox<Message>();
  private readonly plain: EventHandlers<string[]>;
  private readonly finished: Promise<void>;
  private current: TaskBox | undefined;
  private notes: string[] = [];
  private notedTask: TaskBox | undefined;
  /** Lines the current listr2 run already shows, and whether the play goes on in a new run. */
  private shownLines = 0;
  private continues = false;

  constructor(
    private readonly opts: ReporterOptions,
    private readonly out: Screen = process.stdout,
    private readonly tree: TreeOptions = {},
  ) {
    this.plain = plainFormatters(opts, palette(wantsColour(out)));
    this.finished = this.drive();
  }

  emit(event: RunEvent): void {
    try {
      this.inbox.push(escapeDeep(event));
    } catch {
      // Never let the view break the run.
    }
  }

  /** Ends the tree (even when the engine stopped mid-play) and resolves once everything is printed. */
  async close(): Promise<void> {
    this.inbox.push({ type: "close" });
    await this.finished;
    await flushed(this.out);
  }

  /** Reads events outside plays, printing them as plain lines; each play is handed to a listr2 run. */
  private async drive(): Promise<void> {
    for (;;) {
      const m = await this.inbox.next();
      if (m.type === "close") return;
      try {
        if (m.type === "play_start") await this.runPlay(m);
        else this.print(dispatch(this.plain, m));
      } catch (err) {
        this.print([`[report error] ${err instanceof Error ? err.message : String(err)}`]);
      }
    }
  }

  /**
   * A play as one or more listr2 runs: a live frame taller than the terminal cannot be redrawn, so when
   * the next task would not fit, the run ends (its last frame stays on screen) and a new one continues.
   */
  private async runPlay(e: Play): Promise<void> {
    let part = 0;
    do {
      this.continues = false;
      this.shownLines = 1;
      await this.runPlayPart(part++ === 0 ? `PLAY [${e.play}]` : `PLAY [${e.play}] (continued)`);
    } while (this.continues);
  }

  private async runPlayPart(title: string): Promise<void> {
    const processOutput = new ProcessOutput(this.out as NodeJS.WriteStream, process.stderr);
    const logger = new ListrLogger({ processOutput, useIcons: true });
    const play = new Listr([{ title, task: (_ctx, t) => t.newListr([this.tail()], CHAIN) }], {
      renderer: this.tree.renderer ?? "default",
      fallbackRenderer: "simple",
      fallbackRendererCondition: this.out.isTTY !== true,
      exitOnError: false,
      registerSignalListeners: false,
      rendererOptions: { logger, collapseSubtasks: false, collapseSkips: false, timer: PRESET_TIMER },
      fallbackRendererOptions: { logger },
    });
    try {
      await play.run();
    } finally {
      this.print(this.notes.splice(0));
      this.notedTask = undefined;
    }
  }

  /** Lines the live frame may use: the terminal's height less a margin; unbounded when not redrawing. */
  private maxLines(): number {
    const live = this.out.isTTY === true && (this.tree.renderer ?? "default") === "default";
    return live ? Math.max(6, (this.out.rows ?? 24) - 4) : Number.POSITIVE_INFINITY;
  }

  /** The hidden link of the chain: waits for the play's next task and shows it, followed by a new tail. */
  private tail(): ListrTask {
    return {
      task: async (_ctx, t) => {
        let next: TaskStartEvent | undefined;
        try {
          next = await this.untilNextTask();
        } catch (err) {
          this.finishCurrent();
          throw err;
        }
        if (!next) return;
        return t.newListr([this.engineTask(next), this.tail()], CHAIN);
      },
    };
  }

  /** Routes events until the next task starts (returned) or the play ends (undefined). */
  private async untilNextTask(): Promise<TaskStartEvent | undefined> {
    for (;;) {
      const m = await this.inbox.next();
      switch (m.type) {
        case "task_start":
          this.finishCurrent();
          if (this.shownLines > 1 && this.shownLines + 1 + m.hosts.length > this.maxLines()) {
            this.continues = true;
            this.inbox.unshift(m);
            return undefined;
          }
          return m;
        case "host_result":
          this.route(m);
          break;
        case "play_end":
          this.finishCurrent();
          return undefined;
        case "play_start":
        case "recap":
        case "close":
          // The play ended without play_end (the engine stopped): let drive() handle this message.
          this.finishCurrent();
          this.inbox.unshift(m);
          return undefined;
        case "run_start":
        case "warning":
        case "handlers_pending":
          this.notes.push(...dispatch(this.plain, m));
          break;
        default: {
          const unhandled: never = m;
          throw new Error(`unhandled event ${String(unhandled)}`);
        }
      }
    }
  }

  /** Adds a result to its task's box; failures, diffs and (with -v) every result are also kept as notes. */
  private route(e: HostResultEvent): void {
    const box = this.current;
    box?.add(e);
    const s = e.result.status;
    const notable = s === "failed" || s === "unreachable" || (this.opts.diff && s === "changed" && e.result.diff.length > 0);
    if (!notable && this.opts.verbosity < 1) return;
    if (box && box !== this.notedTask) {
      this.notes.push(...dispatch(this.plain, box.start));
      this.notedTask = box;
    }
    this.notes.push(...dispatch(this.plain, e));
  }

  /** Ends the running task: its hosts settle; it now takes one line, or one per host too if a host failed. */
  private finishCurrent(): void {
    const box = this.current;
    if (!box) return;
    box.done.resolve();
    const hosts = [...box.hosts.values()];
    const failed = hosts.some((h) => h.outcome() === "failed" || h.outcome() === "unreachable");
    this.shownLines += 1 + (failed ? hosts.length : 0);
    this.current = undefined;
  }

  /** One engine task: its title carries the counts, its subtasks are its hosts. */
  private engineTask(e: TaskStartEvent): ListrTask {
    const box = new TaskBox(e);
    this.current = box;
    return {
      title: box.title(),
      task: (_ctx, t) => {
        box.wrapper = t;
        t.title = box.title();
        const hosts = [...box.hosts.values()];
        if (hosts.length === 0) return box.done.promise;
        return t.newListr(
          hosts.map((h) => this.hostTask(box, h)),
          HOSTS,
        );
      },
    };
  }

  /** One host under a task: waits for the task to end, then shows ok, changed, skipped or failed. */
  private hostTask(box: TaskBox, h: HostBox): ListrTask {
    return {
      title: h.title(),
      task: async (_ctx, t) => {
        h.wrapper = t;
        t.title = h.title();
        await box.done.promise;
        const o = h.outcome();
        // Failed and skipped hosts show their error or reason as listr2's message, after a short title.
        t.title = o === "failed" || o === "unreachable" || o === "skipped" || o === undefined ? h.shortTitle() : h.title();
        if (o === "failed" || o === "unreachable") throw new Error(`${h.shortTitle()}: ${h.error()}`);
        if (o === undefined) t.skip("no result");
        else if (o === "skipped") t.skip(h.reasons());
      },
    };
  }

  private print(lines: readonly string[]): void {
    if (lines.length === 0) return;
    try {
      this.out.write(`${continued(lines).join("\n")}\n`);
    } catch {
      // A closed stream must not break the run.
    }
  }
}
