// Static reading of Ansible's expressions for validation: the variables they use, except where
// `is defined`, `default` or a guarding `and`/`if`/`or` makes a missing one harmless, and the
// filters, tests and functions they name that do not exist.
import { didYouMean } from "../schema/suggest.js";
import { CALLABLE_NAMES, headOf, pathText } from "./jinja-eval.js";
import { filterName, FILTERS, LENIENT_FILTERS } from "./jinja-filters.js";
import type { JExpr } from "./jinja-parse.js";
import { LENIENT_TESTS, testName, TESTS } from "./jinja-tests.js";

/** A variable an expression uses: its top-level name, the path as written, where (1-based). */
export interface JinjaRef {
  readonly name: string;
  readonly path: string;
  readonly line: number;
  readonly col: number;
}

/** What names mean where the expression stands. */
export interface JinjaScope {
  /** Names bound by `{{#each ... as |x|}}`: not variables. */
  readonly bound: ReadonlySet<string>;
  /** Names known to exist here (inside `{{#if x}}`, after `x is defined and`). */
  readonly guarded: ReadonlySet<string>;
  /** Inside `{{#each}}` without block params, names are the item's keys: not checked. */
  readonly itemContext: boolean;
}

/** The variables and the problems (unknown filters, tests, functions) of one expression. */
export function analyzeJinja(e: JExpr, scope: JinjaScope): { refs: JinjaRef[]; problems: string[] } {
  const out = { refs: [] as JinjaRef[], problems: [] as string[] };
  walk(e, scope, out);
  return out;
}

type Out = { refs: JinjaRef[]; problems: string[] };

function with_(scope: JinjaScope, names: ReadonlySet<string>): JinjaScope {
  return names.size === 0 ? scope : { ...scope, guarded: new Set([...scope.guarded, ...names]) };
}

/** Names that exist when `e` is true: `x`, `x is defined`, `x is not undefined`, and both sides of `and`. */
export function guardsWhenTrue(e: JExpr): Set<string> {
  if (e.kind === "binary" && e.op === "and") return new Set([...guardsWhenTrue(e.left), ...guardsWhenTrue(e.right)]);
  if (e.kind === "not") return guardsWhenFalse(e.operand);
  const head =
    e.kind === "test" && testName(e.name) === "defined" ? headOf(e.operand) : e.kind === "name" ? e : undefined;
  return new Set(head ? [head.name] : []);
}

/** Names that exist when `e` is false: `x is undefined`, `x is not defined`, and both sides of `or`. */
export function guardsWhenFalse(e: JExpr): Set<string> {
  if (e.kind === "binary" && e.op === "or") return new Set([...guardsWhenFalse(e.left), ...guardsWhenFalse(e.right)]);
  if (e.kind === "not") return guardsWhenTrue(e.operand);
  const head = e.kind === "test" && testName(e.name) === "undefined" ? headOf(e.operand) : undefined;
  return new Set(head ? [head.name] : []);
}

function walkPath(e: JExpr, scope: JinjaScope, out: Out, optional: boolean): void {
  const head = headOf(e);
  if (!head) {
    // A path off a computed value (`(x | default({})).k`, `f(y)[0]`): the value's own variables are the
    // references, and walking `e` itself again would never end.
    if (e.kind !== "attr") return walk(e, scope, out);
    walk(e.target, scope, out);
    if (e.key.kind !== "literal") walk(e.key, scope, out);
    return;
  }
  for (let n: JExpr = e; n.kind === "attr"; n = n.target) if (n.key.kind !== "literal") walk(n.key, scope, out);
  if (optional || scope.itemContext || scope.bound.has(head.name) || scope.guarded.has(head.name)) return;
  out.refs.push({ name: head.name, path: pathText(e), line: head.at.line, col: head.at.col });
}

function checkName(kind: "filter" | "test", name: string, known: Record<string, unknown>, out: Out): void {
  const own = kind === "filter" ? filterName(name) : testName(name);
  if (!Object.hasOwn(known, own)) out.problems.push(`unknown ${kind} '${name}'${didYouMean(own, Object.keys(known))}`);
}

function walkAll(list: readonly JExpr[], scope: JinjaScope, out: Out): void {
  for (const x of list) walk(x, scope, out);
}

function walk(e: JExpr, scope: JinjaScope, out: Out): void {
  switch (e.kind) {
    case "literal":
      return;
    case "name":
    case "attr":
      return walkPath(e, scope, out, false);
    case "list":
      return walkAll(e.items, scope, out);
    case "dict":
      return walkAll(e.pairs.flat(), scope, out);
    case "not":
    case "neg":
    case "pos":
      return walk(e.operand, scope, out);
    case "compare":
      return walkAll([e.first, ...e.rest.map((r) => r.expr)], scope, out);
    case "binary":
      walk(e.left, scope, out);
      if (e.op === "and") return walk(e.right, with_(scope, guardsWhenTrue(e.left)), out);
      if (e.op === "or") return walk(e.right, with_(scope, guardsWhenFalse(e.left)), out);
      return walk(e.right, scope, out);
    case "if":
      walk(e.cond, scope, out);
      walk(e.then, with_(scope, guardsWhenTrue(e.cond)), out);
      if (e.otherwise) walk(e.otherwise, with_(scope, guardsWhenFalse(e.cond)), out);
      return;
    case "test":
      checkName("test", e.name, TESTS, out);
      walkPath(e.operand, scope, out, LENIENT_TESTS.has(testName(e.name)));
      return walkAll(e.args, scope, out);
    case "filter":
      checkName("filter", e.name, FILTERS, out);
      walkNamedArgs(e, out);
      walkPath(e.input, scope, out, LENIENT_FILTERS.has(filterName(e.name)));
      return walkAll([...e.args, ...Object.values(e.kwargs)], scope, out);
    case "call":
      return walkCall(e, scope, out);
  }
}

/** `map('lower')`, `select('defined')`, `selectattr('a', 'eq', 1)` name a filter or a test: check it. */
function walkNamedArgs(e: Extract<JExpr, { kind: "filter" }>, out: Out): void {
  const name = filterName(e.name);
  const at = name === "selectattr" || name === "rejectattr" ? 1 : 0;
  const given = e.args[at];
  if (given?.kind !== "literal" || typeof given.value !== "string") return;
  if (name === "map") checkName("filter", given.value, FILTERS, out);
  if (["select", "reject", "selectattr", "rejectattr"].includes(name)) checkName("test", given.value, TESTS, out);
}

function walkCall(e: Extract<JExpr, { kind: "call" }>, scope: JinjaScope, out: Out): void {
  if (e.callee.kind === "name") {
    const name = e.callee.name;
    if (["lookup", "query", "q"].includes(name))
      out.problems.push(`${name}(): lookup plugins are not supported; use include_vars or template`);
    else if (!CALLABLE_NAMES.has(name)) out.problems.push(`unknown function '${name}'`);
  } else if (e.callee.kind === "attr") {
    const key = e.callee.key;
    if (key.kind === "literal" && !CALLABLE_NAMES.has(String(key.value)))
      out.problems.push(`unknown method '${String(key.value)}'`);
    walkPath(e.callee.target, scope, out, false);
  }
  walkAll([...e.args, ...Object.values(e.kwargs)], scope, out);
}
