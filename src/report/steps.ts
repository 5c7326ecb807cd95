// A command's named steps (the switchover and failover commands' "stop GoCD on the active server",
// "promote the standby database", ...). At a terminal each step is a listr2 task (listr.ts): the running
// one with a spinner and optional rows under its title (one per host, say); a finished one keeps its line
// with its duration, its detail, error or skip message under it. Where nothing can be redrawn (a pipe,
// TERM=dumb, CI) only the finished lines print, as the playbook view prints them.
import { isInteractive, palette, wantsColour, wantsUnicode, type OutStream } from "./colour.js";
import { continued } from "./escape.js";
import type { ListedLook, ListedTask } from "./listr.js";
import { LiveView, type LiveRow } from "./live.js";
import { flushed } from "./plain.js";
import { formatDuration } from "./recap.js";
import { glyphs, realClock, type Clock } from "./screen.js";

/** How one step ended: done (ok, or changed something), skipped, or failed with an error. */
export type StepResult =
  | { readonly status: "ok" | "changed" | "skipped"; readonly detail?: string }
  | { readonly status: "failed"; readonly error: string };

/** A step's result with how long it took. */
export type TimedStepResult = StepResult & { readonly durationMs: number };

/** What a running step may show under its title while it works (replacing what it showed before). */
export type StepProgress = (rows: readonly LiveRow[]) => void;

/** Shows named steps as they run; one step at a time, in the order the command runs them. */
export class StepsView {
  private readonly lines: LiveView;
  private readonly look: ListedLook | undefined;
  private readonly clock: Clock;

  constructor(
    private readonly out: OutStream = process.stdout,
    opts: { readonly env?: NodeJS.ProcessEnv; readonly clock?: Clock } = {},
  ) {
    const env = opts.env ?? process.env;
    const look = { palette: palette(wantsColour(out, env)), glyphs: glyphs(wantsUnicode(env)) };
    this.clock = opts.clock ?? realClock;
    this.lines = new LiveView(out, {
      palette: look.palette,
      unicode: wantsUnicode(env),
      clock: this.clock,
      live: false,
    });
    this.look = isInteractive(out, env) ? look : undefined;
  }

  /** Runs one step in the view; an exception from `run` is the step's failure (returned, not thrown). */
  async step(name: string, run: (progress: StepProgress) => Promise<StepResult>): Promise<TimedStepResult> {
    const look = this.look;
    if (!look) return this.plainStep(name, run);
    let timed: TimedStepResult | undefined;
    const { runListed } = await import("./listr.js"); // listr2 is loaded by the first step drawn at a terminal
    await runListed(this.out, look, name, async (task) => {
      timed = await this.timed(run, (rows) => task.title(withRows(name, rows, look)));
      end(task, name, timed);
    }).catch(() => undefined);
    return timed ?? { status: "failed", error: "the step did not run", durationMs: 0 };
  }

  /** Lines between steps (a heading, a summary), printed in full. */
  print(lines: readonly string[]): void {
    this.lines.print(continued(lines));
  }

  /** Prints what is left. */
  close(): Promise<void> {
    this.lines.close();
    return flushed(this.out);
  }

  /** A step where nothing is redrawn: its finished line and what goes under it, once it has ended. */
  private async plainStep(
    name: string,
    run: (progress: StepProgress) => Promise<StepResult>,
  ): Promise<TimedStepResult> {
    this.lines.start({ title: () => name, rows: () => [] });
    const result = await settled(run(() => undefined));
    const below = result.status === "failed" ? result.error : result.detail;
    const durationMs = this.lines.finish(result.status, continued(below ? [`  ${below}`] : []));
    return { ...result, durationMs };
  }

  private async timed(
    run: (progress: StepProgress) => Promise<StepResult>,
    progress: StepProgress,
  ): Promise<TimedStepResult> {
    const startedAt = this.clock.now();
    const result = await settled(run(progress));
    return { ...result, durationMs: this.clock.now() - startedAt };
  }
}

/** The step's result, an exception from it as a failure. */
async function settled(running: Promise<StepResult>): Promise<StepResult> {
  try {
    return await running;
  } catch (err) {
    return { status: "failed", error: err instanceof Error ? err.message : String(err) };
  }
}

/** The running step's title: its name, then one line per row with the row's mark. */
function withRows(name: string, rows: readonly LiveRow[], look: ListedLook): string {
  const mark = (row: LiveRow): string => (row.mark === "running" ? look.glyphs.more : look.glyphs.marks[row.mark]);
  return [name, ...rows.map((row) => `${mark(row)} ${row.text}`)].join("\n");
}

/** Leaves the step's task as it ended: titled with its duration, the detail under it, skipped or failed. */
function end(task: ListedTask, name: string, timed: TimedStepResult): void {
  task.title(`${name} (${formatDuration(timed.durationMs)})`);
  const done = timed.status === "ok" || timed.status === "changed";
  task.output(done ? (timed.detail ?? "") : "");
  if (timed.status === "skipped") task.skip(timed.detail);
  if (timed.status === "failed") throw new Error(timed.error);
}
