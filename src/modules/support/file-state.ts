// How the file module describes a path in diffs and fixes attributes of a path that already has the
// right type: "state: directory\nmode: 0755\n" before and after, and the chmod/chown to get there.
import type { RemoteStat } from "../../connection/types.js";
import { change, ok, type Decision } from "../contract.js";
import { attrCommand, attrDrift, attrLines, describeDrift, type Attrs } from "./attrs.js";
import { mustRun } from "./exec.js";

/** The states a path can be in, named as the file module's `state` argument. */
export type PathState = "file" | "directory" | "link" | "hard" | "absent" | "other";

/** The file module's state name for what stat found. */
export function stateOf(stat: RemoteStat | null): PathState {
  if (!stat) return "absent";
  return stat.type === "symlink" ? "link" : stat.type;
}

/** Diff lines of a path: its state, then the wanted attribute fields. */
export function stateLines(state: string, want: Attrs, stat: RemoteStat | null, side: "before" | "after"): string {
  const attrs = attrLines(want, stat);
  return `state: ${state}\n${side === "before" ? attrs.before : attrs.after}`;
}

/** Plans attribute fixes on a path of the right type: ok with `reason` when they match already. */
export function planAttrs(path: string, stat: RemoteStat, want: Attrs, reason: string, extraDrift?: string): Decision {
  const isLink = stat.type === "symlink";
  const drift = attrDrift(want, stat);
  if (drift.length === 0 && !extraDrift) return ok(reason, { path, state: stateOf(stat) });
  const state = stateOf(stat);
  const diff = [
    { path, before: stateLines(state, want, stat, "before"), after: stateLines(state, want, stat, "after") },
  ];
  const what = drift.length ? describeDrift(want, stat) : (extraDrift ?? "");
  const fix = attrCommand(path, want, { link: isLink, recurse: extraDrift !== undefined });
  return change(
    `set ${what} on ${path}`,
    async (host) => {
      if (fix) await mustRun(host, fix, { what: `setting attributes of ${path}` });
    },
    diff,
    { path, state },
  );
}
