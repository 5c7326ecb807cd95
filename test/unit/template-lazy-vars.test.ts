// Variables whose values are templates (role defaults such as `url: "http://{{ vip }}:8153/go"`) are
// rendered when a template uses them, with the same variables, as Ansible's lazy templating does.
import assert from "node:assert/strict";
import { test } from "node:test";
import { TemplateError } from "../../src/errors.js";
import { evalCondition, markTemplatedVars, renderString, renderText } from "../../src/template/engine.js";

const ctx = {
  loc: { file: "roles/x/tasks/main.yml", line: 3, col: 5 },
  path: "plays[0].tasks[0].debug.msg",
  task: "t",
};

test("a variable written as a template is rendered where it is used, at any depth and in any type", () => {
  const vars = markTemplatedVars({
    vip: "198.18.0.100",
    port: 8153,
    url: "http://{{ vip }}:{{ port }}/go",
    agent: { server: "{{ url }}", list: ["{{ vip }}"] },
    same_port: "{{ port }}",
    is_lab: "{{ eq vip '198.18.0.100' }}",
  });
  assert.equal(renderString("{{ url }}", vars, ctx), "http://198.18.0.100:8153/go");
  assert.equal(renderString("server={{ agent.server }}", vars, ctx), "server=http://198.18.0.100:8153/go");
  assert.deepEqual(renderString("{{ agent }}", vars, ctx), {
    server: "http://198.18.0.100:8153/go",
    list: ["198.18.0.100"],
  });
  assert.equal(renderString("{{ same_port }}", vars, ctx), 8153, "a lone expression keeps its type");
  assert.equal(evalCondition("is_lab", vars, ctx), true);
  assert.equal(renderText("{{#if (eq url 'http://198.18.0.100:8153/go')}}yes{{/if}}", vars, ctx), "yes");
});

test("results are data: names listed as data are never rendered", () => {
  const vars = markTemplatedVars({ out: { stdout: "{{ not a template }}" }, x: 1 }, new Set(["out"]));
  assert.equal(renderString("{{ out.stdout }}", vars, ctx), "{{ not a template }}");
});

test("an undefined variable inside a template variable matters only when it is used", () => {
  const vars = markTemplatedVars({ ok: "fine", later: "{{ registered_later.stdout }}" });
  assert.equal(renderString("{{ ok }}", vars, ctx), "fine");
  assert.throws(
    () => renderString("{{ later }}", vars, ctx),
    (e: unknown) => e instanceof TemplateError && /undefined variable 'registered_later/.test(e.message),
  );
});

test("a variable that refers to itself is an error naming the chain", () => {
  const vars = markTemplatedVars({ a: "{{ b }}", b: "x{{ a }}" });
  assert.throws(
    () => renderString("{{ a }}", vars, ctx),
    (e: unknown) => e instanceof TemplateError && /variable 'a' refers to itself: a -> b -> a/.test(e.message),
  );
});

test("a loop variable that shadows a template variable is used as it is", () => {
  const vars = { ...markTemplatedVars({ item: "{{ x }}", x: 1 }), item: "{{ literal }}" };
  assert.equal(renderString("{{ item }}", vars, ctx), "{{ literal }}");
});
