// How the Postgres modules reach the server, in one place. Two ways, chosen from the arguments:
// - `login_password` given, or `login_unix_socket` given: the `pg` client over the SSH connection's
//   forwarded stream (TCP to login_host:port, default 127.0.0.1:5432, or the unix socket), so the
//   host needs nothing but sshd. Over the socket, peer auth sees the SSH login user: map it in pg_ident.
// - neither: Debian's default local superuser access, `psql` run as the `postgres` OS user (become via
//   sudo or su) with peer auth. The script on stdin is gocd-bc's own: the statement is one dollar-quoted
//   literal in it, which `\gexec` hands to the server as is, so psql never reads the statement's text
//   as commands (no `\!` in a name or a parameter can run anything). The SQL stays off command lines;
//   parameters are inlined as escaped literals where the code (not a comment or string) has `$n`, and
//   row-returning statements come back as JSON, so both ways return the same shapes.
// pg is loaded when first needed: its quoting alone (pg's utils) for SQL text, its client to connect.
import { createRequire } from "node:module";
import type pg from "pg";
import {
  cmd,
  pgClientOver,
  RemoteOperationError,
  secret,
  type BecomeSpec,
  type Connection,
  type RunExited,
} from "../../connection/index.js";
import { errorCheck, psqlProcess, sessionScript } from "./psql-session.js";
import { codeShape, PARAM, replaceInCode } from "./sql-text.js";

const require = createRequire(import.meta.url);

/** pg's quoting of identifiers and literals. */
export type PgEscapes = Pick<typeof pg, "escapeIdentifier" | "escapeLiteral">;
let escapes: PgEscapes | undefined;

/** pg's `escapeIdentifier` and `escapeLiteral`, from its utils (what `pg` exports them from), loaded on
 * first use without pg's client, pool and protocol. */
export function pgEscapes(): PgEscapes {
  escapes ??= require("pg/lib/utils") as PgEscapes;
  return escapes;
}

/** The connection arguments every Postgres module takes (Ansible's names). */
export interface PgLoginArgs {
  readonly db?: string;
  readonly login_db?: string;
  readonly login_user?: string;
  readonly login_password?: string;
  readonly login_host?: string;
  readonly login_unix_socket?: string;
  readonly port?: number;
}

/** A statement's outcome: rows (JSON-friendly values), affected/returned count, and the command tag. */
export interface SqlResult {
  readonly rows: Record<string, unknown>[];
  readonly rowCount: number;
  readonly command: string;
  readonly statusMessage: string;
}

/** Statements that only read; `via` names the access path for messages. */
export interface SqlReader {
  readonly via: string;
  /** Runs one statement in a READ ONLY transaction that is rolled back. */
  read(text: string, params?: readonly unknown[]): Promise<SqlResult>;
}

/** A session that may change the database. */
export interface SqlSession extends SqlReader {
  /** Runs one statement as it is. */
  query(text: string, params?: readonly unknown[]): Promise<SqlResult>;
}

/** An open session as each access path gives it. */
interface OpenSession {
  readonly via: string;
  query(text: string, params: readonly unknown[], readOnly: boolean): Promise<SqlResult>;
  close(): Promise<void>;
}

/** What a session needs of the task's host: its name (for messages), its connection and the task's become. */
export interface PgHost {
  readonly host: string;
  readonly conn: Connection;
  readonly become?: BecomeSpec;
}

