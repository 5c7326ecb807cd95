// The task names the switchover, failover and rejoin commands read from their run's events (the steps and
// their numbers, the preflight, the confirmation, the plan, the abort, the waits for the VIP and the
// agents, the rejoin's report) are in the playbooks those commands run. A renamed task fails here instead
// of silently dropping a timing, a report line or an exit code.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AGENTS_BACK } from "../../src/cli/failover.js";
import { REPORT_TASK_NAMES } from "../../src/cli/rejoin.js";
import { PLAN_TASK } from "../../src/cli/steps-report.js";
import { ABORT, CONFIRM, PREFLIGHT, STEP, VIP_FOLLOWS } from "../../src/cli/switchover-timings.js";
import { qualifiedTaskName } from "../../src/engine/handlers.js";
import { loadPlan } from "../../src/playbook/load.js";
import { playModuleTasks } from "../../src/playbook/module-tasks.js";
import { planOf } from "./loader-helpers.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** The names a run of the playbook shows its tasks with, loaded with the variables its command passes. */
function taskNames(playbook: string, vars: Record<string, unknown>): string[] {
  const plan = planOf(
    loadPlan({
      playbook: path.join(root, "playbooks", playbook),
      inventories: [path.join(root, "inventory/lab.yml")],
      extraVars: [JSON.stringify(vars)],
    }),
  );
  return plan.plays.flatMap(playModuleTasks).map(qualifiedTaskName);
}

const stepNumbers = (names: readonly string[]) => [...new Set(names.map((n) => STEP.exec(n)?.[1]).filter(Boolean))];
const missing = (names: readonly string[], patterns: Record<string, RegExp>) =>
  Object.entries(patterns)
    .filter(([, p]) => !names.some((n) => p.test(n)))
    .map(([what]) => what);

test("switchover.yml has every task the switchover command reads", () => {
  const names = taskNames("switchover.yml", {
    switchover_to: "gocd-standby",
    switchover_dry_run: false,
    switchover_drain: true,
    switchover_operator: "op@host",
    switchover_id: "x-1",
  });
  assert.deepEqual(missing(names, { PREFLIGHT, CONFIRM, PLAN_TASK, ABORT, VIP_FOLLOWS }), []);
  // The database part runs from step 4 to the end of step 6, the VIP's gap from step 3 to step 7.
  assert.deepEqual(stepNumbers(names), ["1", "2", "3", "4", "5", "6", "7"]);
});

test("failover.yml has every task the failover command reads", () => {
  const names = taskNames("failover.yml", {
    failover_to: "gocd-standby",
    failover_dry_run: false,
    failover_lost: [],
    failover_operator: "op@host",
    failover_id: "x-1",
  });
  assert.deepEqual(missing(names, { PREFLIGHT, CONFIRM, PLAN_TASK, AGENTS_BACK }), []);
  assert.deepEqual(stepNumbers(names), ["1", "2", "3", "4"]);
});

test("rejoin.yml has every task whose message the rejoin command reports", () => {
  const names = taskNames("rejoin.yml", {
    db_primary_host: "db-primary",
    db_standby_host: "db-standby",
    gocd_active_server: "gocd-primary",
    gocd_standby_server: "gocd-standby",
  });
  const bare = names.map((n) => n.replace(/^[\w.-]+ : /, ""));
  assert.deepEqual(
    REPORT_TASK_NAMES.filter((n) => !bare.includes(n)),
    [],
  );
});
