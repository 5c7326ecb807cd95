// `pause`: waits `seconds`/`minutes`, or asks the operator at a terminal. With `expect`, the answer must
// be exactly that text (a switchover asks for the target host's name). Without a terminal the variable
// `gocd_bc_confirm` (e.g. `-e gocd_bc_confirm=gocd-standby`) is the answer; with neither, pause refuses.
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import type { PauseArgs } from "./schema.js";
import { defineModule, fail, ok, type ModuleContext, type Decision } from "../contract.js";

/** The variable that answers a pause prompt without a terminal. */
export const CONFIRM_VAR = "gocd_bc_confirm";

/** Where pause asks and waits: the process's terminal by default, a fake one in tests. */
export interface PauseTerminal {
  readonly isTTY: boolean;
  /** Shows `prompt` and resolves with the line typed (without its newline); `echo: false` hides typing. */
  ask(prompt: string, echo: boolean): Promise<string>;
  sleep(ms: number): Promise<void>;
}

/** The real terminal: prompt on stderr, answer from stdin. */
export const processTerminal: PauseTerminal = {
  get isTTY() {
    return Boolean(process.stdin.isTTY);
  },
  ask(prompt, echo) {
    let muted = false;
    const output = new Writable({
      write(chunk, _enc, done) {
        if (!muted) process.stderr.write(chunk);
        done();
      },
    });
    const rl = createInterface({ input: process.stdin, output, terminal: true });
    return new Promise((resolve) => {
      rl.question(`${prompt}: `, (answer) => {
        rl.close();
        if (!echo) process.stderr.write("\n");
        resolve(answer);
      });
      muted = !echo;
    });
  },
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

let terminal: PauseTerminal = processTerminal;

/** Replaces the terminal pause uses (tests); returns the previous one to restore. */
export function setPauseTerminal(next: PauseTerminal): PauseTerminal {
  const previous = terminal;
  terminal = next;
  return previous;
}

/** Something that keeps the screen still while a function uses the terminal (the live view, see report/). */
export type TerminalHold = <T>(use: () => Promise<T>) => Promise<T>;

/** Makes pause ask through `hold`, so a live view stops drawing over its prompt; returns the undo. */
export function holdWhileAsking(hold: TerminalHold): () => void {
  const base = terminal;
  const previous = setPauseTerminal({
    get isTTY() {
      return base.isTTY;
    },
    ask: (prompt, echo) => hold(() => base.ask(prompt, echo)),
    sleep: (ms) => base.sleep(ms),
  });
  return () => setPauseTerminal(previous);
}

function seconds(args: PauseArgs): number | undefined {
  if (args.seconds !== undefined) return Number(args.seconds);
  if (args.minutes !== undefined) return Number(args.minutes) * 60;
  return undefined;
}

/** The `pause` module. */
export default defineModule<PauseArgs>({
  name: "pause",
  async plan(ctx, args) {
    const wait = seconds(args);
    if (wait !== undefined) {
      if (!Number.isFinite(wait) || wait < 0)
        return fail(`pause time must be a non-negative number, got ${args.seconds ?? args.minutes}`);
      await terminal.sleep(wait * 1000);
      return ok(`paused for ${wait} seconds`, { delta: wait, user_input: "" });
    }
    return confirm(ctx, args);
  },
});

async function confirm(ctx: ModuleContext, args: PauseArgs): Promise<Decision> {
  const prompt = args.prompt ?? "Press enter to continue";
  const preset = ctx.vars[CONFIRM_VAR];
  let answer: string;
  if (preset !== undefined && preset !== null) answer = String(preset);
  else if (terminal.isTTY) answer = await terminal.ask(prompt, args.echo ?? true);
  else {
    const hint = args.expect !== undefined ? `-e ${CONFIRM_VAR}=${args.expect}` : `-e ${CONFIRM_VAR}=<answer>`;
    return fail(`"${prompt}" needs an answer, but there is no terminal; pass ${hint} to answer it`);
  }
  if (args.expect !== undefined && answer.trim() !== args.expect) {
    return fail(`confirmation refused: expected "${args.expect}", got "${answer.trim()}"`, { user_input: answer });
  }
  return ok(args.expect !== undefined ? `confirmed "${args.expect}"` : "operator continued", { user_input: answer });
}
