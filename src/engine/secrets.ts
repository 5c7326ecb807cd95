// Which values the run must never show: variables whose name says they are secret (as rendered: a
// `my_password: "{{ store.db }}"` shows as the store's value, never as its template), values passed
// to a module under a secret name (`password:`, `login_password:`, an `environment` PGPASSWORD), and
// what the templates of a `no_log` task's arguments rendered to. Every event passes through the mask.
import { maskDeep, maskResult, maskText } from "../modules/support/mask.js";
import { SECRET_NAME } from "../modules/support/secret-text.js";
import type { Vars } from "../source/vars-file.js";
import type { RunEvent } from "../report/events.js";
import { isTemplated } from "../schema/ajv.js";
import { renderedVar } from "../template/engine.js";

/** Shorter values are not masked: masking "1" or "no" would garble every line. */
const MIN_SECRET_LENGTH = 3;

/** How deep secret-named keys are looked for inside mappings. */
const MAX_DEPTH = 4;

/** Keys the engine and modules add to every registered result: status words, never secrets, so a
 * secret-named registered variable masks its output, not "All items completed" everywhere. */
const RESULT_KEYS = new Set([
  "changed",
  "failed",
  "skipped",
  "unreachable",
  "msg",
  "skip_reason",
  "diff",
  "item",
  "ansible_loop_var",
  "rc",
  "delta",
  "start",
  "end",
  "cmd",
]);

/** No key is skipped: everything a no_log template rendered to is secret. */
const NO_KEYS: ReadonlySet<string> = new Set();

function add(out: Set<string>, value: unknown): void {
  if (typeof value === "number" && String(value).length >= MIN_SECRET_LENGTH) out.add(String(value));
  if (typeof value === "string" && value.length >= MIN_SECRET_LENGTH) out.add(value);
}

/** Adds the values of secret-named variables (top level and nested mappings) to `out`. A variable that
 * is a template is rendered first, with `vars` (its rendering is cached for the task); one that cannot
 * be rendered yet (it uses a variable defined later) gives its literal parts now, the rest to the task
 * that can render it. */
export function collectSecretVars(vars: Vars, out: Set<string>): void {
  for (const name of Object.keys(vars)) {
    if (name === "hostvars" || name === "groups") continue;
    if (SECRET_NAME.test(name) || hasSecretKey(vars[name], 0))
      collectNamed(name, renderedOrLiteral(vars, name), out, 0);
  }
}

/** The variable as rendered, or, when it cannot be rendered yet, its value without the templates. */
function renderedOrLiteral(vars: Vars, name: string): unknown {
  try {
    return renderedVar(vars, name);
  } catch {
    return withoutTemplates(vars[name]);
  }
}

function withoutTemplates(value: unknown): unknown {
  if (isTemplated(value)) return undefined;
  if (Array.isArray(value)) return value.map(withoutTemplates);
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutTemplates(v)]));
  return value;
}

/** True when a mapping or list holds a secret-named key somewhere below it (so it is worth rendering). */
function hasSecretKey(value: unknown, depth: number): boolean {
  if (depth > MAX_DEPTH || !value || typeof value !== "object") return false;
  if (Array.isArray(value)) return value.some((v) => hasSecretKey(v, depth + 1));
  return Object.entries(value).some(([k, v]) => SECRET_NAME.test(k) || hasSecretKey(v, depth + 1));
}

/** Collects `value` whole when `name` is secret, else looks for secret-named keys inside it. */
function collectNamed(name: string, value: unknown, out: Set<string>, depth: number): void {
  if (SECRET_NAME.test(name)) collectAll(value, out, depth, RESULT_KEYS);
  else if (Array.isArray(value) && depth < MAX_DEPTH) value.forEach((v) => collectNamed(name, v, out, depth + 1));
  else if (value && typeof value === "object" && depth < MAX_DEPTH) {
    for (const [k, v] of Object.entries(value)) collectNamed(k, v, out, depth + 1);
  }
}

/** Adds the values passed to a module under secret names (`password`, `login_password`, a PGPASSWORD
 * of `environment`), literal or rendered: whatever a module was given as a password is one. */
export function collectSecretArgs(args: unknown, out: Set<string>): void {
  if (args && typeof args === "object" && !Array.isArray(args)) {
    for (const [k, v] of Object.entries(args)) collectNamed(k, v, out, 0);
  }
}

/** Adds the rendered values of a no_log task's templated arguments to `out`. Literal values written
 * in the playbook (`state: present`) are left out: they are not secret, and masking them everywhere
 * would hide ordinary words from every later line. */
export function collectNoLogArgs(written: unknown, rendered: unknown, out: Set<string>): void {
  if (typeof written === "string") {
    if (isTemplated(written)) collectAll(rendered, out, 0, NO_KEYS);
    return;
  }
  if (Array.isArray(written) && Array.isArray(rendered)) {
    written.forEach((w, i) => collectNoLogArgs(w, rendered[i], out));
    return;
  }
  if (written && typeof written === "object" && rendered && typeof rendered === "object") {
    for (const [k, w] of Object.entries(written)) collectNoLogArgs(w, (rendered as Vars)[k], out);
  }
}

/** Every string and number inside `value`, except under the keys in `skip`. */
function collectAll(value: unknown, out: Set<string>, depth: number, skip: ReadonlySet<string>): void {
  if (depth > MAX_DEPTH * 2) return;
  if (Array.isArray(value)) value.forEach((v) => collectAll(v, out, depth + 1, skip));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) if (!skip.has(k)) collectAll(v, out, depth + 1, skip);
  } else add(out, value);
}

/** An event as it may be shown: secrets masked everywhere; a host result's texts and diffs, and the
 * messages that may quote an error, also cleared of secret-named keys' values (names stay as written). */
export function maskEvent(event: RunEvent, secrets: readonly string[]): RunEvent {
  switch (event.type) {
    case "host_result": {
      const { result, ...rest } = event;
      return { ...maskDeep(rest, secrets), result: maskResult(result, secrets) };
    }
    case "warning":
      return { ...maskDeep(event, secrets), message: maskText(event.message, secrets) };
    case "handlers_pending":
      return { ...maskDeep(event, secrets), why: maskText(event.why, secrets) };
    default:
      return maskDeep(event, secrets);
  }
}
