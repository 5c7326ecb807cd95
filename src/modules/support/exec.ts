// Running commands from modules. For command and shell: creates/removes guards, chdir and stdin, and the
// registered result (rc, stdout, stderr, *_lines, cmd). For the others: probes whose exit code is an
// answer, and commands that must succeed, whose failure becomes a RemoteOperationError carrying the
// command's own words (so the task fails, not gocd-bc).
import path from "node:path";
import { cmd, type Command } from "../../connection/command.js";
import { RemoteOperationError, type RunExited, type RunOptions } from "../../connection/index.js";
import { applyFailed, change, ok, type ModuleContext, type ModuleData, type Decision } from "../contract.js";
import { maskDeep } from "./mask.js";

/** The arguments both command and shell take besides the command itself. */
export interface ExecArgs {
  readonly chdir?: string;
  readonly creates?: string;
  readonly removes?: string;
  readonly stdin?: string;
  readonly stdin_add_newline?: boolean;
  readonly strip_empty_ends?: boolean;
}

/** Why the command need not run (creates exists / removes absent), or undefined when it must. */
async function guard(ctx: ModuleContext, args: ExecArgs): Promise<string | undefined> {
  const at = (p: string) => (args.chdir && !path.posix.isAbsolute(p) ? path.posix.join(args.chdir, p) : p);
  if (args.creates !== undefined && (await ctx.conn.stat(at(args.creates), { become: ctx.become }))) {
    return `skipped: ${args.creates} exists`;
  }
  if (args.removes !== undefined && !(await ctx.conn.stat(at(args.removes), { become: ctx.become }))) {
    return `skipped: ${args.removes} does not exist`;
  }
  return undefined;
}

/**
 * Plans running `command`: a command's outcome is its effect, so the decision is "run it" unless a
 * creates/removes guard says otherwise. The apply runs it; a non-zero exit comes back as a failed apply
 * that still registers rc/stdout/stderr.
 */
export async function planExec(ctx: ModuleContext, command: Command, shown: unknown, args: ExecArgs): Promise<Decision> {
  const skip = await guard(ctx, args);
  const display = maskDeep(shown, ctx.secrets);
  if (skip) return ok(skip, { cmd: display, rc: 0, stdout: "", stderr: "", stdout_lines: [], stderr_lines: [] });
  const full = args.chdir ? cmd`cd -- ${args.chdir} || exit 1
${command}` : command;
  const summary = `run ${typeof display === "string" ? display : JSON.stringify(display)}`;
  return change(summary, async () => {
    const result = await execute(ctx, full, display, args);
    return result.error ? applyFailed(result.error, result.data) : result.data;
  }, undefined, { cmd: display });
}

async function execute(ctx: ModuleContext, command: Command, display: unknown, args: ExecArgs): Promise<{ data: ModuleData; error?: string }> {
  const stdin = args.stdin === undefined ? undefined : args.stdin_add_newline === false ? args.stdin : `${args.stdin}\n`;
  const started = Date.now();
  const r = await ctx.run(command, { stdin });
  const strip = (s: string) => (args.strip_empty_ends === false ? s : s.replace(/\n+$/, ""));
  const stdout = strip(r.stdout);
  const stderr = strip(r.stderr);
  const rc = r.kind === "exited" ? r.exitCode : -1;
  // Registered as produced: a later task may need a value that is also a secret (the engine masks
  // every event it emits, so nothing shown carries it).
  const data = { cmd: display, rc, stdout, stderr, stdout_lines: lines(stdout), stderr_lines: lines(stderr), delta: `${((Date.now() - started) / 1000).toFixed(3)}s` };
  if (r.kind === "timeout") return { data, error: `command timed out after ${r.timeoutMs} ms` };
  if (rc !== 0) return { data, error: `non-zero return code ${rc}${stderr ? `: ${stderr}` : ""}` };
  return { data };
}


function lines(text: string): string[] {
  return text === "" ? [] : text.split("\n");
}

/** Runs `command` with the task's become settings; a timeout throws, any exit code is returned. */
export async function probe(ctx: ModuleContext, command: Command, opts: Pick<RunOptions, "stdin" | "timeoutMs" | "become"> = {}): Promise<RunExited> {
  const result =
    opts.become !== undefined ? await ctx.conn.run(command, opts) : await ctx.run(command, opts);
  if (result.kind === "timeout") {
    throw new RemoteOperationError(ctx.host, "run", `\`${command.toDisplay()}\` timed out after ${result.timeoutMs} ms`);
  }
  return result;
}

/** Runs `command` and returns its stdout; a non-zero exit throws with the command and what it printed. */
export async function runOrThrow(ctx: ModuleContext, command: Command, opts: Pick<RunOptions, "stdin" | "timeoutMs" | "become"> = {}): Promise<string> {
  const r = await probe(ctx, command, opts);
  if (r.exitCode !== 0) throw new RemoteOperationError(ctx.host, "run", failureText(command, r));
  return r.stdout;
}

/** "`cmd` exited N: stderr" for messages (the display form of the command: secrets masked). */
export function failureText(command: Command, r: RunExited): string {
  const said = (r.stderr.trim() || r.stdout.trim()).split("\n").slice(-5).join("\n");
  return `\`${command.toDisplay()}\` exited ${r.exitCode}${said ? `: ${said}` : ""}`;
}

/** A before/after text block of "key: value" lines, for the diffs of modules that manage objects. */
export function describeState(fields: Readonly<Record<string, unknown>>): string {
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(",") : String(v)}\n`)
    .join("");
}
