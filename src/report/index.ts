// Chooses how a run is shown: a live tree on a terminal, plain lines in CI logs and pipes, JSON Lines
// for machines. The rest of the program sees only the Reporter interface.
import type { Reporter, ReporterOptions } from "./events.js";
import type { OutStream } from "./colour.js";
import { PlainReporter } from "./plain.js";
import { JsonReporter } from "./json.js";
import { TreeReporter } from "./tree.js";

/** The event and reporter types, so callers import everything about output from here. */
export type { Reporter, ReporterOptions, RunEvent, HostStats, EventHandlers } from "./events.js";
/** The recap's pure functions, for the engine (stats) and the CLI (exit summary). */
export { formatRecap, statsFromEvents, tally, outcome, rescue, emptyStats } from "./recap.js";

/** The output modes the CLI offers; `auto` picks tree or plain from the stream and the environment. */
export type ReportMode = "auto" | "tree" | "plain" | "json";

/** True when a person watches `out` live: a TTY outside CI (CI runners often fake a TTY). */
export function isInteractive(out: OutStream, env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI !== undefined && env.CI !== "" && env.CI !== "false" && env.CI !== "0";
  return out.isTTY === true && !ci && env.TERM !== "dumb";
}

/** Builds the reporter for a mode, writing to `out` (stdout by default). */
export function createReporter(mode: ReportMode, opts: ReporterOptions, out: OutStream = process.stdout, env: NodeJS.ProcessEnv = process.env): Reporter {
  switch (mode) {
    case "json":
      return new JsonReporter(opts, out);
    case "plain":
      return new PlainReporter(opts, out);
    case "tree":
      return new TreeReporter(opts, out);
    case "auto":
      return isInteractive(out, env) ? new TreeReporter(opts, out) : new PlainReporter(opts, out);
  }
}
