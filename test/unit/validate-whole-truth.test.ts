// validate tells the whole truth: every problem of every file in one run. An unknown or mistyped
// keyword is one problem and the rest of its play, block or task is still checked; wrong types of
// numeric keywords and of connection variables are errors at their line and column.
import assert from "node:assert/strict";
import { test } from "node:test";
import { numberOf } from "../../src/engine/attempt.js";
import { hostSpecOf } from "../../src/engine/connect.js";
import type { Diagnostic } from "../../src/errors.js";
import { errorsOf, findError, loadTree, planOf } from "./loader-helpers.js";

function site(lines: string[]): Record<string, string> {
  return { "site.yml": [...lines, ""].join("\n") };
}

/** The problems of a one-play playbook whose play keywords and tasks are `lines` (after `hosts: all`). */
function playErrors(...lines: string[]): Diagnostic[] {
  return errorsOf(loadTree(site(["- hosts: all", "  gather_facts: false", ...lines])));
}

test("an unknown play keyword is one problem, and the play's tasks are still checked", () => {
  const errors = playErrors(
    "  hots: web",
    "  tasks:",
    "    - debug: {msg: '{{ nowhere }}'}",
    "    - lineinfle: {path: /x, line: y}",
    "    - debug: {msg: hi}",
    "      when: missing_flag",
  );
  const unknown = findError(errors, /unknown play keyword 'hots'/);
  assert.deepEqual([unknown.line, unknown.col], [3, 3]);
  assert.equal(findError(errors, /undefined variable 'nowhere'/).line, 5);
  assert.equal(findError(errors, /unknown module 'lineinfle'/).line, 6);
  assert.equal(findError(errors, /undefined variable 'missing_flag'/).line, 8);
  assert.equal(errors.length, 4, errors.map((e) => e.message).join("\n"));
});

test("a bad task keyword is one problem; the task's conditions and arguments are still checked", () => {
  const errors = playErrors(
    "  tasks:",
    "    - command: echo {{ undefined_arg }}",
    "      retries: many",
    "      until: undefined_cond",
    "      register: r",
  );
  const retries = findError(errors, /found string 'many', expected an integer or a \{\{ \}\} template/);
  assert.deepEqual([retries.line, retries.col, retries.path], [5, 16, "plays[0].tasks[0].retries"]);
  findError(errors, /undefined variable 'undefined_arg'/);
  findError(errors, /undefined variable 'undefined_cond'/);
});

test("a bad block keyword is one problem; the block's tasks are still checked", () => {
  const errors = playErrors(
    "  tasks:",
    "    - block:",
    "        - debug: {msg: '{{ inner_missing }}'}",
    "      becom: true",
  );
  findError(errors, /unknown block keyword 'becom'/);
  findError(errors, /undefined variable 'inner_missing'/);
});

test("a template syntax error is reported beside structural errors", () => {
  const errors = playErrors("  tasks:", "    - frobnicate: {}", "    - debug: {msg: '{{#if}}'}");
  findError(errors, /unknown module 'frobnicate'/);
  assert.equal(findError(errors, /template syntax error/).line, 5);
});

test("numeric and boolean keywords of the wrong type are errors at their line and column", () => {
  const errors = playErrors(
    "  serial: lots",
    "  max_fail_percentage: half",
    "  tasks:",
    "    - command: 'true'",
    "      register: r",
    "      until: (eq r.rc 0)",
    "      delay: soon",
    "      timeout: forever",
    "      become: maybe",
    "    - debug: {msg: x}",
    "      loop: [1]",
    "      loop_control: {pause: later}",
  );
  const where = (re: RegExp) => {
    const e = findError(errors, re);
    return [e.line, e.col];
  };
  assert.deepEqual(where(/'lots', expected a number of hosts, a percentage/), [3, 11]);
  assert.deepEqual(where(/'half', expected a percentage/), [4, 24]);
  assert.deepEqual(where(/'soon', expected a number/), [9, 14]);
  assert.deepEqual(where(/'forever', expected an integer/), [10, 16]);
  assert.deepEqual(where(/'maybe', expected a boolean/), [11, 15]);
  assert.deepEqual(where(/'later', expected a number/), [14, 29]);
});

test("templates, digit strings and percentages still pass where a number is expected", () => {
  planOf(
    loadTree(
      site([
        "- hosts: all",
        "  gather_facts: false",
        "  serial: ['1', '30%', 2]",
        "  max_fail_percentage: '25'",
        "  vars: {n: 3}",
        "  tasks:",
        "    - command: 'true'",
        "      register: r",
        "      until: (eq r.rc 0)",
        "      retries: '{{ n }}'",
        "      delay: '0.5'",
        "      become: 'yes'",
      ]),
    ),
  );
});

