// The filters of Ansible's expressions (`x | default('y')`, `list | join(',')`), with Ansible's
// results: Python's str() and equality, Jinja's case-insensitive sort/unique/min/max, Ansible's bool.
import crypto from "node:crypto";
import path from "node:path";
import YAML from "yaml";
import { HELPERS } from "./helpers.js";
import { applyTest } from "./jinja-tests.js";
import { pyCmp, pyEq, pyIter, pyLen, pyStr, pyTitle, truthy, typeName } from "./py-values.js";
import { pyJson, pyRegexReplacement, regexWithFlags } from "./py-text.js";
import { Undefined } from "./undefined.js";

type Kw = Record<string, unknown>;
type Filter = (input: unknown, args: unknown[], kw: Kw) => unknown;

/** Filters that receive an undefined input instead of failing on it. */
export const LENIENT_FILTERS: ReadonlySet<string> = new Set(["default", "d", "mandatory"]);

/** Positional argument `i`, or keyword `name`, or `fallback`. */
function arg(args: unknown[], kw: Kw, i: number, name: string, fallback?: unknown): unknown {
  if (args.length > i) return args[i];
  return Object.hasOwn(kw, name) ? kw[name] : fallback;
}

function list(v: unknown): unknown[] {
  return pyIter(v);
}

/** A key or dotted attribute of an item (`selectattr('a.b')`), or an Undefined. */
export function attrOf(item: unknown, attribute: string): unknown {
  let value: unknown = item;
  for (const part of attribute.split(".")) {
    const key = /^\d+$/.test(part) && Array.isArray(value) ? Number(part) : part;
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, key))
      return new Undefined(attribute, attribute);
    value = (value as Record<string, unknown>)[key as string];
  }
  return value;
}

/** The key Jinja sorts and compares by: lower-cased text unless case-sensitive. */
function sortKey(v: unknown, kw: Kw): unknown {
  const attribute = kw.attribute;
  const value = typeof attribute === "string" ? attrOf(v, attribute) : v;
  return typeof value === "string" && kw.case_sensitive !== true ? value.toLowerCase() : value;
}

function toInt(v: unknown, fallback: unknown = 0, base: unknown = 10): unknown {
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "number") return Math.trunc(v);
  const s = typeof v === "string" ? v.trim().replace(/_/g, "") : "";
  const digits =
    Number(base) === 16 ? /^[-+]?(0x)?[0-9a-f]+$/i : Number(base) === 8 ? /^[-+]?(0o)?[0-7]+$/i : /^[-+]?\d+$/;
  if (digits.test(s)) return Number.parseInt(s.replace(/^([-+]?)0[xo]/i, "$1"), Number(base));
  const f = Number(s);
  return s !== "" && Number.isFinite(f) ? Math.trunc(f) : fallback;
}

function toFloat(v: unknown, fallback: unknown = 0): unknown {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  const f = typeof v === "string" && v.trim() !== "" ? Number(v.trim()) : NaN;
  return Number.isFinite(f) ? f : fallback;
}

/** Ansible's `bool`: True for true, 'yes', 'on', '1', 'true' (any case) and 1; everything else is False. */
export function ansibleBool(v: unknown): boolean {
  if (typeof v === "boolean") return v;
  if (v === null || v === undefined) return false;
  const s = typeof v === "string" ? v.toLowerCase() : v;
  return s === "yes" || s === "on" || s === "1" || s === "true" || s === 1;
}

function unique(input: unknown, kw: Kw): unknown[] {
  const seen: unknown[] = [];
  const out: unknown[] = [];
  for (const item of list(input)) {
    const key = sortKey(item, kw);
    if (seen.some((s) => pyEq(s, key))) continue;
    seen.push(key);
    out.push(item);
  }
  return out;
}

function sorted(input: unknown, kw: Kw): unknown[] {
  const out = [...list(input)].sort((a, b) => pyCmp(sortKey(a, kw), sortKey(b, kw)));
  return kw.reverse === true ? out.reverse() : out;
}

function extreme(input: unknown, kw: Kw, sign: 1 | -1): unknown {
  const items = list(input);
  if (items.length === 0) return new Undefined(sign > 0 ? "max of an empty list" : "min of an empty list", "an item");
  return items.reduce((best, x) => (pyCmp(sortKey(x, kw), sortKey(best, kw)) * sign > 0 ? x : best));
}

