// Secret masking for everything a module returns (reasons, diffs, registered data), so a secret never
// reaches a log, a diff or the JSON events, whatever the module printed: the run's secrets in every form
// they take, the values of secret-named keys, and whole key files. The Redactor at the end is the one
// object that does it for a run; the functions are what it applies.
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

/**
 * The run's one redactor, made once from the run's secret set: it masks with whatever the set holds when
 * it is used, so a secret found halfway through the run is masked from then on. The engine masks every
 * event, result and error with it; a module uses it (`ctx.redact`) only for what the engine never sees:
 * a value it builds a text from, or a secret only it knows (a command's own, a verifier it derived).
 */
export class Redactor {
  private readonly set: ReadonlySet<string>;
  private sorted: readonly string[] = [];
  private sortedSize = 0;

  /** `secrets`: the run's set, read live (it only grows), or a fixed list. */
  constructor(secrets: ReadonlySet<string> | readonly string[] = []) {
    this.set = isSet(secrets) ? secrets : new Set(secrets);
  }

  /** The secrets, longest first so a secret containing another is masked whole (sorted again when the set grew). */
  get secrets(): readonly string[] {
    if (this.sortedSize !== this.set.size) {
      this.sorted = longestFirst(this.set);
      this.sortedSize = this.set.size;
    }
    return this.sorted;
  }

  /** `text` with the known secrets (and `also`'s, which only the caller knows) masked in every form. */
  known(text: string, also: readonly string[] = []): string {
    return maskSecrets(text, this.with(also));
  }

  /** As `known`, and the values of secret-named keys too (maskText). */
  text(text: string, also: readonly string[] = []): string {
    return maskText(text, this.with(also));
  }

  /** Every string inside `value` masked (maskDeep). */
  deep<T>(value: T): T {
    return maskDeep(value, this.secrets);
  }

  /** A diff entry masked on both sides (maskedChange). */
  change(change: Change): Change {
    return maskedChange(change, this.secrets);
  }

  /** A task result as it may be shown (maskResult). */
  result(result: TaskResult): TaskResult {
    return maskResult(result, this.secrets);
  }

  private with(also: readonly string[]): readonly string[] {
    return also.length === 0 ? this.secrets : longestFirst([...this.secrets, ...also]);
  }
}

function isSet(value: ReadonlySet<string> | readonly string[]): value is ReadonlySet<string> {
  return value instanceof Set;
}

function longestFirst(values: Iterable<string>): string[] {
  return [...values].sort((a, b) => b.length - a.length);
}
