// Static reading of templates and conditions: which variables they use, without rendering.
import assert from "node:assert/strict";
import { test } from "node:test";
import { analyzeCondition, analyzeTemplate, type Analysis } from "../../src/template/analyze.js";

function refs(a: Analysis): string[] {
  assert.ok(a.ok, a.ok ? "" : a.message);
  return a.refs.map((r) => r.path);
}

test("variables in text, helper arguments, sub-expressions and hashes", () => {
  assert.deepEqual(refs(analyzeTemplate("a {{ x }} {{ join list sep }} {{ eq (lower y.z) 'q' }}")), [
    "x",
    "list",
    "sep",
    "y.z",
  ]);
});

test("optional uses are not references: default, defined, guarded #if and and-chains", () => {
  assert.deepEqual(
    refs(
      analyzeTemplate("{{ default opt 'x' }} {{#if (defined o2)}}{{ o2.a }}{{/if}} {{#if flag}}{{ flag.b }}{{/if}}"),
    ),
    ["flag"],
  );
  assert.deepEqual(refs(analyzeCondition("(and (defined o) o.enabled)")), []);
});

test("inside #each, item fields are not variables; @root and block params are handled", () => {
  assert.deepEqual(refs(analyzeTemplate("{{#each users}}{{ name }}{{ @root.port }}{{/each}}")), ["users", "port"]);
  assert.deepEqual(refs(analyzeTemplate("{{#each users as |u|}}{{ u.name }} {{ other }}{{/each}}")), [
    "users",
    "other",
  ]);
});

test("references carry line and column", () => {
  const a = analyzeTemplate("line\n  {{ xx }}");
  assert.ok(a.ok);
  assert.deepEqual(a.refs[0], { name: "xx", path: "xx", line: 2, col: 6 });
});

test("conditions in every accepted form", () => {
  assert.deepEqual(refs(analyzeCondition("is_primary")), ["is_primary"]);
  assert.deepEqual(refs(analyzeCondition("(eq role 'primary')")), ["role"]);
  assert.deepEqual(refs(analyzeCondition("eq role 'primary'")), ["role"]);
  assert.deepEqual(refs(analyzeCondition("not skip")), ["skip"]);
  assert.deepEqual(refs(analyzeCondition(true)), []);
  assert.deepEqual(refs(analyzeCondition("{{ a }}")), ["a"]);
});

test("unknown helpers and block helpers are problems, with suggestions", () => {
  const a = analyzeTemplate("{{ jion list ',' }}{{#iff x}}{{/iff}}");
  assert.ok(a.ok);
  assert.deepEqual(a.problems, [
    "unknown helper 'jion' (did you mean 'join' or 'json'?)",
    "unknown block helper '#iff' (did you mean 'if'?)",
  ]);
});

test("syntax errors are messages saying what is wrong and where", () => {
  const a = analyzeCondition("a and");
  assert.equal(a.ok, false);
  if (!a.ok) assert.match(a.message, /condition syntax error: .* in 'a and'/);
  const b = analyzeTemplate("{{ a == }}");
  assert.equal(b.ok, false);
  if (!b.ok) assert.match(b.message, /template syntax error: .* in 'a =='/);
  const c = analyzeTemplate("{% if a %}x{% endif %}");
  assert.equal(c.ok, false);
  if (!c.ok) assert.match(c.message, /Jinja2 statements/);
});

test("a path off a computed value reads the value's variables (and does not recurse forever)", () => {
  assert.deepEqual(refs(analyzeTemplate("{{ (facts.json | default({}))._embedded.agents | default([]) }}")), []);
  assert.deepEqual(refs(analyzeTemplate("{{ (rows | default([{}]))[0].paused }}")), []);
  assert.deepEqual(refs(analyzeTemplate("{{ (rows | first)[key] }}")), ["rows", "key"]);
});
