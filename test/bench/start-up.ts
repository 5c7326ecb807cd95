// The bench's start-up rows: how long a command takes from spawn to exit, as the median of several runs
// after a warm-up, beside its goal. Needs no lab (the unit tests time `node -e 0` through it).
import { spawn } from "node:child_process";
import path from "node:path";

/** Run a command to completion; resolve with its wall time in seconds, reject on a non-zero exit. */
export function timed(file: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("exit", (code) => {
      const secs = Number(process.hrtime.bigint() - started) / 1e9;
      if (code === 0) resolve(secs);
      else reject(new Error(`${path.basename(file)} ${args.join(" ")} exited ${code}:\n${output.slice(-3000)}`));
    });
  });
}

/** A command whose start-up the bench times, and the most it may take. */
export interface StartUpCase {
  readonly label: string;
  readonly file: string;
  readonly args: readonly string[];
  /** Seconds. */
  readonly goal: number;
}

/** The median wall time of `runs` runs of a command, after one untimed warm-up run. */
export async function medianWall(file: string, args: readonly string[], runs: number): Promise<number> {
  await timed(file, args);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timed(file, args));
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

/** A row of the start-up table: the command, its median, the goal, and whether the median meets it. */
export function startUpCells(label: string, median: number, goal: number): [string, string, string, string] {
  return [label, `${median.toFixed(2)} s`, `at most ${goal.toFixed(2)} s`, median <= goal ? "met" : "not met"];
}

/** Times one case and returns its row. */
export async function startUpRow(c: StartUpCase, runs: number): Promise<[string, string, string, string]> {
  return startUpCells(c.label, await medianWall(c.file, c.args, runs), c.goal);
}

/** The start-up cases of issue 13: `--help` (module loading alone) and `validate` of the bench playbook. */
export function startUpCases(cli: string, playbook: string, inventory: string): StartUpCase[] {
  return [
    { label: "`gocd-bc --help`", file: process.execPath, args: [cli, "--help"], goal: 0.12 },
    {
      label: "`gocd-bc validate` (bench playbook)",
      file: process.execPath,
      args: [cli, "validate", "-i", inventory, playbook],
      goal: 0.2,
    },
  ];
}
