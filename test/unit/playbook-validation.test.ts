// Bad input that must be caught before any host is touched, each with a clear located error.
import assert from "node:assert/strict";
import { test } from "node:test";
import { errorsOf, findError, loadTree, planOf } from "./loader-helpers.js";

const HEAD = "- hosts: all\n  gather_facts: false\n";

test("an empty playbook is an error", () => {
  findError(errorsOf(loadTree({ "site.yml": "" })), /empty playbook/);
  findError(errorsOf(loadTree({ "site.yml": "# nothing here\n" })), /empty playbook/);
  findError(errorsOf(loadTree({ "site.yml": "[]\n" })), /empty playbook/);
});

test("a playbook that is not a list of plays is an error", () => {
  findError(errorsOf(loadTree({ "site.yml": "hosts: all\n" })), /a playbook is a list of plays/);
});

test("a play without hosts, or with an unknown keyword, is an error", () => {
  findError(errorsOf(loadTree({ "site.yml": "- tasks: []\n" })), /missing required play keyword 'hosts'/);
  const e = findError(
    errorsOf(loadTree({ "site.yml": "- hosts: all\n  taks: []\n" })),
    /unknown play keyword 'taks' \(did you mean 'tags' or 'tasks'\?\)/,
  );
  assert.deepEqual([e.line, e.col, e.path], [2, 3, "plays[0].taks"]);
});

test("an undefined variable in a task names the variable, the task and file:line:col", () => {
  const errors = errorsOf(
    loadTree({
      "site.yml": `${HEAD}  tasks:\n    - name: Greet\n      debug:\n        msg: "hi {{ usr }}"\n`,
    }),
  );
  const e = findError(errors, /undefined variable 'usr' in task 'Greet'/);
  assert.deepEqual([e.line, e.col, e.path], [6, 14, "plays[0].tasks[0].debug.msg"]);
});

test("an undefined variable in a condition is an error", () => {
  const errors = errorsOf(
    loadTree({
      "site.yml": `${HEAD}  tasks:\n    - name: Cond\n      command: /bin/true\n      when: (eq role 'primary')\n`,
    }),
  );
  const e = findError(errors, /undefined variable 'role' in task 'Cond'/);
  assert.equal(e.path, "plays[0].tasks[0].when");
});

test("an undefined variable in a template file is reported at its line in that file", () => {
  const errors = errorsOf(
    loadTree({
      "site.yml": `${HEAD}  vars:\n    port: 1\n  tasks:\n    - name: Config\n      template: {src: app.conf.hbs, dest: /etc/app.conf}\n`,
      "templates/app.conf.hbs": "port={{ port }}\nhost={{ listen_host }}\n",
    }),
  );
  const e = findError(errors, /undefined variable 'listen_host' in task 'Config'/);
  assert.match(e.file, /templates\/app\.conf\.hbs$/);
  assert.deepEqual([e.line, e.col], [2, 9]);
});

test("variables from every source count as defined", () => {
  const plan = planOf(
    loadTree(
      {
        "hosts.yml": "all:\n  vars: {inv_var: 1}\n  hosts:\n    h1: {host_var: 2}\n",
        "group_vars/all.yml": "gv: 3\n",
        "vars/extra.yml": "vf: 4\n",
        "roles/r/defaults/main.yml": "rd: 5\n",
        "roles/r/tasks/main.yml": "- debug: {msg: '{{ rd }} {{ rp }}'}\n",
        "site.yml": [
          "- hosts: all",
          "  gather_facts: false",
          "  vars: {pv: 6}",
          "  vars_files: [vars/extra.yml]",
          "  roles:",
          "    - {role: r, rp: 7}",
          "  tasks:",
          "    - stat: {path: /x}",
          "      register: st",
          "    - set_fact: {sf: 8}",
          "    - name: All of them",
          "      debug:",
          "        msg: '{{ inv_var }} {{ host_var }} {{ gv }} {{ vf }} {{ rd }} {{ pv }} {{ st.stat }} {{ sf }} {{ ev }} {{ tv }} {{ item }} {{ inventory_hostname }} {{ groups.all }} {{ ansible_facts }} {{ ansible_distribution }}'",
          "      vars: {tv: 9}",
          "      loop: [1]",
          "    - block:",
          "        - debug: {msg: '{{ bv }}'}",
          "      vars: {bv: 10}",
          "      rescue:",
          "        - debug: {msg: '{{ ansible_failed_result }}'}",
          "",
        ].join("\n"),
      },
      { extraVars: ["ev=1"] },
    ),
  );
  assert.equal(plan.plays.length, 1);
});

