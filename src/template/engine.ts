// Renders templates and evaluates conditions with Handlebars, strictly: an undefined variable is an
// error naming the variable, the task and the file:line:column, never an empty string. A string that
// is only `{{ expr }}` keeps its value's type (a list stays a list), as in Ansible. No HTML escaping.
import type Handlebars from "handlebars";
import { TemplateError, type SourceLoc } from "../errors.js";
import { jinjaHint, mustacheValue, parseCondition, parseTemplate, printExpr, soleMustache } from "./ast.js";
import { handlebars } from "./handlebars.js";
import { HELPERS, LENIENT_HELPERS } from "./helpers.js";
import { evaluate, type JScope } from "./jinja-eval.js";
import { JINJA_HELPER, jinjaExpr } from "./jinja-mustache.js";
import { outputStatement, rewriteExpr, rewriteProgram, setHelperCheck } from "./rewrite.js";
import { defined, isFalsy, lookupPath, Undefined, UndefinedVariableError } from "./undefined.js";

/** Variables by name, as templates see them. */
export type TemplateVars = Record<string, unknown>;

/** Where a template comes from, for error messages: its location, document path and task. */
export interface RenderContext {
  readonly loc: SourceLoc;
  readonly path?: string;
  readonly task?: string;
  /** For template files: positions inside the template are file positions (line 1 is line 1). */
  readonly wholeFile?: boolean;
}

/** A condition as written: an expression, a boolean, or a list that must all hold. */
export type Condition = string | boolean | readonly (string | boolean)[];

type HelperOptions = {
  hash: Record<string, unknown>;
  data: { box?: { value?: unknown } };
  fn: (ctx: unknown) => string;
  inverse: (ctx: unknown) => string;
};

let environment: typeof Handlebars | undefined;

/** gocd-bc's own Handlebars environment (its helpers, strict about undefined values), made on first use. */
function hbEnv(): typeof Handlebars {
  if (environment) return environment;
  const hb = handlebars().create();
  const builtinEach = hb.helpers.each as (...args: unknown[]) => unknown;
  const builtinWith = hb.helpers.with as (...args: unknown[]) => unknown;

  for (const [name, fn] of Object.entries(HELPERS)) {
    const lenient = LENIENT_HELPERS.has(name);
    hb.registerHelper(name, (...args: unknown[]) => {
      const options = args.pop() as HelperOptions;
      if (!lenient) for (const a of [...args, ...Object.values(options.hash)]) defined(a);
      return fn(...args);
    });
  }
  hb.registerHelper("__get", function (this: unknown, original: string, ...rest: unknown[]) {
    const options = rest.pop() as HelperOptions;
    const at = { line: Number(options.hash.line), col: Number(options.hash.col) };
    const parts = rest as string[];
    const head = parts[0];
    if (head !== undefined && isLazy(this, head)) {
      return lookupPath({ [head]: resolveLazy(this as TemplateVars, head) }, parts, original, at);
    }
    return lookupPath(this, parts, original, at);
  });
  hb.registerHelper("__out", (value: unknown, options: HelperOptions) => {
    const expr = String(options.hash.expr);
    if (value === undefined) throw new UndefinedVariableError(new Undefined(expr, expr));
    return printValue(defined(value));
  });
  hb.registerHelper("__capture", (value: unknown, options: HelperOptions) => {
    const expr = String(options.hash.expr);
    if (value === undefined) throw new UndefinedVariableError(new Undefined(expr, expr));
    if (options.data.box) options.data.box.value = defined(value);
    return "";
  });
  hb.registerHelper("if", function (this: unknown, cond: unknown, options: HelperOptions) {
    return isFalsy(cond) ? options.inverse(this) : options.fn(this);
  });
  hb.registerHelper("unless", function (this: unknown, cond: unknown, options: HelperOptions) {
    return isFalsy(cond) ? options.fn(this) : options.inverse(this);
  });
  hb.registerHelper("each", function (this: unknown, list: unknown, options: HelperOptions) {
    return builtinEach.call(this, defined(list), options);
  });
  hb.registerHelper("with", function (this: unknown, value: unknown, options: HelperOptions) {
    return builtinWith.call(this, defined(value), options);
  });

  hb.registerHelper(
    JINJA_HELPER,
    function (this: unknown, id: number, options: HelperOptions & { data: { root?: unknown } }) {
      return evaluate(jinjaExpr(id), scopeOf([this, options.data.root], options.hash));
    },
  );
  environment = hb;
  return hb;
}