function mergeLists(a: unknown[], b: unknown[], how: unknown): unknown[] {
  if (how === "keep") return a;
  if (how === "append") return [...a, ...b];
  if (how === "prepend") return [...b, ...a];
  return b;
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>, kw: Kw): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const old = out[k];
    const bothMaps = kw.recursive === true && isMap(old) && isMap(v);
    if (bothMaps) out[k] = merge(old, v, kw);
    else if (Array.isArray(old) && Array.isArray(v)) out[k] = mergeLists(old, v, kw.list_merge);
    else out[k] = v;
  }
  return out;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function combine(input: unknown, args: unknown[], kw: Kw): Record<string, unknown> {
  const maps = [input, ...args].flatMap((m) => (Array.isArray(m) ? m : [m]));
  for (const m of maps) if (!isMap(m)) throw new Error(`combine: expected mappings, got ${typeName(m)}`);
  return (maps as Record<string, unknown>[]).reduce((acc, m) => merge(acc, m, kw), {});
}

function dict2items(input: unknown, kw: Kw): Record<string, unknown>[] {
  if (!isMap(input)) throw new Error(`dict2items requires a dictionary, got ${typeName(input)}`);
  const [k, v] = [String(kw.key_name ?? "key"), String(kw.value_name ?? "value")];
  return Object.entries(input).map(([key, value]) => ({ [k]: key, [v]: value }));
}

function items2dict(input: unknown, kw: Kw): Record<string, unknown> {
  const [k, v] = [String(kw.key_name ?? "key"), String(kw.value_name ?? "value")];
  return Object.fromEntries(list(input).map((item) => [pyStr(attrOf(item, k)), attrOf(item, v)]));
}

function mapFilter(input: unknown, args: unknown[], kw: Kw): unknown[] {
  if (typeof kw.attribute === "string") {
    const attribute = kw.attribute;
    return list(input).map((item) => {
      const value = attrOf(item, attribute);
      return value instanceof Undefined && "default" in kw ? kw.default : value;
    });
  }
  const [name, ...rest] = args;
  if (typeof name !== "string") throw new Error("map: give a filter name or attribute=...");
  const { attribute: _a, default: _d, ...others } = kw;
  return list(input).map((item) => applyFilter(name, item, rest, others));
}

function selecting(keep: boolean, byAttr: boolean): Filter {
  return (input, args) => {
    const [attribute, testName, ...rest] = byAttr ? args : [undefined, ...args];
    return list(input).filter((item) => {
      const value = byAttr ? attrOf(item, String(attribute)) : item;
      const ok = testName === undefined ? truthy(value) : applyTest(String(testName), value, rest);
      return ok === keep;
    });
  };
}

function flatten(input: unknown, levels: unknown, depth = 0): unknown[] {
  return list(input).flatMap((x) => {
    if (x === null) return [];
    const deeper = Array.isArray(x) && (levels === undefined || levels === null || depth < Number(levels));
    return deeper ? flatten(x, levels, depth + 1) : [x];
  });
}

function regexSearch(input: unknown, args: unknown[], kw: Kw): unknown {
  const [pattern, ...groups] = args;
  const m = regexWithFlags(pyStr(pattern), kw).exec(pyStr(input));
  if (!m) return null;
  if (groups.length === 0) return m[0];
  return groups.map((g) => {
    const spec = pyStr(g);
    const named = /^\\g<(\w+)>$/.exec(spec)?.[1];
    const index = /^\\(\d+)$/.exec(spec)?.[1] ?? (named && /^\d+$/.test(named) ? named : undefined);
    return index !== undefined ? m[Number(index)] : named !== undefined ? m.groups?.[named] : undefined;
  });
}

/** Python's re.findall: whole matches, or the group, or the tuple of groups when there are several. */
function regexFindall(input: unknown, args: unknown[], kw: Kw): unknown[] {
  return regexWithFlags(pyStr(args[0]), kw)
    .findAll(pyStr(input))
    .map(([whole, ...groups]) => {
      if (groups.length === 0) return whole;
      const values = groups.map((g) => g ?? "");
      return values.length === 1 ? values[0] : values;
    });
}

/** Jinja's indent: every line but the first (unless `first`) and blank ones (unless `blank`) gets `width` spaces. */
function indent(input: unknown, args: unknown[], kw: Kw): string {
  const width = arg(args, kw, 0, "width", 4);
  const pad = typeof width === "string" ? width : " ".repeat(Number(width));
  const [first, blank] = [arg(args, kw, 1, "first", false) === true, arg(args, kw, 2, "blank", false) === true];
  return pyStr(input)
    .split("\n")
    .map((line, i) => ((i > 0 || first) && (blank || line.trim() !== "") ? pad + line : line))
    .join("\n");
}

/** Python's `'%s is %d' % (a, b)`: %s, %d, %i, %f (with a precision) and %%. */
function percentFormat(input: unknown, args: unknown[]): string {
  let i = 0;
  return pyStr(input).replace(/%(\.\d+)?([sdif%])/g, (_m, precision: string | undefined, kind: string) => {
    if (kind === "%") return "%";
    const v = args[i++];
    if (kind === "s") return pyStr(v);
    if (kind === "f") return Number(v).toFixed(precision ? Number(precision.slice(1)) : 6);
    return String(Math.trunc(Number(v)));
  });
}

