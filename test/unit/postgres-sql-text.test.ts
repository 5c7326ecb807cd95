// How SQL reaches PostgreSQL without a password (psql as the postgres user): the statement must reach
// the server as data, never as psql script text, so no `\!` in a name, a parameter or a comment can run
// a shell command; placeholders are found only in code, never in comments, strings or identifiers.
import assert from "node:assert/strict";
import { test } from "node:test";
import { isReadOnly, toNumbered } from "../../src/modules/postgres_query/index.js";
import {
  dollarTag,
  inlineParams,
  jsonWrapped,
  leadingKeyword,
  parsePsqlOutput,
  psqlScript,
} from "../../src/modules/support/pg.js";
import { sqlPieces } from "../../src/modules/support/sql-text.js";

const PWNED = '1 AS "x" \\! touch /tmp/pwned\n" AS y';

/** The script with every dollar-quoted literal cut out: what psql's own lexer reads as commands. */
function outsideLiterals(script: string): string {
  return script.replace(/\$(gocd_bc\w*)\$[\s\S]*?\$\1\$/g, "<literal>");
}

test("psql gets the statement as one dollar-quoted literal run by \\gexec, never as script lines", () => {
  for (const readOnly of [true, false]) {
    const { script } = psqlScript(`SELECT ${PWNED}`, readOnly);
    const outside = outsideLiterals(script);
    assert.ok(!outside.includes("touch"), `the statement is psql script text:\n${script}`);
    for (const line of outside.split("\n").filter((l) => l.includes("\\"))) {
      assert.match(
        line,
        /^(\\encoding UTF8|\\set (ON_ERROR_STOP|QUIET) (on|off)|\\pset \w+ \w+|\\echo __gocd_bc_(begin|end)__|SELECT <literal> \\gexec)$/,
        `unexpected psql command: ${line}`,
      );
    }
    assert.match(
      script,
      /\nSELECT \$gocd_bc\$SELECT coalesce\(json_agg\(q\), '\[\]'::json\) FROM \(SELECT 1 AS "x" \\! touch \/tmp\/pwned\n" AS y\n\) q\$gocd_bc\$ \\gexec\n/,
    );
  }
  assert.match(
    psqlScript('CREATE DATABASE "a"', false).script,
    /\nSELECT \$gocd_bc\$CREATE DATABASE "a"\$gocd_bc\$ \\gexec\n/,
  );
});

test("the dollar-quote tag never occurs in the statement, not even completed by the closing tag", () => {
  assert.equal(dollarTag("SELECT 1"), "gocd_bc");
  assert.equal(dollarTag("SELECT $gocd_bc$x$gocd_bc$"), "gocd_bc_1");
  assert.equal(
    dollarTag("SELECT 1 -- ends in $gocd_bc"),
    "gocd_bc_1",
    "text ending in $tag would close the literal early",
  );
  assert.equal(dollarTag("$gocd_bc $gocd_bc_1"), "gocd_bc_2");
  const { script } = psqlScript("SELECT '$gocd_bc$ \\! touch /tmp/pwned $gocd_bc$'", false);
  assert.ok(!outsideLiterals(script).includes("touch"), script);
  assert.throws(() => psqlScript("SELECT 1\0\\! touch /tmp/pwned", false), /NUL/);
});

test("SQL text splits into code, strings, quoted identifiers, dollar-quoted bodies and comments", () => {
  const kinds = (sql: string) => sqlPieces(sql).map((p) => `${p.kind}:${p.text}`);
  assert.deepEqual(kinds("SELECT 'a''b', E'c\\'d', \"e\"\"f\" -- g\n/* h /* i */ j */ $t$ k $t$ a$1$ $1"), [
    "code:SELECT ",
    "string:'a''b'",
    "code:, E",
    "string:'c\\'d'",
    "code:, ",
    'ident:"e""f"',
    "code: ",
    "comment:-- g",
    "code:\n",
    "comment:/* h /* i */ j */",
    "code: ",
    "string:$t$ k $t$",
    "code: a$1$ $1",
  ]);
  assert.deepEqual(kinds("SELECT 'open"), ["code:SELECT ", "string:'open"]);
});

test("a %s or $1 inside a comment, string or identifier is text, not a placeholder", () => {
  assert.deepEqual(toNumbered("SELECT %s -- note %s\n, /* %s */ '%s', \"%s\", $$%s$$, E'\\'%s'", ["a"], undefined), {
    text: "SELECT $1 -- note %s\n, /* %s */ '%s', \"%s\", $$%s$$, E'\\'%s'",
    params: ["a"],
  });
  // The comment's %s taking a parameter with a newline used to put the rest of the parameter in the SQL.
  assert.match(
    String(toNumbered("SELECT 1 -- %s", ["\n\\! touch /tmp/pwned"], undefined)),
    /positional_args given but the query has no placeholder/,
  );
  assert.equal(
    inlineParams("SELECT $1 -- $1\n, '$1', E'\\'$1', \"$1\", $$ $1 $$, a$1", ["v\nw"]),
    "SELECT 'v\nw' -- $1\n, '$1', E'\\'$1', \"$1\", $$ $1 $$, a$1",
  );
});

test("statements are classified by their code alone; a second statement is never read-only", () => {
  assert.equal(leadingKeyword("/* SELECT */ -- SELECT\n  (WITH a AS (SELECT 1) SELECT * FROM a)"), "WITH");
  for (const q of ["SELECT 'a;b' AS x;", "SELECT 'nextval(' AS x", "SELECT 1 -- INSERT INTO"])
    assert.equal(isReadOnly(q), true, q);
  for (const q of [
    "SELECT 1; COMMIT; CREATE TABLE t ()",
    "SELECT E'\\''; DELETE FROM t; --'",
    'SELECT "pg_promote"()',
    "SELECT pg_promote/**/()",
  ])
    assert.equal(isReadOnly(q), false, q);
});

test("rows are wrapped on their own line (a trailing comment cannot swallow the wrapper); tags give the row count", () => {
  assert.equal(jsonWrapped("SELECT 1 -- one"), "SELECT coalesce(json_agg(q), '[]'::json) FROM (SELECT 1 -- one\n) q");
  assert.equal(jsonWrapped("INSERT INTO t VALUES ('RETURNING')"), undefined);
  const ins = parsePsqlOutput("__gocd_bc_begin__\nINSERT 0 3\n__gocd_bc_end__\n", false, "INSERT INTO t SELECT 1");
  assert.deepEqual([ins.command, ins.rowCount, ins.statusMessage], ["INSERT", 3, "INSERT 0 3"]);
  const created = parsePsqlOutput("__gocd_bc_begin__\nCREATE TABLE\n__gocd_bc_end__\n", false, "CREATE TABLE t ()");
  assert.deepEqual([created.command, created.rowCount], ["CREATE", 0]);
  const rows = parsePsqlOutput(
    '__gocd_bc_begin__\n[{"a":"__gocd_bc_end__"}]\n__gocd_bc_end__\n',
    true,
    "SELECT a FROM t",
  );
  assert.deepEqual(rows.rows, [{ a: "__gocd_bc_end__" }]);
});
