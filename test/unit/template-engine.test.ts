// Handlebars templates and conditions: strict about undefined variables, no HTML escaping, native
// values for a lone `{{ expr }}`, Jinja-like truthiness, helpers.
import assert from "node:assert/strict";
import { test } from "node:test";
import { TemplateError } from "../../src/errors.js";
import { evalCondition, evalExpression, renderString, renderText, renderValue } from "../../src/template/engine.js";
import { pgMd5, pgScram } from "../../src/template/helpers.js";

const ctx = {
  loc: { file: "site.yml", line: 7, col: 9 },
  path: "plays[0].tasks[1].debug.msg",
  task: "Greet",
};
const vars = {
  name: "db1",
  port: 5432,
  list: ["a", "b"],
  users: [{ name: "x" }, { name: "y" }],
  cfg: { mode: "primary", "with-dash": 1 },
  empty: "",
  none: null,
  yes: true,
  no: false,
};

function throwsTemplate(fn: () => unknown, message: RegExp): TemplateError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof TemplateError, `expected TemplateError, got ${String(err)}`);
    assert.match(err.message, message);
    return err;
  }
  assert.fail("expected an error");
}

test("a lone expression keeps its type; mixed text is a string", () => {
  assert.equal(renderString("{{ port }}", vars, ctx), 5432);
  assert.deepEqual(renderString("{{ list }}", vars, ctx), ["a", "b"]);
  assert.deepEqual(renderString("  {{ cfg }}\n", vars, ctx), { mode: "primary", "with-dash": 1 });
  assert.equal(renderString("port={{ port }}", vars, ctx), "port=5432");
  assert.equal(renderString("no template", vars, ctx), "no template");
});

test("lists and mappings print as JSON inside text; null prints as nothing", () => {
  assert.equal(renderString("l={{ list }} n={{ none }}.", vars, ctx), 'l=["a","b"] n=.');
});

test("no HTML escaping", () => {
  assert.equal(renderString("{{ v }}", { v: "<a href='x'>&</a>" }, ctx), "<a href='x'>&</a>");
  assert.equal(renderString("x {{ v }}", { v: '<&>"' }, ctx), 'x <&>"');
});

test("an undefined variable is an error naming the variable, the task and file:line:col", () => {
  const err = throwsTemplate(
    () => renderString("hello {{ nme }}", vars, ctx),
    /undefined variable 'nme' in task 'Greet'/,
  );
  assert.deepEqual(err.diagnostics[0], {
    file: "site.yml",
    line: 7,
    col: 9,
    path: "plays[0].tasks[1].debug.msg",
    message: "undefined variable 'nme' in task 'Greet'",
  });
});

test("a missing attribute names the full path and the missing part", () => {
  throwsTemplate(() => renderString("{{ cfg.mod }}", vars, ctx), /undefined variable 'cfg.mod' in task/);
  throwsTemplate(
    () => renderString("{{ nope.x }}", vars, ctx),
    /undefined variable 'nope.x' \('nope' is not defined\)/,
  );
});

test("undefined variables inside helper arguments and #if are errors too", () => {
  throwsTemplate(() => renderString("{{ join nope ',' }}", vars, ctx), /undefined variable 'nope'/);
  throwsTemplate(() => renderString("{{#if nope}}x{{/if}}", vars, ctx), /undefined variable 'nope'/);
  throwsTemplate(() => evalCondition("(eq nope 1)", vars, ctx), /undefined variable 'nope'/);
});

test("default and defined accept undefined variables", () => {
  assert.equal(renderString("{{ default nope 'fallback' }}", vars, ctx), "fallback");
  assert.equal(renderString("{{ default port 1 }}", vars, ctx), 5432);
  assert.equal(renderString("{{ default empty 'x' true }}", vars, ctx), "x");
  assert.equal(renderString("{{#if (defined nope)}}a{{else}}b{{/if}}", vars, ctx), "b");
  assert.equal(evalCondition("(and (defined nope) nope.x)", vars, ctx), false);
});

test("template files: the error points at the line and column inside the file", () => {
  const err = throwsTemplate(
    () =>
      renderText("line one\n  value: {{ missing_var }}\n", vars, {
        loc: { file: "roles/x/templates/a.hbs", line: 1, col: 1 },
        task: "Write config",
      }),
    /undefined variable 'missing_var' in task 'Write config'/,
  );
  assert.deepEqual(
    [err.diagnostics[0]?.file, err.diagnostics[0]?.line, err.diagnostics[0]?.col],
    ["roles/x/templates/a.hbs", 2, 13],
  );
});

test("#each over a list, with block params and @root", () => {
  assert.equal(renderText("{{#each users}}{{name}},{{/each}}", vars, ctx), "x,y,");
  assert.equal(
    renderText("{{#each users as |u i|}}{{i}}:{{u.name}}@{{@root.name}};{{/each}}", vars, ctx),
    "0:x@db1;1:y@db1;",
  );
  throwsTemplate(
    () => renderText("{{#each users as |u|}}{{u.nope}}{{/each}}", vars, ctx),
    /undefined variable 'u.nope'/,
  );
});