test("a registered variable is only defined after the task that registers it", () => {
  const errors = errorsOf(
    loadTree({
      "site.yml": `${HEAD}  tasks:\n    - debug: {msg: '{{ out.stdout }}'}\n    - command: /bin/true\n      register: out\n`,
    }),
  );
  findError(errors, /undefined variable 'out.stdout'/);
});

test("changed_when and failed_when may use the task's own registered result", () => {
  planOf(
    loadTree({
      "site.yml": `${HEAD}  tasks:\n    - command: /bin/true\n      register: r\n      changed_when: (ne r.rc 0)\n      failed_when: (gt r.rc 1)\n`,
    }),
  );
});

test("a guarded optional variable is not an error", () => {
  planOf(
    loadTree({
      "site.yml": `${HEAD}  tasks:\n    - debug: {msg: "{{#if (defined opt)}}{{ opt }}{{/if}} {{ default other 'x' }}"}\n      when: (and (defined flag) flag)\n`,
    }),
  );
});

test("an unknown helper or test in a condition is an error with a suggestion", () => {
  const errors = errorsOf(
    loadTree({
      "site.yml": `${HEAD}  tasks:\n    - debug: {msg: x}\n      when: (eqq port 1)\n    - debug: {msg: x}\n      when: port is definde\n`,
    }),
  );
  findError(errors, /unknown helper 'eqq' \(did you mean 'eq'\?\)/);
  findError(errors, /unknown test 'definde' \(did you mean 'defined'\?\)/);
});

test("a missing role is an error, with the places searched and a suggestion", () => {
  const errors = errorsOf(
    loadTree({
      "site.yml": `${HEAD}  roles: [postgress]\n`,
      "roles/postgres/tasks/main.yml": "- debug: {msg: x}\n",
    }),
  );
  const e = findError(errors, /role 'postgress' not found \(did you mean 'postgres'\?\); searched: /);
  assert.deepEqual([e.line, e.path], [3, "plays[0].roles[0]"]);
});

test("a missing template, copied file, vars file and included file are errors", () => {
  const errors = errorsOf(
    loadTree({
      "site.yml": [
        "- hosts: all",
        "  vars_files: [vars/nope.yml]",
        "  tasks:",
        "    - template: {src: nope.hbs, dest: /x}",
        "    - copy: {src: nope.txt, dest: /x}",
        "    - include_tasks: nope.yml",
        "    - import_tasks: nope2.yml",
        "    - include_vars: nope3.yml",
        "",
      ].join("\n"),
    }),
  );
  findError(errors, /vars file '.*vars\/nope\.yml': not found/);
  findError(errors, /template file 'nope\.hbs' not found/);
  findError(errors, /copy file 'nope\.txt' not found/);
  findError(errors, /include_tasks file 'nope\.yml' not found/);
  findError(errors, /import_tasks file 'nope2\.yml' not found/);
  findError(errors, /include_vars file 'nope3\.yml' not found/);
});

test("a remote_src copy does not need a local file", () => {
  planOf(
    loadTree({
      "site.yml": `${HEAD}  tasks:\n    - copy: {src: /etc/hosts, dest: /tmp/h, remote_src: true}\n`,
    }),
  );
});

