// Reading the agent's log as an operator does: counting lines like `ping ok 200`, and the job reports
// (`job ID reported ok`, `job ID report failed: WHY`).
import type { AgentInstall } from "./standin-env.js";
import { readText, waitFor } from "./procs.js";

const REPORTED_OK = /^\S+ job (\S+) reported ok$/;
const REPORT_FAILED = /^\S+ job (\S+) report failed: (.*)$/;

/** Count the agent log lines matching `re`. */
export async function countLines(a: AgentInstall, re: RegExp): Promise<number> {
  return (await readText(a.logFile)).split("\n").filter((l) => re.test(l)).length;
}

/** Wait until the agent log has `n` more lines matching `re` than it had when called. */
export async function waitMoreLines(a: AgentInstall, re: RegExp, n = 2, timeoutMs = 15_000): Promise<void> {
  const start = await countLines(a, re);
  await waitFor(
    `${n} more agent log lines like ${re}`,
    async () => ((await countLines(a, re)) >= start + n ? true : undefined),
    timeoutMs,
  );
}

/** The job reports in the agent log so far: ids reported ok, and failed ones with the reason logged. */
export interface JobReports {
  readonly ok: string[];
  readonly failed: { id: string; why: string }[];
}

/** Parse the agent log's job report lines. */
export async function jobReports(a: AgentInstall): Promise<JobReports> {
  const ok: string[] = [];
  const failed: { id: string; why: string }[] = [];
  for (const line of (await readText(a.logFile)).split("\n")) {
    const good = REPORTED_OK.exec(line);
    if (good) ok.push(good[1]!);
    const bad = REPORT_FAILED.exec(line);
    if (bad) failed.push({ id: bad[1]!, why: bad[2]! });
  }
  return { ok, failed };
}

/** Lines matching `re` for a `reported ok` or `report failed` line: for waitMoreLines. */
export const REPORTED_OK_LINE = / job \S+ reported ok$/;
export const REPORT_FAILED_LINE = / job \S+ report failed: /;
