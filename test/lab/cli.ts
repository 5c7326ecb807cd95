// gocd-bc's command line as an operator runs it, for the end-to-end lab tests: spawn the built CLI (piped, or
// at a pseudo-terminal), keep what it printed, read its `--json` events.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { quote } from "shell-quote";
import { labPaths } from "../../src/lab/topology.js";

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../src/cli/main.js");

/** One CLI run: its arguments, exit code, output and duration. */
export interface Cli {
  readonly args: readonly string[];
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** One JSON event. */
export type Json = Record<string, unknown>;

/** Every CLI run of the test process, for checks over all output (secrets). */
export const outputs: Cli[] = [];

/** Runs `gocd-bc ARGS...` to completion, its output piped; `started` gets the process (to signal it). */
export function cli(args: string[], timeoutMs = 300_000, started?: (child: ChildProcess) => void): Promise<Cli> {
  return collect(args, process.execPath, [MAIN, ...args], { ...process.env, NO_COLOR: "1" }, timeoutMs, started);
}

/**
 * Runs `gocd-bc ARGS...` as at a person's terminal: under `script`, which gives it a pseudo-terminal of
 * 160x45 (stdout and stderr both reach it), with a UTF-8 locale and outside CI, so it draws its live view.
 * `stdout` is what the terminal received, escape sequences and all (test/bench/vt.ts makes it a screen).
 */
export function cliAtTerminal(args: string[], timeoutMs = 300_000, typed?: Typed): Promise<Cli> {
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: "xterm-256color", LANG: "C.UTF-8" };
  delete env.CI;
  delete env.NO_COLOR;
  const command = `stty cols 160 rows 45; exec ${quote([process.execPath, MAIN, ...args])}`;
  return collect(args, "script", ["-qfec", command, "/dev/null"], env, timeoutMs, typed && typeWhen(typed));
}

/** What a person types at the terminal once the screen shows `prompt` (then Enter). */
export type Typed = { readonly prompt: RegExp; readonly line: string };

/** Types the line into the terminal (script's stdin is the pseudo-terminal's keyboard) once the prompt shows. */
const typeWhen = (typed: Typed) => whenOutputShows(typed.prompt, (child) => child.stdin?.write(`${typed.line}\r`));

/** A `started` callback for `cli`: once what the command printed so far matches `pattern`, `act` runs,
 * once, with the process (to signal it, type into it, or break something at that very step). */
export function whenOutputShows(pattern: RegExp, act: (child: ChildProcess) => void): (child: ChildProcess) => void {
  return (child) => {
    let seen = "";
    let done = false;
    child.stdout?.on("data", (d: Buffer) => {
      seen += d.toString();
      if (done || !pattern.test(seen)) return;
      done = true;
      act(child);
    });
  };
}

function collect(
  args: string[],
  file: string,
  argv: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  onStart?: (child: ChildProcess) => void,
): Promise<Cli> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    // A terminal's keyboard (script's stdin) stays open until the command ends, as a person's would.
    const child = spawn(file, argv, { stdio: [file === "script" ? "pipe" : "ignore", "pipe", "pipe"], env });
    onStart?.(child);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      const r = { args, code: code ?? -1, stdout, stderr, ms: Date.now() - started };
      outputs.push(r);
      resolve(r);
    });
  });
}

/** `-i` with the lab's inventory (and the secrets inventory, while a test has one). */
export const labInventory = (): string[] => [
  "-i",
  labPaths().inventory,
  ...(existsSync(labSecretsInventory()) ? ["-i", labSecretsInventory()] : []),
];

/** A second inventory a test writes while GoCD's security is on: `gocd_api_token` for every command. */
export const labSecretsInventory = (): string => path.join(labPaths().root, "secrets.yml");

/** The JSON Lines events of a `--json` run. */
export function events(r: Cli): Json[] {
  return r.stdout
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      try {
        return JSON.parse(l) as Json;
      } catch {
        throw new Error(`not a JSON line in \`gocd-bc ${r.args.join(" ")}\`: ${l}`);
      }
    });
}

/** What a run printed, to make an assertion message useful. */
export const told = (r: Cli) =>
  `\`gocd-bc ${r.args.join(" ")}\` exited ${r.code}\n--- stderr:\n${r.stderr.slice(-3000)}${failures(r.stdout)}\n--- stdout (end):\n${r.stdout.slice(-3000)}`;

/** The failed results of a human-readable run, each with the lines under it: the end of a long run's
 * output seldom shows them, and they are what a failing test must tell. */
function failures(stdout: string): string {
  const lines = stdout.split("\n");
  const at = lines.flatMap((l, i) => (/^\s*failed: \[/.test(l) ? [i] : []));
  if (at.length === 0) return "";
  return `\n--- failed results:\n${at.map((i) => lines.slice(i, i + 12).join("\n")).join("\n")}`;
}

/** The recap's per-host counters. */
export function recap(r: Cli): Record<string, Record<string, number>> {
  const last = events(r)
    .filter((e) => e.type === "recap")
    .pop();
  assert.ok(last, `no recap in ${told(r)}`);
  return last.hosts as Record<string, Record<string, number>>;
}

/** "host | task: message" of every failed (not ignored) result. */
export const failed = (r: Cli) =>
  events(r)
    .filter((e) => e.type === "host_result" && e.status === "failed" && e.ignored !== true)
    .map((e) => `${String(e.host)} | ${String(e.task)}: ${String(e.message)}`);

/** `provision --json` on the lab: succeeds, nothing fails. */
export async function provisionOk(...more: string[]): Promise<Cli> {
  const r = await cli(["provision", ...labInventory(), "--json", ...more]);
  assert.equal(r.code, 0, told(r));
  assert.deepEqual(failed(r), []);
  for (const [h, s] of Object.entries(recap(r))) assert.equal(s.failed, 0, `${h} failed in the recap`);
  return r;
}