function yamlText(v: unknown, nice: boolean, indent: unknown): string {
  const doc = new YAML.Document(v);
  if (!nice) {
    YAML.visit(doc, {
      Map: (_, n) => {
        n.flow = n.items.every((p) => YAML.isScalar(p.value));
      },
      Seq: (_, n) => {
        n.flow = n.items.every((i) => YAML.isScalar(i));
      },
    });
  }
  return doc.toString({
    indent: nice ? Number(indent ?? 4) : 2,
    indentSeq: false,
    flowCollectionPadding: false,
    lineWidth: 0,
  });
}

const setOf = (a: unknown[], b: unknown[], inB: boolean): unknown[] =>
  unique(
    a.filter((x) => b.some((y) => pyEq(x, y)) === inB),
    { case_sensitive: true },
  );

/** Every filter by name (Ansible's spelling; `ansible.builtin.` prefixes are stripped before lookup). */
export const FILTERS: Readonly<Record<string, Filter>> = {
  default: (v, a, kw) =>
    v instanceof Undefined || (arg(a, kw, 1, "boolean") === true && !truthy(v))
      ? arg(a, kw, 0, "default_value", "")
      : v,
  mandatory: (v, a) => {
    if (v instanceof Undefined)
      throw new Error(a[0] === undefined ? `mandatory variable '${v.path}' not defined` : pyStr(a[0]));
    return v;
  },
  bool: (v) => ansibleBool(v),
  int: (v, a, kw) => toInt(v, arg(a, kw, 0, "default", 0), arg(a, kw, 1, "base", 10)),
  float: (v, a, kw) => toFloat(v, arg(a, kw, 0, "default", 0)),
  string: (v) => pyStr(v),
  length: (v) => pyLen(v),
  lower: (v) => pyStr(v).toLowerCase(),
  upper: (v) => pyStr(v).toUpperCase(),
  capitalize: (v) => pyStr(v).charAt(0).toUpperCase() + pyStr(v).slice(1).toLowerCase(),
  trim: (v, a) => (a[0] === undefined ? pyStr(v).trim() : trimChars(pyStr(v), pyStr(a[0]))),
  replace: (v, a) => replaceCount(pyStr(v), pyStr(a[0]), pyStr(a[1]), a[2]),
  join: (v, a, kw) => {
    const attribute = arg(a, kw, 1, "attribute");
    return list(v)
      .map((x) => pyStr(typeof attribute === "string" ? attrOf(x, attribute) : x))
      .join(pyStr(arg(a, kw, 0, "d", "")));
  },
  first: (v) => (list(v).length > 0 ? list(v)[0] : new Undefined("first of an empty list", "an item")),
  last: (v) => (list(v).length > 0 ? list(v)[list(v).length - 1] : new Undefined("last of an empty list", "an item")),
  unique: (v, _a, kw) => unique(v, kw),
  sort: (v, a, kw) =>
    sorted(v, {
      ...kw,
      reverse: arg(a, kw, 0, "reverse", false),
      case_sensitive: arg(a, kw, 1, "case_sensitive", false),
    }),
  min: (v, _a, kw) => extreme(v, kw, -1),
  max: (v, _a, kw) => extreme(v, kw, 1),
  combine: (v, a, kw) => combine(v, a, kw),
  dict2items: (v, _a, kw) => dict2items(v, kw),
  items2dict: (v, _a, kw) => items2dict(v, kw),
  map: (v, a, kw) => mapFilter(v, a, kw),
  select: selecting(true, false),
  reject: selecting(false, false),
  selectattr: selecting(true, true),
  rejectattr: selecting(false, true),
  list: (v) => [...list(v)],
  flatten: (v, a, kw) => flatten(v, arg(a, kw, 0, "levels")),
  reverse: (v) => (typeof v === "string" ? [...v].reverse().join("") : [...list(v)].reverse()),
  sum: (v, a, kw) =>
    list(v).reduce(
      (acc: number, x) => acc + Number(typeof kw.attribute === "string" ? attrOf(x, kw.attribute) : x),
      Number(arg(a, kw, 1, "start", 0)),
    ),
  abs: (v) => Math.abs(Number(v)),
  round: (v, a, kw) => roundTo(Number(v), Number(arg(a, kw, 0, "precision", 0)), arg(a, kw, 1, "method", "common")),
  split: (v, a) =>
    a[0] === undefined || a[0] === null
      ? pyStr(v)
          .trim()
          .split(/\s+/)
          .filter((s) => s !== "")
      : pyStr(v).split(pyStr(a[0])),
  difference: (v, a) => setOf(list(v), list(a[0]), false),
  intersect: (v, a) => setOf(list(v), list(a[0]), true),
  union: (v, a) => unique([...list(v), ...list(a[0])], { case_sensitive: true }),
  regex_replace: (v, a, kw) =>
    regexWithFlags(pyStr(arg(a, kw, 0, "pattern", "")), kw).replaceAll(
      pyStr(v),
      pyRegexReplacement(pyStr(arg(a, kw, 1, "replacement", ""))),
    ),
  regex_search: (v, a, kw) => regexSearch(v, a, kw),
  regex_escape: (v) => pyStr(v).replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&"),
  to_json: (v, _a, kw) => pyJson(v, kw.indent, kw.sort_keys === true, true),
  to_nice_json: (v, _a, kw) => pyJson(v, kw.indent ?? 4, kw.sort_keys !== false, false),
  from_json: (v) => JSON.parse(pyStr(v)) as unknown,
  to_yaml: (v, _a, kw) => yamlText(v, false, kw.indent),
  to_nice_yaml: (v, _a, kw) => yamlText(v, true, kw.indent),
  from_yaml: (v) => YAML.parse(pyStr(v)) as unknown,
  b64encode: (v) => Buffer.from(pyStr(v), "utf8").toString("base64"),
  b64decode: (v) => Buffer.from(pyStr(v), "base64").toString("utf8"),
  basename: (v) => path.posix.basename(pyStr(v)),
  dirname: (v) => path.posix.dirname(pyStr(v)),
  quote: (v) => HELPERS.quote?.(pyStr(v)),
  ternary: (v, a) => (v === null && a.length > 2 ? a[2] : truthy(v) ? a[0] : a[1]),
  type_debug: (v) => typeName(v),
  regex_findall: (v, a, kw) => regexFindall(v, a, kw),
  hash: (v, a) =>
    crypto
      .createHash(pyStr(a[0] ?? "sha1"))
      .update(pyStr(v), "utf8")
      .digest("hex"),
  checksum: (v) => crypto.createHash("sha1").update(pyStr(v), "utf8").digest("hex"),
  extract: (v, a) => a.slice(1).reduce((acc: unknown, k) => attrOf(acc, pyStr(k)), attrOf(a[0], pyStr(v))),
  indent: (v, a, kw) => indent(v, a, kw),
  format: (v, a) => percentFormat(v, a),
  dictsort: (v, a, kw) => {
    const opts = { case_sensitive: arg(a, kw, 0, "case_sensitive", false) };
    return Object.entries(v as object).sort(([x], [y]) => pyCmp(sortKey(x, opts), sortKey(y, opts)));
  },
  items: (v) => Object.entries(v as object),
  title: (v) => pyTitle(pyStr(v)),
  quote_ident: (v) => HELPERS.quote_ident?.(pyStr(v)),
  quote_literal: (v) => HELPERS.quote_literal?.(pyStr(v)),
  pg_md5: (v, a) => HELPERS.pg_md5?.(pyStr(v), pyStr(a[0])),
  pg_scram: (v, a) => HELPERS.pg_scram?.(pyStr(v), pyStr(a[0]), a[1] === undefined ? undefined : pyStr(a[1])),
};

