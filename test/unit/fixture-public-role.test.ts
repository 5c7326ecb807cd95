// A role written the way public roles are (FQCNs, Ansible's expressions in when/loop/args, filters,
// registered results, an include), under test/fixtures/public-style: validate must load it, and must
// still point at a mistake in it with file:line:column.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { loadPlan } from "../../src/playbook/load.js";
import type { IncludeTasksTask, ModuleTask, Task } from "../../src/playbook/plan.js";
import { errorsOf, findError, planOf } from "./loader-helpers.js";

const PROJECT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../test/fixtures/public-style");

function load(root: string) {
  return loadPlan({ playbook: path.join(root, "site.yml"), inventories: [path.join(root, "inventory.yml")] });
}

function modules(tasks: readonly Task[]): string[] {
  return tasks.flatMap((t): string[] => {
    if (t.kind === "module") return [(t as ModuleTask).module];
    if (t.kind === "block") return modules([...t.block, ...t.rescue, ...t.always]);
    if (t.kind === "include_tasks") return modules((t as IncludeTasksTask).preloaded ?? []);
    return [];
  });
}

test("the public-style NFS role loads without a problem or a warning", () => {
  const result = load(PROJECT);
  const plan = planOf(result);
  assert.deepEqual(result.warnings, []);
  const play = plan.plays[0];
  assert.ok(play);
  assert.deepEqual(modules(play.roleTasks), [
    "assert",
    "apt",
    "file",
    "lineinfile",
    "template",
    "sysctl",
    "service",
    "command",
    "debug",
    "file",
    "mount",
  ]);
  assert.deepEqual(modules(play.handlers), ["command", "service"]);
});

test("a typo in the role is reported at its file, line and column", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "gocd-bc-public-"));
  fs.cpSync(PROJECT, root, { recursive: true });
  const main = path.join(root, "roles/nfs_server/tasks/main.yml");
  fs.writeFileSync(
    main,
    fs.readFileSync(main, "utf8").replace("when: nfs_exports | length > 0", "when: nfs_export | length > 0"),
  );
  const e = findError(errorsOf(load(root)), /undefined variable 'nfs_export'/);
  assert.ok(e.file.endsWith("roles/nfs_server/tasks/main.yml"), e.file);
  assert.deepEqual([e.line, e.col], [62, 9]);
});
