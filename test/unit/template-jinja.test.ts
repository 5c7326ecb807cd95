// Ansible's expression syntax in conditions and inside {{ }}: every form, with the value Ansible
// (Jinja2 on Python) gives as the expected value, truthiness and undefined handling included.
import assert from "node:assert/strict";
import { test } from "node:test";
import { TemplateError } from "../../src/errors.js";
import { analyzeCondition, analyzeTemplate } from "../../src/template/analyze.js";
import { evalCondition, markTemplatedVars, renderString, renderText } from "../../src/template/engine.js";

const ctx = { loc: { file: "site.yml", line: 3, col: 5 }, task: "t" };
const vars = {
  x: "a",
  n: 3,
  l: [1, 2, 3],
  m: { k: "v", "a-b": 2, nested: { deep: true } },
  none_var: null,
  empty: "",
  users: [
    { name: "bob", admin: true },
    { name: "al", admin: false },
  ],
  hostvars: { h1: { ansible_host: "10.0.0.1" } },
  h: "h1",
  ok_result: { rc: 0, changed: false, failed: false },
  failed_result: { rc: 1, changed: false, failed: true },
  changed_loop: { changed: false, results: [{ changed: false }, { changed: true }] },
  skipped_result: { skipped: true, changed: false },
  flag: "false",
};

/** The value of `{{ expr }}` alone (types kept, as in Ansible). */
function value(expr: string, more: Record<string, unknown> = {}): unknown {
  return renderString(`{{ ${expr} }}`, { ...vars, ...more }, ctx);
}

function cond(expr: string): boolean {
  return evalCondition(expr, vars, ctx);
}

function fails(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof TemplateError && pattern.test(err.message));
}

test("comparisons have Python's meaning: by value, numbers across int/float/bool, chained", () => {
  const cases: [string, boolean][] = [
    ["x == 'a'", true],
    ["x != 'a'", false],
    ["n == 3", true],
    ["n == 3.0", true],
    ["'3' == 3", false],
    ["true == 1", true],
    ["l == [1, 2, 3]", true],
    ["m.nested == {'deep': true}", true],
    ["n > 2", true],
    ["n >= 4", false],
    ["n < 4 and n <= 3", true],
    ["1 < n < 5", true],
    ["3 > n > 1", false],
    ["'b' > 'a'", true],
    ["[1, 2] < [1, 3]", true],
  ];
  for (const [expr, want] of cases) assert.equal(cond(expr), want, expr);
  fails(() => cond("x < 1"), /'<' not supported between 'str' and 'int'/);
});

test("and / or return an operand, not supports parentheses, truthiness is Jinja's", () => {
  assert.equal(value("'' or 'b'"), "b");
  assert.equal(value("'a' and 0"), 0);
  assert.equal(value("0 or ''"), "");
  assert.equal(value("not ''"), true);
  assert.equal(value("not (n > 2 or x == 'b')"), false);
  for (const falsy of ["0", "''", "[]", "{}", "none", "None", "false", "False"])
    assert.equal(value(`not ${falsy}`), true, falsy);
  assert.equal(cond("flag"), false, "a condition that is the string 'false' is false");
  assert.equal(cond("not flag"), false, "but not 'false' is False, as in Python");
  assert.equal(cond("flag | bool"), false);
});

test("in and not in: list items, substrings, mapping keys", () => {
  for (const [expr, want] of [
    ["2 in l", true],
    ["'z' not in l", true],
    ["'a' in 'cat'", true],
    ["'k' in m", true],
    ["'v' in m", false],
    ["x in ['a', 'b']", true],
  ] as const)
    assert.equal(cond(expr), want, expr);
  fails(() => cond("1 in 'abc'"), /requires a string as left operand/);
});

test("arithmetic and ~ follow Python: // floors, % takes the divisor's sign, ~ joins str() of each side", () => {
  const cases: [string, unknown][] = [
    ["(1 + 2) * 3", 9],
    ["2 ** 3", 8],
    ["7 // 2", 3],
    ["-7 // 2", -4],
    ["7 % 3", 1],
    ["-7 % 3", 2],
    ["7 / 2", 3.5],
    ["'ab' + 'c'", "abc"],
    ["[1] + [2]", [1, 2]],
    ["'-' * 3", "---"],
    ["-n", -3],
    ["'a' ~ 1 ~ true", "a1True"],
    ["'n=' ~ none", "n=None"],
    ["'l=' ~ [1, 'a']", "l=[1, 'a']"],
    ["x ~ m.nested", "a{'deep': True}"],
  ];
  for (const [expr, want] of cases) assert.deepEqual(value(expr), want, expr);
  fails(() => value("n / 0"), /division by zero/);
  fails(() => value("'a' + 1"), /unsupported operand type\(s\) for \+: 'str' and 'int'/);
});

