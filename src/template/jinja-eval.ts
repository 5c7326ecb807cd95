// Evaluates Ansible's expressions (the tree of jinja-parse.ts) strictly: a missing variable or key is
// an Undefined that only `is defined`, `is undefined` and `default` may look at; any other use is an
// error naming it, with the position it was written at.
import type { At, JExpr, KwArgs } from "./jinja-parse.js";
import { applyFilter, filterName, LENIENT_FILTERS } from "./jinja-filters.js";
import { applyTest, LENIENT_TESTS, testName } from "./jinja-tests.js";
import { compareOnce, pyEq, pyIn, pyStr, pyTitle, truthy, typeName } from "./py-values.js";
import { defined, Undefined } from "./undefined.js";

/** Where names come from: a variable's value, or an {@link Undefined} when there is none. */
export interface JScope {
  lookup(name: string, at: At): unknown;
}

/** The value of an expression; may be an {@link Undefined} (the caller decides whether that is an error). */
export function evaluate(e: JExpr, scope: JScope): unknown {
  switch (e.kind) {
    case "literal":
      return e.value;
    case "name":
      return scope.lookup(e.name, e.at);
    case "attr":
      return attribute(e, scope);
    case "list":
      return e.items.map((i) => strict(i, scope));
    case "dict":
      return Object.fromEntries(e.pairs.map(([k, v]) => [pyStr(strict(k, scope)), strict(v, scope)]));
    case "not":
      return !truthy(evaluate(e.operand, scope));
    case "neg":
    case "pos":
      return sign(e.kind, strict(e.operand, scope));
    case "binary":
      return binary(e, scope);
    case "compare":
      return compare(e, scope);
    case "test": {
      const operand = LENIENT_TESTS.has(testName(e.name)) ? evaluate(e.operand, scope) : strict(e.operand, scope);
      return applyTest(
        e.name,
        operand,
        e.args.map((a) => strict(a, scope)),
        kwargsOf(e.kwargs, scope),
      );
    }
    case "filter": {
      const input = LENIENT_FILTERS.has(filterName(e.name)) ? evaluate(e.input, scope) : strict(e.input, scope);
      return applyFilter(
        e.name,
        input,
        e.args.map((a) => strict(a, scope)),
        kwargsOf(e.kwargs, scope),
      );
    }
    case "call":
      return call(e, scope);
    case "if":
      if (truthy(evaluate(e.cond, scope))) return evaluate(e.then, scope);
      return e.otherwise ? evaluate(e.otherwise, scope) : "";
  }
}

/** The value of an expression, which must be defined. */
export function strict(e: JExpr, scope: JScope): unknown {
  return defined(evaluate(e, scope));
}

function kwargsOf(kwargs: KwArgs, scope: JScope): Record<string, unknown> {
  return Object.fromEntries(Object.entries(kwargs).map(([k, v]) => [k, strict(v, scope)]));
}

/** How a path is shown in messages: `x.k`, `x[0]`, `hostvars[h].ansible_host`. */
export function pathText(e: JExpr): string {
  if (e.kind === "name") return e.name;
  if (e.kind !== "attr") return "(expression)";
  const target = pathText(e.target);
  if (e.key.kind === "literal" && typeof e.key.value === "string" && /^[A-Za-z_]\w*$/.test(e.key.value))
    return `${target}.${e.key.value}`;
  if (e.key.kind === "literal") return `${target}[${JSON.stringify(e.key.value)}]`;
  return `${target}[${pathText(e.key)}]`;
}

function attribute(e: Extract<JExpr, { kind: "attr" }>, scope: JScope): unknown {
  const target = evaluate(e.target, scope);
  const path = pathText(e);
  if (target instanceof Undefined) return new Undefined(path, target.missing, target.at);
  const key = strict(e.key, scope);
  const found = itemOf(target, key);
  return found.ok ? found.value : new Undefined(path, path, headOf(e)?.at ?? e.at);
}

/** The variable a path expression starts from (`x` of `x.a[0]`), or undefined when it is not a path. */
export function headOf(e: JExpr): Extract<JExpr, { kind: "name" }> | undefined {
  if (e.kind === "name") return e;
  return e.kind === "attr" ? headOf(e.target) : undefined;
}

/** `target[key]` or `target.key`: a mapping's key, a list's or string's index (negative from the end). */
export function itemOf(target: unknown, key: unknown): { ok: true; value: unknown } | { ok: false } {
  if ((Array.isArray(target) || typeof target === "string") && typeof key === "number" && Number.isInteger(key)) {
    const i = key < 0 ? target.length + key : key;
    return i >= 0 && i < target.length ? { ok: true, value: target[i] } : { ok: false };
  }
  if (target !== null && typeof target === "object" && !Array.isArray(target)) {
    const k = String(key);
    return Object.hasOwn(target, k) ? { ok: true, value: (target as Record<string, unknown>)[k] } : { ok: false };
  }
  return { ok: false };
}

function sign(kind: "neg" | "pos", v: unknown): number {
  if (typeof v !== "number" && typeof v !== "boolean")
    throw new Error(`bad operand type for unary ${kind === "neg" ? "-" : "+"}: '${typeName(v)}'`);
  return kind === "neg" ? -Number(v) : Number(v);
}

function binary(e: Extract<JExpr, { kind: "binary" }>, scope: JScope): unknown {
  if (e.op === "and" || e.op === "or") {
    const left = evaluate(e.left, scope);
    const decided = e.op === "and" ? !truthy(left) : truthy(left);
    return decided ? left : evaluate(e.right, scope);
  }
  const [a, b] = [strict(e.left, scope), strict(e.right, scope)];
  if (e.op === "in") return pyIn(a, b);
  if (e.op === "~") return pyStr(a) + pyStr(b);
  return arithmetic(e.op, a, b);
}