/** Names as Ansible's expressions see them: block params first, then the context's variables
 * (inside `{{#each}}` the item's, then the template's), template-valued ones rendered on use; a
 * missing one is an Undefined at its position. */
function scopeOf(contexts: readonly unknown[], bound: Record<string, unknown>): JScope {
  const inContext = (context: unknown, name: string, at: { line: number; col: number }): unknown =>
    isLazy(context, name) ? resolveLazy(context as TemplateVars, name) : lookupPath(context, [name], name, at);
  return {
    lookup: (name, at) => {
      if (Object.hasOwn(bound, name)) return bound[name];
      let found: unknown;
      for (const context of new Set(contexts.filter((c) => c !== undefined))) {
        found = inContext(context, name, at);
        if (!(found instanceof Undefined)) return found;
      }
      return found ?? new Undefined(name, name, at);
    },
  };
}

setHelperCheck((name) => name === JINJA_HELPER || (Object.hasOwn(hbEnv().helpers, name) && !name.startsWith("__")));

function printValue(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

type Compiled = (vars: TemplateVars, box: { value?: unknown }) => string;
const cache = new Map<string, Compiled>();

function compile(key: string, build: () => hbs.AST.Program | string): Compiled {
  let fn = cache.get(key);
  if (!fn) {
    const ast = build();
    if (typeof ast === "string") throw new Error(ast);
    const tpl = hbEnv().compile(ast, { noEscape: true, strict: false });
    fn = (vars, box) => tpl(vars, { data: { box } });
    cache.set(key, fn);
  }
  return fn;
}

function nativeProgram(value: hbs.AST.Expression, node: hbs.AST.Node): hbs.AST.Program {
  const stmt = outputStatement("__capture", rewriteExpr(value, new Set()), node, printExpr(value));
  return { type: "Program", body: [stmt], blockParams: [], loc: node.loc };
}

function fail(err: unknown, ctx: RenderContext, source = ""): never {
  const where = ctx.task ? ` in task '${ctx.task}'` : "";
  let message = err instanceof Error ? err.message : String(err);
  const hint = /^(Missing|unknown) helper/.test(message) ? jinjaHint(`{{${source}}}`) : undefined;
  if (hint) message = `${message}: ${hint}`;
  let loc = ctx.loc;
  if (err instanceof UndefinedVariableError) {
    message = err.value.describe();
    if (ctx.wholeFile && err.value.at) loc = { file: loc.file, line: err.value.at.line, col: err.value.at.col };
  } else if (err instanceof Error && err.name !== "Error") {
    message = `template error: ${message}`;
  }
  throw new TemplateError([{ ...loc, path: ctx.path ?? "", message: `${message}${where}` }]);
}

/** Renders a string, throwing the raw error (renderString adds where it happened). */
function renderRaw(source: string, vars: TemplateVars, wholeFile: boolean): unknown {
  const parsed = parseTemplate(source);
  if (!parsed.ok) throw new Error(parsed.message);
  const sole = soleMustache(parsed.ast);
  if (sole && !wholeFile) {
    const box: { value?: unknown } = {};
    compile(`native:${source}`, () => nativeProgram(mustacheValue(sole), sole))(vars, box);
    return box.value;
  }
  return compile(`text:${source}`, () => rewriteProgram(parsed.ast, new Set(), printExpr, mustacheValue))(vars, {});
}

/** Renders a string. `{{ expr }}` alone returns the expression's value (any type); otherwise a string. */
export function renderString(source: string, vars: TemplateVars, ctx: RenderContext): unknown {
  if (!source.includes("{{") && !source.includes("{%")) return source;
  try {
    return renderRaw(source, vars, ctx.wholeFile === true);
  } catch (err) {
    return fail(err, ctx, source);
  }
}

/**
 * Variables whose values are themselves templates (a role default `url: "http://{{ vip }}/"`), by name,
 * with the value as written. The engine attaches this to a task's variables; a template that uses one
 * of them gets it rendered with the same variables when it is used (Ansible's lazy templating), so it
 * may refer to variables of any precedence, and an undefined variable inside it only matters if it is
 * used. Results (register, set_fact, facts) are never in it: their text is data, not a template.
 */
export const TEMPLATED_VARS: unique symbol = Symbol("gocd-bc.templatedVars");

/** Marks the variables of `vars` whose values contain templates, except the names in `data`. */
export function markTemplatedVars(vars: TemplateVars, data: ReadonlySet<string> = new Set()): TemplateVars {
  const lazy = new Map<string, unknown>();
  for (const [name, value] of Object.entries(vars)) if (!data.has(name) && hasTemplate(value)) lazy.set(name, value);
  if (lazy.size) Object.defineProperty(vars, TEMPLATED_VARS, { value: lazy, enumerable: true, configurable: true });
  return vars;
}

function hasTemplate(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return value.includes("{{");
  if (depth > 8 || value === null || typeof value !== "object") return false;
  return Object.values(value).some((v) => hasTemplate(v, depth + 1));
}

function isLazy(vars: unknown, name: string): boolean {
  const lazy = (vars as { [TEMPLATED_VARS]?: Map<string, unknown> } | null | undefined)?.[TEMPLATED_VARS];
  return lazy?.has(name) === true && lazy.get(name) === (vars as TemplateVars)[name];
}

/** A variable's value as templates see it: rendered when it is a template (and cached for these
 * variables, so a later use renders nothing again), as stored otherwise. Throws what rendering throws. */
export function renderedVar(vars: TemplateVars, name: string): unknown {
  return isLazy(vars, name) ? resolveLazy(vars, name) : vars[name];
}

/** Rendered values per variables object, and the names being rendered (to report a cycle). */
const lazyCache = new WeakMap<object, Map<string, unknown>>();
const rendering: string[] = [];

function resolveLazy(vars: TemplateVars, name: string): unknown {
  let cache = lazyCache.get(vars);
  if (cache?.has(name)) return cache.get(name);
  if (rendering.includes(name)) {
    throw new Error(
      `variable '${name}' refers to itself: ${[...rendering.slice(rendering.indexOf(name)), name].join(" -> ")}`,
    );
  }
  rendering.push(name);
  let value: unknown;
  try {
    value = renderDeep(vars[name], vars);
  } finally {
    rendering.pop();
  }
  if (!cache) {
    cache = new Map();
    lazyCache.set(vars, cache);
  }
  cache.set(name, value);
  return value;
}

function renderDeep(value: unknown, vars: TemplateVars): unknown {
  if (typeof value === "string") return value.includes("{{") ? renderRaw(value, vars, false) : value;
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, vars));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = renderDeep(v, vars);
    return out;
  }
  return value;
}

