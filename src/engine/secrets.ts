// Which values the run must never show: variables whose name says they are secret, and what the
// templates of a `no_log` task's arguments rendered to. Every event passes through the mask.
import { isTemplated } from "../schema/ajv.js";
import type { Vars } from "../playbook/vars-file.js";

/** Variable names whose values are treated as secrets. */
export const SECRET_NAME = /password|passwd|secret|token|passphrase/i;

/** Shorter values are not masked: masking "1" or "no" would garble every line. */
const MIN_SECRET_LENGTH = 3;

function add(out: Set<string>, value: unknown): void {
  if (typeof value === "number" && String(value).length >= MIN_SECRET_LENGTH) out.add(String(value));
  if (typeof value === "string" && value.length >= MIN_SECRET_LENGTH) out.add(value);
}

/** Adds the values of secret-named variables (top level and nested mappings) to `out`. */
export function collectSecretVars(vars: Vars, out: Set<string>, depth = 0): void {
  if (depth > 4) return;
  for (const [name, value] of Object.entries(vars)) {
    if (name === "hostvars" || name === "groups") continue;
    if (SECRET_NAME.test(name)) {
      if (Array.isArray(value)) value.forEach((v) => add(out, v));
      else add(out, value);
    } else if (value && typeof value === "object" && !Array.isArray(value)) {
      collectSecretVars(value as Vars, out, depth + 1);
    }
  }
}

/** Adds the rendered values of a no_log task's templated arguments to `out`. Literal values written
 * in the playbook (`state: present`) are left out: they are not secret, and masking them everywhere
 * would hide ordinary words from every later line. */
export function collectNoLogArgs(written: unknown, rendered: unknown, out: Set<string>): void {
  if (typeof written === "string") {
    if (isTemplated(written)) {
      if (typeof rendered === "string" || typeof rendered === "number") add(out, rendered);
      else if (rendered !== null && typeof rendered === "object") collectAll(rendered, out);
    }
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

function collectAll(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) value.forEach((v) => collectAll(v, out));
  else if (value && typeof value === "object") Object.values(value).forEach((v) => collectAll(v, out));
  else add(out, value);
}

/** The secrets as a list, longest first so a secret containing another is masked whole. */
export function secretList(secrets: ReadonlySet<string>): string[] {
  return [...secrets].sort((a, b) => b.length - a.length);
}