test("an inventory connection variable of the wrong type is an error, and the playbook is still checked", () => {
  const errors = errorsOf(
    loadTree({
      "hosts.yml": "all:\n  hosts:\n    h1:\n      ansible_host: 10.0.0.1\n      ansible_port: not-a-port\n",
      ...site(["- hosts: all", "  gather_facts: false", "  tasks:", "    - debug: {msg: '{{ not_there }}'}"]),
    }),
  );
  const port = findError(errors, /found string 'not-a-port', expected a port number/);
  assert.deepEqual(
    [port.file.endsWith("hosts.yml"), port.line, port.col, port.path],
    [true, 5, 21, "all.hosts.h1.ansible_port"],
  );
  findError(errors, /undefined variable 'not_there'/);
});

test("connection variables are typed in group_vars files and group vars too", () => {
  const errors = errorsOf(
    loadTree({
      "hosts.yml": "all:\n  vars:\n    ansible_host: 'two words'\n  hosts:\n    h1:\n",
      "group_vars/all.yml": "ansible_become: maybe\nansible_port: 70000\nansible_become_method: doas\n",
      ...site(["- hosts: all", "  gather_facts: false", "  tasks: []"]),
    }),
  );
  assert.equal(findError(errors, /'two words', expected a host name/).line, 3);
  assert.equal(findError(errors, /'maybe', expected a boolean/).line, 1);
  assert.equal(findError(errors, /70000/).line, 2);
  assert.equal(findError(errors, /'doas', expected 'sudo', 'su'/).line, 3);
});

test("a templated connection variable is checked again after rendering", () => {
  assert.throws(
    () => hostSpecOf("h1", { ansible_host: "10.0.0.1", ansible_port: "{{ p }}", p: "ssh" }, {}),
    /ansible_port: found string 'ssh', expected a port number .*\(after rendering\)/,
  );
  const spec = hostSpecOf("h1", { ansible_host: "10.0.0.1", ansible_port: "{{ p }}", p: 2222 }, {});
  assert.equal(spec.kind === "ssh" && spec.target.port, 2222);
});

test("templates in variables are checked when loaded: syntax and unknown filters, at the variable", () => {
  const errors = errorsOf(
    loadTree({
      "roles/r/defaults/main.yml": 'r_url: "http://{{ r_host | uper }}/"\nr_ok: "{{ r_host | default(\'x\') }}"\n',
      "roles/r/tasks/main.yml": "- debug: {msg: hi}\n",
      ...site(["- hosts: all", "  gather_facts: false", "  vars:", "    broken: '{{ a == }}'", "  roles: [r]"]),
    }),
  );
  const filter = findError(errors, /unknown filter 'uper' \(did you mean 'upper'\?\)/);
  assert.deepEqual([filter.file.endsWith("defaults/main.yml"), filter.line, filter.col], [true, 1, 8]);
  const syntax = findError(errors, /template syntax error: .* in 'a =='/);
  assert.deepEqual([syntax.line, syntax.col, syntax.path], [4, 13, "plays[0].vars.broken"]);
  assert.equal(errors.length, 2, errors.map((e) => e.message).join("\n"));
});

test("a bad keyword of a role entry is one problem; the role is still loaded and checked", () => {
  const errors = errorsOf(
    loadTree({
      "roles/r/tasks/main.yml": "- debug: {msg: '{{ in_role_missing }}'}\n",
      ...site(["- hosts: all", "  gather_facts: false", "  roles:", "    - role: r", "      when: 5"]),
    }),
  );
  assert.equal(
    findError(errors, /found integer 5, expected string or boolean or a list/).path,
    "plays[0].roles[0].when",
  );
  findError(errors, /undefined variable 'in_role_missing'/);
});

test("a bad keyword of a meta dependency is one problem; the dependency is still loaded and checked", () => {
  const errors = errorsOf(
    loadTree({
      "roles/a/meta/main.yml": "dependencies:\n  - role: b\n    when: 5\n",
      "roles/a/tasks/main.yml": "- debug: {msg: a}\n",
      "roles/b/tasks/main.yml": "- debug: {msg: '{{ in_dependency_missing }}'}\n",
      ...site(["- hosts: all", "  gather_facts: false", "  roles: [a]"]),
    }),
  );
  assert.equal(findError(errors, /found integer 5/).path, "meta.dependencies[0].when");
  findError(errors, /undefined variable 'in_dependency_missing'/);
});

test("a templated numeric keyword is checked again after rendering", () => {
  const plan = planOf(
    loadTree(
      site([
        "- hosts: all",
        "  gather_facts: false",
        "  vars: {n: 1}",
        "  tasks:",
        "    - command: 'true'",
        "      retries: '{{ n }}'",
      ]),
    ),
  );
  const task = plan.plays[0]?.tasks[0];
  assert.ok(task);
  assert.equal(numberOf("{{ n }}", { n: 4 }, task, "retries"), 4);
  assert.equal(numberOf(2.5, {}, task, "delay"), 2.5);
  assert.throws(
    () => numberOf("{{ n }}", { n: "many" }, task, "retries"),
    /retries: 'many' is not a number \(rendered from '\{\{ n \}\}'\)/,
  );
  assert.throws(() => numberOf("{{ n }}", { n: -1 }, task, "retries"), /is not a number/);
});
