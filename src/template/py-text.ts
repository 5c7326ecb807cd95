// Python's text forms that Ansible's filters produce: json.dumps (", " and ": " separators, non-ASCII
// escaped), and re.sub's replacement syntax (`\1`, `\g<name>`) mapped onto the RE2 engine's.
import { userRegex, type UserRegex } from "../user-regex.js";

function jsonString(s: string, ensureAscii: boolean): string {
  const text = JSON.stringify(s);
  return ensureAscii
    ? text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
    : text;
}

/** Python's `json.dumps(v, indent=..., sort_keys=...)` of YAML data, with Python's separators. */
export function pyJson(v: unknown, indent: unknown, sortKeys: boolean, ensureAscii: boolean): string {
  const step = typeof indent === "number" && indent > 0 ? " ".repeat(indent) : undefined;
  const dump = (x: unknown, pad: string): string => {
    if (x === null || x === undefined) return "null";
    if (typeof x === "string") return jsonString(x, ensureAscii);
    if (typeof x !== "object") return JSON.stringify(x);
    const inner = step === undefined ? "" : pad + step;
    const [open, sep, close] = step === undefined ? ["", ", ", ""] : [`\n${inner}`, `,\n${inner}`, `\n${pad}`];
    if (Array.isArray(x)) return x.length === 0 ? "[]" : `[${open}${x.map((i) => dump(i, inner)).join(sep)}${close}]`;
    const keys = Object.keys(x);
    if (sortKeys) keys.sort();
    if (keys.length === 0) return "{}";
    const items = keys.map((k) => `${jsonString(k, ensureAscii)}: ${dump((x as Record<string, unknown>)[k], inner)}`);
    return `{${open}${items.join(sep)}${close}}`;
  };
  return dump(v, "");
}

/** A pattern with Ansible's `ignorecase` and `multiline` options as inline flags. */
export function regexWithFlags(pattern: string, kw: Record<string, unknown>): UserRegex {
  const flags = `${kw.ignorecase === true ? "i" : ""}${kw.multiline === true ? "m" : ""}`;
  return userRegex(flags ? `(?${flags})${pattern}` : pattern);
}

/** Python's re.sub replacement (`\1`, `\g<1>`, `\g<name>`, `\n`, `\\`) as the RE2 engine's (`$1`, `$<name>`). */
export function pyRegexReplacement(to: string): string {
  return to.replace(
    /\\g<(\w+)>|\\(\d{1,2})|\\([\\nt])|\$/g,
    (m, name: string | undefined, digits: string | undefined, esc: string | undefined) => {
      if (name !== undefined) return name === "0" ? "$&" : /^\d+$/.test(name) ? `$${name}` : `$<${name}>`;
      if (digits !== undefined) return `$${digits}`;
      if (esc !== undefined) return esc === "n" ? "\n" : esc === "t" ? "\t" : "\\";
      return m === "$" ? "$$" : m;
    },
  );
}
