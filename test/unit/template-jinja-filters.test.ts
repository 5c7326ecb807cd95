// The filters of Ansible's expressions, each with the result Ansible gives (Python's str() and
// json.dumps, Jinja's case-insensitive sort/unique/min/max, Ansible's bool) as the expected value.
import assert from "node:assert/strict";
import { test } from "node:test";
import { TemplateError } from "../../src/errors.js";
import { renderString } from "../../src/template/engine.js";

const ctx = { loc: { file: "site.yml", line: 1, col: 1 }, task: "t" };
const vars = {
  users: [
    { name: "bob", admin: true, uid: 1002 },
    { name: "Al", admin: false, uid: 1001 },
  ],
  m: { a: 1, b: { x: 1 }, l: [1] },
};

function value(expr: string): unknown {
  return renderString(`{{ ${expr} }}`, vars, ctx);
}

function table(cases: readonly (readonly [string, unknown])[]): void {
  for (const [expr, want] of cases) assert.deepEqual(value(expr), want, expr);
}

test("default / d: only for undefined unless the second argument is true", () => {
  table([
    ["nope | default('x')", "x"],
    ["nope | d('x')", "x"],
    ["nope | default", ""],
    ["'' | default('x')", ""],
    ["'' | default('x', true)", "x"],
    ["0 | default(5, boolean=true)", 5],
    ["none | default('x')", null],
    ["m.a | default(9)", 1],
  ]);
});

test("bool is Ansible's: yes/on/1/true in any case and 1 are True, everything else False", () => {
  table([
    ["'yes' | bool", true],
    ["'Yes' | bool", true],
    ["'on' | bool", true],
    ["'1' | bool", true],
    ["'TRUE' | bool", true],
    ["1 | bool", true],
    ["true | bool", true],
    ["'y' | bool", false],
    ["'no' | bool", false],
    ["'foo' | bool", false],
    ["0 | bool", false],
    ["2 | bool", false],
    ["none | bool", false],
  ]);
});

test("int, float and string convert as Jinja does, with defaults", () => {
  table([
    ["'42' | int", 42],
    ["' 7 ' | int", 7],
    ["'3.7' | int", 3],
    ["'x' | int", 0],
    ["'x' | int(5)", 5],
    ["true | int", 1],
    ["3.9 | int", 3],
    ["'0x1A' | int(base=16)", 26],
    ["'3.5' | float", 3.5],
    ["'x' | float", 0],
    ["2 | float", 2],
    ["1 | string", "1"],
    ["true | string", "True"],
    ["none | string", "None"],
    ["[1, 'a'] | string", "[1, 'a']"],
    ["{'k': none} | string", "{'k': None}"],
  ]);
});

test("length / count, lower, upper, capitalize, trim, replace", () => {
  table([
    ["'abc' | length", 3],
    ["[1, 2] | length", 2],
    ["{'a': 1} | count", 1],
    ["'Hello World' | lower", "hello world"],
    ["'abc' | upper", "ABC"],
    ["'hello WORLD' | capitalize", "Hello world"],
    ["'  x \\n' | trim", "x"],
    ["'xxaxx' | trim('x')", "a"],
    ["'aaa' | replace('a', 'b')", "bbb"],
    ["'aaa' | replace('a', 'b', 2)", "bba"],
  ]);
  assert.throws(
    () => value("5 | length"),
    (e: unknown) => e instanceof TemplateError && /has no len\(\)/.test(e.message),
  );
});

test("join, first, last, unique, sort, min, max (case-insensitive like Jinja's)", () => {
  table([
    ["[1, 2] | join(',')", "1,2"],
    ["[true, none, 'a'] | join('-')", "True-None-a"],
    ["users | join(', ', attribute='name')", "bob, Al"],
    ["[1, 2, 3] | first", 1],
    ["[1, 2, 3] | last", 3],
    ["'abc' | first", "a"],
    ["['a', 'A', 'b', 'a'] | unique", ["a", "b"]],
    ["['a', 'A'] | unique(case_sensitive=true)", ["a", "A"]],
    ["[1, 2, 1] | unique", [1, 2]],
    ["['b', 'A', 'c'] | sort", ["A", "b", "c"]],
    ["[3, 1, 2] | sort(reverse=true)", [3, 2, 1]],
    ["users | sort(attribute='uid') | map(attribute='name') | list", ["Al", "bob"]],
    ["[3, 1, 2] | min", 1],
    ["[3, 1, 2] | max", 3],
    ["['b', 'A'] | max", "b"],
    ["users | max(attribute='uid') | string", "{'name': 'bob', 'admin': True, 'uid': 1002}"],
  ]);
});