/** The statement's leading keyword, upper-cased (comments and parentheses skipped). */
export function leadingKeyword(sql: string): string {
  const stripped = codeShape(sql).replace(/^[\s(]+/, "");
  return (/^[A-Za-z]+/.exec(stripped)?.[0] ?? "").toUpperCase();
}

const COUNTED = new Set(["INSERT", "SELECT", "UPDATE", "DELETE", "MERGE", "MOVE", "FETCH", "COPY"]);

/** A command tag as psql prints it: `INSERT 0 n`, `UPDATE n`, `SELECT n`, or the bare command. */
export function statusMessage(command: string, rowCount: number): string {
  if (command === "INSERT") return `INSERT 0 ${rowCount}`;
  return COUNTED.has(command) ? `${command} ${rowCount}` : command;
}

/** Open a session as the arguments say, run `work`, always close it; errors become task failures. */
export async function withPg<T>(h: PgHost, args: PgLoginArgs, work: (s: SqlSession) => Promise<T>): Promise<T> {
  const session =
    args.login_password !== undefined || args.login_unix_socket !== undefined
      ? await openClient(h, args)
      : psqlSession(h, args);
  try {
    return await work({
      via: session.via,
      read: (text, params = []) => session.query(text, params, true),
      query: (text, params = []) => session.query(text, params, false),
    });
  } catch (e) {
    throw asTaskError(h, session.via, e);
  } finally {
    await session.close().catch(() => undefined);
  }
}

function asTaskError(h: PgHost, via: string, e: unknown): unknown {
  if (e instanceof RemoteOperationError) return e;
  if (
    e instanceof Error &&
    (e instanceof (require("pg") as typeof pg).DatabaseError ||
      /^(Connection|connect|password|timeout)/i.test(e.message))
  ) {
    return new RemoteOperationError(h.host, "run", `PostgreSQL (${via}): ${e.message}`);
  }
  return e;
}

function socketFile(dirOrFile: string, port: number): string {
  return /\.s\.PGSQL\.\d+$/.test(dirOrFile) ? dirOrFile : `${dirOrFile.replace(/\/$/, "")}/.s.PGSQL.${port}`;
}

async function openClient(h: PgHost, args: PgLoginArgs): Promise<OpenSession> {
  const user = args.login_user ?? "postgres";
  const port = args.port ?? 5432;
  const where =
    args.login_unix_socket !== undefined
      ? { socketPath: socketFile(args.login_unix_socket, port) }
      : { host: args.login_host ?? "127.0.0.1", port };
  const via = `pg over ssh to ${"socketPath" in where ? where.socketPath : `${where.host}:${where.port}`} as ${user}`;
  let client: pg.Client;
  try {
    client = await pgClientOver(h.conn, {
      ...where,
      user,
      database: args.login_db ?? args.db ?? "postgres",
      ...(args.login_password !== undefined ? { password: secret(args.login_password) } : {}),
    });
  } catch (e) {
    throw asTaskError(h, via, e);
  }
  return {
    via,
    async query(text, params, readOnly) {
      if (readOnly) await client.query("BEGIN READ ONLY");
      try {
        const r = await client.query(text, params as unknown[]);
        const command = r.command ?? leadingKeyword(text);
        const rowCount = r.rowCount ?? r.rows.length;
        return { rows: r.rows.map(jsonFriendly), rowCount, command, statusMessage: statusMessage(command, rowCount) };
      } finally {
        if (readOnly) await client.query("ROLLBACK");
      }
    },
    close: () => client.end(),
  };
}

function jsonFriendly(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row))
    out[k] = v instanceof Date ? v.toISOString() : Buffer.isBuffer(v) ? `\\x${v.toString("hex")}` : v;
  return out;
}

/** A JS value as an SQL literal (null, booleans, numbers, strings, arrays as ARRAY[...]; objects as JSON text). */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (Array.isArray(value)) return value.length ? `ARRAY[${value.map(sqlLiteral).join(", ")}]` : "'{}'";
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (typeof value === "number" || typeof value === "bigint") return pgEscapes().escapeLiteral(String(value));
  return pgEscapes().escapeLiteral(typeof value === "string" ? value : JSON.stringify(value));
}

/** `$n` placeholders in the code replaced by literals (never inside strings, identifiers or comments). */
export function inlineParams(sql: string, params: readonly unknown[]): string {
  if (!params.length) return sql;
  return replaceInCode(sql, PARAM, (_m, n) => {
    const i = Number(n) - 1;
    if (i < 0 || i >= params.length)
      throw new RemoteOperationError("", "run", `query uses $${n} but only ${params.length} arguments were given`);
    return sqlLiteral(params[i]);
  });
}

const BEGIN = "__gocd_bc_begin__";
const END = "__gocd_bc_end__";

/** The statement rewritten so psql prints its rows as one JSON array, or undefined when it returns none.
 * The statement ends on its own line, so a trailing `--` comment cannot swallow the wrapper. */
