// The recap, as pure functions: counting results into Ansible's per-host stats and printing them in
// Ansible's exact layout, so people and scripts that read `PLAY RECAP` keep working.
import type { HostStats, RunEvent } from "./events.js";
import type { HostResultEvent } from "./dispatch.js";
import { palette, type Palette } from "./colour.js";

/** What one task did on one host, after its loop items are merged. */
export type Outcome = "ok" | "changed" | "skipped" | "failed" | "ignored" | "unreachable";

/** Zeroed stats for a host. */
export function emptyStats(): HostStats {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
}

/**
 * Merges one task's results on one host (one per loop item) as Ansible merges a loop: unreachable or
 * failed if any item was, changed if any item changed, skipped only if every item was skipped.
 */
export function outcome(results: readonly HostResultEvent[]): Outcome {
  const statuses = results.map((r) => r.result.status);
  if (statuses.includes("unreachable")) return "unreachable";
  const failed = results.filter((r) => r.result.status === "failed");
  if (failed.length > 0) return failed.every((r) => r.ignored === true) ? "ignored" : "failed";
  if (statuses.includes("changed")) return "changed";
  if (statuses.length > 0 && statuses.every((s) => s === "skipped")) return "skipped";
  return "ok";
}

/**
 * Adds one task outcome to a host's stats, as Ansible's strategy does: changed also counts as ok, and an
 * ignored failure counts ok=1 ignored=1 and failed=0. Returns new stats; the input is not changed.
 */
export function tally(stats: HostStats, o: Outcome): HostStats {
  const next = { ...stats };
  if (o === "ok" || o === "changed" || o === "ignored") next.ok += 1;
  if (o === "changed") next.changed += 1;
  if (o === "ignored") next.ignored += 1;
  if (o === "failed") next.failed += 1;
  if (o === "skipped") next.skipped += 1;
  if (o === "unreachable") next.unreachable += 1;
  return next;
}

/** Moves one failure to `rescued`, for a failure a block's `rescue` section handled (Ansible does the same). */
export function rescue(stats: HostStats): HostStats {
  return stats.failed > 0 ? { ...stats, failed: stats.failed - 1, rescued: stats.rescued + 1 } : stats;
}

/**
 * Stats for a whole event stream: results are grouped per host between task boundaries (so a loop
 * counts once, as in Ansible), then tallied. Hosts named by a play but never reached still appear.
 */
export function statsFromEvents(events: readonly RunEvent[]): Record<string, HostStats> {
  const stats: Record<string, HostStats> = {};
  let pending = new Map<string, HostResultEvent[]>();
  const flush = (): void => {
    for (const [host, results] of pending) stats[host] = tally(stats[host] ?? emptyStats(), outcome(results));
    pending = new Map();
  };
  for (const e of events) {
    if (e.type === "host_result") pending.set(e.host, [...(pending.get(e.host) ?? []), e]);
    else if (e.type === "task_start" || e.type === "play_end" || e.type === "recap") flush();
    if (e.type === "play_start") for (const h of e.hosts) stats[h] ??= emptyStats();
  }
  flush();
  return stats;
}

/** `12.3s`, `4m 05s`: a run's length for the last line of the recap. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  return `${minutes}m ${String(totalSeconds % 60).padStart(2, "0")}s`;
}

/**
 * One recap line, laid out as Ansible's default callback does: the host padded to 26 columns (or to the
 * longest host, so columns stay aligned), then `name=%-4s` fields joined by spaces; non-zero counts in colour.
 */
export function recapLine(host: string, s: HostStats, width: number, p: Palette = palette(false)): string {
  const field = (name: string, n: number, paint: (t: string) => string): string => {
    const text = `${name}=${n}`;
    return (n !== 0 ? paint(text) : text) + " ".repeat(Math.max(0, name.length + 5 - text.length));
  };
  const hostPaint = s.failed > 0 || s.unreachable > 0 ? p.failed : s.changed > 0 ? p.changed : p.ok;
  const fields = [
    field("ok", s.ok, p.ok),
    field("changed", s.changed, p.changed),
    field("unreachable", s.unreachable, p.unreachable),
    field("failed", s.failed, p.failed),
    field("skipped", s.skipped, p.skipped),
    field("rescued", s.rescued, p.ok),
    field("ignored", s.ignored, p.warn),
  ];
  return `${hostPaint(host)}${" ".repeat(Math.max(0, width - host.length))} : ${fields.join(" ")}`;
}

/** The whole recap: `PLAY RECAP ***`, one line per host in name order, and the run's duration. */
export function formatRecap(
  hosts: Readonly<Record<string, HostStats>>,
  durationMs: number,
  interrupted = false,
  p: Palette = palette(false),
): string[] {
  const names = Object.keys(hosts).sort();
  const width = Math.max(26, ...names.map((h) => h.length));
  const lines = [p.header("PLAY RECAP ***")];
  for (const h of names) lines.push(recapLine(h, hosts[h] ?? emptyStats(), width, p));
  lines.push(
    "",
    interrupted
      ? p.warn(`Interrupted after ${formatDuration(durationMs)}`)
      : `Finished in ${formatDuration(durationMs)}`,
  );
  return lines;
}
