// Where Ansible's expression syntax meets Handlebars: each `{{ ... }}` (and each `{{#if ...}}`,
// `{{#unless}}`, `{{#each}}` argument) is read as Handlebars when it is a Handlebars expression (a
// path, a literal, a helper call), else as Ansible's expression. An Ansible expression is parsed
// once and left in the text as a call of the `__j` helper with its number, padded so that what
// follows keeps its line and column.
import { handlebars } from "./handlebars.js";
import { HELPERS } from "./helpers.js";
import { parseJinja, type At, type JExpr } from "./jinja-parse.js";

/** Words that make a Handlebars-looking call an Ansible expression (`x is defined`, `a if c else b`). */
const JINJA_WORDS = new Set(["is", "in", "if", "else", "and", "or", "not"]);
/** The helper that stands for a parsed Ansible expression. */
export const JINJA_HELPER = "__j";

const table: JExpr[] = [];
const index = new Map<string, number>();

/** The Ansible expression a `__j` call stands for. */
export function jinjaExpr(id: number): JExpr {
  const e = table[id];
  if (!e) throw new Error(`internal: no expression #${id}`);
  return e;
}

function register(e: JExpr, key: string): number {
  const known = index.get(key);
  if (known !== undefined) return known;
  table.push(e);
  index.set(key, table.length - 1);
  return table.length - 1;
}

type Expr = hbs.AST.Expression;

/** Names that are constants in Ansible's syntax but would be variables in Handlebars'. */
const JINJA_CONSTANTS = new Set(["none", "None", "True", "False"]);

/** A Handlebars path that reads as a variable in both syntaxes (not `[1, 2]`, `-x`, `None`). */
function isVariable(p: hbs.AST.PathExpression): boolean {
  return !JINJA_CONSTANTS.has(p.original) && p.parts.every((part) => /^[\w@$-]+$/.test(part));
}

