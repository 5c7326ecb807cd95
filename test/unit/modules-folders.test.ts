// A module is one folder, src/modules/<name>/: schema.ts (its arguments), index.ts (its implementation, the
// default export) unless the engine runs it, and the doc comment opening them. The registry is derived from
// src/modules/index.ts, the one list of them; these checks fail when a folder is not in it or a name in it
// has no folder, so adding a module is adding its folder and its line.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { CORE_MODULES } from "../../src/modules/index.js";
import { implementedModules, moduleImpl, moduleNames, moduleSchema } from "../../src/modules/registry.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const MODULES = path.join(root, "src/modules");
/** The folders of src/modules/ that are not modules: code shared by several of them. */
const SHARED = new Set(["support"]);

/** The module folders of the source tree. */
function folders(): string[] {
  return fs
    .readdirSync(MODULES, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !SHARED.has(e.name))
    .map((e) => e.name)
    .sort();
}

test("every module folder is registered, and every registered module has a folder", () => {
  assert.deepEqual([...CORE_MODULES.map((s) => s.name)].sort(), folders());
  assert.deepEqual(moduleNames(), folders());
});

test("every module folder has its schema, and its implementation unless the engine runs it", () => {
  for (const name of folders()) {
    const has = (file: string) => fs.existsSync(path.join(MODULES, name, file));
    assert.ok(has("schema.ts"), `src/modules/${name}/ has no schema.ts`);
    const engine = moduleSchema(name)?.engine === true;
    assert.equal(has("index.ts"), !engine, `src/modules/${name}/index.ts ${engine ? "exists" : "is missing"}`);
    for (const file of ["schema.ts", "index.ts"].filter(has))
      assert.match(
        fs.readFileSync(path.join(MODULES, name, file), "utf8"),
        /^\/\/ .*`/,
        `${name}/${file} opens with no doc comment`,
      );
  }
  assert.deepEqual(
    implementedModules(),
    folders().filter((m) => moduleSchema(m)?.engine !== true),
  );
});

test("each implementation is the module its folder names", async () => {
  for (const name of implementedModules()) assert.equal((await moduleImpl(name))?.name, name);
  assert.equal(await moduleImpl("meta"), undefined);
  assert.equal(await moduleImpl("no_such_module"), undefined);
});
