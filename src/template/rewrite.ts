// Rewrites a parsed template so every variable lookup goes through `__get` (which returns an
// Undefined marker instead of guessing) and every output through `__out` (which refuses undefined and
// prints lists and mappings as JSON). Paths bound by `{{#each x as |item|}}`, `@data`, `../` and
// `this` are left to Handlebars.

type Expr = hbs.AST.Expression;

let isHelper: (name: string) => boolean = () => true;

/** Tells the rewriter which names are helpers; calling anything else is an error, not a method call. */
export function setHelperCheck(check: (name: string) => boolean): void {
  isHelper = check;
}

function helperPath(name: string, loc: hbs.AST.SourceLocation): hbs.AST.PathExpression {
  return { type: "PathExpression", data: false, depth: 0, parts: [name], original: name, loc };
}

function stringLit(value: string, loc: hbs.AST.SourceLocation): hbs.AST.StringLiteral {
  return { type: "StringLiteral", value, original: value, loc };
}

/** True when a path is a plain variable lookup in the current context (the kind `__get` handles). */
export function isVariablePath(p: hbs.AST.PathExpression, blockParams: ReadonlySet<string>): boolean {
  const head = p.parts[0];
  return !p.data && p.depth === 0 && head !== undefined && !p.original.startsWith("this") && !blockParams.has(head);
}

/** Rewrites one value expression: variable paths become `(__get 'a.b' 'a' 'b')`, recursively. */
export function rewriteExpr(e: Expr, blockParams: ReadonlySet<string>): Expr {
  if (e.type === "PathExpression") {
    const p = e as hbs.AST.PathExpression;
    if (!isVariablePath(p, blockParams)) return p;
    const get: hbs.AST.SubExpression = {
      type: "SubExpression",
      path: helperPath("__get", p.loc),
      params: [stringLit(p.original, p.loc), ...p.parts.map((part) => stringLit(part, p.loc))],
      hash: positionHash(p.loc),
      loc: p.loc,
    };
    return get;
  }
  if (e.type === "SubExpression") {
    const s = e as hbs.AST.SubExpression;
    if (!isHelper(s.path.original)) throw new Error(`unknown helper '${s.path.original}'`);
    const out: hbs.AST.SubExpression = {
      ...s,
      params: s.params.map((x) => rewriteExpr(x, blockParams)),
      hash: s.path.original === "__j" ? boundNames(blockParams, s.loc) : rewriteHash(s.hash, blockParams),
    };
    return out;
  }
  return e;
}

/** Block params in scope handed to an Ansible expression (`__j`) as hash pairs, since only
 * Handlebars itself can resolve them. */
function boundNames(blockParams: ReadonlySet<string>, loc: hbs.AST.SourceLocation): hbs.AST.Hash {
  const pairs = [...blockParams].map((name): hbs.AST.HashPair => {
    const value: hbs.AST.PathExpression = {
      type: "PathExpression",
      data: false,
      depth: 0,
      parts: [name],
      original: name,
      loc,
    };
    return { type: "HashPair", key: name, value, loc };
  });
  return { type: "Hash", pairs, loc };
}

function numberLit(value: number, loc: hbs.AST.SourceLocation): hbs.AST.NumberLiteral {
  return { type: "NumberLiteral", value, original: value, loc };
}

function positionHash(loc: hbs.AST.SourceLocation): hbs.AST.Hash {
  const pair = (key: string, value: number): hbs.AST.HashPair => ({
    type: "HashPair",
    key,
    value: numberLit(value, loc),
    loc,
  });
  return { type: "Hash", pairs: [pair("line", loc.start.line), pair("col", loc.start.column + 1)], loc };
}

function rewriteHash(hash: hbs.AST.Hash | undefined, blockParams: ReadonlySet<string>): hbs.AST.Hash {
  if (!hash) return hash as unknown as hbs.AST.Hash;
  return { ...hash, pairs: hash.pairs.map((p) => ({ ...p, value: rewriteExpr(p.value, blockParams) })) };
}

/** A mustache that outputs (or, with `__capture`, returns) the value of an expression. */
export function outputStatement(
  helper: "__out" | "__capture",
  value: Expr,
  source: hbs.AST.Node,
  text: string,
): hbs.AST.MustacheStatement {
  const hash: hbs.AST.Hash = {
    type: "Hash",
    pairs: [{ type: "HashPair", key: "expr", value: stringLit(text, source.loc), loc: source.loc }],
    loc: source.loc,
  };
  return {
    type: "MustacheStatement",
    path: helperPath(helper, source.loc),
    params: [value],
    hash,
    escaped: false,
    strip: { open: false, close: false },
    loc: source.loc,
  };
}

/** Rewrites a whole template body (statements, blocks and their bodies) for strict rendering. */
export function rewriteProgram(
  program: hbs.AST.Program,
  blockParams: ReadonlySet<string>,
  print: (e: Expr) => string,
  expressionOf: (m: hbs.AST.MustacheStatement) => Expr,
): hbs.AST.Program {
  const body = program.body.map((s): hbs.AST.Statement => {
    if (s.type === "MustacheStatement") {
      const m = s as hbs.AST.MustacheStatement;
      const value = expressionOf(m);
      const out: hbs.AST.MustacheStatement = {
        ...outputStatement("__out", rewriteExpr(value, blockParams), m, print(value)),
        strip: m.strip,
      };
      return out;
    }
    if (s.type === "BlockStatement") {
      const b = s as hbs.AST.BlockStatement;
      const inner = new Set([...blockParams, ...(b.program?.blockParams ?? [])]);
      const block: hbs.AST.BlockStatement = {
        ...b,
        params: b.params.map((x) => rewriteExpr(x, blockParams)),
        hash: rewriteHash(b.hash, blockParams),
        program: b.program && rewriteProgram(b.program, inner, print, expressionOf),
        inverse: b.inverse && rewriteProgram(b.inverse, blockParams, print, expressionOf),
      };
      return block;
    }
    return s;
  });
  return { ...program, body };
}
