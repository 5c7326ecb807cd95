// Tasks: the module key, its arguments in Ansible's forms, and the errors for bad tasks.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ModuleTask, Task } from "../../src/playbook/plan.js";
import { errorsOf, findError, loadTree, planOf } from "./loader-helpers.js";

function play(tasks: string): Record<string, string> {
  return { "site.yml": `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}` };
}

function firstTask(tasks: string): Task {
  const t = planOf(loadTree(play(tasks))).plays[0]?.tasks[0];
  assert.ok(t);
  return t;
}

test("a task with two module keys is an error naming both", () => {
  const errors = errorsOf(loadTree(play("    - name: Two\n      copy: {src: a, dest: /b}\n      file: {path: /c}\n")));
  const e = findError(errors, /2 module keys \('copy', 'file'\)/);
  assert.equal(e.path, "plays[0].tasks[0]");
  assert.equal(e.line, 6);
});

test("a task with no module is an error listing its keywords", () => {
  const errors = errorsOf(loadTree(play("    - name: Nothing\n      when: true\n")));
  const e = findError(errors, /task has no module: found only keywords \(name, when\)/);
  assert.deepEqual([e.line, e.col, e.path], [4, 7, "plays[0].tasks[0]"]);
});

test("an unknown module says 'did you mean' when a module is close", () => {
  const errors = errorsOf(loadTree(play("    - lineinfle:\n        path: /etc/x\n        line: y\n")));
  const e = findError(errors, /unknown module 'lineinfle' \(did you mean 'lineinfile'\?\)/);
  assert.deepEqual([e.line, e.col, e.path], [4, 7, "plays[0].tasks[0]"]);
});

test("an unknown module far from any name gets no suggestion", () => {
  const errors = errorsOf(loadTree(play("    - frobnicate_widget: {}\n")));
  const e = findError(errors, /unknown module 'frobnicate_widget'/);
  assert.doesNotMatch(e.message, /did you mean/);
});

test("a misspelt keyword next to a real module is an unknown keyword", () => {
  const errors = errorsOf(loadTree(play("    - command: /bin/true\n      whn: x\n")));
  findError(errors, /unknown task keyword 'whn' \(did you mean 'when'\?\)/);
});

test("a wrong argument type says what was found and what was expected", () => {
  const errors = errorsOf(loadTree(play("    - name: Mode\n      file:\n        path: /x\n        mode: true\n")));
  const e = findError(errors, /found boolean true, expected string or integer/);
  assert.deepEqual([e.line, e.col, e.path], [7, 15, "plays[0].tasks[0].file.mode"]);
});

test("an unknown argument is located at its key, with a suggestion", () => {
  const errors = errorsOf(loadTree(play("    - file:\n        path: /x\n        moed: '0644'\n")));
  const e = findError(errors, /unknown argument 'moed' \(did you mean 'mode'\?\)/);
  assert.deepEqual([e.line, e.col, e.path], [6, 9, "plays[0].tasks[0].file.moed"]);
});

test("a bad enum value suggests the closest allowed one", () => {
  const errors = errorsOf(loadTree(play("    - service: {name: x, state: strated}\n")));
  findError(
    errors,
    /found string 'strated', expected one of 'started', 'stopped', 'restarted', 'reloaded' \(did you mean 'started'\?\)/,
  );
});

test("a missing required argument is reported", () => {
  const errors = errorsOf(loadTree(play("    - template: {src: a.hbs}\n")));
  findError(errors, /missing required argument 'dest'/);
});

test("copy needs src or content", () => {
  const errors = errorsOf(loadTree(play("    - copy: {dest: /x}\n")));
  findError(errors, /missing required argument: one of 'src', 'content'/);
});

test("several errors in one playbook are all reported at once", () => {
  const errors = errorsOf(
    loadTree(play("    - lineinfle: {}\n    - file: {path: /x, mode: true}\n    - name: none\n")),
  );
  assert.equal(errors.length, 3);
});

test("a template string passes any type check: it is checked again once rendered", () => {
  const t = firstTask("    - wait_for: {port: '{{ 5000 }}', host: localhost}\n") as ModuleTask;
  assert.equal(t.args.port, "{{ 5000 }}");
});

test("free-form command: the command line goes to cmd, known key=value pairs become arguments", () => {
  const t = firstTask("    - command: ls -l {{ 'x y' }} chdir=/tmp creates=/x\n") as ModuleTask;
  assert.equal(t.module, "command");
  assert.deepEqual(t.args, { chdir: "/tmp", creates: "/x", cmd: "ls -l {{ 'x y' }}" });
});

