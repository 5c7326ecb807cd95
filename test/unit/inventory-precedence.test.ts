// Variable precedence as Ansible documents it: every level beats the one below it.
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { hostVarLayers, mergeVars, PRECEDENCE, type VarLayers } from "../../src/inventory/precedence.js";
import { loadPlan } from "../../src/playbook/load.js";
import type { Task } from "../../src/playbook/plan.js";
import { planVarLayers } from "../../src/playbook/vars-layers.js";
import { FIXTURES, planOf } from "./loader-helpers.js";

test("the documented order, lowest first", () => {
  assert.deepEqual(PRECEDENCE, [
    "roleDefaults",
    "inventoryFileGroupVars",
    "inventoryGroupVarsAll",
    "playbookGroupVarsAll",
    "inventoryGroupVars",
    "playbookGroupVars",
    "inventoryFileHostVars",
    "inventoryHostVars",
    "playbookHostVars",
    "facts",
    "playVars",
    "varsFiles",
    "roleVars",
    "blockVars",
    "taskVars",
    "includeVars",
    "setFacts",
    "roleParams",
    "includeParams",
    "extraVars",
    "magic",
  ]);
});

for (let i = 1; i < PRECEDENCE.length; i++) {
  const lower = PRECEDENCE[i - 1] as keyof VarLayers;
  const higher = PRECEDENCE[i] as keyof VarLayers;
  test(`${higher} wins over ${lower}`, () => {
    const merged = mergeVars({ [higher]: { x: higher }, [lower]: { x: lower, only_low: 1 } });
    assert.equal(merged.x, higher);
    assert.equal(merged.only_low, 1, "keys only in the lower layer survive");
  });
}

test("within a layer given as a list, later items win; dicts are replaced, not merged", () => {
  const merged = mergeVars({
    inventoryFileGroupVars: [
      { a: 1, d: { x: 1 } },
      { a: 2, d: { y: 2 } },
    ],
  });
  assert.deepEqual(merged, { a: 2, d: { y: 2 } });
});

// The fixture defines variable vN at every level from N up, so vN must come from level N.
const LADDER = [
  "role_default",
  "inv_group_all",
  "inv_group_child",
  "inv_group_vars_all",
  "pb_group_vars_all",
  "inv_group_vars_child",
  "pb_group_vars_child",
  "inv_file_host",
  "inv_host_vars",
  "pb_host_vars",
  "play_vars",
  "vars_files",
  "role_vars",
  "block_vars",
  "task_vars",
  "role_params",
  "extra_vars",
];

function findProbe(tasks: readonly Task[], parents: Task[] = []): { task: Task; parents: Task[] } | undefined {
  for (const t of tasks) {
    if (t.name === "probe") return { task: t, parents };
    if (t.kind === "block") {
      const hit = findProbe([...t.block, ...t.rescue, ...t.always], [...parents, t]);
      if (hit) return hit;
    }
  }
  return undefined;
}

test("every level, from real files: role defaults up to extra vars", () => {
  const dir = path.join(FIXTURES, "precedence");
  const plan = planOf(
    loadPlan({
      playbook: path.join(dir, "playbooks/site.yml"),
      inventories: [path.join(dir, "inventory/hosts.yml")],
      extraVars: [`@${path.join(dir, "extra.yml")}`],
    }),
  );
  const play = plan.plays[0];
  assert.ok(play);
  const probe = findProbe(play.roleTasks);
  assert.ok(probe, "probe task found");
  const vars = mergeVars({
    ...hostVarLayers(plan.inventory, "h1"),
    ...planVarLayers(play, probe.parents, probe.task),
    extraVars: plan.extraVars,
  });
  LADDER.forEach((level, n) => assert.equal(vars[`v${n}`], level, `v${n} should come from ${level}`));
});
