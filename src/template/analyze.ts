// Static reading of templates and conditions, for validation before any host is touched: which
// variables they use (so undefined ones are caught at load time) and which helpers they call.
import { didYouMean } from "../schema/suggest.js";
import { jinjaHint, mustacheValue, parseCondition, parseTemplate } from "./ast.js";
import { BLOCK_HELPERS, HELPERS } from "./helpers.js";
import { isVariablePath } from "./rewrite.js";
import { analyzeJinja, guardsWhenTrue } from "./jinja-analyze.js";
import { JINJA_HELPER, jinjaExpr } from "./jinja-mustache.js";

/** A variable used by a template: its top-level name, the path as written, and where (1-based). */
export interface TemplateRef {
  readonly name: string;
  readonly path: string;
  readonly line: number;
  readonly col: number;
}

/** What a template uses, or why it cannot be read. `problems` are unknown helpers and the like. */
export type Analysis = { ok: true; refs: TemplateRef[]; problems: string[] } | { ok: false; message: string };

interface Scope {
  readonly blockParams: ReadonlySet<string>;
  /** Names known to exist here, e.g. inside `{{#if (defined x)}}`. */
  readonly guarded: ReadonlySet<string>;
  /** Inside `#each`/`#with` without block params the context is the item: only @root paths are ours. */
  readonly itemContext: boolean;
}

type Expr = hbs.AST.Expression;

class Walker {
  readonly refs: TemplateRef[] = [];
  readonly problems: string[] = [];
  constructor(private readonly source: string) {}

  expr(e: Expr, scope: Scope): void {
    if (e.type === "PathExpression") this.path(e as hbs.AST.PathExpression, scope);
    else if (e.type === "SubExpression") this.call(e as hbs.AST.SubExpression, scope);
  }

  path(p: hbs.AST.PathExpression, scope: Scope): void {
    const at = { line: p.loc.start.line, col: p.loc.start.column + 1 };
    if (p.data && p.parts[0] === "root" && p.parts.length > 1) {
      this.refs.push({ name: p.parts[1] ?? "", path: p.parts.slice(1).join("."), ...at });
    } else if (isVariablePath(p, scope.blockParams) && !scope.itemContext && !scope.guarded.has(p.parts[0] ?? "")) {
      this.refs.push({ name: p.parts[0] ?? "", path: p.original, ...at });
    }
  }

  call(s: hbs.AST.SubExpression, scope: Scope): void {
    const name = s.path.original;
    if (name === JINJA_HELPER) return this.jinja(s, scope);
    if (!(name in HELPERS)) {
      const hint = jinjaHint(`{{${this.source}}}`) ?? jinjaHint(this.source);
      this.problems.push(`unknown helper '${name}'${hint ? `: ${hint}` : didYouMean(name, Object.keys(HELPERS))}`);
      return;
    }
    let inner = scope;
    s.params.forEach((param, i) => {
      const optional = (name === "default" || name === "defined") && i === 0 && param.type === "PathExpression";
      if (!optional) this.expr(param, inner);
      if (name === "and" || name === "ternary") inner = withGuard(inner, guardOf(param));
    });
    for (const pair of s.hash?.pairs ?? []) this.expr(pair.value, scope);
  }

  /** An Ansible expression: its variables (positions are already the file's) and unknown names. */
  jinja(s: hbs.AST.SubExpression, scope: Scope): void {
    const expr = jinjaExpr(Number((s.params[0] as hbs.AST.NumberLiteral).value));
    const found = analyzeJinja(expr, {
      bound: scope.blockParams,
      guarded: scope.guarded,
      itemContext: scope.itemContext,
    });
    this.refs.push(...found.refs);
    this.problems.push(...found.problems);
  }

  program(prog: hbs.AST.Program | undefined, scope: Scope): void {
    for (const st of prog?.body ?? []) this.statement(st, scope);
  }