test("conditions: bare variables, sub-expressions, helper calls, lists, booleans", () => {
  assert.equal(evalCondition("yes", vars, ctx), true);
  assert.equal(evalCondition("no", vars, ctx), false);
  assert.equal(evalCondition("(eq cfg.mode 'primary')", vars, ctx), true);
  assert.equal(evalCondition("eq cfg.mode 'standby'", vars, ctx), false);
  assert.equal(evalCondition("not no", vars, ctx), true);
  assert.equal(evalCondition(["yes", "(gt port 1000)"], vars, ctx), true);
  assert.equal(evalCondition(["yes", "no"], vars, ctx), false);
  assert.equal(evalCondition(true, vars, ctx), true);
  assert.equal(evalCondition("{{ yes }}", vars, ctx), true);
  assert.equal(evalCondition("(or no (in 'a' list))", vars, ctx), true);
});

test("truthiness like Jinja: empty string, list, mapping, 0, null and 'false' are false", () => {
  for (const v of ["", [], {}, 0, null, false, "false", "no"])
    assert.equal(evalCondition("v", { v }, ctx), false, JSON.stringify(v));
  for (const v of ["x", [0], { a: 1 }, 1, true, "yes"])
    assert.equal(evalCondition("v", { v }, ctx), true, JSON.stringify(v));
});

test("Jinja2 statements get a hint; a broken expression says where it breaks", () => {
  throwsTemplate(() => evalCondition("x ==", vars, ctx), /condition syntax error: .* in 'x =='/);
  throwsTemplate(() => renderString("{{ x | }}", vars, ctx), /template syntax error: .* in 'x \|'/);
  throwsTemplate(() => renderString("{% if x %}y{% endif %}", vars, ctx), /Jinja2 statements/);
});

test("helpers: comparison, logic, lists, strings, data formats", () => {
  const e = (x: string, v: Record<string, unknown> = vars): unknown => evalExpression(x, v, ctx);
  assert.equal(e("(ne port 5433)"), true);
  assert.equal(e("(lt 1 2)"), true);
  assert.equal(e("(join list ', ')"), "a, b");
  assert.equal(e("(length list)"), 2);
  assert.equal(e("(contains list 'b')"), true);
  assert.equal(e("(concat 'a' port)"), "a5432");
  assert.deepEqual(e("(concat list (split 'c d' ' '))"), ["a", "b", "c", "d"]);
  assert.equal(e("(upper name)"), "DB1");
  assert.equal(e("(json cfg)"), '{"mode":"primary","with-dash":1}');
  assert.equal(e("(yaml list)"), "- a\n- b");
  assert.equal(e("(bool 'yes')"), true);
  assert.equal(e("(int '42')"), 42);
  assert.equal(e('(quote "it\'s")'), `"it's"`);
  assert.equal(e("(lookup cfg 'with-dash')"), 1);
  assert.equal(e("cfg.[with-dash]"), 1);
  assert.equal(e("(ternary yes 'a' 'b')"), "a");
  assert.equal(e("(regex_replace 'a-b-c' '-' '_')"), "a_b_c");
  assert.equal(e("(basename '/etc/go/cruise-config.xml')"), "cruise-config.xml");
  assert.deepEqual(e("(dict2items cfg)"), [
    { key: "mode", value: "primary" },
    { key: "with-dash", value: 1 },
  ]);
});

test("an unknown helper is an error", () => {
  throwsTemplate(() => renderString("{{ frob name }}", vars, ctx), /unknown helper 'frob'/);
});

test("Postgres password hashes match values computed independently (Python hashlib)", () => {
  assert.equal(pgMd5("secret", "replicator"), "md57588ba3be47ee11b6e10d90b0641d7da");
  assert.equal(
    pgScram("secret", "replicator", "c2FsdHNhbHRzYWx0c2FsdA=="),
    "SCRAM-SHA-256$4096:c2FsdHNhbHRzYWx0c2FsdA==$Ce3wZiZ+yIBCjltccfRiqM0+XDsLE3qPdkEeZKe3hus=:k3q4nlLsA09ST5FLo9zNmfyXR+Ci1J4KmBK5JRVSxeI=",
  );
  const scram = pgScram("secret", "replicator");
  assert.equal(pgScram("secret", "replicator"), scram, "without a salt the verifier is stable from run to run");
  assert.notEqual(pgScram("secret", "other"), scram);
  assert.equal(evalExpression("(pg_scram 'secret' 'replicator')", {}, ctx), scram);
});

test("renderValue renders strings inside lists and mappings, keys as written", () => {
  assert.deepEqual(renderValue({ a: ["{{ port }}", "x{{ name }}"], "{{ k }}": 1 }, vars, ctx), {
    a: [5432, "xdb1"],
    "{{ k }}": 1,
  });
});