test("literals: strings, numbers, booleans, None in either case, lists and mappings", () => {
  assert.deepEqual(value("[1, 'a', none, True, 2.5]"), [1, "a", null, true, 2.5]);
  assert.deepEqual(value("{'a': [1, {'b': false}], 'c': None}"), { a: [1, { b: false }], c: null });
  assert.equal(value("\"double\" ~ 'single'"), "doublesingle");
  // Python keeps a backslash that starts no escape, so regular expressions read as written.
  assert.equal(value("'\\d+\\.\\w'"), "\\d+\\.\\w");
  assert.equal(value("'a\\\\b' ~ 'it\\'s' ~ 'x\\ny'"), "a\\bit'sx\ny");
  assert.equal(cond("'v1.2' is match('v\\d\\.\\d')"), true);
});

test("subscripts and attributes: x['k'], x[0], x[-1], hostvars[h].ansible_host, x.k", () => {
  const cases: [string, unknown][] = [
    ["m['k']", "v"],
    ["m['a-b']", 2],
    ["m.nested.deep", true],
    ["m['nested']['deep']", true],
    ["l[0]", 1],
    ["l[-1]", 3],
    ["'abc'[1]", "b"],
    ["hostvars[h].ansible_host", "10.0.0.1"],
    ["hostvars['h1']['ansible_host']", "10.0.0.1"],
    ["users[1].name", "al"],
  ];
  for (const [expr, want] of cases) assert.deepEqual(value(expr), want, expr);
});

test("a if c else b, and without else an empty string", () => {
  assert.equal(value("'big' if n > 2 else 'small'"), "big");
  assert.equal(value("'big' if n > 5 else 'small'"), "small");
  assert.equal(value("'big' if n > 5"), "");
});

test("methods Ansible roles call on strings, lists and mappings", () => {
  assert.deepEqual(value("m.nested.items() | list"), [["deep", true]]);
  assert.deepEqual(value("'a,b'.split(',')"), ["a", "b"]);
  assert.equal(value("x.upper() ~ 'bc'.startswith('b')"), "ATrue");
  assert.equal(value("m.get('k')"), "v");
  assert.equal(value("m.get('missing', 'dflt')"), "dflt");
  assert.equal(value("', '.join(['a', 'b'])"), "a, b");
  assert.deepEqual(value("range(3) | list"), [0, 1, 2]);
});

test("tests: defined, undefined, none, and their negations, guard what follows", () => {
  const cases: [string, boolean][] = [
    ["x is defined", true],
    ["nope is defined", false],
    ["nope is not defined", true],
    ["nope is undefined", true],
    ["m.missing is defined", false],
    ["nope.deep.er is defined", false],
    ["none_var is none", true],
    ["x is not none", true],
    ["nope is defined and nope.port == 1", false],
    ["nope is not defined or nope.port == 1", true],
    ["not nope is defined", true],
  ];
  for (const [expr, want] of cases) assert.equal(cond(expr), want, expr);
});

test("tests on registered results: success, failed, changed (any loop item), skipped", () => {
  const cases: [string, boolean][] = [
    ["ok_result is success", true],
    ["ok_result is succeeded", true],
    ["ok_result is failed", false],
    ["failed_result is failed", true],
    ["failed_result is not success", true],
    ["ok_result is changed", false],
    ["changed_loop is changed", true],
    ["skipped_result is skipped", true],
    ["ok_result is skipped", false],
  ];
  for (const [expr, want] of cases) assert.equal(cond(expr), want, expr);
  fails(() => cond("x is failed"), /'failed' test expects a registered result/);
});

test("tests: match (anchored at the start), search, version (LooseVersion order, named or symbolic operators)", () => {
  const cases: [string, boolean][] = [
    ["'abc' is match('b')", false],
    ["'abc' is match('a.c')", true],
    ["'abc' is search('b')", true],
    ["'ABC' is search('b', ignorecase=true)", true],
    ["'1.10' is version('1.9', '>')", true],
    ["'1.10' is version('1.9', 'gt')", true],
    ["'2.0' is version('2.0')", true],
    ["'1.2.3' is version('1.2', 'lt')", false],
    ["'15' is version('9', '>=')", true],
    ["'1.0rc1' is version('1.0', '>')", true],
  ];
  for (const [expr, want] of cases) assert.equal(cond(expr), want, expr);
});

test("strict: an undefined variable or key is an error naming it; default and is defined guard", () => {
  fails(() => value("nope"), /undefined variable 'nope'/);
  fails(() => value("m.missing ~ 'x'"), /undefined variable 'm.missing'/);
  fails(() => cond("nope == 1"), /undefined variable 'nope'/);
  fails(() => cond("nope.port > 1"), /undefined variable 'nope.port' \('nope' is not defined\)/);
  assert.equal(value("nope | default(1)"), 1);
  assert.equal(value("nope.deep | default(2)"), 2);
  assert.equal(value("m.missing | d('y')"), "y");
  assert.equal(value("empty | default('e')"), "");
  assert.equal(value("empty | default('e', true)"), "e");
  assert.equal(cond("(nope | default(false)) | bool"), false);
});

test("an undefined variable in a template file is reported at its own line and column", () => {
  assert.throws(
    () =>
      renderText("line one\nport={{ m.k }} host={{ m.host | upper }}\n", vars, {
        ...ctx,
        loc: { file: "t.j2", line: 1, col: 1 },
      }),
    (err: unknown) => err instanceof TemplateError && err.diagnostics[0]?.line === 2 && err.diagnostics[0]?.col === 24,
  );
});