/** Python's arithmetic on numbers, and `+`/`*` on strings and lists. */
export function arithmetic(op: string, a: unknown, b: unknown): unknown {
  const numeric =
    (typeof a === "number" || typeof a === "boolean") && (typeof b === "number" || typeof b === "boolean");
  const [x, y] = [Number(a), Number(b)];
  if (numeric) {
    if ((op === "/" || op === "//" || op === "%") && y === 0) throw new Error("division by zero");
    if (op === "+") return x + y;
    if (op === "-") return x - y;
    if (op === "*") return x * y;
    if (op === "/") return x / y;
    if (op === "//") return Math.floor(x / y);
    if (op === "%") return ((x % y) + y) % y;
    if (op === "**") return x ** y;
  }
  if (op === "+" && typeof a === "string" && typeof b === "string") return a + b;
  if (op === "+" && Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (op === "*" && typeof b === "number" && (typeof a === "string" || Array.isArray(a))) return repeat(a, b);
  throw new Error(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
}

function repeat(a: string | unknown[], n: number): unknown {
  if (typeof a === "string") return a.repeat(Math.max(0, n));
  return Array.from({ length: Math.max(0, n) }, () => a).flat();
}

function compare(e: Extract<JExpr, { kind: "compare" }>, scope: JScope): boolean {
  let left = strict(e.first, scope);
  for (const { op, expr } of e.rest) {
    const right = strict(expr, scope);
    if (!compareOnce(op, left, right)) return false;
    left = right;
  }
  return true;
}

function call(e: Extract<JExpr, { kind: "call" }>, scope: JScope): unknown {
  const args = e.args.map((a) => strict(a, scope));
  if (e.callee.kind === "name") return globalCall(e.callee.name, args, kwargsOf(e.kwargs, scope));
  if (e.callee.kind === "attr" && e.callee.key.kind === "literal" && typeof e.callee.key.value === "string") {
    return method(strict(e.callee.target, scope), e.callee.key.value, args);
  }
  throw new Error("only functions (range, dict) and methods of strings, lists and mappings can be called");
}

/** The functions an expression may call; lookups are not supported (use include_vars or template). */
export function globalCall(name: string, args: unknown[], kwargs: Record<string, unknown>): unknown {
  if (name === "range") {
    const [start, stop, step] =
      args.length === 1 ? [0, Number(args[0]), 1] : [Number(args[0]), Number(args[1]), Number(args[2] ?? 1)];
    const out: number[] = [];
    for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
    return out;
  }
  if (name === "dict") return { ...kwargs };
  if (["lookup", "query", "q"].includes(name))
    throw new Error(`${name}(): lookup plugins are not supported; use include_vars or template`);
  throw new Error(`unknown function '${name}'`);
}

const METHODS: Readonly<Record<string, (self: unknown, args: unknown[]) => unknown>> = {
  items: (s) => Object.entries(s as object).map(([k, v]) => [k, v]),
  keys: (s) => Object.keys(s as object),
  values: (s) => Object.values(s as object),
  get: (s, [k, d]) => {
    const found = itemOf(s, k);
    return found.ok ? found.value : (d ?? null);
  },
  split: (s, [sep]) => (sep === undefined || sep === null ? pyStr(s).trim().split(/\s+/) : pyStr(s).split(pyStr(sep))),
  startswith: (s, [p]) => pyStr(s).startsWith(pyStr(p)),
  endswith: (s, [p]) => pyStr(s).endsWith(pyStr(p)),
  lower: (s) => pyStr(s).toLowerCase(),
  upper: (s) => pyStr(s).toUpperCase(),
  strip: (s) => pyStr(s).trim(),
  rstrip: (s) => pyStr(s).trimEnd(),
  lstrip: (s) => pyStr(s).trimStart(),
  splitlines: (s) =>
    pyStr(s)
      .split(/\r?\n/)
      .filter((l, i, all) => i < all.length - 1 || l !== ""),
  find: (s, [x]) => pyStr(s).indexOf(pyStr(x)),
  isdigit: (s) => /^\d+$/.test(pyStr(s)),
  title: (s) => pyTitle(pyStr(s)),
  format: (s, args) => {
    let i = 0;
    return pyStr(s).replace(/\{(\d*)\}/g, (_m, n: string) => pyStr(args[n === "" ? i++ : Number(n)]));
  },
  replace: (s, [a, b]) => pyStr(s).split(pyStr(a)).join(pyStr(b)),
  join: (s, [list]) => (list as unknown[]).map(pyStr).join(pyStr(s)),
  count: (s, [x]) => (Array.isArray(s) ? s.filter((i) => pyEq(i, x)).length : pyStr(s).split(pyStr(x)).length - 1),
  index: (s, [x]) => (Array.isArray(s) ? s.findIndex((i) => pyEq(i, x)) : pyStr(s).indexOf(pyStr(x))),
};

function method(self: unknown, name: string, args: unknown[]): unknown {
  const fn = METHODS[name];
  if (!fn) throw new Error(`'${typeName(self)}' has no method '${name}' here`);
  return fn(self, args);
}

/** The names of the functions and methods an expression may call, for validation. */
export const CALLABLE_NAMES: ReadonlySet<string> = new Set(["range", "dict", ...Object.keys(METHODS)]);
