// Python's meaning of values, as Ansible's expressions see them: equality (1 == 1.0, True == 1),
// ordering (only between comparable types), membership, truthiness and `str()`, so filters, tests
// and operators give Ansible's results on the YAML data gocd-bc holds.
import { defined, isFalsy } from "./undefined.js";

/** Python's type name of a value, for error messages (`'<' not supported between 'str' and 'int'`). */
export function typeName(v: unknown): string {
  if (v === null || v === undefined) return "NoneType";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "string") return "str";
  return Array.isArray(v) ? "list" : "dict";
}

/** Jinja's truthiness: false, 0, '', None, [] and {} are false; an undefined value is an error. */
export function truthy(v: unknown): boolean {
  return !isFalsy(v);
}

function asNumber(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  return undefined;
}

/** Python's `==`: numbers and booleans by value, lists and mappings item by item, nothing across types. */
export function pyEq(a: unknown, b: unknown): boolean {
  const [x, y] = [asNumber(a), asNumber(b)];
  if (x !== undefined || y !== undefined) return x === y;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => pyEq(v, b[i]));
  const [ka, kb] = [Object.keys(a), Object.keys(b)];
  const bo = b as Record<string, unknown>;
  return (
    ka.length === kb.length && ka.every((k) => Object.hasOwn(bo, k) && pyEq((a as Record<string, unknown>)[k], bo[k]))
  );
}

/** Python's ordering: negative, zero or positive; comparing a string with a number is an error, as in Python. */
export function pyCmp(a: unknown, b: unknown, op = "<"): number {
  const [x, y] = [asNumber(a), asNumber(b)];
  if (x !== undefined && y !== undefined) return x - y;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = pyCmp(a[i], b[i], op);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  throw new Error(`'${op}' not supported between '${typeName(a)}' and '${typeName(b)}'`);
}

/** One comparison with Python's meaning (`==` by value, ordering only between comparable types). */
export function compareOnce(op: string, a: unknown, b: unknown): boolean {
  if (op === "==") return pyEq(a, b);
  if (op === "!=") return !pyEq(a, b);
  const c = pyCmp(a, b, op);
  return op === "<" ? c < 0 : op === "<=" ? c <= 0 : op === ">" ? c > 0 : c >= 0;
}

/** Python's `item in container`: an item of a list, a substring of a string, a key of a mapping. */
export function pyIn(item: unknown, container: unknown): boolean {
  const c = defined(container);
  if (typeof c === "string") {
    if (typeof item !== "string")
      throw new Error(`'in <string>' requires a string as left operand, not ${typeName(item)}`);
    return c.includes(item);
  }
  if (Array.isArray(c)) return c.some((x) => pyEq(x, item));
  if (c && typeof c === "object") return Object.hasOwn(c, String(item));
  throw new Error(`argument of type '${typeName(c)}' is not iterable`);
}

/** Python's `repr()` of YAML data: `'text'`, `True`, `None`, `[1, 'a']`, `{'k': 'v'}`. */
export function pyRepr(v: unknown): string {
  if (typeof v === "string") return `'${v.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(", ")}]`;
  if (v && typeof v === "object")
    return `{${Object.entries(v)
      .map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`)
      .join(", ")}}`;
  return pyStr(v);
}

/** Python's `str()`: strings as they are, `True`/`False`/`None`, lists and mappings as their repr. */
export function pyStr(v: unknown): string {
  const value = defined(v);
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") return String(value);
  return pyRepr(value);
}

/** Python's `len()`; a number or None has no length (an error, as in Ansible). */
export function pyLen(v: unknown): number {
  const value = defined(v);
  if (typeof value === "string" || Array.isArray(value)) return value.length;
  if (value && typeof value === "object") return Object.keys(value).length;
  throw new Error(`object of type '${typeName(value)}' has no len()`);
}

/** The items a filter iterates over: a list's items, a string's characters, a mapping's keys. */
export function pyIter(v: unknown): unknown[] {
  const value = defined(v);
  if (Array.isArray(value)) return value;
  if (typeof value === "string") return [...value];
  if (value && typeof value === "object") return Object.keys(value);
  throw new Error(`'${typeName(value)}' object is not iterable`);
}

/** Python's `str.title()`: each word's first letter upper-cased, the rest lower-cased. */
export function pyTitle(s: string): string {
  return s.replace(/[A-Za-z]+/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase());
}
