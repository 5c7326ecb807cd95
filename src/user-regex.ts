// Regular expressions written by users (regex_search and friends, lineinfile's regexp, host patterns
// `~...`) run on RE2 (the re2js port), whose matching time is linear in the input. JavaScript's own
// engine backtracks: `(a+)+$` against a long line ran for minutes on the event loop, where not even
// Ctrl-C could stop it. RE2 has no lookaround and no backreferences in patterns; those are syntax errors.
// re2js is loaded by the first pattern compiled, not by every command that might compile one.
import { createRequire } from "node:module";
import type { RE2JS } from "re2js";

/** A compiled user pattern, with the RegExp methods the runner uses. */
export interface UserRegex {
  /** True when the pattern matches somewhere in `s`. */
  test(s: string): boolean;
  /** The first match: `[whole, ...groups]` with `index` and named `groups`, or null. */
  exec(s: string): ((string | undefined)[] & { index: number; groups?: Record<string, string | undefined> }) | null;
  /** `s` with every match replaced; `$1`, `$<name>` and `$&` in `to` as String.prototype.replace has them. */
  replaceAll(s: string, to: string): string;
  /** Every match, left to right: `[whole, ...groups]` each (a group that did not take part is undefined). */
  findAll(s: string): (string | undefined)[][];
}

/** A user's pattern that RE2 cannot compile; the message says why, and what RE2 leaves out. */
export class RegexSyntaxError extends Error {
  override readonly name = "RegexSyntaxError";
}

let RE2: typeof RE2JS | undefined;

const CACHE_LIMIT = 500;
const cache = new Map<string, UserRegex>();

/** Compiles `pattern` (cached: lineinfile tests one pattern on every line); throws RegexSyntaxError. */
export function userRegex(pattern: string): UserRegex {
  const known = cache.get(pattern);
  if (known) return known;
  const compiled = compile(pattern);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(pattern, compiled);
  return compiled;
}

function compile(pattern: string): UserRegex {
  let re: RE2JS;
  try {
    RE2 ??= (createRequire(import.meta.url)("re2js") as typeof import("re2js")).RE2JS;
    re = RE2.compile(pattern);
  } catch (e) {
    const why = (e as Error).message.replace(/^error parsing regexp: /, "");
    throw new RegexSyntaxError(
      `invalid regular expression /${pattern}/: ${why} (patterns use RE2 syntax: no lookahead, lookbehind or backreferences)`,
    );
  }
  return {
    test: (s) => re.test(s),
    exec: (s) => re.exec(s) as ReturnType<UserRegex["exec"]>,
    replaceAll: (s, to) => re.matcher(s).replaceAll(to),
    findAll: (s) => {
      const m = re.matcher(s);
      const out: (string | undefined)[][] = [];
      while (m.find()) out.push(Array.from({ length: m.groupCount() + 1 }, (_, i) => m.group(i) ?? undefined));
      return out;
    },
  };
}
