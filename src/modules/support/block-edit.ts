// blockinfile's decision as a pure function of the file's text: the block between its marker lines is
// inserted, replaced or removed; markers default to Ansible's "# {mark} ANSIBLE MANAGED BLOCK".
import { RegexSyntaxError, userRegex } from "../../user-regex.js";
import { fromLines, toLines, type Edit } from "./text-file.js";

/** The blockinfile arguments the edit depends on. */
export interface BlockSpec {
  readonly block?: string;
  readonly marker?: string;
  readonly marker_begin?: string;
  readonly marker_end?: string;
  readonly state?: "present" | "absent";
  readonly insertafter?: string;
  readonly insertbefore?: string;
}

/** The begin and end marker lines for a spec. */
export function markers(spec: BlockSpec): [string, string] {
  const marker = spec.marker ?? "# {mark} ANSIBLE MANAGED BLOCK";
  return [marker.replace("{mark}", spec.marker_begin ?? "BEGIN"), marker.replace("{mark}", spec.marker_end ?? "END")];
}

/** Applies a blockinfile spec to a file's text. */
export function editBlock(text: string, spec: BlockSpec): Edit | { error: string } {
  const lines = toLines(text);
  const [begin, end] = markers(spec);
  const start = lines.findIndex((l) => l.trimEnd() === begin);
  const stop = start >= 0 ? lines.findIndex((l, i) => i > start && l.trimEnd() === end) : -1;
  const found = start >= 0 && stop >= 0;
  const body = toLines(spec.block ?? "");
  if (spec.state === "absent" || body.length === 0) {
    if (!found) return { text, reason: "block not present" };
    return { text: fromLines([...lines.slice(0, start), ...lines.slice(stop + 1)]), reason: "" };
  }
  const wanted = [begin, ...body, end];
  if (found) {
    const next = [...lines.slice(0, start), ...wanted, ...lines.slice(stop + 1)];
    return sameLines(next, lines) ? { text, reason: "block already present" } : { text: fromLines(next), reason: "" };
  }
  let at: number;
  try {
    at = insertAt(lines, spec);
  } catch (e) {
    if (!(e instanceof RegexSyntaxError)) throw e;
    return { error: `insertafter/insertbefore: ${e.message}` };
  }
  return { text: fromLines([...lines.slice(0, at), ...wanted, ...lines.slice(at)]), reason: "" };
}

function sameLines(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((l, i) => l === b[i]);
}

/** Where a new block goes: after the last line matching insertafter, before the last matching insertbefore. */
function insertAt(lines: readonly string[], spec: BlockSpec): number {
  if (spec.insertbefore === "BOF") return 0;
  const last = (pattern: string) => {
    const re = userRegex(pattern);
    for (let i = lines.length - 1; i >= 0; i--) if (re.test(lines[i]!)) return i;
    return -1;
  };
  if (spec.insertbefore !== undefined) {
    const i = last(spec.insertbefore);
    return i >= 0 ? i : lines.length;
  }
  if (spec.insertafter !== undefined && spec.insertafter !== "EOF") {
    const i = last(spec.insertafter);
    return i >= 0 ? i + 1 : lines.length;
  }
  return lines.length;
}
