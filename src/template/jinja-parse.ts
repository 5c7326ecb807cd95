// Ansible's expression syntax (Jinja2's expression grammar) read by nunjucks's parser, the only file
// that imports it: its syntax tree is turned at once into this module's own typed tree, with
// positions in the file, so the rest of the template layer never sees nunjucks's nodes. Only its parser
// is loaded (not its environment, compiler and loaders), and only when an expression is first parsed.
import { createRequire } from "node:module";

/** A position in the file (1-based line and column). */
export interface At {
  readonly line: number;
  readonly col: number;
}

/** Operators that take two operands; `and`/`or` return an operand, as in Python. */
export type BinaryOp = "and" | "or" | "in" | "~" | "+" | "-" | "*" | "/" | "//" | "%" | "**";
/** Comparison operators; `a < b < c` chains them. */
export type CompareOp = "==" | "!=" | "<" | ">" | "<=" | ">=";

/** Keyword arguments of a filter, test or call (`map(attribute='name')`). */
export type KwArgs = Readonly<Record<string, JExpr>>;

/** An expression: what `{{ }}` holds or a condition is. */
export type JExpr =
  | { readonly kind: "literal"; readonly value: unknown; readonly at: At }
  | { readonly kind: "name"; readonly name: string; readonly at: At }
  | { readonly kind: "attr"; readonly target: JExpr; readonly key: JExpr; readonly at: At }
  | { readonly kind: "list"; readonly items: readonly JExpr[]; readonly at: At }
  | { readonly kind: "dict"; readonly pairs: readonly (readonly [JExpr, JExpr])[]; readonly at: At }
  | { readonly kind: "not"; readonly operand: JExpr; readonly at: At }
  | { readonly kind: "neg" | "pos"; readonly operand: JExpr; readonly at: At }
  | { readonly kind: "binary"; readonly op: BinaryOp; readonly left: JExpr; readonly right: JExpr; readonly at: At }
  | {
      readonly kind: "compare";
      readonly first: JExpr;
      readonly rest: readonly { op: CompareOp; expr: JExpr }[];
      readonly at: At;
    }
  | {
      readonly kind: "test";
      readonly operand: JExpr;
      readonly name: string;
      readonly args: readonly JExpr[];
      readonly kwargs: KwArgs;
      readonly at: At;
    }
  | {
      readonly kind: "filter";
      readonly input: JExpr;
      readonly name: string;
      readonly args: readonly JExpr[];
      readonly kwargs: KwArgs;
      readonly at: At;
    }
  | {
      readonly kind: "call";
      readonly callee: JExpr;
      readonly args: readonly JExpr[];
      readonly kwargs: KwArgs;
      readonly at: At;
    }
  | { readonly kind: "if"; readonly cond: JExpr; readonly then: JExpr; readonly otherwise?: JExpr; readonly at: At };

/** A parsed expression, or why it is not one. */
export type JinjaParse = { ok: true; expr: JExpr } | { ok: false; message: string };

interface NjNode {
  readonly typename: string;
  readonly lineno: number;
  readonly colno: number;
  readonly [field: string]: unknown;
}

/** nunjucks's parser (what `nunjucks.parser` is), loaded on first use. */
interface NjParser {
  parse(src: string, ext: undefined, opts: object): NjNode;
}
let loadedParser: NjParser | undefined;
function parser(): NjParser {
  loadedParser ??= createRequire(import.meta.url)("nunjucks/src/parser") as NjParser;
  return loadedParser;
}
// Delimiters that cannot occur in a playbook's text, so `}}` inside a dict literal ends nothing.
const OPEN = "\u0001{";
const CLOSE = "}\u0001";
const TAGS = {
  variableStart: OPEN,
  variableEnd: CLOSE,
  blockStart: "\u0001%",
  blockEnd: "%\u0001",
  commentStart: "\u0001#",
  commentEnd: "#\u0001",
};
const BINARY: Readonly<Record<string, BinaryOp>> = {
  And: "and",
  Or: "or",
  In: "in",
  Concat: "~",
  Add: "+",
  Sub: "-",
  Mul: "*",
  Div: "/",
  FloorDiv: "//",
  Mod: "%",
  Pow: "**",
};
const CONSTANTS: Readonly<Record<string, unknown>> = {
  True: true,
  true: true,
  False: false,
  false: false,
  None: null,
  none: null,
};

// A backslash that Python keeps (`'\d+'` is backslash-d, as regular expressions need) but nunjucks
// would drop stands in as this character while parsing: one character for one, so positions hold.
const KEPT_BACKSLASH = "\ue000";
const PYTHON_ESCAPES = new Set(["\\", "'", '"', "n", "t", "r"]);

/** The source with each backslash that starts no Python escape inside a string literal marked. */
function markKeptBackslashes(source: string): string {
  let out = "";
  let quote = "";
  for (let i = 0; i < source.length; i++) {
    const c = source.charAt(i);
    if (quote && c === "\\") {
      const next = source.charAt(i + 1);
      out += PYTHON_ESCAPES.has(next) ? c + next : KEPT_BACKSLASH + next;
      i++;
      continue;
    }
    if (quote && c === quote) quote = "";
    else if (!quote && (c === "'" || c === '"')) quote = c;
    out += c;
  }
  return out;
}