test("shell args: keyword merges with free form (free form wins)", () => {
  const t = firstTask(
    "    - shell: echo hi > /tmp/x\n      args:\n        chdir: /srv\n        creates: /tmp/x\n",
  ) as ModuleTask;
  assert.deepEqual(t.args, { chdir: "/srv", creates: "/tmp/x", cmd: "echo hi > /tmp/x" });
});

test("key=value arguments for other modules, quoted values kept whole", () => {
  const t = firstTask('    - lineinfile: path=/etc/x line="a = b" create=yes\n') as ModuleTask;
  assert.deepEqual(t.args, { path: "/etc/x", line: "a = b", create: true });
});

test("FQCN module names and argument aliases resolve to canonical names", () => {
  const t = firstTask("    - ansible.builtin.file:\n        dest: /srv\n        state: directory\n") as ModuleTask;
  assert.equal(t.module, "file");
  assert.equal(t.moduleKey, "ansible.builtin.file");
  assert.deepEqual(t.args, { path: "/srv", state: "directory" });
});

test("a module string that is not key=value is an error", () => {
  const errors = errorsOf(loadTree(play("    - file: /etc/x\n")));
  findError(errors, /found string '\/etc\/x', expected a mapping of arguments or key=value pairs/);
});

test("task keywords are read into the plan", () => {
  const t = firstTask(
    [
      "    - name: Full",
      "      command: /bin/true",
      "      when: [is_x, (eq a 'b')]",
      "      loop: [1, 2]",
      "      loop_control: {loop_var: n, index_var: i, label: '{{ n }}'}",
      "      register: out",
      "      notify: h",
      "      changed_when: false",
      "      failed_when: (ne out.rc 0)",
      "      until: (eq out.rc 0)",
      "      retries: 5",
      "      delay: 2",
      "      ignore_errors: true",
      "      tags: a,b",
      "      become: true",
      "      become_user: postgres",
      "      delegate_to: localhost",
      "      run_once: true",
      "      check_mode: false",
      "      no_log: true",
      "      vars: {a: b, is_x: true}",
      "  handlers:",
      "    - name: h",
      "      debug: {msg: h}",
      "",
    ].join("\n"),
  ) as ModuleTask;
  assert.equal(t.kind, "module");
  assert.deepEqual(t.when, ["is_x", "(eq a 'b')"]);
  assert.deepEqual(t.loop, {
    items: [1, 2],
    kind: "loop",
    loopVar: "n",
    indexVar: "i",
    label: "{{ n }}",
    pause: undefined,
    extended: undefined,
  });
  assert.equal(t.register, "out");
  assert.deepEqual(t.notify, ["h"]);
  assert.deepEqual(t.changedWhen, [false]);
  assert.deepEqual(t.failedWhen, ["(ne out.rc 0)"]);
  assert.deepEqual([t.retries, t.delay, t.ignoreErrors], [5, 2, true]);
  assert.deepEqual(t.tags, ["a", "b"]);
  assert.deepEqual(
    [t.become, t.becomeUser, t.delegateTo, t.runOnce, t.checkMode, t.noLog],
    [true, "postgres", "localhost", true, false, true],
  );
});

test("with_items is accepted as a loop; other with_* are not", () => {
  const t = firstTask("    - debug: {msg: '{{ item }}'}\n      with_items: [a, b]\n") as ModuleTask;
  assert.equal(t.loop?.kind, "with_items");
  const errors = errorsOf(loadTree(play("    - debug: {msg: x}\n      with_fileglob: '*.txt'\n")));
  findError(errors, /'with_fileglob' is not supported; use 'loop'/);
});

test("a wrong keyword type is reported with its path", () => {
  const errors = errorsOf(loadTree(play("    - command: /bin/true\n      register: [a]\n")));
  const e = findError(errors, /found a list, expected string/);
  assert.equal(e.path, "plays[0].tasks[0].register");
});

test("blocks with rescue and always", () => {
  const t = firstTask(
    "    - name: B\n      block:\n        - command: /bin/a\n      rescue:\n        - command: /bin/b\n      always:\n        - command: /bin/c\n      when: true\n",
  );
  assert.equal(t.kind, "block");
  if (t.kind !== "block") return;
  assert.deepEqual([t.block.length, t.rescue.length, t.always.length], [1, 1, 1]);
  assert.equal(t.block[0]?.path, "plays[0].tasks[0].block[0]");
  assert.deepEqual(t.when, [true]);
});

test("rescue without block is an error", () => {
  const errors = errorsOf(loadTree(play("    - rescue:\n        - command: /bin/b\n")));
  findError(errors, /'rescue' without 'block'/);
});

test("action and local_action say how to write the task instead", () => {
  const errors = errorsOf(loadTree(play("    - local_action: command /bin/true\n")));
  findError(errors, /'local_action:' is not supported; .*delegate_to: localhost/);
});
