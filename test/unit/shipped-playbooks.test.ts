// The playbooks gocd-bc ships load and validate against both shipped inventories: the lab's and the
// commented production template, so neither can drift from the roles' variables unnoticed.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { formatDiagnostic } from "../../src/errors.js";
import { loadPlan } from "../../src/playbook/load.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const playbooks = [
  "provision.yml",
  "database.yml",
  "edge.yml",
  "virtual-ip.yml",
  "config-sync.yml",
  "topology-facts.yml",
];

for (const inventory of ["inventory/lab.yml", "inventory/example.yml"]) {
  for (const playbook of playbooks) {
    test(`playbooks/${playbook} is valid with ${inventory}`, () => {
      const r = loadPlan({
        playbook: path.join(root, "playbooks", playbook),
        inventories: [path.join(root, inventory)],
      });
      assert.deepEqual(r.ok ? [] : r.diagnostics.map(formatDiagnostic), []);
    });
  }
}