function isPlainPath(e: Expr, text: string): boolean {
  if (e.type !== "PathExpression") return e.type.endsWith("Literal");
  return isVariable(e as hbs.AST.PathExpression) && !/^\s*[-[{(]/.test(text);
}

function argsFit(params: readonly Expr[]): boolean {
  return params.every(
    (p) =>
      p.type !== "PathExpression" ||
      (!JINJA_WORDS.has((p as hbs.AST.PathExpression).original) && isVariable(p as hbs.AST.PathExpression)),
  );
}

/** True when a call (`helper a b`) or a value is a Handlebars expression rather than Ansible's. */
export function handlebarsFits(head: Expr, params: readonly Expr[], hashPairs: number, text: string): boolean {
  if (params.length === 0 && hashPairs === 0) {
    if (head.type !== "SubExpression") return isPlainPath(head, text);
    const s = head as hbs.AST.SubExpression;
    return s.path.original in HELPERS && argsFit(s.params);
  }
  return head.type === "PathExpression" && (head as hbs.AST.PathExpression).original in HELPERS && argsFit(params);
}

/** How one expression reads: as Handlebars, as an Ansible expression, or neither (with the reason). */
export type Reading = { kind: "handlebars" } | { kind: "jinja"; expr: JExpr } | { kind: "error"; message: string };

/** Reads `text`, written at `start`: Handlebars when it is a Handlebars value or helper call (`x.y`,
 * `eq a b`, `(defined x)`), else Ansible's expression; neither is an error saying why. */
export function readExpression(text: string, start: At): Reading {
  // A Handlebars call with no Jinja word in it (`eqq a b`) keeps Handlebars' "unknown helper" message.
  let parsedByHandlebars = false;
  try {
    const m = handlebars().parse(`{{__condition ${text}}}`).body[0] as hbs.AST.MustacheStatement | undefined;
    const [head, ...rest] = m?.params ?? [];
    parsedByHandlebars = m?.type === "MustacheStatement" && head !== undefined && argsFit(rest);
    if (parsedByHandlebars && head && handlebarsFits(head, rest, m?.hash?.pairs.length ?? 0, text))
      return { kind: "handlebars" };
  } catch {
    parsedByHandlebars = false;
  }
  const jinja = parseJinja(text, start);
  if (jinja.ok) return { kind: "jinja", expr: jinja.expr };
  return parsedByHandlebars
    ? { kind: "handlebars" }
    : { kind: "error", message: `${jinja.message} in '${text.trim()}'` };
}

/** The `(__j N)` sub-expression standing for `e` (written at `start`), for conditions. */
export function jinjaValue(e: JExpr, text: string, start: At): hbs.AST.SubExpression {
  const loc = {
    source: "",
    start: { line: start.line, column: start.col - 1 },
    end: { line: start.line, column: start.col - 1 },
  };
  const id = register(e, `${start.line}:${start.col}:${text}`);
  return {
    type: "SubExpression",
    path: { type: "PathExpression", data: false, depth: 0, parts: [JINJA_HELPER], original: JINJA_HELPER, loc },
    params: [{ type: "NumberLiteral", value: id, original: id, loc } as hbs.AST.NumberLiteral],
    hash: { type: "Hash", pairs: [], loc },
    loc,
  };
}

/** A `__j` call standing for `e`, as Handlebars text padded to the length of `original`. */
function placeholder(e: JExpr, original: string, start: At): string {
  const call = `${JINJA_HELPER} ${register(e, `${start.line}:${start.col}:${original}`)}`;
  const filler = original.replace(/[^\n]/g, " ");
  const firstBreak = filler.indexOf("\n");
  return call + filler.slice(Math.min(call.length, firstBreak === -1 ? filler.length : firstBreak));
}

/** The end of the mustache whose content starts at `from`: the first `}}` outside strings and brackets. */
function closingOf(source: string, from: number): number {
  let depth = 0;
  let quote = "";
  for (let i = from; i < source.length; i++) {
    const c = source.charAt(i);
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
    } else if (c === "'" || c === '"') quote = c;
    else if ("([{".includes(c)) depth++;
    else if (depth > 0 && ")]}".includes(c)) depth--;
    else if (c === "}" && source.charAt(i + 1) === "}") return i;
  }
  return -1;
}

function positionOf(source: string, offset: number): At {
  const before = source.slice(0, offset);
  const line = before.split("\n").length;
  return { line, col: offset - before.lastIndexOf("\n") };
}

const BLOCK_OPENERS = /^#(if|unless|each)(\s+)/;

/** Rewrites a template's Ansible expressions into `__j` calls; an expression that is neither syntax is an error. */
export function rewriteJinja(source: string): { ok: true; text: string } | { ok: false; message: string } {
  let out = "";
  let at = 0;
  for (let open = source.indexOf("{{", at); open !== -1; open = source.indexOf("{{", at)) {
    const triple = source.charAt(open + 2) === "{";
    const close = triple ? source.indexOf("}}}", open + 3) + 1 : closingOf(source, open + 2);
    if (close <= 0) break;
    const escaped = open > 0 && source.charAt(open - 1) === "\\";
    // Jinja's whitespace control (`{{-`, `-}}`) is Handlebars' `~`: it strips the whitespace beside it.
    const [left, right] = triple || escaped ? [false, false] : trims(source, open + 2, close);
    const from = open + 2 + (left ? 1 : 0);
    const inner = source.slice(from, close - (right ? 1 : 0));
    const rewritten = escaped || triple ? inner : rewriteMustache(source, inner, from);
    if (typeof rewritten !== "string") return rewritten;
    out += `${source.slice(at, open + 2)}${left ? "~" : ""}${rewritten}${right ? "~" : ""}`;
    out += "}}";
    at = close + 2;
  }
  return { ok: true, text: out + source.slice(at) };
}

/** Whether an expression between `start` and `end` opens with Jinja's `-` and closes with it. A `-}}`
 * needs the space before it (`{{ a -}}`), so `{{ a-1}}` stays a subtraction; `{{-` is always a trim, as in
 * Jinja. Handlebars' own `{{~`/`~}}` are left to Handlebars. */
function trims(source: string, start: number, end: number): [boolean, boolean] {
  const left = source.charAt(start) === "-";
  const right = end - 1 > start && source.charAt(end - 1) === "-" && /\s/.test(source.charAt(end - 2));
  return [left, right];
}

function rewriteMustache(source: string, inner: string, offset: number): string | { ok: false; message: string } {
  const block = BLOCK_OPENERS.exec(inner);
  const skip = block ? block[0].length : 0;
  if (!block && /^~|^[#/^!>&*]|^\s*else\b|~\s*$/.test(inner)) return inner;
  const params = block ? /\s+as\s*\|[^|]*\|\s*$/.exec(inner.slice(skip)) : null;
  const text = inner.slice(skip, params ? inner.length - params[0].length : inner.length);
  const start = positionOf(source, offset + skip);
  const reading = readExpression(text, start);
  if (reading.kind === "handlebars") return inner;
  if (reading.kind === "error") return { ok: false, message: `template syntax error: ${reading.message}` };
  const call = placeholder(reading.expr, text, start);
  if (!block) return call;
  const padding = " ".repeat(Math.max(0, call.length - call.trimEnd().length - 2));
  return `${inner.slice(0, skip)}(${call.trimEnd()})${padding}${params?.[0] ?? ""}`;
}
