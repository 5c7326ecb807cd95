// The validators the build compiles ahead of time (src/modules/standalone.ts writes validators.cjs): they are
// today's schemas, they report exactly what ajv compiling the same schema at run time reports, and a schema
// the build did not see is still checked.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { test } from "node:test";
import { Ajv, type ValidateFunction } from "ajv";
import { AJV_OPTIONS, checkValue, type PrecompiledValidators } from "../../src/schema/ajv.js";
import { PRECOMPILED_PATH, shippedSchemas, standaloneValidators } from "../../src/modules/standalone.js";

const BUILD = "build with `npm run build` (tsc, then node dist/src/modules/standalone.js)";

function precompiled(): PrecompiledValidators {
  return createRequire(import.meta.url)(PRECOMPILED_PATH) as PrecompiledValidators;
}

test("the build's validators.cjs is the standalone code of the schemas as they are now", () => {
  let written: string;
  try {
    written = readFileSync(PRECOMPILED_PATH, "utf8");
  } catch {
    assert.fail(`${PRECOMPILED_PATH} is missing: ${BUILD}`);
  }
  assert.ok(written === standaloneValidators(), `${PRECOMPILED_PATH} is older than the schemas: ${BUILD}`);
});

test("every shipped schema has a build validator, made from its JSON text", () => {
  const file = precompiled();
  for (const [name, schema] of Object.entries(shippedSchemas())) {
    assert.equal(typeof file[name], "function", name);
    assert.equal(file.schemaText[name], JSON.stringify(schema), name);
  }
});

test("a build validator reports the same errors as ajv compiling the schema now", () => {
  const file = precompiled();
  const ajv = new Ajv(AJV_OPTIONS);
  const samples: unknown[] = [
    null,
    1,
    "x",
    true,
    [],
    [1, "a"],
    {},
    { name: 1, state: "nope", mode: true, path: "-x", unknown_key: 1 },
    { hosts: ["a", 2], gather_facts: "maybe", serial: ["x%"], tasks: {}, roles: [{ role: 1, junk: 2 }] },
    { all: { hosts: [], vars: 1, childs: {} }, web: { children: { db: { hosts: { h: 1 } } } } },
    { cmd: ["x"], argv: "y", chdir: 1 },
    { "1bad": 1, good_name: 2, environment: { "-x": 1 } },
  ];
  for (const [name, schema] of Object.entries(shippedSchemas())) {
    const built = file[name] as ValidateFunction;
    const now = ajv.compile(schema);
    for (const value of samples) {
      assert.equal(built(value), now(value), `${name}: ${JSON.stringify(value)}`);
      assert.deepEqual(built.errors, now.errors, `${name}: ${JSON.stringify(value)}`);
    }
  }
});

test("a schema the build did not compile is compiled when first used", () => {
  const schema = { type: "object", additionalProperties: false, properties: { only: { type: "integer" } } };
  assert.deepEqual(checkValue(schema, { only: 1 }), []);
  assert.deepEqual(checkValue(schema, { only: "x", other: 1 }, { noun: "argument" }), [
    { path: ["other"], message: "unknown argument 'other'" },
    { path: ["only"], message: "found string 'x', expected integer" },
  ]);
});
