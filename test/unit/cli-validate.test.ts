// `gocd-bc validate`: exit code 0 when valid, 4 with every error printed as file:line:col.
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { validateCommand } from "../../src/cli/validate.js";
import { FIXTURES, ONE_HOST, tree } from "./loader-helpers.js";

function capture(): {
  out: string[];
  err: string[];
  io: { out: (l: string) => void; err: (l: string) => void };
} {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l) => out.push(l), err: (l) => err.push(l) } };
}

test("a valid project exits 0 and says so", async () => {
  const c = capture();
  const code = await validateCommand(
    path.join(FIXTURES, "project/playbooks/site.yml"),
    { inventory: [path.join(FIXTURES, "project/inventory/hosts.yml")], extraVars: [] },
    c.io,
  );
  assert.equal(code, 0, c.err.join("\n"));
  assert.match(c.out[0] ?? "", /valid \(2 plays, \d+ tasks, 5 hosts\)/);
});

test("an invalid playbook exits 4 and prints every error as file:line:col: path: message", async () => {
  const dir = tree({
    "hosts.yml": ONE_HOST,
    "site.yml": "- hosts: all\n  tasks:\n    - lineinfle: {}\n    - file: {path: /x, mode: true}\n",
  });
  const c = capture();
  const code = await validateCommand(
    path.join(dir, "site.yml"),
    { inventory: [path.join(dir, "hosts.yml")], extraVars: [] },
    c.io,
  );
  assert.equal(code, 4);
  assert.match(
    c.err[0] ?? "",
    /site\.yml:3:7: plays\[0\]\.tasks\[0\]: unknown module 'lineinfle' \(did you mean 'lineinfile'\?\)$/,
  );
  assert.match(
    c.err[1] ?? "",
    /site\.yml:4:30: plays\[0\]\.tasks\[1\]\.file\.mode: found boolean true, expected string or integer$/,
  );
  assert.match(c.err[2] ?? "", /^2 errors/);
});

test("--limit is applied, and warnings do not fail validation", async () => {
  const dir = tree({ "hosts.yml": ONE_HOST, "site.yml": "- hosts: web\n  tasks: []\n" });
  const c = capture();
  const code = await validateCommand(
    path.join(dir, "site.yml"),
    { inventory: [path.join(dir, "hosts.yml")], extraVars: ["a=1"], limit: "h1" },
    c.io,
  );
  assert.equal(code, 0);
  assert.match(c.err[0] ?? "", /^warning: .*host pattern 'web' matches no host/);
});
