// Small helpers over Handlebars' syntax tree: parsing (Ansible's expressions inside become `__j` calls)
// with friendly errors, turning a mustache into a value expression, printing an expression back.
import { handlebars } from "./handlebars.js";
import { jinjaValue, readExpression, rewriteJinja } from "./jinja-mustache.js";

type Expr = hbs.AST.Expression;

/** Parses a template (Ansible's expressions inside become `__j` calls); a syntax error comes back as a
 * message, with a hint when Jinja2 statements were written. */
export function parseTemplate(source: string): { ok: true; ast: hbs.AST.Program } | { ok: false; message: string } {
  const jinja = jinjaHint(source);
  if (jinja) return { ok: false, message: `template syntax error: ${jinja}` };
  const rewritten = rewriteJinja(source);
  if (!rewritten.ok) return rewritten;
  return parseHandlebars(rewritten.text);
}

/** Handlebars' own parse, with its error as one line. */
function parseHandlebars(text: string): { ok: true; ast: hbs.AST.Program } | { ok: false; message: string } {
  try {
    return { ok: true, ast: handlebars().parse(text) };
  } catch (err) {
    const lines = String((err as Error).message).split("\n");
    return { ok: false, message: `template syntax error: ${lines[lines.length - 1] ?? ""}` };
  }
}

/** A hint for Jinja2 syntax that gocd-bc does not read (statements), or undefined. */
export function jinjaHint(source: string): string | undefined {
  if (/\{%/.test(source)) return "Jinja2 statements ({% %}) are not supported; use {{#if}} and {{#each}} blocks";
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
  return parts.length === 1 && only?.type === "MustacheStatement" ? (only as hbs.AST.MustacheStatement) : undefined;
}

/** Parses a condition (`is_primary`, `(eq a b)`, `eq a b`, `not x`) into one value expression. */
export function parseCondition(expr: string): { ok: true; value: Expr } | { ok: false; message: string } {
  const jinja = jinjaHint(expr);
  if (jinja) return { ok: false, message: `condition syntax error: ${jinja}` };
  const reading = readExpression(expr, { line: 1, col: 1 });
  if (reading.kind === "jinja") return { ok: true, value: jinjaValue(reading.expr, expr, { line: 1, col: 1 }) };
  if (reading.kind === "error") return { ok: false, message: `condition syntax error: ${reading.message}` };
  const parsed = parseHandlebars(`{{__condition ${expr}}}`);
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
      const args = [...s.params.map(printExpr), ...(s.hash?.pairs ?? []).map((p) => `${p.key}=${printExpr(p.value)}`)];
      return `(${[s.path.original, ...args].join(" ")})`;
    }
    case "StringLiteral":
      return `'${(e as hbs.AST.StringLiteral).value}'`;
    default:
      return String((e as unknown as { original: unknown }).original);
  }
}
