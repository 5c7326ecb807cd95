// The YAML inventory: groups, implicit all/ungrouped, group_vars/host_vars, ranges, conflicts.
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { connectionOf } from "../../src/inventory/connection.js";
import { loadInventory } from "../../src/inventory/load.js";
import { inventoryVarsOf } from "../../src/inventory/precedence.js";
import { groupsOfHost, hostsInGroup } from "../../src/inventory/patterns.js";
import { dropOmitted, magicVars, OMIT } from "../../src/inventory/magic.js";
import type { Inventory } from "../../src/inventory/types.js";
import { FIXTURES, findError, tree } from "./loader-helpers.js";

const PROJECT = path.join(FIXTURES, "project");

function fixture(): Inventory {
  const r = loadInventory([path.join(PROJECT, "inventory/hosts.yml")], {
    playbookDir: path.join(PROJECT, "playbooks"),
  });
  assert.ok(r.ok, r.ok ? "" : r.diagnostics.map((d) => d.message).join("\n"));
  return r.inventory;
}

test("hosts and groups, with nested children and the implicit all and ungrouped", () => {
  const inv = fixture();
  assert.deepEqual([...inv.hosts.keys()], ["lonely", "web1", "web2", "db1", "db2"]);
  assert.deepEqual(hostsInGroup(inv, "all"), ["lonely", "web1", "web2", "db1", "db2"]);
  assert.deepEqual(hostsInGroup(inv, "db"), ["db1", "db2"]);
  assert.deepEqual(hostsInGroup(inv, "ungrouped"), ["lonely"]);
  assert.deepEqual(inv.groups.get("db_primary")?.parents, ["db"]);
  assert.deepEqual(groupsOfHost(inv, "db1"), ["all", "db", "db_primary"]);
  assert.deepEqual(groupsOfHost(inv, "lonely"), ["all", "ungrouped"]);
  assert.equal(inv.groups.get("db_primary")?.depth, 2);
});

test("group_vars (file or folder) and host_vars beside the inventory and the playbook", () => {
  const vars = inventoryVarsOf(fixture(), "db1");
  assert.equal(vars.gv_all, "from-inventory-group_vars-all");
  assert.equal(vars.gv_db, "from-inventory-group_vars-db");
  assert.equal(vars.gv_db_extra, "second-file");
  assert.equal(vars.hv_db1, "from-host_vars");
  assert.equal(vars.pb_gv_all, "from-playbook-group_vars");
  assert.equal(vars.level, "db", "a child group's vars win over all's");
  assert.equal(vars.pg_port, 5432);
  assert.equal(inventoryVarsOf(fixture(), "web1").gv_db, undefined);
});

test("connection variables, with or without the ansible_ prefix", () => {
  const inv = fixture();
  assert.deepEqual(connectionOf("db1", inventoryVarsOf(inv, "db1")), {
    connection: "ssh",
    host: "10.0.0.11",
    port: 2222,
    user: undefined,
    privateKeyFile: undefined,
    password: undefined,
    knownHostsFile: undefined,
    become: undefined,
    becomeUser: undefined,
    becomeMethod: undefined,
    becomePassword: undefined,
  });
  const web2 = connectionOf("web2", inventoryVarsOf(inv, "web2"));
  assert.deepEqual([web2.host, web2.port, web2.user], ["10.0.0.2", 22, "deploy"]);
  const local = connectionOf("ctl", {
    ansible_connection: "local",
    ansible_ssh_known_hosts_file: "/lab/known_hosts",
    ansible_become: "yes",
    ansible_become_user: "postgres",
  });
  assert.deepEqual(
    [local.connection, local.host, local.knownHostsFile, local.become, local.becomeUser],
    ["local", "ctl", "/lab/known_hosts", true, "postgres"],
  );
});

test("a host in two places with conflicting connection vars is an error naming both places", () => {
  const dir = tree({
    "inv.yml":
      "all:\n  children:\n    a:\n      hosts:\n        h1: {ansible_host: 10.0.0.1}\n    b:\n      hosts:\n        h1: {ansible_host: 10.0.0.2}\n",
  });
  const r = loadInventory([path.join(dir, "inv.yml")]);
  assert.equal(r.ok, false);
  if (r.ok) return;
  const e = findError(
    r.diagnostics,
    /host 'h1' is defined twice with conflicting connection variables: ansible_host=10\.0\.0\.2 here, ansible_host=10\.0\.0\.1 at .*inv\.yml:5:9/,
  );
  assert.deepEqual([e.line, e.col], [8, 9]);
});

