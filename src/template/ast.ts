// Small helpers over Handlebars' syntax tree: parsing with friendly errors (with hints for Jinja2
// habits), turning a mustache into a value expression, printing an expression back for messages.
import Handlebars from "handlebars";

type Expr = hbs.AST.Expression;

/** Parses a template; a syntax error comes back as a message with a hint when Jinja2 was written. */
export function parseTemplate(
  source: string,
): { ok: true; ast: hbs.AST.Program } | { ok: false; message: string } {
  const jinja = jinjaHint(source);
  if (source.includes("{%"))
    return {
      ok: false,
      message: `template syntax error: ${jinja ?? "Jinja2 statements ({% %}) are not supported; use {{#if}} and {{#each}} blocks"}`,
    };
  try {
    return { ok: true, ast: Handlebars.parse(source) };
  } catch (err) {
    const first = String((err as Error).message).split("\n");
    const detail = first[first.length - 1] ?? "";
    return { ok: false, message: `template syntax error: ${jinja ?? detail}` };
  }
}

/** A hint for Jinja2 syntax that Handlebars does not have, or undefined. */
export function jinjaHint(source: string): string | undefined {
  const inside = [...source.matchAll(/\{\{(.*?)\}\}/gs)].map((m) => m[1] ?? "").join(" ");
  const text = inside || source;
  if (/\{%/.test(source))
    return "Jinja2 statements ({% %}) are not supported; use {{#if}} and {{#each}} blocks";
  if (/\|\s*[a-z_]/.test(text))
    return "Jinja2 filters ('| name') are not supported; use helpers, e.g. (default x 'y') or (join list ',')";
  if (/\bis\s+(not\s+)?(defined|undefined|none)\b/.test(text))
    return "Jinja2 tests ('is defined') are not supported; use (defined x) or (not (defined x))";
  if (/==|!=|<=|>=|\s[<>]\s/.test(text))
    return "Jinja2 operators are not supported; use (eq a b), (ne a b), (lt a b), (gt a b)";
  if (/\s(and|or|in)\s/.test(` ${text} `) || /^\s*not\s/.test(text))
    return "Jinja2 operators are not supported; use (and a b), (or a b), (not a), (in item list)";
  if (/\w\[\s*['"\d]/.test(text))
    return "Jinja2 subscripts (x['k'], x[0]) are not supported; use x.k, x.[0] or (lookup x 'k')";
  return undefined;
}

/** The expression a mustache evaluates: a helper call becomes a sub-expression, else its path or literal. */
export function mustacheValue(m: hbs.AST.MustacheStatement): Expr {
  const hasArgs = m.params.length > 0 || (m.hash?.pairs.length ?? 0) > 0;
  if (hasArgs && m.path.type === "PathExpression") {
    const sub: hbs.AST.SubExpression = {
      type: "SubExpression",
      path: m.path as hbs.AST.PathExpression,
      params: m.params,
      hash: m.hash,
      loc: m.loc,
    };
    return sub;
  }
  return m.path;
}

/** The single mustache of a template that is only `{{ expr }}` (whitespace aside), else undefined. */
export function soleMustache(ast: hbs.AST.Program): hbs.AST.MustacheStatement | undefined {
  const parts = ast.body.filter(
    (s) => !(s.type === "ContentStatement" && (s as hbs.AST.ContentStatement).value.trim() === ""),
  );
  const only = parts[0];
  return parts.length === 1 && only?.type === "MustacheStatement"
    ? (only as hbs.AST.MustacheStatement)
    : undefined;
}

/** Parses a condition (`is_primary`, `(eq a b)`, `eq a b`, `not x`) into one value expression. */
export function parseCondition(expr: string): { ok: true; value: Expr } | { ok: false; message: string } {
  const parsed = parseTemplate(`{{__condition ${expr}}}`);
  if (!parsed.ok)
    return { ok: false, message: parsed.message.replace("template syntax error", "condition syntax error") };
  const m = parsed.ast.body[0] as hbs.AST.MustacheStatement | undefined;
  if (!m || parsed.ast.body.length !== 1 || m.type !== "MustacheStatement") {
    return { ok: false, message: "condition syntax error: a condition is one expression, without {{ }}" };
  }
  const hashPairs = m.hash?.pairs.length ?? 0;
  const [head, ...rest] = m.params;
  if (!head) return { ok: false, message: "condition syntax error: empty condition" };
  if (rest.length === 0 && hashPairs === 0) return { ok: true, value: head };
  if (head.type !== "PathExpression")
    return { ok: false, message: `condition syntax error: '${expr}' is not one expression` };
  const sub: hbs.AST.SubExpression = {
    type: "SubExpression",
    path: head as hbs.AST.PathExpression,
    params: rest,
    hash: m.hash,
    loc: m.loc,
  };
  return { ok: true, value: sub };
}

/** Prints an expression back in Handlebars syntax, for error messages. */
export function printExpr(e: Expr | hbs.AST.PathExpression): string {
  switch (e.type) {
    case "PathExpression":
      return (e as hbs.AST.PathExpression).original;
    case "SubExpression": {
      const s = e as hbs.AST.SubExpression;
      const args = [
        ...s.params.map(printExpr),
        ...(s.hash?.pairs ?? []).map((p) => `${p.key}=${printExpr(p.value)}`),
      ];
      return `(${[s.path.original, ...args].join(" ")})`;
    }
    case "StringLiteral":
      return `'${(e as hbs.AST.StringLiteral).value}'`;
    default:
      return String((e as unknown as { original: unknown }).original);
  }
}
