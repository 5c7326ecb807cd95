// The plan built from the fixture project: plays, roles expanded, imports, includes, handlers.
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { loadPlan } from "../../src/playbook/load.js";
import { loadIncludedRole, loadIncludedTasks } from "../../src/playbook/runtime-load.js";
import { planVarLayers } from "../../src/playbook/vars-layers.js";
import type { BlockTask, ModuleTask, LoadedPlaybook, Task } from "../../src/playbook/plan.js";
import { FIXTURES, errorsOf, findError, loadTree, planOf } from "./loader-helpers.js";

const PROJECT = path.join(FIXTURES, "project");

function project(): LoadedPlaybook {
  return planOf(
    loadPlan({
      playbook: path.join(PROJECT, "playbooks/site.yml"),
      inventories: [path.join(PROJECT, "inventory/hosts.yml")],
    }),
  );
}

function names(tasks: readonly Task[]): string[] {
  return tasks.map((t) => t.name ?? (t.kind === "module" ? t.module : t.kind));
}

test("the fixture project loads: two plays, the second from import_playbook", () => {
  const plan = project();
  assert.equal(plan.plays.length, 2);
  const [site, db] = plan.plays;
  assert.equal(site?.name, "Common setup");
  assert.equal(site?.become, true);
  assert.equal(site?.gatherFacts, false);
  assert.deepEqual(
    site?.varsFiles.map((f) => f.vars),
    [{ vf_value: "from-vars-file" }],
  );
  assert.match(db?.file ?? "", /playbooks\/db\.yml$/);
  assert.deepEqual([db?.serial, db?.maxFailPercentage], [[1], 0]);
  assert.deepEqual(plan.playHosts, [
    ["lonely", "web1", "web2", "db1", "db2"],
    ["db1", "db2"],
  ]);
});

test("roles become blocks carrying the entry's keywords; their tasks know their role", () => {
  const site = project().plays[0];
  assert.ok(site);
  assert.deepEqual(names(site.roleTasks), ["role base", "role common"]);
  const common = site.roleTasks[1] as BlockTask;
  assert.equal(common.origin, "role");
  assert.deepEqual(common.tags, ["common"]);
  assert.deepEqual(common.role?.params, { common_param: 42 });
  const inner = common.block[0] as ModuleTask;
  assert.equal(inner.role?.name, "common");
  assert.deepEqual(inner.role?.defaults, { common_default: "c" });
  assert.match(inner.loc.file, /roles\/common\/tasks\/main\.yml$/);
  assert.equal(inner.path, "tasks[0]");
});

test("role dependencies come first, inside the dependent role's block", () => {
  const db = project().plays[1];
  assert.ok(db);
  const pg = db.roleTasks[0] as BlockTask;
  assert.deepEqual(names(pg.block), ["role common", "Install postgres", "Replication slot"]);
  assert.deepEqual((pg.block[0] as BlockTask).role?.params, { common_param: 7 });
  assert.deepEqual(
    db.roles.map((r) => r.name),
    ["common", "pg", "base"],
  );
});

test("handlers of the play and of its roles", () => {
  const [site, db] = project().plays;
  assert.deepEqual(names(site?.handlers ?? []), ["restart thing", "base changed"]);
  assert.deepEqual((db?.handlers[0] as ModuleTask | undefined)?.listen, ["pg changed"]);
});

test("import_tasks is expanded; include_tasks stays a node, preloaded; import_role uses tasks_from", () => {
  const [site, db] = project().plays;
  const imported = site?.tasks[7] as BlockTask;
  assert.equal(imported.kind, "block");
  assert.equal(imported.origin, "import_tasks");
  assert.deepEqual(names(imported.block), ["Ensure a directory", "Uses play vars"]);
  const included = site?.tasks[8];
  assert.equal(included?.kind, "include_tasks");
  if (included?.kind !== "include_tasks") return;
  assert.equal(included.file, "tasks/common.yml");
  assert.equal(included.preloaded?.length, 2);
  assert.deepEqual(included.vars, { from_include: true });
  const role = db?.tasks[0] as BlockTask;
  assert.equal(role.origin, "import_role");
  assert.deepEqual(names(role.block), ["Extra task from tasks_from"]);
});

test("a role listed twice with the same parameters runs once per play; allow_duplicates or new params run it again", () => {
  const files = {
    "roles/r/tasks/main.yml": "- debug: {msg: r}\n",
    "roles/d/meta/main.yml": "allow_duplicates: true\n",
    "roles/d/tasks/main.yml": "- debug: {msg: d}\n",
    "site.yml": "- hosts: all\n  roles: [r, r, {role: r, x: 1}, d, d]\n",
  };
  const play = planOf(loadTree(files)).plays[0];
  assert.deepEqual(names(play?.roleTasks ?? []), ["role r", "role r", "role d", "role d"]);
});

