// What the switchover and the failover show an operator around their playbook's run: the plan as soon as
// it is known (before the confirmation asks for the target's name), every event kept with the time it
// arrived, and afterwards the preflight checks that passed, each step's time, and an exit code that says
// how the run ended. Both roles name their tasks alike (`preflight: ...`, `step N: ...`, `the operator
// confirms`, `the plan`), which is what this reads.
import type { CommandIo } from "./run.js";
import type { Reporter, RunEvent } from "../report/events.js";
import { EchoMessages } from "../report/echo-messages.js";
import {
  passedChecks,
  type StepTiming,
  stepTimings,
  switchoverOutcome,
  type SwitchoverOutcome,
  type TimedEvent,
} from "./switchover-timings.js";

/** Exit codes beyond run's: nothing was changed (6, 7), or the switchover undid itself (8). */
export const NOT_CONFIRMED = 6;
export const PREFLIGHT_REFUSED = 7;
export const SWITCHOVER_ABORTED = 8;

export type Io = CommandIo;
export { stderrIo as stderr } from "./run.js";

/** The task whose message is the plan, shown to the operator before the confirmation is asked. */
export const PLAN_TASK = /^(?:[\w.-]+ : )?the plan$/;

/** Passes every event on, keeps each with the time it arrived, and shows the plan as soon as it is known. */
export class Timed extends EchoMessages {
  readonly events: TimedEvent[] = [];
  constructor(inner: Reporter, io: Io) {
    super(inner, PLAN_TASK, io.err);
  }
  protected override observe(e: RunEvent): void {
    this.events.push({ at: Date.now(), event: e });
    super.observe(e);
  }
}

/** How a command reports its run: its name, what a step whose every task was skipped is called (done by
 * an earlier run, or not possible), and the lines it adds after the steps' times. */
export interface StepsCommand {
  readonly name: "switchover" | "failover";
  readonly skipped: string;
  readonly extraLines: (events: readonly TimedEvent[], steps: readonly StepTiming[]) => string[];
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2).padStart(6)} s`;

/** Prints how the run ended and returns the command's exit code. */
export function reportSteps(
  cmd: StepsCommand,
  events: readonly TimedEvent[],
  runCode: number,
  dryRun: boolean,
  io: Io,
): number {
  const all = events.map((t) => t.event);
  // A run that ended well had its failures rescued (or ignored): only a failed run has an outcome to read.
  const outcome: SwitchoverOutcome = runCode === 0 ? { kind: "done" } : switchoverOutcome(all);
  for (const check of passedChecks(all)) io.err(`preflight ok: ${check}`);
  switch (outcome.kind) {
    case "preflight-refused":
      for (const c of outcome.checks) io.err(`preflight REFUSED: ${c}`);
      io.err(`${cmd.name}: refused by the preflight; nothing was changed`);
      return PREFLIGHT_REFUSED;
    case "not-confirmed":
      // The playbook names its own variable; the command's way of answering is --confirm.
      io.err(
        `${cmd.name}: not confirmed (${outcome.why.replace(/-e gocd_bc_confirm=(\S+)/, "--confirm $1")}); nothing was changed`,
      );
      return NOT_CONFIRMED;
    case "aborted":
      io.err(`${cmd.name}: ${outcome.why}`);
      return SWITCHOVER_ABORTED;
    case "failed":
      io.err(`${cmd.name}: stopped at "${outcome.task}": ${outcome.why}`);
      io.err(
        `${cmd.name}: run the same command again to finish it once the cause is fixed (\`gocd-bc status\` shows where it stands)`,
      );
      // run's code: 2 a task failed, 4 a host could not be reached.
      return runCode;
    case "done":
      break;
  }
  if (dryRun) {
    io.err(`${cmd.name}: dry run, the preflight passed; nothing was changed`);
    return 0;
  }
  const steps = stepTimings(events);
  for (const s of steps)
    io.err(
      `step ${String(s.step).padStart(2)}: ${s.skipped ? `${cmd.skipped.padStart(6)}  ` : seconds(s.ms)}  ${s.title}`,
    );
  for (const line of cmd.extraLines(events, steps)) io.err(line);
  const first = events[0]?.at ?? 0;
  const last = events.at(-1)?.at ?? first;
  io.err(`${cmd.name}: done in ${((last - first) / 1000).toFixed(1)} s`);
  return 0;
}

/** After the playbook's run: invalid input stops before any event (its code stands), an interruption
 * (Ctrl-C) says how to finish; undefined when the run is to be reported. */
export function interruptedCode(name: string, code: number, events: readonly TimedEvent[], io: Io): number | undefined {
  if (code !== 99 && !(code === 4 && events.length === 0)) return undefined;
  if (code === 99 && events.length > 0)
    io.err(`${name}: interrupted; run the same command again to finish it (\`gocd-bc status\` shows where it stands)`);
  return code;
}
