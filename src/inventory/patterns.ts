// Host patterns as in Ansible's `hosts:` and `--limit`: `group`, `host`, `a:b` (union), `a:&b`
// (intersection), `a:!b` (exclusion), globs `web*`, regexes `~db\d+`, `all` and `*`; `,` works like `:`.
import { RegexSyntaxError, userRegex, type UserRegex } from "../user-regex.js";
import type { Inventory } from "./types.js";

/** Hosts a pattern selects, in inventory order, and the terms that matched nothing (likely typos). */
export interface Selection {
  readonly hosts: string[];
  readonly unmatched: string[];
  /** Why terms whose regular expression (`~...`) or glob does not compile were left out. */
  readonly invalid: string[];
}

/** Every host in a group, including the hosts of its child groups, in inventory order. */
export function hostsInGroup(inv: Inventory, group: string): string[] {
  if (group === "all") return [...inv.hosts.keys()];
  const found = new Set<string>();
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const g = inv.groups.get(name);
    if (!g) return;
    for (const h of g.hosts) found.add(h);
    for (const c of g.children) visit(c);
  };
  visit(group);
  return [...inv.hosts.keys()].filter((h) => found.has(h));
}

/** Every group a host belongs to, directly or through child groups, `all` first, then by depth and name. */
export function groupsOfHost(inv: Inventory, host: string): string[] {
  const out = new Set<string>(["all"]);
  const up = (name: string): void => {
    if (out.has(name)) return;
    out.add(name);
    for (const p of inv.groups.get(name)?.parents ?? []) up(p);
  };
  for (const g of inv.hosts.get(host)?.groups ?? []) up(g);
  if ((inv.hosts.get(host)?.groups.length ?? 0) === 0) out.add("ungrouped");
  const depth = (g: string): number => inv.groups.get(g)?.depth ?? 1;
  return [...out].sort((a, b) => depth(a) - depth(b) || a.localeCompare(b));
}

/** Splits a pattern into its terms: on `,` if it has one, else on `:`. */
export function splitPattern(pattern: string): string[] {
  const sep = pattern.includes(",") ? "," : ":";
  return pattern
    .split(sep)
    .map((t) => t.trim())
    .filter((t) => t !== "");
}

/** A shell-style glob (`*`, `?`, `[...]`) as an anchored RE2 pattern; also used by `setup`'s filter. */
export function globToRegExp(glob: string): UserRegex {
  const body = glob
    .replace(/[.+^${}()|\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return userRegex(`^${body}$`);
}

/** The hosts of one term, or undefined (after telling `bad` why) when its pattern does not compile. */
function compiledTerm(inv: Inventory, term: string, bad: (why: string) => void): string[] | undefined {
  try {
    return matchTerm(inv, term);
  } catch (e) {
    if (!(e instanceof RegexSyntaxError)) throw e;
    bad(e.message);
    return undefined;
  }
}

function matchTerm(inv: Inventory, term: string): string[] {
  if (term === "all" || term === "*") return [...inv.hosts.keys()];
  if (inv.groups.has(term)) return hostsInGroup(inv, term);
  if (inv.hosts.has(term)) return [term];
  let re: UserRegex | undefined;
  if (term.startsWith("~")) re = userRegex(term.slice(1));
  else if (/[*?[]/.test(term)) re = globToRegExp(term);
  if (!re) return [];
  const out = new Set<string>();
  for (const g of inv.groups.keys()) if (re.test(g)) for (const h of hostsInGroup(inv, g)) out.add(h);
  for (const h of inv.hosts.keys()) if (re.test(h)) out.add(h);
  return [...out];
}

/** Selects hosts: the union of plain terms (all hosts if there are none), then `&` intersections, then
 * `!` exclusions, as Ansible does. */
export function selectHosts(inv: Inventory, pattern: string | readonly string[]): Selection {
  const terms = typeof pattern === "string" ? splitPattern(pattern) : pattern.flatMap(splitPattern);
  const unmatched: string[] = [];
  const invalid: string[] = [];
  const plain = new Set<string>();
  const intersections: Set<string>[] = [];
  const exclusions = new Set<string>();
  for (const raw of terms) {
    const op = raw[0] === "&" || raw[0] === "!" ? raw[0] : "";
    const term = raw.slice(op.length);
    const hosts = compiledTerm(inv, term, (why) => invalid.push(`host pattern '${raw}': ${why}`));
    if (!hosts) continue;
    if (hosts.length === 0 && !inv.groups.has(term)) unmatched.push(raw);
    if (op === "&") intersections.push(new Set(hosts));
    else if (op === "!") for (const h of hosts) exclusions.add(h);
    else for (const h of hosts) plain.add(h);
  }
  const onlyFilters = terms.length > 0 && terms.every((t) => t[0] === "&" || t[0] === "!");
  const hosts = [...inv.hosts.keys()].filter(
    (h) => (onlyFilters || plain.has(h)) && intersections.every((s) => s.has(h)) && !exclusions.has(h),
  );
  return { hosts, unmatched, invalid };
}
