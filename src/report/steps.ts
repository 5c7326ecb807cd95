// A command's named steps (the switchover and failover commands' "stop GoCD on the active server",
// "promote the standby database", ...) in the same view as a playbook's tasks: the running step live with
// a spinner, its elapsed time and optional rows (one per host, say); each finished step one line with its
// duration, its detail or error under it. Where nothing can be redrawn, only the finished lines print.
import { isInteractive, palette, wantsColour, wantsUnicode, type OutStream } from "./colour.js";
import { continued } from "./escape.js";
import { LiveView, type LiveRow } from "./live.js";
import { flushed } from "./plain.js";
import type { Clock } from "./screen.js";

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
  private readonly view: LiveView;

  constructor(
    private readonly out: OutStream = process.stdout,
    opts: { readonly env?: NodeJS.ProcessEnv; readonly clock?: Clock } = {},
  ) {
    const env = opts.env ?? process.env;
    this.view = new LiveView(out, { palette: palette(wantsColour(out, env)), unicode: wantsUnicode(env), clock: opts.clock, live: isInteractive(out, env) });
  }

  /** Runs one step in the view; an exception from `run` is the step's failure (returned, not thrown). */
  async step(name: string, run: (progress: StepProgress) => Promise<StepResult>): Promise<TimedStepResult> {
    let rows: readonly LiveRow[] = [];
    this.view.start({ title: () => name, rows: () => rows });
    const progress: StepProgress = (next) => {
      rows = next;
      this.view.touch();
    };
    let result: StepResult;
    try {
      result = await run(progress);
    } catch (err) {
      result = { status: "failed", error: err instanceof Error ? err.message : String(err) };
    }
    const below = result.status === "failed" ? [`  ${result.error}`] : result.detail ? [`  ${result.detail}`] : [];
    const durationMs = this.view.finish(result.status, continued(below));
    return { ...result, durationMs };
  }

  /** Lines between steps (a heading, a summary), printed in full. */
  print(lines: readonly string[]): void {
    this.view.print(continued(lines));
  }

  /** Prints what is left and erases the live region. */
  close(): Promise<void> {
    this.view.close();
    return flushed(this.out);
  }
}