test("include_role with a computed name stays unresolved until run time", () => {
  const t = planOf(
    loadTree({
      "site.yml": "- hosts: all\n  vars: {which: x}\n  tasks:\n    - include_role:\n        name: '{{ which }}'\n",
    }),
  ).plays[0]?.tasks[0];
  assert.equal(t?.kind, "include_role");
  if (t?.kind !== "include_role") return;
  assert.equal(t.target.name, "{{ which }}");
  assert.equal(t.preloaded, undefined);
});

test("import_playbook passes its when and vars to the imported plays", () => {
  const plan = planOf(
    loadTree({
      "site.yml": "- import_playbook: p.yml\n  when: (eq 1 1)\n  vars: {a: 1}\n",
      "p.yml": "- hosts: all\n  vars: {b: 2}\n  tasks: []\n",
    }),
  );
  assert.deepEqual(plan.plays[0]?.when, ["(eq 1 1)"]);
  assert.deepEqual(plan.plays[0]?.vars, { a: 1, b: 2 });
});

test("a role file that is missing with tasks_from is an error", () => {
  const errors = errorsOf(
    loadTree({
      "roles/r/tasks/main.yml": "- debug: {msg: r}\n",
      "site.yml": "- hosts: all\n  tasks:\n    - import_role: {name: r, tasks_from: nope}\n",
    }),
  );
  findError(errors, /tasks_from file 'nope' not found/);
});

test("errors inside role files point at the role's file", () => {
  const errors = errorsOf(
    loadTree({
      "roles/r/tasks/main.yml": "- name: x\n  lineinfle: {}\n",
      "site.yml": "- hosts: all\n  roles: [r]\n",
    }),
  );
  const e = findError(errors, /unknown module 'lineinfle'/);
  assert.match(e.file, /roles\/r\/tasks\/main\.yml$/);
  assert.deepEqual([e.line, e.col, e.path], [2, 3, "tasks[0]"]);
});

test("task locations let the engine point at an argument at run time", () => {
  const t = project().plays[0]?.tasks[0] as ModuleTask;
  assert.deepEqual(t.at([t.moduleKey, "state"]), { file: t.loc.file, line: 24, col: 16 });
});

test("computed includes are loaded at run time with the same checks", () => {
  const plan = planOf(
    loadTree({
      "site.yml":
        "- hosts: all\n  vars: {which: a, r: x}\n  tasks:\n    - include_tasks: '{{ which }}.yml'\n    - include_role: {name: '{{ r }}'}\n      vars: {p: 1}\n",
      "a.yml": "- debug: {msg: a}\n",
      "roles/x/tasks/main.yml": "- debug: {msg: x}\n",
    }),
  );
  const [inc, role] = plan.plays[0]?.tasks ?? [];
  assert.ok(inc?.kind === "include_tasks" && role?.kind === "include_role");
  const tasks = loadIncludedTasks(plan, inc, "a.yml");
  assert.ok(tasks.ok);
  assert.deepEqual(names(tasks.value), ["debug"]);
  const missing = loadIncludedTasks(plan, inc, "b.yml");
  assert.ok(!missing.ok && /include_tasks file 'b\.yml' not found/.test(missing.diagnostics[0]?.message ?? ""));
  const loaded = loadIncludedRole(plan, role, "x");
  assert.ok(loaded.ok);
  assert.deepEqual(loaded.value.context.params, { p: 1 });
  const bad = loadIncludedRole(plan, role, "y");
  assert.ok(!bad.ok && /role 'y' not found/.test(bad.diagnostics[0]?.message ?? ""));
});

test("an include_role's vars are seen by the includes nested inside it, as in Ansible", () => {
  const plan = planOf(
    loadTree({
      "site.yml": "- hosts: all\n  tasks:\n    - include_role: {name: r}\n      vars: {outer: 1}\n",
      "roles/r/tasks/main.yml": "- include_role: {name: s}\n  vars: {inner: 2}\n",
      "roles/s/tasks/main.yml": "- debug: {msg: s}\n",
    }),
  );
  const play = plan.plays[0];
  const outer = play?.tasks[0];
  assert.ok(play && outer?.kind === "include_role" && outer.preloaded);
  const inner = outer.preloaded.tasks[0];
  assert.ok(inner?.kind === "include_role" && inner.preloaded);
  const leaf = inner.preloaded.tasks[0] as Task;
  const layers = planVarLayers(play, [outer, inner], leaf);
  // The outer include's vars (its role's params) reach the inner role's tasks; the inner role's own
  // params stay the higher layer.
  assert.deepEqual(layers.blockVars, [{ outer: 1 }, { inner: 2 }]);
  assert.deepEqual(layers.roleParams, { inner: 2 });
});
