// Secret masking for everything a module returns (reasons, diffs, registered data), so a secret never
// reaches a log, a diff or the JSON events, whatever the module printed: the values listed in
// ctx.secrets in every form they take, the values of secret-named keys, and whole key files.
import { MASK, maskSecrets } from "../../connection/command.js";
import type { Change, TaskResult } from "../contract.js";
import { assignedValues, isPlaceholder, isSecretFile, replaceAssignments, SECRET_NAME } from "./secret-text.js";

/** What replaces a secret on the after side of a diff when it differs from every one on the before side,
 * so that a rotated password still shows as a changed line. */
export const MASK_CHANGED = `${MASK} (changed)`;

/** What a diff shows instead of the content of a key file. */
const HIDDEN_FILE = "(secret content not shown)";

/** Masks every secret in every string inside `value` (objects and arrays walked, keys kept), and every
 * string under a secret-named key (`{password: ...}`), whatever it is. */
export function maskDeep<T>(value: T, secrets: readonly string[]): T {
  return walk(value, (s) => maskSecrets(s, secrets), false);
}

function walk<T>(value: T, text: (s: string) => string, underSecretKey: boolean): T {
  if (typeof value === "string") return (underSecretKey && !isPlaceholder(value) ? MASK : text(value)) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => walk(v, text, underSecretKey)) as T;
  if (value && typeof value === "object" && !Buffer.isBuffer(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = walk(v, text, underSecretKey || SECRET_NAME.test(k));
    return out as T;
  }
  return value;
}

/** A diff entry with secrets masked on both sides: known values, and the values of secret-named keys
 * (the before side holds the live old password during a rotation). A key file shows no content. */
export function maskedChange(change: Change, secrets: readonly string[]): Change {
  if (isSecretFile(change.path, change.before, change.after)) return hiddenChange(change);
  const old = assignedValues(change.before);
  const after = replaceAssignments(change.after, (v) => (old.size > 0 && !old.has(v) ? MASK_CHANGED : MASK));
  return {
    path: change.path,
    before: maskSecrets(replaceAssignments(change.before), secrets),
    after: maskSecrets(after, secrets),
  };
}

/** A change of a key file: whether it is created, changed or removed, and nothing of its content. */
function hiddenChange(change: Change): Change {
  const before = change.before === "" ? "" : `${HIDDEN_FILE}\n`;
  const changed = change.before !== "" && change.before !== change.after;
  const after = change.after === "" ? "" : `${HIDDEN_FILE}${changed ? ", changed" : ""}\n`;
  return { path: change.path, before, after };
}

/** A text as it may be shown: known secrets in every form, and the values of secret-named keys. */
export function maskText(text: string, secrets: readonly string[]): string {
  return maskSecrets(replaceAssignments(text), secrets);
}

/** A task result as it may be shown: maskDeep's masking, plus the values of secret-named keys in every
 * text (a command's output, an error echoing SQL) and diffs masked on both sides. */
export function maskResult(result: TaskResult, secrets: readonly string[]): TaskResult {
  const text = (s: string) => maskText(s, secrets);
  if (result.status !== "changed") return walk(result, text, false);
  const { diff, ...rest } = result;
  return { ...walk(rest, text, false), diff: diff.map((c) => maskedChange(c, secrets)) };
}