test("a cyclic import_tasks is an error showing the cycle", () => {
  const errors = errorsOf(
    loadTree({
      "site.yml": `${HEAD}  tasks:\n    - import_tasks: a.yml\n`,
      "a.yml": "- import_tasks: b.yml\n",
      "b.yml": "- import_tasks: a.yml\n",
    }),
  );
  findError(errors, /cyclic import: a\.yml -> b\.yml -> a\.yml/);
});

test("a cyclic include_tasks is an error too", () => {
  findError(
    errorsOf(
      loadTree({
        "site.yml": `${HEAD}  tasks:\n    - include_tasks: a.yml\n`,
        "a.yml": "- include_tasks: a.yml\n",
      }),
    ),
    /cyclic import: a\.yml -> a\.yml/,
  );
});

test("a cyclic import_playbook is an error", () => {
  const errors = errorsOf(
    loadTree({ "site.yml": "- import_playbook: other.yml\n", "other.yml": "- import_playbook: site.yml\n" }),
  );
  findError(errors, /cyclic import_playbook: site\.yml -> other\.yml -> site\.yml/);
});

test("a cyclic role dependency is an error", () => {
  const errors = errorsOf(
    loadTree({
      "site.yml": `${HEAD}  roles: [a]\n`,
      "roles/a/meta/main.yml": "dependencies: [b]\n",
      "roles/b/meta/main.yml": "dependencies:\n  - role: a\n",
    }),
  );
  const e = findError(errors, /cyclic role dependency: a -> b -> a/);
  assert.match(e.file, /roles\/b\/meta\/main\.yml$/);
});

test("a notify that reaches no handler is an error", () => {
  findError(
    errorsOf(loadTree({ "site.yml": `${HEAD}  tasks:\n    - command: /bin/true\n      notify: restart it\n` })),
    /notify 'restart it': no handler/,
  );
});

test("a handler can be notified through listen", () => {
  planOf(
    loadTree({
      "site.yml": `${HEAD}  tasks:\n    - command: /bin/true\n      notify: web changed\n  handlers:\n    - name: restart\n      listen: web changed\n      service: {name: x, state: restarted}\n`,
    }),
  );
});

test("a malformed -e is an error; --limit that matches nothing is an error", () => {
  findError(
    errorsOf(loadTree({ "site.yml": `${HEAD}  tasks: []\n` }, { extraVars: ["not a pair"] })),
    /malformed extra vars/,
  );
  findError(
    errorsOf(loadTree({ "site.yml": `${HEAD}  tasks: []\n` }, { limit: "nohost" })),
    /'nohost' matches no host/,
  );
});

test("a vars file with an invalid variable name is an error", () => {
  const errors = errorsOf(
    loadTree({ "site.yml": `- hosts: all\n  vars_files: [v.yml]\n`, "v.yml": "good: 1\nbad-name: 2\n" }),
  );
  const e = findError(errors, /invalid name 'bad-name'/);
  assert.equal(e.line, 2);
});

test("names a host tool could misread are errors at their file:line:col, before any host is touched", () => {
  const errors = errorsOf(
    loadTree({
      "site.yml":
        `${HEAD}  tasks:\n` +
        `    - sysctl: {name: "kernel.sysrq=1", value: 0}\n` +
        `    - group: name=--help\n` +
        `    - command: /bin/true\n      environment:\n        "-S": x\n`,
    }),
  );
  const sysctl = findError(errors, /found string 'kernel\.sysrq=1', expected a sysctl key/);
  assert.deepEqual([sysctl.line, sysctl.col, sysctl.path], [4, 22, "plays[0].tasks[0].sysctl.name"]);
  const group = findError(errors, /found string '--help', expected a name not starting with '-'/);
  assert.deepEqual([group.line, group.path], [5, "plays[0].tasks[1].group.name"]);
  const env = findError(errors, /invalid name '-S'/);
  assert.deepEqual([env.line, env.col, env.path], [8, 9, "plays[0].tasks[2].environment.-S"]);
});
