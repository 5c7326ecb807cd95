// What a task's result does to a host: the registered variable (Ansible's shape: x.changed, x.failed,
// x.stdout, x.results for loops), the recap counters, the no_log censoring, and the host's status.
import type { TaskResult } from "../modules/contract.js";
import type { Vars } from "../source/vars-file.js";
import type { HostState } from "./types.js";

/** The text that replaces a `no_log` task's output. */
export const NO_LOG_TEXT = "the output has been hidden due to no_log: true";

/** The value `register: x` stores for a result, as Ansible shapes it. */
export function registeredValue(result: TaskResult): Vars {
  const base: Vars = { ...result.data };
  delete base.ansible_facts;
  switch (result.status) {
    case "ok":
      return { ...base, changed: false, failed: false, skipped: false, msg: base.msg ?? result.reason };
    case "changed":
      return {
        ...base,
        changed: true,
        failed: false,
        skipped: false,
        msg: base.msg ?? result.summary,
        diff: result.diff,
      };
    case "skipped":
      return { ...base, changed: false, failed: false, skipped: true, skip_reason: result.reason };
    case "failed":
      return { ...base, changed: false, failed: true, skipped: false, msg: result.error };
    case "unreachable":
      return { ...base, changed: false, failed: false, skipped: false, unreachable: true, msg: result.error };
  }
}

/** The registered value of a loop: every item's value under `results`, with overall verdicts. */
export function registeredLoop(items: readonly Vars[], skippedAll: boolean): Vars {
  const failed = items.some((r) => r.failed === true);
  const changed = items.some((r) => r.changed === true);
  return {
    results: items,
    changed,
    failed,
    skipped: skippedAll,
    msg: failed ? "One or more items failed" : "All items completed",
  };
}

/** A result as it may be shown for a `no_log` task: status and verdict only. */
export function censor(result: TaskResult): TaskResult {
  switch (result.status) {
    case "ok":
      return { status: "ok", reason: NO_LOG_TEXT, data: {} };
    case "changed":
      return { status: "changed", summary: NO_LOG_TEXT, diff: [], data: {} };
    case "skipped":
      return { status: "skipped", reason: result.reason, data: {} };
    case "failed":
      return { status: "failed", error: NO_LOG_TEXT, data: {} };
    case "unreachable":
      return { status: "unreachable", error: result.error, data: {} };
  }
}

/** The overall verdict of a host for one task (a loop's items folded into one). */
export type Verdict = "ok" | "changed" | "skipped" | "failed" | "ignored" | "unreachable";

/** Folds item verdicts: unreachable > failed > ignored > changed > ok > skipped. */
export function foldVerdicts(list: readonly Verdict[]): Verdict {
  const order: Verdict[] = ["unreachable", "failed", "ignored", "changed", "ok"];
  for (const v of order) if (list.includes(v)) return v;
  return "skipped";
}

/** Counts one task's verdict in the host's recap, Ansible's way (ok counts changed tasks too). */
export function countVerdict(host: HostState, verdict: Verdict): void {
  const s = host.stats;
  switch (verdict) {
    case "ok":
      s.ok += 1;
      return;
    case "changed":
      s.ok += 1;
      s.changed += 1;
      return;
    case "skipped":
      s.skipped += 1;
      return;
    case "failed":
      s.failed += 1;
      return;
    case "ignored":
      s.ignored += 1;
      return;
    case "unreachable":
      s.unreachable += 1;
      return;
  }
}

/** The verdict of one result, given ignore_errors. */
export function verdictOf(result: TaskResult, ignoreErrors: boolean): Verdict {
  switch (result.status) {
    case "ok":
    case "changed":
    case "skipped":
    case "unreachable":
      return result.status;
    case "failed":
      return ignoreErrors ? "ignored" : "failed";
  }
}
