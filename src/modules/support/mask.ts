// Secret masking for everything a module returns (reasons, diffs, registered data), so a value listed in
// ctx.secrets never reaches a log, a diff or the JSON events, whatever the module printed.
import { maskSecrets } from "../../connection/command.js";
import type { Change } from "../contract.js";

/** Masks every secret in every string inside `value` (objects and arrays walked, keys kept). */
export function maskDeep<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  if (typeof value === "string") return maskSecrets(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => maskDeep(v, secrets)) as T;
  if (value && typeof value === "object" && !Buffer.isBuffer(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v, secrets);
    return out as T;
  }
  return value;
}

/** A diff entry with secrets masked on both sides. */
export function maskedChange(change: Change, secrets: readonly string[]): Change {
  return { path: change.path, before: maskSecrets(change.before, secrets), after: maskSecrets(change.after, secrets) };
}