export function jsonWrapped(body: string): string | undefined {
  const kw = leadingKeyword(body);
  const show = /^\s*SHOW\s+([A-Za-z_][\w.]*)\s*$/i.exec(body);
  if (show)
    return `SELECT coalesce(json_agg(q), '[]'::json) FROM (SELECT current_setting(${pgEscapes().escapeLiteral(show[1] as string)}) AS ${pgEscapes().escapeIdentifier((show[1] as string).toLowerCase())}) q`;
  if (["SELECT", "WITH", "VALUES", "TABLE"].includes(kw))
    return `SELECT coalesce(json_agg(q), '[]'::json) FROM (${body}\n) q`;
  if (["INSERT", "UPDATE", "DELETE", "MERGE"].includes(kw) && /\bRETURNING\b/i.test(codeShape(body)))
    return `WITH q AS (${body}\n) SELECT coalesce(json_agg(q), '[]'::json) FROM q`;
  return undefined;
}

/** A dollar-quote tag such that `$tag` occurs nowhere in the text: `$tag$text$tag$` then ends only at
 * the closing tag, even when the text ends in `$tag` (which the closing `$` would complete). */
export function dollarTag(text: string): string {
  let tag = "gocd_bc";
  for (let n = 1; text.includes(`$${tag}`); n++) tag = `gocd_bc_${n}`;
  return tag;
}

const PRELUDE = [
  "\\encoding UTF8",
  "\\set ON_ERROR_STOP on",
  "\\set QUIET on",
  "\\pset format unaligned",
  "\\pset tuples_only on",
  "\\pset pager off",
  "SET standard_conforming_strings = on;",
];

/** The psql script for one statement: psql's lexer sees the statement only as one dollar-quoted literal,
 * which `\gexec` sends to the server unread; between markers psql prints JSON rows or the command tag. */
export function psqlScript(sql: string, readOnly: boolean): { script: string; json: boolean } {
  const { statement, json } = gexecStatement(sql);
  return { script: oneShotScript(statement, readOnly), json };
}

/** The whole script of a psql run for one statement (as gexecStatement gives it). */
function oneShotScript(statement: string, readOnly: boolean): string {
  const lines = readOnlyWrapped([`\\echo ${BEGIN}`, ...gexecLines(statement), `\\echo ${END}`], readOnly);
  return `${[...PRELUDE, ...lines].join("\n")}\n`;
}

/** The body of a session's script for one statement (see psql-session.ts): no prelude (the session
 * sent it once), and the check that tells a failed statement, since psql goes on after it. */
function sessionBody(statement: string, readOnly: boolean, marker: string): string {
  return readOnlyWrapped([...gexecLines(statement), errorCheck(marker)], readOnly).join("\n");
}

/** Lines inside a READ ONLY transaction that is rolled back, when `readOnly`. */
function readOnlyWrapped(lines: readonly string[], readOnly: boolean): string[] {
  return readOnly ? ["BEGIN READ ONLY;", ...lines, "ROLLBACK;"] : [...lines];
}

/** The statement as psql runs it (rows as one JSON array where it returns rows). */
function gexecStatement(sql: string): { statement: string; json: boolean } {
  const body = sql.trim().replace(/;\s*$/, "");
  const wrapped = jsonWrapped(body);
  const statement = wrapped ?? body;
  if (statement.includes("\0")) throw new RemoteOperationError("", "run", "the SQL contains a NUL character");
  return { statement, json: wrapped !== undefined };
}

/** The lines that send the statement as one dollar-quoted literal, printing its command tag. */
function gexecLines(statement: string): string[] {
  const tag = dollarTag(statement);
  return ["\\set QUIET off", `SELECT $${tag}$${statement}$${tag}$ \\gexec`, "\\set QUIET on"];
}

/** Reads psql's output for psqlScript(): JSON rows, or the command tag (with its row count). */
export function parsePsqlOutput(stdout: string, json: boolean, sql: string): SqlResult {
  return parseRows(printedBetween(stdout), json, sql);
}

/** What a psql run for psqlScript() printed between its markers. */
function printedBetween(stdout: string): string {
  const start = stdout.indexOf(`${BEGIN}\n`);
  const end = stdout.lastIndexOf(`${END}\n`);
  if (start < 0 || end < start)
    throw new RemoteOperationError("", "run", `unexpected psql output: ${stdout.slice(0, 200)}`);
  return stdout.slice(start + BEGIN.length + 1, end);
}