  statement(st: hbs.AST.Statement, scope: Scope): void {
    if (st.type === "MustacheStatement") {
      this.expr(mustacheValue(st as hbs.AST.MustacheStatement), scope);
    } else if (st.type === "BlockStatement") {
      this.block(st as hbs.AST.BlockStatement, scope);
    } else if (st.type === "PartialStatement" || st.type === "PartialBlockStatement" || st.type === "DecoratorBlock") {
      this.problems.push("partials and decorators are not supported in templates");
    }
  }

  block(b: hbs.AST.BlockStatement, scope: Scope): void {
    const name = b.path.original;
    if (!BLOCK_HELPERS.has(name))
      this.problems.push(`unknown block helper '#${name}'${didYouMean(name, BLOCK_HELPERS)}`);
    for (const p of b.params) this.expr(p, scope);
    const params = b.program?.blockParams ?? [];
    let body: Scope = { ...scope, blockParams: new Set([...scope.blockParams, ...params]) };
    if ((name === "each" || name === "with") && params.length === 0) body = { ...body, itemContext: true };
    if (name === "if" && b.params[0]) body = withGuard(body, guardOf(b.params[0]));
    this.program(b.program, body);
    this.program(b.inverse, scope);
  }
}

function guardOf(e: Expr): string | undefined {
  if (e.type === "PathExpression") return (e as hbs.AST.PathExpression).parts[0];
  if (e.type === "SubExpression") {
    const s = e as hbs.AST.SubExpression;
    if (s.path.original === JINJA_HELPER)
      return [...guardsWhenTrue(jinjaExpr(Number((s.params[0] as hbs.AST.NumberLiteral).value)))][0];
    const first = s.params[0];
    if (s.path.original === "defined" && first?.type === "PathExpression")
      return (first as hbs.AST.PathExpression).parts[0];
  }
  return undefined;
}

function withGuard(scope: Scope, name: string | undefined): Scope {
  return name === undefined ? scope : { ...scope, guarded: new Set([...scope.guarded, name]) };
}

const TOP: Scope = { blockParams: new Set(), guarded: new Set(), itemContext: false };

/** Reads a template (a playbook string or a template file) without rendering it. */
export function analyzeTemplate(source: string): Analysis {
  if (!source.includes("{{") && !source.includes("{%")) return { ok: true, refs: [], problems: [] };
  const parsed = parseTemplate(source);
  if (!parsed.ok) return parsed;
  const w = new Walker(source);
  w.program(parsed.ast, TOP);
  return { ok: true, refs: w.refs, problems: w.problems };
}

/** Reads a condition (`when`, `changed_when`, `failed_when`, `until`, `assert.that`). */
export function analyzeCondition(cond: string | boolean): Analysis {
  // Not a string: a boolean, or a value of the wrong type that the schema check reports on its own.
  if (typeof cond !== "string") return { ok: true, refs: [], problems: [] };
  if (cond.includes("{{")) return analyzeTemplate(cond);
  const parsed = parseCondition(cond);
  if (!parsed.ok) return parsed;
  const w = new Walker(cond);
  w.expr(parsed.value, TOP);
  return { ok: true, refs: w.refs, problems: w.problems };
}

/** Names a condition guarantees are defined when it holds (`x is defined`, `(defined x)`, `x`), so
 * the later items of a condition list may use them, as Ansible stops at the first false item. */
export function conditionGuards(cond: string | boolean): string[] {
  if (typeof cond !== "string" || cond.includes("{{")) return [];
  const parsed = parseCondition(cond);
  if (!parsed.ok) return [];
  const v = parsed.value;
  if (v.type === "SubExpression" && (v as hbs.AST.SubExpression).path.original === JINJA_HELPER) {
    return [
      ...guardsWhenTrue(jinjaExpr(Number(((v as hbs.AST.SubExpression).params[0] as hbs.AST.NumberLiteral).value))),
    ];
  }
  const one = guardOf(v);
  return one === undefined ? [] : [one];
}
