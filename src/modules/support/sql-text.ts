// SQL text split the way PostgreSQL's lexer splits it: string constants (E'' ones with backslash
// escapes), quoted identifiers, dollar-quoted bodies and comments are opaque; the rest is code. Only code
// holds placeholders, keywords and statement separators, so a `%s` or `$1` inside a comment or a string
// stays text: a parameter put there could end the comment and become SQL.

/** A run of SQL text: code, or one token the server reads whole (its kind). */
export interface SqlPiece {
  readonly kind: "code" | "string" | "ident" | "comment";
  readonly text: string;
}

const IDENT_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_DELIM = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;

/** A `$n` parameter in code (not the tail of an identifier such as `a$1`). */
export const PARAM = /(?<![A-Za-z0-9_$\u0080-\uffff])\$(\d+)/g;

/** The pieces of `sql` in order; joined, they give `sql` back. Assumes standard_conforming_strings on. */
export function sqlPieces(sql: string): SqlPiece[] {
  const pieces: SqlPiece[] = [];
  let codeStart = 0;
  let i = 0;
  while (i < sql.length) {
    const token = opaqueToken(sql, i);
    if (!token) {
      i++;
      continue;
    }
    if (i > codeStart) pieces.push({ kind: "code", text: sql.slice(codeStart, i) });
    pieces.push({ kind: token.kind, text: sql.slice(i, token.end) });
    i = codeStart = token.end;
  }
  if (sql.length > codeStart) pieces.push({ kind: "code", text: sql.slice(codeStart) });
  return pieces;
}

function opaqueToken(sql: string, i: number): { kind: SqlPiece["kind"]; end: number } | undefined {
  const two = sql.slice(i, i + 2);
  if (two === "--") return { kind: "comment", end: lineEnd(sql, i) };
  if (two === "/*") return { kind: "comment", end: blockCommentEnd(sql, i) };
  const c = sql[i];
  if (c === "'") return { kind: "string", end: quotedEnd(sql, i, "'", isEscapeString(sql, i)) };
  if (c === '"') return { kind: "ident", end: quotedEnd(sql, i, '"', false) };
  if (c === "$" && !IDENT_CHAR.test(sql[i - 1] ?? " ")) {
    DOLLAR_DELIM.lastIndex = i;
    const delim = DOLLAR_DELIM.exec(sql)?.[0];
    if (delim) {
      const close = sql.indexOf(delim, i + delim.length);
      return { kind: "string", end: close < 0 ? sql.length : close + delim.length };
    }
  }
  return undefined;
}

function lineEnd(sql: string, i: number): number {
  const nl = sql.indexOf("\n", i);
  return nl < 0 ? sql.length : nl;
}

/** Block comments nest in PostgreSQL. */
function blockCommentEnd(sql: string, i: number): number {
  let depth = 0;
  for (let j = i; j < sql.length - 1; j++) {
    const two = sql.slice(j, j + 2);
    if (two === "/*") depth++;
    else if (two === "*/") depth--;
    else continue;
    j++;
    if (depth === 0) return j + 1;
  }
  return sql.length;
}

/** `E'...'` (a lone E or e before the quote, not the end of a longer word) takes backslash escapes. */
function isEscapeString(sql: string, quote: number): boolean {
  return /[Ee]/.test(sql[quote - 1] ?? "") && !IDENT_CHAR.test(sql[quote - 2] ?? " ");
}

function quotedEnd(sql: string, i: number, q: string, backslashes: boolean): number {
  for (let j = i + 1; j < sql.length; j++) {
    if (backslashes && sql[j] === "\\") j++;
    else if (sql[j] === q) {
      if (sql[j + 1] !== q) return j + 1;
      j++;
    }
  }
  return sql.length;
}

/** `re` replaced in the code pieces only (global regexes; `fn` as for String.replace). */
export function replaceInCode(
  sql: string,
  re: RegExp,
  fn: (match: string, ...groups: (string | undefined)[]) => string,
): string {
  return sqlPieces(sql)
    .map((p) => (p.kind === "code" ? p.text.replace(re, fn as (m: string, ...rest: unknown[]) => string) : p.text))
    .join("");
}

/** True when `re` matches inside some code piece. */
export function inCode(sql: string, re: RegExp): boolean {
  const once = new RegExp(re.source, re.flags.replace("g", ""));
  return sqlPieces(sql).some((p) => p.kind === "code" && once.test(p.text));
}

/** What a statement does, for classifying it: strings as '', comments as a space, identifiers unquoted
 * (so `"pg_promote"()` still reads as a call of pg_promote). */
export function codeShape(sql: string): string {
  const shape = {
    code: (t: string) => t,
    string: () => "''",
    comment: () => " ",
    ident: (t: string) => t.slice(1, -1).replace(/""/g, '"'),
  };
  return sqlPieces(sql)
    .map((p) => shape[p.kind](p.text))
    .join("");
}