test("combine: shallow by default, recursive on request, list_merge", () => {
  table([
    ["m | combine({'b': {'y': 2}})", { a: 1, b: { y: 2 }, l: [1] }],
    ["m | combine({'b': {'y': 2}}, recursive=true)", { a: 1, b: { x: 1, y: 2 }, l: [1] }],
    ["m | combine({'l': [2]}, list_merge='append')", { a: 1, b: { x: 1 }, l: [1, 2] }],
    ["m | combine({'l': [2]}, list_merge='prepend')", { a: 1, b: { x: 1 }, l: [2, 1] }],
    ["{'a': 1} | combine({'b': 2}, {'a': 3})", { a: 3, b: 2 }],
    ["{'a': 1} | combine([{'b': 2}, {'c': 3}])", { a: 1, b: 2, c: 3 }],
  ]);
});

test("dict2items and items2dict, with custom key and value names", () => {
  table([
    [
      "{'a': 1, 'b': 2} | dict2items",
      [
        { key: "a", value: 1 },
        { key: "b", value: 2 },
      ],
    ],
    ["{'a': 1} | dict2items(key_name='k', value_name='v')", [{ k: "a", v: 1 }]],
    ["[{'key': 'a', 'value': 1}] | items2dict", { a: 1 }],
    ["[{'n': 'a', 'v': 1}] | items2dict(key_name='n', value_name='v')", { a: 1 }],
  ]);
  assert.throws(
    () => value("[1] | dict2items"),
    (e: unknown) => e instanceof TemplateError && /dict2items requires a dictionary/.test(e.message),
  );
});

test("map, select, reject, selectattr, rejectattr", () => {
  table([
    ["users | map(attribute='name') | list", ["bob", "Al"]],
    ["users | map(attribute='shell', default='/bin/sh') | list", ["/bin/sh", "/bin/sh"]],
    ["['a', 'B'] | map('upper') | list", ["A", "B"]],
    ["['1', '2'] | map('int') | list", [1, 2]],
    ["['a1', 'b2'] | map('regex_replace', '\\\\d', '') | list", ["a", "b"]],
    ["[1, 2, 3] | select('odd') | list", [1, 3]],
    ["[1, 2, 3] | reject('odd') | list", [2]],
    ["[0, 1, '', 'a'] | select | list", [1, "a"]],
    ["[1, 5, 9] | select('gt', 4) | list", [5, 9]],
    ["users | selectattr('admin') | map(attribute='name') | list", ["bob"]],
    ["users | rejectattr('admin') | map(attribute='name') | list", ["Al"]],
    ["users | selectattr('name', 'equalto', 'Al') | map(attribute='uid') | first", 1001],
    ["users | selectattr('uid', '>', 1001) | list | length", 1],
    ["users | selectattr('shell', 'defined') | list", []],
  ]);
});

test("regex_replace with Python's replacement syntax, regex_search with groups and None for no match", () => {
  table([
    ["'hello world' | regex_replace('o', '0')", "hell0 w0rld"],
    ["'2021-05' | regex_replace('(\\\\d+)-(\\\\d+)', '\\\\2/\\\\1')", "05/2021"],
    ["'2021-05' | regex_replace('(?P<y>\\\\d+)-(?P<m>\\\\d+)', '\\\\g<m>.\\\\g<y>')", "05.2021"],
    ["'abc' | regex_replace('^a', 'X')", "Xbc"],
    ["'ABC' | regex_replace('b', 'x', ignorecase=true)", "AxC"],
    ["'cost' | regex_replace('o', '$')", "c$st"],
    ["'abc123' | regex_search('\\\\d+')", "123"],
    ["'abc' | regex_search('\\\\d+')", null],
    ["'ab12' | regex_search('(\\\\d)(\\\\d)', '\\\\2')", ["2"]],
    ["'k=v' | regex_search('(?P<key>\\\\w)=(\\\\w)', '\\\\g<key>', '\\\\2')", ["k", "v"]],
  ]);
});

test("to_json / to_nice_json as Python's json.dumps, from_json, to_yaml / to_nice_yaml as PyYAML's", () => {
  table([
    ["{'a': 1, 'b': [1, 'x']} | to_json", '{"a": 1, "b": [1, "x"]}'],
    ["'é' | to_json", '"\\u00e9"'],
    ["none | to_json", "null"],
    ["{'b': 1, 'a': [1]} | to_nice_json", '{\n    "a": [\n        1\n    ],\n    "b": 1\n}'],
    ["'{\"a\": [1, null]}' | from_json", { a: [1, null] }],
    ["{'a': 1} | to_yaml", "{a: 1}\n"],
    ["{'a': 1, 'b': [1, 2]} | to_yaml", "a: 1\nb: [1, 2]\n"],
    ["{'a': {'b': 1}, 'c': 'x'} | to_nice_yaml", "a:\n    b: 1\nc: x\n"],
    ["'a: [1]' | from_yaml", { a: [1] }],
  ]);
});