/** Renders a template file's text; always a string. */
export function renderText(source: string, vars: TemplateVars, ctx: RenderContext): string {
  const out = renderString(source, vars, { ...ctx, wholeFile: true });
  return typeof out === "string" ? out : printValue(out);
}

/** Renders every string inside a value (mapping values and list items; keys stay as written). */
export function renderValue(value: unknown, vars: TemplateVars, ctx: RenderContext): unknown {
  if (typeof value === "string") return renderString(value, vars, ctx);
  if (Array.isArray(value)) return value.map((v) => renderValue(v, vars, ctx));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = renderValue(v, vars, ctx);
    return out;
  }
  return value;
}

/** Evaluates one expression (`is_primary`, `(eq a b)`, `eq a b`, or `{{ ... }}`) to its value. */
export function evalExpression(expr: string, vars: TemplateVars, ctx: RenderContext): unknown {
  if (expr.includes("{{")) return renderString(expr, vars, ctx);
  try {
    const box: { value?: unknown } = {};
    compile(`cond:${expr}`, () => {
      const parsed = parseCondition(expr);
      if (!parsed.ok) return parsed.message;
      return nativeProgram(parsed.value, parsed.value);
    })(vars, box);
    return box.value;
  } catch (err) {
    return fail(err, ctx, expr);
  }
}

/** Evaluates a condition with Jinja's truthiness; a list holds when every item holds. */
export function evalCondition(cond: Condition, vars: TemplateVars, ctx: RenderContext): boolean {
  const list = typeof cond === "string" || typeof cond === "boolean" ? [cond] : cond;
  for (const item of list) {
    if (typeof item === "boolean") {
      if (!item) return false;
      continue;
    }
    const value = evalExpression(item, vars, ctx);
    try {
      if (isFalsy(typeof value === "string" ? stringTruth(value) : value)) return false;
    } catch (err) {
      return fail(err, ctx);
    }
  }
  return true;
}

/** A condition that renders to the text "false", "no" or "0" is false (e.g. `-e flag=false`). */
function stringTruth(value: string): unknown {
  return ["false", "no", "off", "0", "none", ""].includes(value.trim().toLowerCase()) ? false : value;
}
