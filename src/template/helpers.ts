// The helpers templates and conditions can call, e.g. `(eq role 'primary')`, `(default port 5432)`,
// `(join hosts ',')`. Every helper refuses undefined arguments except those built to test for them
// (`default`, `defined`, `and`, `or`, `ternary`), so a typo in a variable name is always an error.
import crypto from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import YAML from "yaml";
import { PG_NAME_PATTERN, PG_NAME_RULE } from "../schema/module-args.js";
import { userRegex } from "../user-regex.js";
import { defined, isFalsy, lookupPath, Undefined } from "./undefined.js";

type Helper = (...args: unknown[]) => unknown;

const require = createRequire(import.meta.url);

const str = (v: unknown): string => String(defined(v) ?? "");

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function lengthOf(v: unknown): number {
  if (typeof v === "string" || Array.isArray(v)) return v.length;
  if (v && typeof v === "object") return Object.keys(v).length;
  return 0;
}

function contains(container: unknown, item: unknown): boolean {
  if (Array.isArray(container)) return container.some((x) => deepEqual(x, item));
  if (typeof container === "string") return container.includes(String(item));
  if (container && typeof container === "object") return Object.hasOwn(container, String(item));
  return false;
}

function toBool(v: unknown): boolean {
  if (typeof v === "string") return ["true", "yes", "on", "1", "y"].includes(v.trim().toLowerCase());
  return !isFalsy(v);
}

/** PostgreSQL's md5 password hash: `md5` + md5(password + user). */
export function pgMd5(password: string, user: string): string {
  return `md5${crypto
    .createHash("md5")
    .update(password + user)
    .digest("hex")}`;
}

/** PostgreSQL's SCRAM-SHA-256 verifier. Without a salt, one is derived from user and password so the
 * result is stable from run to run (needed for idempotent roles); pass a base64 salt to choose it. */
export function pgScram(password: string, user: string, saltB64?: string, iterations = 4096): string {
  const salt = saltB64
    ? Buffer.from(saltB64, "base64")
    : crypto.createHash("sha256").update(`gocd-bc:${user}:${password}`).digest().subarray(0, 16);
  const salted = crypto.pbkdf2Sync(password.normalize("NFKC"), salt, iterations, 32, "sha256");
  const clientKey = crypto.createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = crypto.createHash("sha256").update(clientKey).digest();
  const serverKey = crypto.createHmac("sha256", salted).update("Server Key").digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}

/** A PostgreSQL name quoted as an identifier (`gocd` -> `"gocd"`), for names rendered into SQL or
 * pg_hba.conf; anything that is not a name (a quote, a backslash, a newline...) is refused. */
export function quoteIdent(name: string): string {
  if (!new RegExp(PG_NAME_PATTERN).test(name))
    throw new Error(`quote_ident: ${JSON.stringify(name)} is not a PostgreSQL name (${PG_NAME_RULE})`);
  return `"${name}"`;
}

/** A value quoted as a PostgreSQL string literal (`5` -> `'5'`, `it's` -> `'it''s'`), for values rendered
 * into SQL where no parameter can go (ALTER DATABASE ... SET takes no bind parameter). A backslash makes it
 * an escape string with backslashes doubled, as PostgreSQL's own quote_literal does, so the text is the
 * same whatever standard_conforming_strings says; a NUL, which no PostgreSQL text can hold, is refused. */
export function quoteLiteral(value: string): string {
  if (value.includes("\0")) throw new Error("quote_literal: a PostgreSQL text cannot hold a NUL character");
  const quoted = `'${value.replaceAll("'", "''")}'`;
  return value.includes("\\") ? `E${quoted.replaceAll("\\", "\\\\")}` : quoted;
}

/** Helpers that accept undefined arguments on purpose (they test or replace them). */
export const LENIENT_HELPERS: ReadonlySet<string> = new Set(["default", "defined", "and", "or", "ternary"]);

