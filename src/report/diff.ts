// Unified diffs for `--diff`, one per Change, from the `diff` package. The reporter prints what the
// engine put in the event: masking secrets in before/after is the engine's job, done before emitting.
// The package is loaded by the first diff shown, not by every run that might show one.
import { createRequire } from "node:module";
import type { createTwoFilesPatch as CreateTwoFilesPatch } from "diff";
import type { Change } from "../modules/contract.js";
import { palette, type Palette } from "./colour.js";

let createTwoFilesPatch: typeof CreateTwoFilesPatch | undefined;

/** The unified diff of one change, headed `--- before: path` / `+++ after: path`, coloured by line kind. */
export function diffLines(change: Change, p: Palette = palette(false)): string[] {
  createTwoFilesPatch ??= (createRequire(import.meta.url)("diff") as typeof import("diff")).createTwoFilesPatch;
  const patch = createTwoFilesPatch(`before: ${change.path}`, `after: ${change.path}`, change.before, change.after);
  const lines = patch.split("\n");
  // The package starts with a row of `=` (its "Index:" separator) and ends with a newline: drop both.
  if (lines[0]?.startsWith("====")) lines.shift();
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.map((line) => paintLine(line, p));
}

function paintLine(line: string, p: Palette): string {
  if (line.startsWith("--- ") || line.startsWith("+++ ")) return p.header(line);
  if (line.startsWith("@@")) return p.hunk(line);
  if (line.startsWith("+")) return p.added(line);
  if (line.startsWith("-")) return p.removed(line);
  return line;
}

/** All the diffs of a changed result, in the order the module listed them. */
export function changesLines(changes: readonly Change[], p: Palette = palette(false)): string[] {
  return changes.flatMap((c) => diffLines(c, p));
}
