// Running commands from modules. For command and shell: creates/removes guards, chdir and stdin, and the
// registered result (rc, stdout, stderr, *_lines, cmd). For the others: probes whose exit code is an
// answer, and commands that must succeed (mustRead for a read, mustRun for a change, which only an apply
// can run), whose failure becomes a RemoteOperationError with one message format (commandFailure: the
// command, its exit code, the end of what it printed), so the task fails, not gocd-bc, and every module's
// failure reads the same.
import path from "node:path";
import { cmd, type Command } from "../../connection/command.js";
import { RemoteOperationError, type RunExited, type RunResult } from "../../connection/index.js";
import { applyFailed, change, ok } from "../contract.js";
import type { CommandOptions, HostReader, HostWriter, ModuleContext, ModuleData, Decision } from "../contract.js";
import type { Redactor } from "./mask.js";

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
  if (args.creates !== undefined && (await ctx.stat(at(args.creates)))) {
    return `skipped: ${args.creates} exists`;
  }
  if (args.removes !== undefined && !(await ctx.stat(at(args.removes)))) {
    return `skipped: ${args.removes} does not exist`;
  }
  return undefined;
}

/**
 * Plans running `command`: a command's outcome is its effect, so the decision is "run it" unless a
 * creates/removes guard says otherwise. The apply runs it; a non-zero exit comes back as a failed apply
 * that still registers rc/stdout/stderr.
 */
export async function planExec(
  ctx: ModuleContext,
  command: Command,
  display: unknown,
  args: ExecArgs,
): Promise<Decision> {
  const skip = await guard(ctx, args);
  if (skip) return ok(skip, { cmd: display, rc: 0, stdout: "", stderr: "", stdout_lines: [], stderr_lines: [] });
  const full = args.chdir
    ? cmd`cd -- ${args.chdir} || exit 1
${command}`
    : command;
  const summary = `run ${typeof display === "string" ? display : JSON.stringify(display)}`;
  return change(
    summary,
    async (host) => {
      const result = await execute(host, full, display, args);
      return result.error ? applyFailed(result.error, result.data) : result.data;
    },
    undefined,
    { cmd: display },
  );
}

async function execute(
  host: HostWriter,
  command: Command,
  display: unknown,
  args: ExecArgs,
): Promise<{ data: ModuleData; error?: string }> {
  const stdin =
    args.stdin === undefined ? undefined : args.stdin_add_newline === false ? args.stdin : `${args.stdin}\n`;
  const started = Date.now();
  const r = await host.run(command, { stdin });
  const strip = (s: string) => (args.strip_empty_ends === false ? s : s.replace(/\n+$/, ""));
  const stdout = strip(r.stdout);
  const stderr = strip(r.stderr);
  const rc = r.kind === "exited" ? r.exitCode : -1;
  // Registered as produced: a later task may need a value that is also a secret (the engine masks
  // every event it emits, so nothing shown carries it).
  const data = {
    cmd: display,
    rc,
    stdout,
    stderr,
    stdout_lines: lines(stdout),
    stderr_lines: lines(stderr),
    delta: `${((Date.now() - started) / 1000).toFixed(3)}s`,
  };
  if (r.kind === "timeout") return { data, error: `command timed out after ${r.timeoutMs} ms` };
  if (rc !== 0) return { data, error: `non-zero return code ${rc}${stderr ? `: ${stderr}` : ""}` };
  return { data };
}

function lines(text: string): string[] {
  return text === "" ? [] : text.split("\n");
}

/** Runs `command`, which only reads; a timeout throws, any exit code is returned. */
export async function probe(host: HostReader, command: Command, opts: CommandOptions = {}): Promise<RunExited> {
  const result = await host.read(command, opts);
  if (result.kind === "timeout")
    throw new RemoteOperationError(host.host, "run", commandFailure(command, result, host.redact));
  return result;
}

/** What a command that must succeed is for, in its failure message. */
type MustOptions = CommandOptions & { readonly what?: string };

/** Runs `command`, which only reads, and returns its stdout; a non-zero exit or a timeout fails the task
 * with commandFailure's message. */
export async function mustRead(host: HostReader, command: Command, opts: MustOptions = {}): Promise<string> {
  const { what, ...run } = opts;
  return stdoutOf(host, command, await host.read(command, run), what);
}

/** Runs `command`, which changes the host, and returns its stdout; fails as mustRead does. */
export async function mustRun(host: HostWriter, command: Command, opts: MustOptions = {}): Promise<string> {
  const { what, ...run } = opts;
  return stdoutOf(host, command, await host.run(command, run), what);
}

function stdoutOf(host: HostReader, command: Command, r: RunResult, what: string | undefined): string {
  if (r.kind === "exited" && r.exitCode === 0) return r.stdout;
  throw new RemoteOperationError(host.host, "run", commandFailure(command, r, host.redact, what));
}

/** How many of the last lines a command printed go into its failure message: enough for the error, not a log. */
const TAIL_LINES = 5;

/**
 * The one message for a command that did not succeed: "WHAT: `command` exited N: the last lines it printed"
 * (stderr, or stdout when stderr is empty), or "WHAT: `command` timed out after N ms"; WHAT, what the command
 * was for, when given. The command shows in its display form, and what it printed is masked with the
 * command's own secrets and the task's, so the message is safe wherever it ends up.
 */
export function commandFailure(command: Command, r: RunResult, redact: Redactor, what?: string): string {
  const shown = `${what ? `${what}: ` : ""}\`${command.toDisplay()}\``;
  if (r.kind === "timeout") return `${shown} timed out after ${r.timeoutMs} ms`;
  const tail = (r.stderr.trim() || r.stdout.trim()).split("\n").slice(-TAIL_LINES).join("\n");
  return `${shown} exited ${r.exitCode}${tail ? `: ${redact.text(tail, command.secrets())}` : ""}`;
}

/** A before/after text block of "key: value" lines, for the diffs of modules that manage objects. */
export function describeState(fields: Readonly<Record<string, unknown>>): string {
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(",") : String(v)}\n`)
    .join("");
}