/** Every helper by name; arguments arrive without Handlebars' trailing options object. */
export const HELPERS: Readonly<Record<string, Helper>> = {
  eq: (a, b) => deepEqual(a, b),
  ne: (a, b) => !deepEqual(a, b),
  lt: (a, b) => (a as number) < (b as number),
  le: (a, b) => (a as number) <= (b as number),
  gt: (a, b) => (a as number) > (b as number),
  ge: (a, b) => (a as number) >= (b as number),
  not: (a) => isFalsy(a),
  and: (...args) => {
    let last: unknown = true;
    for (const a of args) {
      if (isFalsy(a)) return a;
      last = a;
    }
    return last;
  },
  or: (...args) => {
    for (const a of args) if (!isFalsy(a)) return a;
    return args.length > 0 ? defined(args[args.length - 1]) : false;
  },
  default: (value, fallback, ifFalsy) =>
    value instanceof Undefined || value === undefined || (ifFalsy === true && isFalsy(value)) ? fallback : value,
  defined: (value) => !(value instanceof Undefined) && value !== undefined,
  ternary: (cond, yes, no) => defined(isFalsy(cond) ? no : yes),
  bool: (v) => toBool(v),
  int: (v) => Number.parseInt(str(v), 10) || 0,
  float: (v) => Number.parseFloat(str(v)) || 0,
  string: (v) => str(v),
  add: (a, b) => (typeof a === "number" && typeof b === "number" ? a + b : str(a) + str(b)),
  length: (v) => lengthOf(v),
  contains: (container, item) => contains(container, item),
  in: (item, container) => contains(container, item),
  concat: (...args) =>
    Array.isArray(args[0]) ? args.flatMap((a) => (Array.isArray(a) ? a : [a])) : args.map(str).join(""),
  join: (list, sep) =>
    Array.isArray(list) ? list.map((x) => String(x)).join(sep === undefined ? "" : str(sep)) : str(list),
  split: (s, sep) => str(s).split(sep === undefined ? /\s+/ : str(sep)),
  first: (list) => (Array.isArray(list) ? list[0] : str(list)[0]),
  last: (list) => (Array.isArray(list) ? list[list.length - 1] : str(list).slice(-1)),
  lower: (s) => str(s).toLowerCase(),
  upper: (s) => str(s).toUpperCase(),
  trim: (s) => str(s).trim(),
  replace: (s, from, to) => str(s).split(str(from)).join(str(to)),
  regex_replace: (s, re, to) => userRegex(str(re)).replaceAll(str(s), str(to ?? "")),
  regex_search: (s, re) => userRegex(str(re)).exec(str(s))?.[0] ?? "",
  match: (s, re) => userRegex(`^(?:${str(re)})`).test(str(s)),
  search: (s, re) => userRegex(str(re)).test(str(s)),
  basename: (p) => path.posix.basename(str(p)),
  dirname: (p) => path.posix.dirname(str(p)),
  json: (v, indent) => JSON.stringify(v, null, typeof indent === "number" ? indent : undefined),
  to_json: (v) => JSON.stringify(v),
  to_nice_json: (v) => JSON.stringify(v, null, 4),
  from_json: (s) => JSON.parse(str(s)) as unknown,
  yaml: (v) => YAML.stringify(v).trimEnd(),
  to_yaml: (v) => YAML.stringify(v).trimEnd(),
  to_nice_yaml: (v) => YAML.stringify(v, { indent: 4 }).trimEnd(),
  from_yaml: (s) => YAML.parse(str(s)) as unknown,
  b64encode: (s) => Buffer.from(str(s), "utf8").toString("base64"),
  b64decode: (s) => Buffer.from(str(s), "base64").toString("utf8"),
  dict2items: (o) => Object.entries((o ?? {}) as object).map(([key, value]) => ({ key, value })),
  items2dict: (l) => Object.fromEntries((l as { key: string; value: unknown }[]).map((i) => [i.key, i.value])),
  keys: (o) => Object.keys((o ?? {}) as object),
  values: (o) => Object.values((o ?? {}) as object),
  lookup: (o, key) => lookupPath(o, [str(key)], `${String(key)}`),
  get: (o, key) => lookupPath(o, [str(key)], `${String(key)}`),
  quote: (s) => (require("shell-quote") as typeof import("shell-quote")).quote([str(s)]), // loaded by the first use
  quote_ident: (s) => quoteIdent(str(s)),
  quote_literal: (s) => quoteLiteral(str(s)),
  pg_md5: (password, user) => pgMd5(str(password), str(user)),
  pg_scram: (password, user, salt) => pgScram(str(password), str(user), salt === undefined ? undefined : str(salt)),
};

/** Block helpers a template may open with `{{#name}}`; they come with Handlebars. */
export const BLOCK_HELPERS: ReadonlySet<string> = new Set(["if", "unless", "each", "with"]);