test("Handlebars helper calls keep working, beside Ansible's syntax in the same string", () => {
  assert.equal(renderString("{{ join l ',' }} / {{ l | join('-') }}", vars, ctx), "1,2,3 / 1-2-3");
  assert.equal(cond("(eq x 'a')"), true);
  assert.equal(cond("eq x 'a'"), true);
  assert.equal(cond("not (defined nope)"), true);
  assert.equal(
    renderString("{{#each users as |u|}}{{ u.name | upper }}{{#if u.admin and n > 2}}!{{/if}};{{/each}}", vars, ctx),
    "BOB!;AL;",
  );
  assert.equal(renderString("{{#if m.k == 'v'}}yes{{else}}no{{/if}}", vars, ctx), "yes");
  assert.equal(renderString("\\{{ x | upper }} {{{ x }}}", vars, ctx), "{{ x | upper }} a");
});

test("{{#if}}, {{#unless}} and {{#each}} take Ansible's expressions, with or without block params", () => {
  assert.equal(renderString("{{#each users | selectattr('admin') as |u|}}{{ u.name }};{{/each}}", vars, ctx), "bob;");
  assert.equal(renderString("{{#each users | sort(attribute='name')}}{{ name }};{{/each}}", vars, ctx), "al;bob;");
  assert.equal(renderString("{{#unless n > 5}}small{{/unless}}", vars, ctx), "small");
  const a = analyzeTemplate("{{#if p is defined}}{{ p.port }}{{/if}}{{#each q | list as |i|}}{{ i }}{{/each}}");
  assert.deepEqual(a.ok && a.refs.map((r) => r.path), ["q"]);
});

test("variables that are templates are rendered where an expression uses them", () => {
  const lazy = markTemplatedVars({ base: 5, port: "{{ base + 1 }}", url: "http://h:{{ port }}/" });
  assert.equal(renderString("{{ port | int + 1 }}", lazy, ctx), 7);
  assert.equal(renderString("{{ url | upper }}", lazy, ctx), "HTTP://H:6/");
});

test("validate reads the variables of an expression, minus the guarded ones", () => {
  const refs = (a: ReturnType<typeof analyzeTemplate>): string[] =>
    a.ok ? a.refs.map((r) => `${r.path}@${r.line}:${r.col}`) : [a.message];
  assert.deepEqual(refs(analyzeTemplate("{{ a | default(1) }} {{ b.c['d'] }}\n{{ hostvars[h].x }}")), [
    "b.c.d@1:25",
    "h@2:13",
    "hostvars[h].x@2:4",
  ]);
  assert.deepEqual(refs(analyzeCondition("p is defined and p.port > 1")), []);
  assert.deepEqual(refs(analyzeCondition("p is not defined or p | length == 0")), []);
  assert.deepEqual(refs(analyzeCondition("p.x if p is defined else q")), ["q@1:26"]);
  assert.deepEqual(refs(analyzeCondition("p.port > 1 and p is defined")), ["p.port@1:1"]);
  assert.deepEqual(refs(analyzeTemplate("{{#each users as |u|}}{{ u.name | upper }}{{/each}}")), ["users@1:9"]);
});

test("validate names unknown filters, tests and functions, with suggestions, and refuses lookups", () => {
  const problems = (s: string): string[] => {
    const a = analyzeTemplate(s);
    return a.ok ? a.problems : [a.message];
  };
  assert.deepEqual(problems("{{ x | uper }}"), ["unknown filter 'uper' (did you mean 'upper'?)"]);
  assert.deepEqual(problems("{{ x is definde }}"), ["unknown test 'definde' (did you mean 'defined'?)"]);
  assert.deepEqual(problems("{{ l | map('intt') }}"), ["unknown filter 'intt' (did you mean 'int'?)"]);
  assert.deepEqual(problems("{{ l | select('od') }}"), ["unknown test 'od' (did you mean 'odd'?)"]);
  assert.deepEqual(problems("{{ lookup('file', '/x') }}"), [
    "lookup(): lookup plugins are not supported; use include_vars or template",
  ]);
  assert.deepEqual(problems("{{ x | ansible.builtin.to_json }}"), []);
});

test("Jinja's whitespace control strips the whitespace beside {{- and -}}, as Ansible's templates do", () => {
  assert.equal(
    renderText("mode\n      {{- ': set the token' if n == 3 else '' }};", vars, ctx),
    "mode: set the token;",
  );
  assert.equal(renderText("{{ x -}}\n  b", vars, ctx), "ab");
  assert.equal(renderText("a {{- n | string -}} b", vars, ctx), "a3b");
  // Not a trim: a minus inside the expression, and Handlebars' own `~`.
  assert.equal(renderText("{{ n - 1 }}", vars, ctx), "2");
  assert.equal(renderText("{{~ x ~}} !", vars, ctx), "a!");
  const analysis = analyzeTemplate("{{- missing_var -}}");
  assert.deepEqual(analysis.ok && analysis.refs.map((r) => r.name), ["missing_var"]);
});
