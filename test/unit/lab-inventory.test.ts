// The committed inventory/lab.yml is exactly what `lab up` writes for the default lab, so users can point
// playbooks at it before the lab exists and it never drifts from the generator.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import { renderInventory } from "../../src/lab/inventory-file.js";
import { CORE_HOSTS, extraHosts, labPaths } from "../../src/lab/topology.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

test("inventory/lab.yml matches what `lab up` generates for the default lab directory", async () => {
  const committed = await readFile(path.join(root, "inventory/lab.yml"), "utf8");
  assert.equal(renderInventory(CORE_HOSTS, labPaths("/tmp/gocd-bc-lab")), committed);
});

test("the lab inventory has the groups the roles use, each host in its group with its address", () => {
  const doc = YAML.parse(renderInventory([...CORE_HOSTS, ...extraHosts(2)], labPaths("/x"))) as {
    all: {
      vars: Record<string, string>;
      children: Record<string, { hosts: Record<string, { ansible_host: string }> | null }>;
    };
  };
  assert.deepEqual(Object.keys(doc.all.children), ["gocd_servers", "db_servers", "share", "agents", "bench"]);
  assert.equal(doc.all.children.gocd_servers?.hosts?.["gocd-standby"]?.ansible_host, "198.18.0.12");
  assert.equal(doc.all.children.bench?.hosts?.bench002?.ansible_host, "198.18.0.102");
  assert.equal(doc.all.vars.ansible_ssh_known_hosts_file, "/x/known_hosts");
  assert.match(doc.all.vars.ansible_ssh_common_args ?? "", /StrictHostKeyChecking=yes/);
});

test("extra hosts are numbered from bench001 at .101 and bounded by the /24", () => {
  assert.deepEqual(extraHosts(1), [{ name: "bench001", ip: "198.18.0.101", groups: ["bench"] }]);
  assert.throws(() => extraHosts(200), /from 0 to 154/);
});