/** What psql printed for one statement: JSON rows, or its command tag. */
function parseRows(printed: string, json: boolean, sql: string): SqlResult {
  const between = printed.trim();
  if (json) {
    const rows = JSON.parse(between || "[]") as Record<string, unknown>[];
    const command =
      leadingKeyword(sql) === "SHOW"
        ? "SHOW"
        : ["WITH", "VALUES", "TABLE"].includes(leadingKeyword(sql))
          ? "SELECT"
          : leadingKeyword(sql);
    return { rows, rowCount: rows.length, command, statusMessage: statusMessage(command, rows.length) };
  }
  return tagResult(between.split("\n").pop() ?? "", sql);
}

/** `INSERT 0 3` -> INSERT, 3 rows; `CREATE TABLE` -> CREATE; anything else is read from the SQL. */
function tagResult(tag: string, sql: string): SqlResult {
  const isTag = /^[A-Z]+(?: [A-Z]+)*(?: \d+)*$/.test(tag);
  const command = (isTag ? /^[A-Z]+/.exec(tag)?.[0] : undefined) ?? leadingKeyword(sql);
  const rowCount = isTag && COUNTED.has(command) ? Number(/(\d+)$/.exec(tag)?.[1] ?? 0) : 0;
  return { rows: [], rowCount, command, statusMessage: statusMessage(command, rowCount) };
}

function psqlSession(h: PgHost, args: PgLoginArgs): OpenSession {
  const user = args.login_user ?? "postgres";
  const conn: string[] = ["-X", "-d", args.login_db ?? args.db ?? "postgres", "-U", user];
  if (args.port !== undefined) conn.push("-p", String(args.port));
  if (args.login_host !== undefined) conn.push("-h", args.login_host);
  const via = `psql as OS user postgres${args.port !== undefined ? ` on port ${args.port}` : ""}`;
  const become: BecomeSpec = { user: "postgres", method: h.become?.method ?? "auto" };
  const fail = (why: string) => new RemoteOperationError(h.host, "run", `PostgreSQL (${via}): ${why}`);
  // From /: psql run as postgres from root's home would first warn "could not change directory".
  const psql = cmd`cd / && exec psql ${conn} -f -`;

  /** What psql printed for the statement in the host's psql session, or undefined when the connection
   * keeps none. A session psql ended before the statement began (a server restart since the last
   * statement) is replaced once; one that ended after it began fails: the statement may have run. */
  async function inSession(statement: string, readOnly: boolean): Promise<string | undefined> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const session = await psqlProcess(h.conn, psql, become);
      if (!session) return undefined;
      const r = await session.run(
        (marker) => sessionScript(sessionBody(statement, readOnly, marker), marker),
        QUERY_TIMEOUT_MS,
      );
      if (r.kind === "timeout") throw fail("timed out");
      if (r.kind === "done") {
        if (r.error !== undefined) throw fail(cleanPsqlMessage(r.error));
        return r.stdout;
      }
      if (r.begun || attempt > 0) {
        // psql's channel goes with the host's connection: a host that no longer answers is unreachable (the
        // run stops there, as for any task), not a failed statement.
        await h.conn.run(cmd`true`, { timeoutMs: QUERY_TIMEOUT_MS });
        throw fail(cleanPsqlMessage(r.stderr) || "psql ended during the statement");
      }
    }
    return undefined;
  }

  /** What a psql of its own printed for the statement. */
  async function oneShot(statement: string, readOnly: boolean): Promise<string> {
    const stdin = oneShotScript(statement, readOnly);
    const r = await h.conn.run(psql, { stdin, become, timeoutMs: QUERY_TIMEOUT_MS });
    if (r.kind === "timeout") throw fail("timed out");
    if (r.exitCode !== 0) throw fail(psqlError(r));
    return printedBetween(r.stdout);
  }

  return {
    via,
    async query(text, params, readOnly) {
      const { statement, json } = gexecStatement(inlineParams(text, params));
      const printed = (await inSession(statement, readOnly)) ?? (await oneShot(statement, readOnly));
      return parseRows(printed, json, text);
    },
    close: async () => undefined,
  };
}

const QUERY_TIMEOUT_MS = 120_000;

/** psql's error text without its `psql:<stdin>:N:` prefixes. */
function cleanPsqlMessage(text: string): string {
  return text.trim().replace(/^psql:<stdin>:\d+: /gm, "");
}

function psqlError(r: RunExited): string {
  return cleanPsqlMessage(r.stderr.trim() || r.stdout.trim()) || `psql exited ${r.exitCode}`;
}
