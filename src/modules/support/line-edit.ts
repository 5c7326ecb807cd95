// lineinfile's decision as a pure function of the file's text, tested without a host. Idempotent even
// when `regexp` stops matching after the first change: an exact copy of `line` already present means
// nothing to do (the classic Ansible pitfall).
import { RegexSyntaxError, userRegex } from "../../user-regex.js";
import { fromLines, toLines, type Edit } from "./text-file.js";

/** The lineinfile arguments the edit depends on. */
export interface LineSpec {
  readonly line?: string;
  readonly regexp?: string;
  readonly search_string?: string;
  readonly state?: "present" | "absent";
  readonly insertafter?: string;
  readonly insertbefore?: string;
  readonly backrefs?: boolean;
  readonly firstmatch?: boolean;
}

type Matcher = (line: string) => unknown;

function matcher(spec: LineSpec): Matcher | undefined {
  if (spec.regexp !== undefined) {
    const re = userRegex(spec.regexp);
    return (l) => re.test(l);
  }
  if (spec.search_string !== undefined) return (l) => l.includes(spec.search_string!);
  return undefined;
}

function findIndex(lines: readonly string[], test: (l: string) => unknown, first: boolean): number {
  if (first) return lines.findIndex((l) => Boolean(test(l)));
  for (let i = lines.length - 1; i >= 0; i--) if (test(lines[i]!)) return i;
  return -1;
}

/** Applies a lineinfile spec to a file's text. */
export function editLine(text: string, spec: LineSpec): Edit | { error: string } {
  const lines = toLines(text);
  try {
    const match = matcher(spec);
    if (spec.state === "absent") return removeLines(lines, spec, match, text);
    if (spec.line === undefined) return { error: "line is required with state: present" };
    return presentLine(lines, spec, spec.line, match, text);
  } catch (e) {
    if (e instanceof RegexSyntaxError) return { error: e.message };
    throw e;
  }
}

function removeLines(
  lines: string[],
  spec: LineSpec,
  match: Matcher | undefined,
  text: string,
): Edit | { error: string } {
  if (!match && spec.line === undefined) return { error: "state: absent needs regexp, search_string or line" };
  const keep = lines.filter((l) => !(match ? match(l) : l === spec.line));
  if (keep.length === lines.length) return { text, reason: "line not present" };
  return { text: fromLines(keep), reason: "" };
}

function presentLine(
  lines: string[],
  spec: LineSpec,
  line: string,
  match: Matcher | undefined,
  text: string,
): Edit | { error: string } {
  const found = match ? findIndex(lines, match, spec.firstmatch ?? false) : -1;
  if (found >= 0) {
    const wanted = spec.backrefs && spec.regexp !== undefined ? expand(lines[found]!, spec.regexp, line) : line;
    if (lines[found] === wanted) return { text, reason: "line already present" };
    lines[found] = wanted;
    return { text: fromLines(lines), reason: "" };
  }
  if (spec.backrefs) return { text, reason: "regexp did not match; backrefs leaves the file as it is" };
  if (lines.includes(line)) return { text, reason: "line already present" };
  return { text: fromLines(insert(lines, line, spec)), reason: "" };
}

/** `line` with `\1` and `\g<name>` expanded from the regexp's match on `current` (Python's m.expand). */
function expand(current: string, regexp: string, line: string): string {
  const m = userRegex(regexp).exec(current)!;
  return line.replace(
    /\\(\d+)|\\g<(\w+)>/g,
    (_, n: string | undefined, name: string | undefined) => (n !== undefined ? m[Number(n)] : m.groups?.[name!]) ?? "",
  );
}

function insert(lines: string[], line: string, spec: LineSpec): string[] {
  const first = spec.firstmatch ?? false;
  let at = lines.length;
  if (spec.insertbefore === "BOF") at = 0;
  else if (spec.insertbefore !== undefined) {
    const re = userRegex(spec.insertbefore);
    const i = findIndex(lines, (l) => re.test(l), first);
    if (i >= 0) at = i;
  } else if (spec.insertafter !== undefined && spec.insertafter !== "EOF") {
    const re = userRegex(spec.insertafter);
    const i = findIndex(lines, (l) => re.test(l), first);
    if (i >= 0) at = i + 1;
  }
  return [...lines.slice(0, at), line, ...lines.slice(at)];
}