test("b64encode / b64decode, basename / dirname, quote, ternary", () => {
  table([
    ["'hello' | b64encode", "aGVsbG8="],
    ["'aGVsbG8=' | b64decode", "hello"],
    ["'/etc/pg/x.conf' | basename", "x.conf"],
    ["'/etc/pg/x.conf' | dirname", "/etc/pg"],
    ["'hello world' | quote", "'hello world'"],
    ["'abc' | quote", "abc"],
    ["true | ternary('y', 'n')", "y"],
    ["0 | ternary('y', 'n')", "n"],
    ["none | ternary('y', 'n', 'nil')", "nil"],
  ]);
});

test("list, flatten, reverse, split, sum, abs, round, set operations; collection-prefixed names", () => {
  table([
    ["'ab' | list", ["a", "b"]],
    ["[[1, [2]], 3] | flatten", [1, 2, 3]],
    ["[[1, [2]], 3] | flatten(levels=1)", [1, [2], 3]],
    ["[1, 2] | reverse | list", [2, 1]],
    ["'a b  c' | split", ["a", "b", "c"]],
    ["'a,b' | split(',')", ["a", "b"]],
    ["[1, 2, 3] | sum", 6],
    ["users | sum(attribute='uid')", 2003],
    ["-3 | abs", 3],
    ["2.567 | round(2)", 2.57],
    ["2.5 | round", 3],
    ["2.567 | round(1, 'floor')", 2.5],
    ["[1, 2, 3] | difference([2])", [1, 3]],
    ["[1, 2] | intersect([2, 3])", [2]],
    ["[1, 2] | union([2, 3])", [1, 2, 3]],
    ["{'a': 1} | ansible.builtin.to_json", '{"a": 1}'],
    ["'x' | type_debug", "str"],
  ]);
});

test("more filters real roles use: regex_findall, hash, extract, indent, format, dictsort, items, title", () => {
  const hv = { a: { ip: "10.0.0.1" }, b: { ip: "10.0.0.2" } };
  table([
    ["'a1 b22 c' | regex_findall('\\d+')", ["1", "22"]],
    [
      "'k=v, x=y' | regex_findall('(\\w)=(\\w)')",
      [
        ["k", "v"],
        ["x", "y"],
      ],
    ],
    ["'k=v' | regex_findall('(\\w)=')", ["k"]],
    ["'hello' | hash('sha1')", "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"],
    ["'hello' | hash('md5')", "5d41402abc4b2a76b9719d911017c592"],
    ["'hello' | checksum", "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"],
    ["'a\\nb\\n\\nc' | indent(2)", "a\n  b\n\n  c"],
    ["'a\\nb' | indent(2, true)", "  a\n  b"],
    ["'%s has %d items' | format('l', 3.7)", "l has 3 items"],
    ["'%.2f%%' | format(12.345)", "12.35%"],
    [
      "{'b': 1, 'A': 2} | dictsort",
      [
        ["A", 2],
        ["b", 1],
      ],
    ],
    ["{'a': 1} | items | list", [["a", 1]]],
    ["'hello big world' | title", "Hello Big World"],
  ]);
  assert.deepEqual(renderString("{{ ['a', 'b'] | map('extract', hv, 'ip') | list }}", { ...vars, hv }, ctx), [
    "10.0.0.1",
    "10.0.0.2",
  ]);
  assert.deepEqual(renderString("{{ 'a' | extract(hv) }}", { ...vars, hv }, ctx), { ip: "10.0.0.1" });
});

test("string methods real roles call: find, format, rstrip, lstrip, splitlines, isdigit, title", () => {
  table([
    ["'abc'.find('c')", 2],
    ["'abc'.find('z')", -1],
    ["'{} and {}'.format('a', 1)", "a and 1"],
    ["'{1}{0}'.format('a', 'b')", "ba"],
    ["' x '.rstrip() ~ '|'", " x|"],
    ["' x '.lstrip()", "x "],
    ["'a\\nb\\n'.splitlines()", ["a", "b"]],
    ["'42'.isdigit()", true],
    ["'4a'.isdigit()", false],
    ["'hi there'.title()", "Hi There"],
  ]);
});

test("mandatory fails on an undefined value with its name, unknown filters fail with theirs", () => {
  assert.throws(
    () => value("nope | mandatory"),
    (e: unknown) => e instanceof TemplateError && /mandatory variable 'nope' not defined/.test(e.message),
  );
  assert.throws(
    () => value("1 | frobnicate"),
    (e: unknown) => e instanceof TemplateError && /unknown filter 'frobnicate'/.test(e.message),
  );
});
