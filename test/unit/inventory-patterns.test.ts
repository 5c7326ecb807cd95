// Host patterns for `hosts:` and `--limit`.
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { loadInventory } from "../../src/inventory/load.js";
import { selectHosts } from "../../src/inventory/patterns.js";
import type { Inventory } from "../../src/inventory/types.js";
import { FIXTURES, loadTree, planOf } from "./loader-helpers.js";

function inv(): Inventory {
  const r = loadInventory([path.join(FIXTURES, "project/inventory/hosts.yml")]);
  assert.ok(r.ok);
  return r.inventory;
}

const cases: [string, string[]][] = [
  ["all", ["lonely", "web1", "web2", "db1", "db2"]],
  ["*", ["lonely", "web1", "web2", "db1", "db2"]],
  ["db", ["db1", "db2"]],
  ["web1", ["web1"]],
  ["web:db", ["web1", "web2", "db1", "db2"]],
  ["web,db", ["web1", "web2", "db1", "db2"]],
  ["all:&db", ["db1", "db2"]],
  ["db:!db_primary", ["db2"]],
  ["all:!web:!ungrouped", ["db1", "db2"]],
  ["!db", ["lonely", "web1", "web2"]],
  ["web*", ["web1", "web2"]],
  ["db_*", ["db1"]],
  ["~web[12]", ["web1", "web2"]],
  ["db2:web1", ["web1", "db2"]],
];

for (const [pattern, expected] of cases) {
  test(`pattern '${pattern}'`, () => {
    assert.deepEqual(selectHosts(inv(), pattern).hosts, expected);
  });
}

test("terms that match nothing are reported (likely typos)", () => {
  const s = selectHosts(inv(), "web:dbb");
  assert.deepEqual(s.hosts, ["web1", "web2"]);
  assert.deepEqual(s.unmatched, ["dbb"]);
});

test("--limit narrows each play's hosts; a play pattern matching nothing is a warning", () => {
  const result = loadTree(
    {
      "hosts.yml": "all:\n  children:\n    a: {hosts: {h1: , h2: }}\n    b: {hosts: {h3: }}\n",
      "site.yml": "- hosts: a\n  tasks: []\n- hosts: all\n  tasks: []\n- hosts: nothere\n  tasks: []\n",
    },
    { limit: "h2:h3" },
  );
  const plan = planOf(result);
  assert.deepEqual(plan.playHosts, [["h2"], ["h2", "h3"], []]);
  assert.ok(result.warnings.some((w) => /host pattern 'nothere' matches no host/.test(w.message)));
});

test("hosts given as a template are resolved from extra vars", () => {
  const plan = planOf(loadTree({ "site.yml": "- hosts: '{{ target }}'\n  tasks: []\n" }, { extraVars: ["target=h1"] }));
  assert.deepEqual(plan.playHosts, [["h1"]]);
});
