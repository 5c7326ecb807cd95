// What the switchover's run shows an operator afterwards: how long each step took, how long the database
// part took (primary stopping to standby writable), and how the run ended. Pure: events with their times
// in, a summary out, so every rule is tested apart from the hosts.
import type { RunEvent } from "../report/events.js";

/** One event with the controller's time (ms) when it arrived. */
export type TimedEvent = { readonly at: number; readonly event: RunEvent };

/** How a switchover run ended, as the tasks that failed tell it. */
export type SwitchoverOutcome =
  | { readonly kind: "done" }
  | { readonly kind: "not-confirmed"; readonly why: string }
  | { readonly kind: "preflight-refused"; readonly checks: readonly string[] }
  | { readonly kind: "aborted"; readonly why: string }
  | { readonly kind: "failed"; readonly task: string; readonly why: string };

/** A step's number and the time from its first task's start to its last task's end; `skipped` when every
 * task of it was (a re-run finishing an interrupted switchover skips the steps that are done). */
export type StepTiming = {
  readonly step: number;
  readonly title: string;
  readonly ms: number;
  readonly skipped: boolean;
};

/** The task names the switchover and failover roles use, after the role's prefix (`gocd_switchover : `);
 * test/unit/cli-task-names.test.ts fails when a playbook no longer has a task that one of them reads. */
export const STEP = /^(?:[\w.-]+ : )?step (\d+): (.*)$/;
export const PREFLIGHT = /^(?:[\w.-]+ : )?preflight: (.*)$/;
export const CONFIRM = /^(?:[\w.-]+ : )?the operator confirms$/;
export const ABORT = /^(?:[\w.-]+ : )?abort: nothing was promoted/;
export const VIP_FOLLOWS = /^(?:[\w.-]+ : )?step 7: the VIP follows GoCD to the target$/;

function failure(e: RunEvent): { task: string; why: string } | undefined {
  if (e.type !== "host_result" || e.ignored) return undefined;
  const r = e.result;
  if (r.status !== "failed" && r.status !== "unreachable") return undefined;
  return { task: e.task, why: r.error };
}

/** How the run ended: the first failure decides (the run stops at it: every play is any_errors_fatal). */
export function switchoverOutcome(events: readonly RunEvent[]): SwitchoverOutcome {
  const failures = events.map(failure).filter((f) => f !== undefined);
  const refused = failures
    .filter((f) => PREFLIGHT.test(f.task))
    .map((f) => `${f.task.replace(PREFLIGHT, "$1")}: ${f.why}`);
  if (refused.length) return { kind: "preflight-refused", checks: refused };
  // The abort ends the rescue of the failed LSN wait: that failure came first but was handled.
  const abort = failures.find((f) => ABORT.test(f.task));
  if (abort) return { kind: "aborted", why: abort.why };
  const first = failures[0];
  if (!first) return { kind: "done" };
  if (CONFIRM.test(first.task)) return { kind: "not-confirmed", why: first.why };
  return { kind: "failed", task: first.task, why: first.why };
}

/** The preflight checks that passed, by name, in the order they ran. */
export function passedChecks(events: readonly RunEvent[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    if (e.type !== "host_result" || e.result.status !== "ok") continue;
    const m = PREFLIGHT.exec(e.task);
    if (m?.[1] && !out.includes(m[1])) out.push(m[1]);
  }
  return out;
}

/** Each step's duration: from the start of its first task to the last result of its last task. */
export function stepTimings(events: readonly TimedEvent[]): StepTiming[] {
  const spans = new Map<number, { title: string; start: number; end: number; skipped: boolean }>();
  let current: number | undefined;
  for (const { at, event } of events) {
    if (event.type === "task_start") {
      const m = STEP.exec(event.task);
      current = m ? Number(m[1]) : undefined;
      if (current !== undefined && m && !spans.has(current))
        spans.set(current, { title: m[2] ?? "", start: at, end: at, skipped: true });
    }
    if (event.type === "host_result" && current !== undefined) {
      const span = spans.get(current);
      if (span) {
        span.end = at;
        span.skipped &&= event.result.status === "skipped";
      }
    }
  }
  return [...spans.entries()]
    .sort(([a], [b]) => a - b)
    .map(([step, s]) => ({ step, title: s.title, ms: s.end - s.start, skipped: s.skipped }));
}

/** The database part: from the primary's stop (step 4) to the standby writable (the end of step 6). */
export function databaseMs(events: readonly TimedEvent[]): number | undefined {
  let start: number | undefined;
  let end: number | undefined;
  let step: number | undefined;
  for (const { at, event } of events) {
    if (event.type === "task_start") step = Number(STEP.exec(event.task)?.[1] ?? Number.NaN);
    if (event.type === "task_start" && step === 4 && start === undefined) start = at;
    if (event.type === "host_result" && step === 6) end = at;
  }
  return start !== undefined && end !== undefined ? end - start : undefined;
}

/** The VIP's gap as the agents meet it: from GoCD stopping on the old active server (step 3) to the VIP
 * answering on the new one (the end of step 7's wait for it), the run's own measure of the agents'
 * downtime (`npm run bench` measures it from an agent). */
export function vipGapMs(events: readonly TimedEvent[]): number | undefined {
  let start: number | undefined;
  let end: number | undefined;
  for (const { at, event } of events) {
    if (event.type === "task_start" && start === undefined && STEP.exec(event.task)?.[1] === "3") start = at;
    if (event.type === "host_result" && VIP_FOLLOWS.test(event.task) && event.result.status === "ok") end = at;
  }
  return start !== undefined && end !== undefined ? end - start : undefined;
}