const ALIASES: Readonly<Record<string, string>> = { d: "default", count: "length" };

/** A filter's own name: aliases (`d`) and collection prefixes (`ansible.builtin.to_json`) removed. */
export function filterName(name: string): string {
  const short = name.replace(/^(ansible\.builtin|ansible\.legacy|community\.general)\./, "");
  return ALIASES[short] ?? short;
}

/** Applies a filter by name; an unknown name is an error. */
export function applyFilter(name: string, input: unknown, args: unknown[], kw: Kw): unknown {
  const fn = FILTERS[filterName(name)];
  if (!fn) throw new Error(`unknown filter '${name}'`);
  return fn(input, args, kw);
}

function trimChars(s: string, chars: string): string {
  let [start, end] = [0, s.length];
  while (start < end && chars.includes(s.charAt(start))) start++;
  while (end > start && chars.includes(s.charAt(end - 1))) end--;
  return s.slice(start, end);
}

function replaceCount(s: string, from: string, to: string, count: unknown): string {
  const parts = s.split(from);
  const n = typeof count === "number" ? count : parts.length - 1;
  return parts.slice(0, n + 1).join(to) + (n + 1 < parts.length ? from + parts.slice(n + 1).join(from) : "");
}

function roundTo(v: number, precision: number, method: unknown): number {
  const f = 10 ** precision;
  if (method === "floor") return Math.floor(v * f) / f;
  if (method === "ceil") return Math.ceil(v * f) / f;
  return (Math.sign(v) * Math.round(Math.abs(v) * f)) / f;
}
