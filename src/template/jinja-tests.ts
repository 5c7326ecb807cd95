// The tests of Ansible's expressions (`x is defined`, `result is failed`, `v is version('2.0', '>=')`),
// with Ansible's meaning. Only `defined` and `undefined` may look at an undefined value.
import { compareOnce, pyEq, pyIn, typeName } from "./py-values.js";
import { regexWithFlags } from "./py-text.js";
import { Undefined } from "./undefined.js";

type Test = (value: unknown, args: unknown[], kw: Record<string, unknown>) => boolean;

/** Tests that receive an undefined value instead of failing on it. */
export const LENIENT_TESTS: ReadonlySet<string> = new Set(["defined", "undefined"]);

function result(v: unknown, test: string): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v))
    throw new Error(`the '${test}' test expects a registered result (a mapping), got ${typeName(v)}`);
  return v as Record<string, unknown>;
}

/** Ansible's `changed`: the result's `changed`, or any loop item's. */
function changed(v: unknown): boolean {
  const r = result(v, "changed");
  if (Array.isArray(r.results))
    return (
      r.results.some((x) => x && typeof x === "object" && (x as Record<string, unknown>).changed === true) ||
      r.changed === true
    );
  return r.changed === true;
}

/** LooseVersion's parts: numbers and words, dots dropped (`1.10rc1` -> [1, 10, 'rc', 1]). */
function looseParts(v: string): (number | string)[] {
  return (v.match(/\d+|[a-z]+/gi) ?? []).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function versionCompare(a: string, b: string): number {
  const [x, y] = [looseParts(a), looseParts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const [p, q] = [x[i], y[i]];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    if (p === q) continue;
    if (typeof p === typeof q) return p < q ? -1 : 1;
    return typeof p === "number" ? 1 : -1;
  }
  return 0;
}

const VERSION_OPS: Readonly<Record<string, string>> = {
  "<": "<",
  lt: "<",
  "<=": "<=",
  le: "<=",
  ">": ">",
  gt: ">",
  ">=": ">=",
  ge: ">=",
  "==": "==",
  "=": "==",
  eq: "==",
  "!=": "!=",
  "<>": "!=",
  ne: "!=",
};

/** Ansible's `version` test: LooseVersion order, operators by symbol or name (default `eq`). */
export function versionTest(value: unknown, [other, op = "eq"]: unknown[]): boolean {
  const symbol = VERSION_OPS[String(op)];
  if (!symbol) throw new Error(`version: invalid operator '${String(op)}'`);
  return compareOnce(symbol, versionCompare(String(value), String(other)), 0);
}

function regexTest(kind: "match" | "search"): Test {
  return (v, [pattern, ignorecase, multiline], kw) => {
    const p = String(pattern);
    const flags = { ignorecase: ignorecase ?? kw.ignorecase, multiline: multiline ?? kw.multiline };
    return regexWithFlags(kind === "match" ? `^(?:${p})` : p, flags).test(String(v));
  };
}

const num = (v: unknown): boolean => typeof v === "number";

/** Every test by name (Ansible's spelling; collection prefixes are stripped before lookup). */
export const TESTS: Readonly<Record<string, Test>> = {
  defined: (v) => !(v instanceof Undefined),
  undefined: (v) => v instanceof Undefined,
  none: (v) => v === null,
  success: (v) => result(v, "success").failed !== true,
  failed: (v) => result(v, "failed").failed === true,
  changed: (v) => changed(v),
  skipped: (v) => result(v, "skipped").skipped === true,
  match: regexTest("match"),
  search: regexTest("search"),
  regex: (v, [p, ignorecase, multiline, type], kw) =>
    regexTest((type ?? kw.match_type) === "match" ? "match" : "search")(v, [p, ignorecase, multiline], kw),
  version: versionTest,
  string: (v) => typeof v === "string",
  number: num,
  integer: (v) => Number.isInteger(v),
  float: (v) => num(v) && !Number.isInteger(v),
  boolean: (v) => typeof v === "boolean",
  mapping: (v) => v !== null && typeof v === "object" && !Array.isArray(v),
  iterable: (v) => typeof v === "string" || (v !== null && typeof v === "object"),
  sequence: (v) => typeof v === "string" || (v !== null && typeof v === "object"),
  list: (v) => Array.isArray(v),
  true: (v) => v === true,
  false: (v) => v === false,
  eq: (v, [o]) => pyEq(v, o),
  ne: (v, [o]) => !pyEq(v, o),
  lt: (v, [o]) => compareOnce("<", v, o),
  le: (v, [o]) => compareOnce("<=", v, o),
  gt: (v, [o]) => compareOnce(">", v, o),
  ge: (v, [o]) => compareOnce(">=", v, o),
  in: (v, [o]) => pyIn(v, o),
  contains: (v, [o]) => pyIn(o, v),
  even: (v) => Number(v) % 2 === 0,
  odd: (v) => Math.abs(Number(v) % 2) === 1,
  divisibleby: (v, [n]) => Number(v) % Number(n) === 0,
  lower: (v) => typeof v === "string" && v === v.toLowerCase(),
  upper: (v) => typeof v === "string" && v === v.toUpperCase(),
  truthy: (v) => !isFalsyValue(v),
  falsy: (v) => isFalsyValue(v),
  subset: (v, [o]) => Array.isArray(v) && Array.isArray(o) && v.every((x) => o.some((y) => pyEq(x, y))),
  superset: (v, [o]) => Array.isArray(v) && Array.isArray(o) && o.every((x) => v.some((y) => pyEq(x, y))),
  sameas: (v, [o]) => v === o,
};

function isFalsyValue(v: unknown): boolean {
  return (
    v === null ||
    v === false ||
    v === 0 ||
    v === "" ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === "object" && v !== null && Object.keys(v).length === 0)
  );
}

const ALIASES: Readonly<Record<string, string>> = {
  succeeded: "success",
  failure: "failed",
  change: "changed",
  skip: "skipped",
  version_compare: "version",
  equalto: "eq",
  "==": "eq",
  "!=": "ne",
  "<": "lt",
  "<=": "le",
  ">": "gt",
  ">=": "ge",
  greaterthan: "gt",
  lessthan: "lt",
  issubset: "subset",
  issuperset: "superset",
};

/** A test's own name: aliases (`succeeded`) and collection prefixes removed. */
export function testName(name: string): string {
  const short = name.replace(/^(ansible\.builtin|ansible\.legacy)\./, "");
  return ALIASES[short] ?? short;
}

/** Applies a test by name; an unknown name is an error. */
export function applyTest(name: string, value: unknown, args: unknown[], kw: Record<string, unknown> = {}): boolean {
  const fn = TESTS[testName(name)];
  if (!fn) throw new Error(`unknown test '${name}'`);
  return fn(value, args, kw);
}