test("the same host in two groups without conflict is fine, and so is `host` vs `ansible_host` agreeing", () => {
  const dir = tree({
    "inv.yml":
      "all:\n  children:\n    a:\n      hosts:\n        h1: {ansible_host: 10.0.0.1}\n    b:\n      hosts:\n        h1: {host: 10.0.0.1}\n    c:\n      hosts:\n        h1:\n",
  });
  const r = loadInventory([path.join(dir, "inv.yml")]);
  assert.ok(r.ok);
  assert.deepEqual(r.inventory.hosts.get("h1")?.groups, ["a", "b", "c"]);
});

test("conflicts across two inventory files are found too", () => {
  const dir = tree({
    "one.yml": "all:\n  hosts:\n    h1: {port: 22}\n",
    "two.yml": "all:\n  hosts:\n    h1: {ansible_port: 2200}\n",
  });
  const r = loadInventory([path.join(dir, "one.yml"), path.join(dir, "two.yml")]);
  assert.equal(r.ok, false);
});

test("host ranges expand like Ansible's", () => {
  const dir = tree({
    "inv.yml": "all:\n  children:\n    agents:\n      hosts:\n        agent[01:03]:\n        db-[a:b]:\n",
  });
  const r = loadInventory([path.join(dir, "inv.yml")]);
  assert.ok(r.ok);
  assert.deepEqual([...r.inventory.hosts.keys()], ["agent01", "agent02", "agent03", "db-a", "db-b"]);
});

test("top-level groups other than all become children of all", () => {
  const dir = tree({ "inv.yml": "web:\n  hosts:\n    w1:\n" });
  const r = loadInventory([path.join(dir, "inv.yml")]);
  assert.ok(r.ok);
  assert.deepEqual(r.inventory.groups.get("web")?.parents, ["all"]);
  assert.deepEqual(hostsInGroup(r.inventory, "ungrouped"), []);
});

test("schema errors in an inventory are located", () => {
  const dir = tree({ "inv.yml": "all:\n  hosts:\n    h1: 5\n  chilren: {}\n" });
  const r = loadInventory([path.join(dir, "inv.yml")]);
  assert.equal(r.ok, false);
  if (r.ok) return;
  const a = findError(r.diagnostics, /found integer 5, expected a mapping or null/);
  assert.deepEqual([a.line, a.path], [3, "all.hosts.h1"]);
  findError(r.diagnostics, /unknown group keyword 'chilren' \(did you mean 'children'\?\)/);
});

test("an empty or missing inventory is an error", () => {
  const dir = tree({ "empty.yml": "" });
  const r = loadInventory([path.join(dir, "empty.yml"), path.join(dir, "missing.yml")]);
  assert.equal(r.ok, false);
  if (r.ok) return;
  findError(r.diagnostics, /empty inventory/);
  findError(r.diagnostics, /inventory '.*missing\.yml': not found/);
});

test("a cycle among groups is an error", () => {
  const dir = tree({
    "inv.yml": "all:\n  children:\n    a:\n      children:\n        b:\n          children:\n            a:\n",
  });
  const r = loadInventory([path.join(dir, "inv.yml")]);
  assert.equal(r.ok, false);
  if (r.ok) return;
  findError(r.diagnostics, /cyclic group membership: all -> a -> b -> a/);
});

test("magic variables for a host", () => {
  const inv = fixture();
  const m = magicVars(inv, "db1", { playHosts: ["db1", "db2"], playbookDir: "/p" });
  assert.equal(m.inventory_hostname, "db1");
  assert.deepEqual(m.group_names, ["db", "db_primary"]);
  assert.deepEqual((m.groups as Record<string, string[]>).db, ["db1", "db2"]);
  assert.deepEqual(m.play_hosts, ["db1", "db2"]);
});

test("omit drops an argument", () => {
  assert.deepEqual(dropOmitted({ a: 1, b: OMIT, c: { d: OMIT, e: 2 } }), { a: 1, c: { e: 2 } });
});
