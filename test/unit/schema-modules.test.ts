// Module schemas and the registry: names, FQCNs, aliases, types derived from the schemas.
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkValue, formatPath, pointerToPath } from "../../src/schema/ajv.js";
import type { Infer } from "../../src/schema/infer.js";
import {
  canonicalArgs,
  canonicalModuleName,
  moduleNames,
  moduleSchema,
  registerModuleSchema,
  validateModuleArgs,
} from "../../src/modules/registry.js";
import type { FileArgs } from "../../src/modules/file/schema.js";
import type { CommandArgs } from "../../src/modules/command/schema.js";
import { closest, editDistance } from "../../src/schema/suggest.js";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function typeCheck<T extends true>(_ok: T): void {}

test("types are derived from the schemas (checked by the compiler)", () => {
  const s = {
    type: "object",
    additionalProperties: false,
    required: ["a"],
    properties: {
      a: { type: "string" },
      b: { type: ["integer", "string"] },
      c: { enum: ["x", "y"] },
      d: { type: "array", items: { type: "boolean" } },
    },
  } as const;
  typeCheck<Equal<Infer<typeof s>, { a: string; b?: number | string; c?: "x" | "y"; d?: boolean[] }>>(true);
  typeCheck<Equal<FileArgs["state"], "file" | "directory" | "link" | "hard" | "touch" | "absent" | undefined>>(true);
  typeCheck<Equal<FileArgs["mode"], string | number | undefined>>(true);
  typeCheck<Equal<CommandArgs["argv"], string[] | undefined>>(true);
  const args: FileArgs = { path: "/x", mode: "0644" };
  assert.equal(args.path, "/x");
});

test("every planned core module is registered", () => {
  const expected = [
    "command",
    "shell",
    "file",
    "copy",
    "template",
    "lineinfile",
    "blockinfile",
    "stat",
    "apt",
    "package",
    "service",
    "mount",
    "sysctl",
    "user",
    "group",
    "wait_for",
    "get_url",
    "uri",
    "assert",
    "fail",
    "debug",
    "set_fact",
    "pause",
    "include_vars",
    "meta",
    "setup",
    "ping",
    "postgres_query",
    "postgres_user",
    "postgres_slot",
    "postgres_setting",
    "postgres_facts",
    "postgres_standby_datadir",
  ];
  for (const name of expected) assert.ok(moduleNames().includes(name), name);
});

test("FQCNs and Ansible's other names resolve to the canonical module", () => {
  assert.equal(canonicalModuleName("ansible.builtin.copy"), "copy");
  assert.equal(canonicalModuleName("ansible.legacy.shell"), "shell");
  assert.equal(canonicalModuleName("systemd"), "service");
  assert.equal(canonicalModuleName("community.postgresql.postgresql_query"), "postgres_query");
  assert.equal(canonicalModuleName("nope"), undefined);
});

test("aliases are renamed unless the canonical name is also given", () => {
  const spec = moduleSchema("file");
  assert.ok(spec);
  assert.deepEqual(canonicalArgs(spec, { dest: "/x", state: "touch" }), { path: "/x", state: "touch" });
  assert.deepEqual(canonicalArgs(spec, { dest: "/x", path: "/y" }), { dest: "/x", path: "/y" });
});

test("validateModuleArgs: templates pass before rendering, not after", () => {
  assert.deepEqual(validateModuleArgs("wait_for", { port: "{{ p }}" }), []);
  assert.equal(validateModuleArgs("wait_for", { port: "{{ p }}" }, { rendered: true }).length, 1);
  assert.deepEqual(validateModuleArgs("nope", {}), [{ path: [], message: "unknown module 'nope'" }]);
});

test("registerModuleSchema adds a module (the executor's modules may add their own)", () => {
  registerModuleSchema(
    "unit_test_module",
    { type: "object", additionalProperties: false, properties: { x: { type: "string" } } },
    { freeForm: true },
  );
  assert.equal(canonicalModuleName("ansible.builtin.unit_test_module"), "unit_test_module");
  assert.equal(moduleSchema("unit_test_module")?.freeForm, "cmd");
  assert.deepEqual(validateModuleArgs("unit_test_module", { x: 1 })[0]?.message, "found integer 1, expected string");
});

test("ajv errors in the runner's words, several at once", () => {
  const schema = {
    type: "object",
    additionalProperties: false,
    required: ["name"],
    properties: { name: { type: "string" }, n: { type: "integer" } },
  };
  const issues = checkValue(schema, { n: "x", nmae: 1 }, { noun: "argument" });
  assert.deepEqual(issues.map((i) => [formatPath(i.path, "t"), i.message]).sort(), [
    ["t", "missing required argument 'name'"],
    ["t.n", "found string 'x', expected integer"],
    ["t.nmae", "unknown argument 'nmae' (did you mean 'name'?)"],
  ]);
  assert.deepEqual(pointerToPath("/tasks/2/a~1b"), ["tasks", 2, "a/b"]);
});

test("did you mean: edit distance with swaps, close names only", () => {
  assert.equal(editDistance("moed", "mode"), 1);
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.deepEqual(closest("lineinfle", ["lineinfile", "blockinfile"]), ["lineinfile"]);
  assert.deepEqual(closest("xyz", ["lineinfile"]), []);
});
