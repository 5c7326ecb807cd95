// Names that reach PostgreSQL (databases, roles, slots, settings, extensions) must be names: refused at
// validate time where written literally, refused once rendered before any host is touched, and quoted
// as identifiers where a role renders them into SQL or pg_hba.conf.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import type { Connection } from "../../src/connection/types.js";
import { invokeModule } from "../../src/engine/invoke.js";
import { TemplateError } from "../../src/errors.js";
import type { TaskHost } from "../../src/modules/contract.js";
import { renderString } from "../../src/template/engine.js";
import { errorsOf, findError, loadTree, planOf } from "./loader-helpers.js";
import { Redactor } from "../../src/modules/support/mask.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const HEAD = "- hosts: all\n  gather_facts: false\n  tasks:\n";
const PWNED = "x\\! touch /tmp/pwned";

function task(module: string, args: string): string {
  return `${HEAD}    - name: T\n      ${module}:\n${args.replace(/^/gm, "        ")}\n`;
}

test("a name that is not a PostgreSQL name is refused at validate time, located at the argument", () => {
  const cases: [string, string, string, RegExp][] = [
    ["postgres_user", `name: '${PWNED}'`, "name", /found string 'x\\! touch \/tmp\/pwned', expected a PostgreSQL name/],
    ["postgres_query", 'query: SELECT 1\ndb: "gocd host=evil"', "db", /expected a PostgreSQL name/],
    ["postgres_query", 'query: SELECT 1\nlogin_user: "a\\nb"', "login_user", /expected a PostgreSQL name/],
    ["postgres_slot", "name: Standby-1", "name", /expected a replication slot name/],
    ["postgres_setting", "name: work_mem = 1; x\nvalue: 1", "name", /expected a setting name/],
  ];
  for (const [module, args, arg, message] of cases) {
    const e = findError(errorsOf(loadTree({ "site.yml": task(module, args) })), message);
    assert.equal(e.path, `plays[0].tasks[0].${module}.${arg}`);
    assert.equal(e.line, 6 + args.split("\n").findIndex((l) => l.startsWith(`${arg}:`)), `${module}.${arg} line`);
  }
});

test("ordinary names validate: letters, digits, _, $ and -; dotted custom settings; templated values wait", () => {
  planOf(
    loadTree({ "site.yml": task("postgres_user", "name: gocd_database_user\ndb: gocd-db\nlogin_user: postgres") }),
  );
  planOf(loadTree({ "site.yml": task("postgres_slot", "name: gocd_bc_db_standby_2") }));
  planOf(loadTree({ "site.yml": task("postgres_setting", "name: gocd.custom_x\nvalue: 1") }));
  planOf(
    loadTree({
      "site.yml": `${HEAD.replace("  tasks:\n", "  vars:\n    n: x\n  tasks:\n")}    - postgres_user:\n        name: "{{ n }}"\n`,
    }),
  );
});

test("a rendered name is refused before the module touches the host", async () => {
  const ran: string[] = [];
  const conn = new Proxy(
    {},
    {
      get: (_t, p) => () => {
        ran.push(String(p));
        throw new Error("touched the host");
      },
    },
  ) as Connection;
  const ctx: TaskHost = {
    host: "db",
    conn,
    check: true,
    vars: {},
    redact: new Redactor(),
    run: () => {
      ran.push("run");
      throw new Error("touched the host");
    },
    findFile: (_k, f) => f,
    renderTemplateFile: async () => "",
  };
  for (const [module, args] of [
    ["postgres_user", { name: PWNED }],
    ["postgres_query", { query: "SELECT 1", db: `postgres ${PWNED}` }],
    ["postgres_slot", { name: "a;b" }],
  ] as const) {
    const r = await invokeModule(module, { ...args }, ctx);
    assert.equal(r.status, "failed");
    assert.match(
      (r as { error: string }).error,
      new RegExp(
        `invalid arguments for ${module}: \\w+: found string .*, expected a (PostgreSQL|replication slot) name`,
      ),
    );
  }
  assert.deepEqual(ran, [], "the host was touched");
});

test("quote_ident quotes a name as an identifier and refuses anything else, naming the task", () => {
  const ctx = {
    loc: { file: "main.yml", line: 3, col: 9 },
    path: "tasks[0].postgres_query.query",
    task: "GoCD's database",
  };
  assert.equal(renderString("CREATE DATABASE {{ quote_ident n }}", { n: "gocd" }, ctx), 'CREATE DATABASE "gocd"');
  assert.equal(renderString("{{ quote_ident n }}", { n: "uuid-ossp" }, ctx), '"uuid-ossp"');
  for (const bad of [PWNED, 'a"b', "", "a\nb", "1abc", "x".repeat(64)]) {
    assert.throws(
      () => renderString("CREATE DATABASE {{ quote_ident n }}", { n: bad }, ctx),
      (e: unknown) => {
        assert.ok(e instanceof TemplateError);
        assert.match(e.message, /quote_ident: .* is not a PostgreSQL name .* in task 'GoCD's database'/);
        return true;
      },
    );
  }
});

test("quote_literal quotes a value as a string literal, escapes what would end or change it, and refuses a NUL", () => {
  const ctx = { loc: { file: "main.yml", line: 3, col: 9 }, path: "tasks[0].postgres_query.query", task: "epoch" };
  const lit = (v: unknown) => renderString("SET x = {{ quote_literal v }}", { v }, ctx);
  assert.equal(lit("5"), "SET x = '5'");
  assert.equal(lit(7), "SET x = '7'");
  assert.equal(lit("it's"), "SET x = 'it''s'");
  assert.equal(lit("'; DROP DATABASE gocd; --"), "SET x = '''; DROP DATABASE gocd; --'");
  assert.equal(lit("a\\b"), "SET x = E'a\\\\b'");
  assert.equal(renderString("{{ v | quote_literal }}", { v: "o'k" }, ctx), "'o''k'");
  assert.throws(() => lit("a\0b"), /quote_literal: a PostgreSQL text cannot hold a NUL character/);
});

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(d.name) ? [p] : [];
  });
}

function queries(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) queries(n, out);
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === "postgres_query" && v && typeof v === "object" && typeof (v as { query?: unknown }).query === "string")
        out.push((v as { query: string }).query);
      else queries(v, out);
    }
  }
  return out;
}

test("the shipped roles render names and values into SQL only through quote_ident and quote_literal, and names into pg_hba.conf only through quote_ident", () => {
  const sql = yamlFiles(path.join(root, "roles")).flatMap((f) => queries(YAML.parse(fs.readFileSync(f, "utf8"))));
  assert.ok(
    sql.some((q) => q.includes("CREATE DATABASE")),
    "the roles' queries were not found",
  );
  for (const q of sql)
    for (const m of q.matchAll(/\{\{(.*?)\}\}/g))
      assert.match(m[1] ?? "", /^\s*quote_(ident|literal) /, `a value rendered raw into SQL: ${q}`);
  const common = YAML.parse(fs.readFileSync(path.join(root, "roles/postgres_common/defaults/main.yml"), "utf8")) as {
    postgres_hba_block: string;
  };
  for (const line of common.postgres_hba_block.split("\n").filter((l) => l.startsWith("host "))) {
    assert.match(
      line,
      /^host (replication|postgres|\{\{ quote_ident [\w@.]+ \}\}) \{\{ quote_ident [\w@.]+ \}\} /,
      `pg_hba names rendered raw: ${line}`,
    );
  }
});
