// Prefixed names: every module and include/import keyword gocd-bc implements, written as Ansible
// spells it with its collection, loads as the short name.
import assert from "node:assert/strict";
import { test } from "node:test";
import { canonicalModuleName, moduleNames } from "../../src/modules/registry.js";
import { PREFIXED_KEYWORDS } from "../../src/schema/fqcn.js";
import type { IncludeRoleTask, ModuleTask } from "../../src/playbook/plan.js";
import { errorsOf, findError, loadTree, planOf } from "./loader-helpers.js";

/** Ansible's own spelling of each module gocd-bc implements (short name -> gocd-bc's name). */
const ANSIBLE_NAMES: Record<string, [string, string]> = {
  "ansible.builtin.command": ["command", "command"],
  "ansible.builtin.shell": ["shell", "shell"],
  "ansible.builtin.file": ["file", "file"],
  "ansible.builtin.copy": ["copy", "copy"],
  "ansible.builtin.template": ["template", "template"],
  "ansible.builtin.lineinfile": ["lineinfile", "lineinfile"],
  "ansible.builtin.blockinfile": ["blockinfile", "blockinfile"],
  "ansible.builtin.stat": ["stat", "stat"],
  "ansible.builtin.apt": ["apt", "apt"],
  "ansible.builtin.package": ["package", "package"],
  "ansible.builtin.service": ["service", "service"],
  "ansible.builtin.systemd": ["systemd", "service"],
  "ansible.builtin.systemd_service": ["systemd_service", "service"],
  "ansible.posix.mount": ["mount", "mount"],
  "ansible.posix.sysctl": ["sysctl", "sysctl"],
  "ansible.builtin.user": ["user", "user"],
  "ansible.builtin.group": ["group", "group"],
  "ansible.builtin.wait_for": ["wait_for", "wait_for"],
  "ansible.builtin.get_url": ["get_url", "get_url"],
  "ansible.builtin.uri": ["uri", "uri"],
  "ansible.builtin.assert": ["assert", "assert"],
  "ansible.builtin.fail": ["fail", "fail"],
  "ansible.builtin.debug": ["debug", "debug"],
  "ansible.builtin.set_fact": ["set_fact", "set_fact"],
  "ansible.builtin.pause": ["pause", "pause"],
  "ansible.builtin.include_vars": ["include_vars", "include_vars"],
  "ansible.builtin.meta": ["meta", "meta"],
  "ansible.builtin.setup": ["setup", "setup"],
  "ansible.builtin.ping": ["ping", "ping"],
  "community.postgresql.postgresql_query": ["postgresql_query", "postgres_query"],
  "community.postgresql.postgresql_user": ["postgresql_user", "postgres_user"],
  "community.postgresql.postgresql_slot": ["postgresql_slot", "postgres_slot"],
  "community.postgresql.postgresql_set": ["postgresql_set", "postgres_setting"],
  "community.postgresql.postgresql_info": ["postgresql_info", "postgres_facts"],
  "community.general.postgresql_query": ["postgresql_query", "postgres_query"],
  "community.general.postgresql_user": ["postgresql_user", "postgres_user"],
  "community.general.postgresql_slot": ["postgresql_slot", "postgres_slot"],
  "community.general.postgresql_set": ["postgresql_set", "postgres_setting"],
  "community.general.postgresql_info": ["postgresql_info", "postgres_facts"],
};

test("every Ansible name of an implemented module resolves, short and prefixed", () => {
  for (const [fqcn, [short, ours]] of Object.entries(ANSIBLE_NAMES)) {
    assert.equal(canonicalModuleName(fqcn), ours, fqcn);
    assert.equal(canonicalModuleName(short), ours, short);
  }
});

/** Modules of gocd-bc's own, which no Ansible collection has: they have only their short name. */
const OWN_MODULES = ["postgres_standby_datadir"];

test("the list above covers every module gocd-bc has a schema for, but its own", () => {
  const covered = new Set([...Object.values(ANSIBLE_NAMES).map(([, ours]) => ours), ...OWN_MODULES]);
  assert.deepEqual(
    moduleNames().filter((m) => !covered.has(m)),
    [],
  );
});

test("a prefix Ansible does not use for a module is still unknown", () => {
  assert.equal(canonicalModuleName("ansible.posix.copy"), undefined);
  assert.equal(canonicalModuleName("community.general.copy"), undefined);
  assert.equal(canonicalModuleName("ansible.builtin.postgresql_query"), undefined);
});

const ROLE = {
  "roles/web/tasks/main.yml": "- ansible.builtin.debug: {msg: web}\n",
  "roles/web/tasks/extra.yml": "- ansible.builtin.debug: {msg: extra}\n",
  "more.yml": "- ansible.builtin.debug: {msg: more}\n",
  "other.yml": "- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.ping:\n",
};

test("every prefixed include/import keyword loads like its short form", () => {
  assert.deepEqual([...PREFIXED_KEYWORDS].sort(), [
    "import_playbook",
    "import_role",
    "import_tasks",
    "include_role",
    "include_tasks",
  ]);
  const plan = planOf(
    loadTree({
      ...ROLE,
      "site.yml": [
        "- hosts: all",
        "  gather_facts: false",
        "  tasks:",
        "    - ansible.builtin.import_tasks: more.yml",
        "    - ansible.builtin.include_tasks: more.yml",
        "    - ansible.builtin.import_role: {name: web}",
        "    - ansible.builtin.include_role: {name: web, tasks_from: extra}",
        "    - ansible.builtin.systemd: {name: nginx, state: started}",
        "    - ansible.posix.mount: {path: /mnt, src: 'h:/x', fstype: nfs, state: mounted}",
        "    - ansible.posix.sysctl: {name: vm.swappiness, value: '10'}",
        "    - community.postgresql.postgresql_query: {db: app, query: SELECT 1}",
        "- ansible.builtin.import_playbook: other.yml",
        "",
      ].join("\n"),
    }),
  );
  const tasks = plan.plays[0]?.tasks ?? [];
  assert.deepEqual(
    tasks.map((t) => t.kind),
    ["block", "include_tasks", "block", "include_role", "module", "module", "module", "module"],
  );
  assert.equal((tasks[3] as IncludeRoleTask).target.tasksFrom, "extra");
  assert.deepEqual(
    tasks.slice(4).map((t) => (t as ModuleTask).module),
    ["service", "mount", "sysctl", "postgres_query"],
  );
  assert.equal(plan.plays.length, 2);
});

test("a problem under a prefixed keyword is located at that keyword", () => {
  const errors = errorsOf(
    loadTree({
      "site.yml":
        "- hosts: all\n  gather_facts: false\n  tasks:\n    - name: x\n      ansible.builtin.include_tasks: missing.yml\n",
    }),
  );
  const e = findError(errors, /include_tasks file 'missing.yml' not found/);
  assert.deepEqual([e.line, e.col], [5, 38]);
});
