// Text from hosts (stderr, file contents, messages built from them) must not steer a terminal or forge a
// line of the report: control characters are shown as visible escapes (`\x1b`, `\r`), and a line break
// inside one field starts an indented continuation line, never a line of its own such as `ok: [host]`.

// C0 controls but tab and newline, DEL, C1 (0x9b is a CSI on some terminals), and the Unicode line and
// paragraph separators that some log viewers break lines at.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;
const NAMED: Readonly<Record<string, string>> = { "\r": "\\r", "\u000b": "\\v", "\f": "\\f", "\b": "\\b" };

/** How continuation lines of a multi-line field are indented in plain output. */
const CONTINUATION = "    ";

/** `text` with control characters as visible escapes (a CR too, so a diff still shows CRLF); tabs and newlines stay. */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => NAMED[c] ?? visible(c));
}

function visible(c: string): string {
  const code = c.charCodeAt(0);
  return code > 0xff ? `\\u${code.toString(16).padStart(4, "0")}` : `\\x${code.toString(16).padStart(2, "0")}`;
}

/**
 * A copy of an event (any JSON-like value) with every string and key escaped, for the reporters that
 * write lines (JSON needs none: it escapes by itself). Shared and cyclic objects are copied once.
 */
export function escapeDeep<T>(value: T, copies: Map<object, unknown> = new Map()): T {
  if (typeof value === "string") return escapeControls(value) as T;
  if (typeof value !== "object" || value === null) return value;
  if (copies.has(value)) return copies.get(value) as T;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    copies.set(value, out);
    for (const v of value) out.push(escapeDeep(v, copies));
    return out as T;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  copies.set(value, out);
  for (const [k, v] of Object.entries(value)) out[escapeControls(k)] = escapeDeep(v, copies);
  return out as T;
}

/** Report lines with each line break inside one of them turned into an indented continuation line. */
export function continued(lines: readonly string[]): string[] {
  return lines.flatMap((line) => line.split("\n").map((part, i) => (i === 0 ? part : `${CONTINUATION}${part}`)));
}
