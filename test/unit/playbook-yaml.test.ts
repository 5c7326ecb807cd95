// Malformed YAML is reported with file:line:column before anything else happens.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseYaml } from "../../src/source/yaml-file.js";
import { errorsOf, findError, loadTree } from "./loader-helpers.js";

test("a tab used for indentation is an error at its line", () => {
  const errors = errorsOf(loadTree({ "site.yml": "- hosts: all\n  tasks:\n\t- debug: {msg: hi}\n" }));
  const e = findError(errors, /tab used for indentation/);
  assert.equal(e.line, 3);
  assert.match(e.file, /site\.yml$/);
});

test("bad indentation is an error at its line", () => {
  const errors = errorsOf(
    loadTree({ "site.yml": "- hosts: all\n  tasks:\n    - debug:\n        msg: a\n   name: x\n" }),
  );
  const e = findError(errors, /malformed YAML/);
  assert.equal(e.line, 5);
});

test("a duplicate key is an error, not a silent override", () => {
  const errors = errorsOf(loadTree({ "site.yml": "- hosts: all\n  hosts: web\n  tasks: []\n" }));
  const e = findError(errors, /duplicate key/);
  assert.deepEqual([e.line, e.col], [2, 3]);
});

test("YAML 1.1 as Ansible reads it: 0644 is octal, yes/no are booleans, y/n stay strings", () => {
  const r = parseYaml("mode: 0644\na: yes\nb: no\nc: y\nd: on\n", "/tmp/x.yml");
  assert.ok(r.ok);
  assert.deepEqual(r.file.value, { mode: 0o644, a: true, b: false, c: "y", d: true });
});

test("positions locate keys and values of nested paths", () => {
  const r = parseYaml("- hosts: all\n  tasks:\n    - name: x\n      file:\n        mode: true\n", "/tmp/x.yml");
  assert.ok(r.ok);
  assert.deepEqual(r.file.locate([0, "tasks", 0, "file", "mode"]), { file: "/tmp/x.yml", line: 5, col: 15 });
  assert.deepEqual(r.file.locate([0, "tasks", 0, "file", "mode"], { key: true }), {
    file: "/tmp/x.yml",
    line: 5,
    col: 9,
  });
  assert.deepEqual(r.file.locate([0, "tasks", 0, "nope"]), { file: "/tmp/x.yml", line: 3, col: 7 });
});

test("several YAML errors are all reported", () => {
  const errors = errorsOf(loadTree({ "site.yml": "- hosts: all\n  hosts: x\n  vars:\n    a: 1\n    a: 2\n" }));
  assert.equal(errors.filter((e) => /duplicate key/.test(e.message)).length, 2);
});
