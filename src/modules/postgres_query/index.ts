// `postgres_query`: run one SQL statement. A read-only statement (SELECT, SHOW, VALUES, TABLE, WITH ...
// SELECT) that calls none of the functions with side effects (pg_promote, slot and WAL control,
// nextval...) runs while planning, inside a READ ONLY transaction that is rolled back, and is ok with its
// rows (check mode too, as Ansible). Anything else is a change whose apply runs it, so check mode never
// executes it (Ansible runs and rolls back, which cannot undo pg_promote()); such a statement reports
// changed even when it touches no rows, since knowing that would mean running it.
// Arguments: positional_args fill %s (or $1..$n), named_args fill %(name)s, as psycopg does, but only in
// the code: inside a comment, a string or a quoted identifier they are text.
import type { PostgresQueryArgs } from "./schema.js";
import { defineModule, change, fail, ok, type Decision } from "../contract.js";
import { leadingKeyword, type SqlResult } from "../support/pg.js";
import { codeShape, inCode, PARAM, replaceInCode } from "../support/sql-text.js";

const READ_ONLY = new Set(["SELECT", "SHOW", "VALUES", "TABLE", "WITH"]);
const SIDE_EFFECTS =
  /\b(pg_promote|pg_create_\w+|pg_drop_replication_slot|pg_replication_slot_advance|pg_reload_conf|pg_terminate_backend|pg_cancel_backend|pg_switch_wal|pg_wal_replay_(pause|resume)|pg_rotate_logfile|pg_checkpoint|pg_stat_reset\w*|pg_advisory\w*|pg_notify|pg_log_backend_memory_contexts|nextval|setval|set_config|lo_\w+|dblink\w*)\s*\(/i;
const DATA_MODIFYING = /\b(INSERT|UPDATE|DELETE|MERGE)\b|\bFOR\s+(UPDATE|SHARE|NO\s+KEY|KEY)\b|\bINTO\b/i;

/** True when the statement only reads (and so may run while planning, even in check mode): one
 * statement, judged by its code alone (a second statement could end the read-only transaction). */
export function isReadOnly(sql: string): boolean {
  const kw = leadingKeyword(sql);
  const code = codeShape(sql).replace(/[\s;]+$/, "");
  if (!READ_ONLY.has(kw) || code.includes(";") || SIDE_EFFECTS.test(code)) return false;
  return kw === "SHOW" || !DATA_MODIFYING.test(code);
}

/** psycopg placeholders to $n: %s in order, %(name)s by name (repeats share a number), %% to %; only in
 * code, so a %s in a comment, string or identifier stays text. */
export function toNumbered(
  sql: string,
  positional: readonly unknown[] | undefined,
  named: Readonly<Record<string, unknown>> | undefined,
): { text: string; params: unknown[] } | string {
  const params: unknown[] = [];
  const byName = new Map<string, number>();
  let next = 0;
  let error: string | undefined;
  const text = replaceInCode(sql, /%%|%\((\w+)\)s|%s/g, (m, name) => {
    if (m === "%%") return "%";
    if (name !== undefined) {
      if (!named || !(name in named)) error ??= `named argument ${name} is not in named_args`;
      if (!byName.has(name)) byName.set(name, params.push(named?.[name]));
      return `$${byName.get(name)}`;
    }
    if (!positional || next >= positional.length) error ??= "more %s placeholders than positional_args";
    params.push(positional?.[next++]);
    return `$${params.length}`;
  });
  if (error) return error;
  if (params.length || !positional?.length) return { text, params };
  if (!inCode(sql, PARAM))
    return "positional_args given but the query has no placeholder (%s or $n) outside comments and strings";
  return { text: sql, params: [...positional] };
}

function resultData(query: string, r: SqlResult) {
  return { query, query_result: r.rows, rowcount: r.rowCount, statusmessage: r.statusMessage };
}

/** The `postgres_query` module. */
export default defineModule<PostgresQueryArgs>({
  name: "postgres_query",
  async plan(ctx, args): Promise<Decision> {
    if (args.positional_args && args.named_args)
      return fail("postgres_query: positional_args and named_args are mutually exclusive");
    const bound = toNumbered(args.query, args.positional_args, args.named_args);
    if (typeof bound === "string") return fail(`postgres_query: ${bound}`);
    if (isReadOnly(args.query)) {
      const r = await ctx.sql(args, (s) => s.read(bound.text, bound.params));
      return ok(`read-only statement (${r.statusMessage}): ${r.rowCount} row(s)`, resultData(args.query, r));
    }
    const kw = leadingKeyword(args.query) || "statement";
    return change(
      `run ${kw} statement on ${args.db ?? args.login_db ?? "postgres"}`,
      async (host) => {
        const r = await host.sql(args, (s) => s.query(bound.text, bound.params));
        return resultData(args.query, r);
      },
      [{ path: "query", before: "", after: `${args.query.trim()}\n` }],
      { query: args.query },
    );
  },
});
