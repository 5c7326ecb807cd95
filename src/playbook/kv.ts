// Ansible's `key=value` argument strings (`file: path=/etc/x state=directory`) and the free form of
// command/shell, where `chdir=/tmp` and the like are picked out of the command line.

/** One whitespace-separated token of an argument string, with where it is in the string. */
interface Token {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** Splits on whitespace outside quotes and outside `{{ }}`. */
export function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i] ?? "")) i++;
    if (i >= s.length) break;
    const start = i;
    let quote: string | undefined;
    let braces = 0;
    while (i < s.length) {
      const c = s[i] ?? "";
      if (quote) {
        if (c === "\\" && quote === '"') i++;
        else if (c === quote) quote = undefined;
      } else if (s.startsWith("{{", i)) {
        braces++;
        i++;
      } else if (s.startsWith("}}", i) && braces > 0) {
        braces--;
        i++;
      } else if ((c === '"' || c === "'") && braces === 0) {
        quote = c;
      } else if (/\s/.test(c) && braces === 0) {
        break;
      }
      i++;
    }
    out.push({ text: s.slice(start, i), start, end: i });
  }
  return out;
}

function unquote(v: string): string {
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) {
    const inner = v.slice(1, -1);
    return v[0] === '"' ? inner.replace(/\\(["\\])/g, "$1") : inner;
  }
  return v;
}

function asPair(token: string): [string, string] | undefined {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(token);
  return m ? [m[1] ?? "", unquote(m[2] ?? "")] : undefined;
}

/** Parses `k=v k2="v 2"`; undefined when some token is not a pair (then it is not k=v syntax). */
export function parseKeyValues(s: string): Record<string, string> | undefined {
  return firstNonPair(s) === undefined ? Object.fromEntries(tokenize(s).map((t) => asPair(t.text)!)) : undefined;
}

/** The 1-based number of the first word of `s` that is not key=value, for messages that must not quote `s`. */
export function firstNonPair(s: string): number | undefined {
  const i = tokenize(s).findIndex((t) => !asPair(t.text));
  return i < 0 ? undefined : i + 1;
}

/** Splits a free-form string: `known=value` tokens become arguments, the rest goes to `freeKey`. */
export function parseFreeForm(s: string, freeKey: string, known: ReadonlySet<string>): Record<string, string> {
  const args: Record<string, string> = {};
  let rest = "";
  let last = 0;
  for (const t of tokenize(s)) {
    const pair = asPair(t.text);
    if (pair && known.has(pair[0]) && pair[0] !== freeKey) {
      args[pair[0]] = pair[1];
      rest += s.slice(last, t.start);
      last = t.end;
    }
  }
  rest += s.slice(last);
  const text = rest.trim();
  return text === "" ? args : { ...args, [freeKey]: text };
}
