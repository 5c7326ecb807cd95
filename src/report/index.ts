// Chooses how a run is shown: a live view on a terminal, plain lines in CI logs, pipes and dumb terminals,
// JSON Lines for machines. The rest of the program sees only the Reporter interface.
import type { Reporter, ReporterOptions } from "./events.js";
import { isInteractive, wantsColour, type OutStream } from "./colour.js";
import { PlainReporter } from "./plain.js";
import { JsonReporter } from "./json.js";
import { TermReporter } from "./term.js";

/** The event and reporter types, so callers import everything about output from here. */
export type { Reporter, ReporterOptions, RunEvent, HostStats, EventHandlers } from "./events.js";
/** Whether a stream gets the live view; the steps view for commands that run named steps. */
export { isInteractive } from "./colour.js";
export { StepsView, type StepResult, type TimedStepResult, type StepProgress } from "./steps.js";
/** The recap's pure functions, for the engine (stats) and the CLI (exit summary). */
export { formatRecap, statsFromEvents, tally, outcome, rescue, emptyStats } from "./recap.js";

/** The output modes the CLI offers; `auto` picks the live view or plain lines from the stream and the environment. */
export type ReportMode = "auto" | "live" | "plain" | "json";

/** Builds the reporter for a mode, writing to `out` (stdout by default). */
export function createReporter(
  mode: ReportMode,
  opts: ReporterOptions,
  out: OutStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): Reporter {
  switch (mode) {
    case "json":
      return new JsonReporter(opts, out);
    case "plain":
      return new PlainReporter(opts, out, wantsColour(out, env));
    case "live":
      return new TermReporter(opts, out, { env });
    case "auto":
      return isInteractive(out, env)
        ? new TermReporter(opts, out, { env })
        : new PlainReporter(opts, out, wantsColour(out, env));
  }
}