/** Parses one expression written at `start` (where its first character is in the file). */
export function parseJinja(source: string, start: At = { line: 1, col: 1 }): JinjaParse {
  if (/[\u0001\ue000]/.test(source)) return { ok: false, message: "control character in an expression" };
  let root: NjNode;
  try {
    root = parser().parse(`${OPEN} ${markKeptBackslashes(source)} ${CLOSE}`, undefined, { tags: TAGS });
  } catch (err) {
    return { ok: false, message: parserMessage(err) };
  }
  const output = children(root)[0];
  const node = output && output.typename === "Output" ? children(output) : [];
  if (children(root).length !== 1 || node.length !== 1 || !node[0])
    return { ok: false, message: "expected one expression" };
  try {
    return { ok: true, expr: new Converter(start).expr(node[0]) };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

/** nunjucks's message in the words of an expression (its private delimiters never show). */
function parserMessage(err: unknown): string {
  const last =
    String((err as Error).message)
      .split("\n")
      .pop()
      ?.trim() ?? "";
  return (last || "syntax error")
    .replaceAll(CLOSE, "end of expression")
    .replaceAll("variable-end", "end of expression");
}

function children(n: NjNode): NjNode[] {
  return (n.children as NjNode[] | undefined) ?? [];
}

/** Turns nunjucks's nodes into {@link JExpr}, with positions made absolute. */
class Converter {
  constructor(private readonly start: At) {}

  at(n: NjNode): At {
    const offset = OPEN.length + 1;
    if (n.lineno === 0) return { line: this.start.line, col: this.start.col + Math.max(0, n.colno - offset) };
    return { line: this.start.line + n.lineno, col: n.colno + 1 };
  }

  expr(n: NjNode): JExpr {
    const at = this.at(n);
    const op = BINARY[n.typename];
    if (op) return { kind: "binary", op, left: this.expr(n.left as NjNode), right: this.expr(n.right as NjNode), at };
    switch (n.typename) {
      case "Literal":
        if (n.value instanceof RegExp) throw new Error("regular expression literals (r/.../) are not part of Jinja2");
        return {
          kind: "literal",
          value: typeof n.value === "string" ? n.value.replaceAll(KEPT_BACKSLASH, "\\") : n.value,
          at,
        };
      case "Symbol":
        return this.symbol(String(n.value), at);
      case "LookupVal":
        return { kind: "attr", target: this.expr(n.target as NjNode), key: this.expr(n.val as NjNode), at };
      case "Array":
        return { kind: "list", items: children(n).map((c) => this.expr(c)), at };
      case "Group":
        return this.group(n, at);
      case "Dict":
        return {
          kind: "dict",
          pairs: children(n).map((p) => [this.expr(p.key as NjNode), this.expr(p.value as NjNode)] as const),
          at,
        };
      case "Not":
        return { kind: "not", operand: this.expr(n.target as NjNode), at };
      case "Neg":
      case "Pos":
        return { kind: n.typename === "Neg" ? "neg" : "pos", operand: this.expr(n.target as NjNode), at };
      case "Compare":
        return this.compare(n, at);
      case "Is":
        return this.test(n, at);
      case "Filter":
        return this.filter(n, at);
      case "FunCall":
        return { kind: "call", callee: this.expr(n.name as NjNode), ...this.args(n.args as NjNode), at };
      case "InlineIf":
        return this.inlineIf(n, at);
      default:
        throw new Error(`'${n.typename}' is not supported in an expression`);
    }
  }

  symbol(name: string, at: At): JExpr {
    if (Object.hasOwn(CONSTANTS, name)) return { kind: "literal", value: CONSTANTS[name], at };
    return { kind: "name", name, at };
  }

  group(n: NjNode, at: At): JExpr {
    const items = children(n).map((c) => this.expr(c));
    return items.length === 1 && items[0] ? items[0] : { kind: "list", items, at };
  }

  compare(n: NjNode, at: At): JExpr {
    const ops = (n.ops as NjNode[]).map((o) => ({
      op: String(o.type) as CompareOp,
      expr: this.expr(o.expr as NjNode),
    }));
    if (ops.some((o) => !["==", "!=", "<", ">", "<=", ">="].includes(o.op)))
      throw new Error("'===' and '!==' are not Jinja2; use == and !=");
    return { kind: "compare", first: this.expr(n.expr as NjNode), rest: ops, at };
  }

  test(n: NjNode, at: At): JExpr {
    const operand = this.expr(n.left as NjNode);
    const right = n.right as NjNode;
    if (right.typename === "FunCall") {
      const name = String((right.name as NjNode).value);
      return { kind: "test", operand, name, ...this.args(right.args as NjNode), at };
    }
    const name = right.typename === "Literal" ? String(right.value ?? "none") : String(right.value);
    return { kind: "test", operand, name, args: [], kwargs: {}, at };
  }

  filter(n: NjNode, at: At): JExpr {
    const { args, kwargs } = this.args(n.args as NjNode);
    const [input, ...rest] = args;
    if (!input) throw new Error("a filter without input");
    return { kind: "filter", input, name: String((n.name as NjNode).value), args: rest, kwargs, at };
  }

  inlineIf(n: NjNode, at: At): JExpr {
    const otherwise = n.else_ ? this.expr(n.else_ as NjNode) : undefined;
    // biome-ignore lint/suspicious/noThenProperty: `then` is a branch, a node, never a function: no node is a thenable.
    return { kind: "if", cond: this.expr(n.cond as NjNode), then: this.expr(n.body as NjNode), otherwise, at };
  }

  args(list: NjNode): { args: JExpr[]; kwargs: KwArgs } {
    const args: JExpr[] = [];
    const kwargs: Record<string, JExpr> = {};
    for (const c of children(list)) {
      if (c.typename !== "KeywordArgs") {
        args.push(this.expr(c));
        continue;
      }
      for (const pair of children(c)) kwargs[String((pair.key as NjNode).value)] = this.expr(pair.value as NjNode);
    }
    return { args, kwargs };
  }
}
