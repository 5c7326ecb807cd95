// What gocd-bc loads before it does anything (issue 13): `--help` loads the command line alone; `validate`
// loads the loader, YAML and the build's validators, a template library only when a template needs it,
// and never the SSH, PostgreSQL, diff or terminal libraries, ajv's compiler, the engine or the lab. Read
// from the modules the process loaded (module-recorder.ts), not from a clock: no timed assertion.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { renderInventory } from "../../src/lab/inventory-file.js";
import { extraHosts, labPaths } from "../../src/lab/topology.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../../..");
const dist = path.resolve(here, "../..");
const cli = path.join(dist, "src/cli/main.js");

/** What one command loaded: packages by name (with the files of each), gocd-bc's own files (`src/...`). */
interface Loaded {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly packages: ReadonlyMap<string, readonly string[]>;
  readonly own: readonly string[];
}

/** Runs `gocd-bc ARGS` from the repository root with the module recorder, and sorts what it loaded. */
function loadedBy(args: readonly string[]): Promise<Loaded> {
  const log = path.join(mkdtempSync(path.join(os.tmpdir(), "gocd-bc-modules-")), "modules.txt");
  const recorder = path.join(here, "module-recorder.js");
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--import", recorder, cli, ...args],
      { cwd: root, env: { ...process.env, GOCD_BC_MODULE_LOG: log } },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== "number") return reject(err);
        const packages = new Map<string, string[]>();
        const own = new Set<string>();
        for (const line of new Set(readFileSync(log, "utf8").split("\n"))) {
          if (!line || line.startsWith("node:")) continue;
          const file = line.startsWith("file:") ? fileURLToPath(line) : line;
          const inPackage = /[/\\]node_modules[/\\]((?:@[^/\\]+[/\\])?[^/\\]+)[/\\](.*)$/.exec(file);
          if (inPackage) {
            const [, name = "", rest = ""] = inPackage;
            packages.set(name, [...(packages.get(name) ?? []), rest.split(path.sep).join("/")]);
          } else if (file.startsWith(dist + path.sep)) own.add(path.relative(dist, file).split(path.sep).join("/"));
        }
        resolve({ code: err ? (err.code as number) : 0, stdout, stderr, packages, own: [...own].sort() });
      },
    );
  });
}

/** The libraries no start-up path needs: each is loaded by the code that uses it, when it runs. */
const RUN_TIME_PACKAGES = ["pg", "ssh2", "ssh-config", "listr2", "diff"];
/** gocd-bc's code for running playbooks and for the lab, every module but its argument schema (the loader
 * checks tasks against src/modules/<name>/schema.js, listed by index.js, looked up through registry.js), and
 * every command's module but validate's: loaded by the commands that run or use hosts. */
const RUN_TIME_CODE =
  /^src\/(engine|connection|report|topology|lab)\/|^src\/modules\/(?!(index|registry|[a-z_]+\/schema)\.js$)|^src\/cli\/(?!(main|exit-codes|validate)\.js$)/;
/** The one lab file the command line loads: LabError, which exit-codes.ts sorts by; it imports nothing of the lab. */
const LAB_ERROR = "src/lab/exec.js";

function assertNoRunTimeCode(loaded: Loaded): void {
  for (const name of RUN_TIME_PACKAGES)
    assert.ok(!loaded.packages.has(name), `${name} was loaded: ${loaded.packages.get(name)?.slice(0, 3).join(", ")}`);
  assert.deepEqual(
    loaded.own.filter((f) => RUN_TIME_CODE.test(f) && f !== LAB_ERROR),
    [],
  );
  // Only ajv's small run-time helpers, which the build's validators use; its compiler is for other schemas.
  assert.deepEqual(
    (loaded.packages.get("ajv") ?? []).filter((f) => !f.startsWith("dist/runtime/")),
    [],
    "ajv's compiler was loaded: is dist/src/schema/validators.cjs missing or stale? Build with `npm run build`",
  );
}

test("gocd-bc --help loads the command line and nothing else", async () => {
  const loaded = await loadedBy(["--help"]);
  assert.equal(loaded.code, 0, loaded.stderr);
  assert.match(loaded.stdout, /^Usage: gocd-bc /);
  assert.deepEqual([...loaded.packages.keys()], ["commander"]);
  assert.deepEqual(loaded.own, ["src/cli/exit-codes.js", "src/cli/main.js", "src/errors.js", LAB_ERROR]);
});

test("gocd-bc run --help loads no more than --help", async () => {
  const loaded = await loadedBy(["run", "--help"]);
  assert.equal(loaded.code, 0, loaded.stderr);
  assert.deepEqual([...loaded.packages.keys()], ["commander"]);
  assert.deepEqual(loaded.own, ["src/cli/exit-codes.js", "src/cli/main.js", "src/errors.js", LAB_ERROR]);
});

test("validate of the bench playbook (no templates) loads neither run-time code nor a template library", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gocd-bc-bench-inventory-"));
  const inventory = path.join(dir, "bench-10.yml");
  writeFileSync(inventory, renderInventory(extraHosts(10), labPaths(dir)));
  const loaded = await loadedBy(["validate", "-i", inventory, "test/bench/playbook.yml"]);
  assert.equal(loaded.code, 0, loaded.stderr);
  assert.equal(loaded.stdout, "test/bench/playbook.yml: valid (1 play, 10 tasks, 10 hosts)\n");
  assertNoRunTimeCode(loaded);
  // YAML, the command line, and ajv's run-time helpers at most; no template, regex or quoting library.
  assert.deepEqual(
    [...loaded.packages.keys()].filter((name) => !["ajv", "commander", "yaml"].includes(name)),
    [],
  );
  assert.ok(loaded.own.includes("src/playbook/load.js"));
});

test("validate of playbooks/provision.yml loads no run-time code", async () => {
  const loaded = await loadedBy(["validate", "-i", "inventory/lab.yml", "playbooks/provision.yml"]);
  assert.equal(loaded.code, 0, loaded.stderr);
  assert.match(loaded.stdout, /^playbooks\/provision\.yml: valid /);
  assertNoRunTimeCode(loaded);
});

test("a run on the controller alone loads neither ssh2, pg, listr2 nor diff until a task needs them", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gocd-bc-local-run-"));
  writeFileSync(path.join(dir, "hosts.yml"), "all:\n  hosts:\n    localhost:\n      ansible_connection: local\n");
  writeFileSync(
    path.join(dir, "site.yml"),
    '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: {msg: hello}\n    - command: "true"\n      changed_when: false\n',
  );
  const loaded = await loadedBy(["run", "-i", path.join(dir, "hosts.yml"), path.join(dir, "site.yml")]);
  assert.equal(loaded.code, 0, loaded.stderr + loaded.stdout);
  assert.match(loaded.stdout, /localhost +: ok=2 +changed=0 /);
  for (const name of RUN_TIME_PACKAGES)
    assert.ok(!loaded.packages.has(name), `${name} was loaded: ${loaded.packages.get(name)?.slice(0, 3).join(", ")}`);
  assert.deepEqual(
    loaded.own.filter(
      (f) => /^src\/(lab|topology)\/|^src\/connection\/ssh-|^src\/report\/listr\.js$/.test(f) && f !== LAB_ERROR,
    ),
    [],
  );
});

test("pg's quoting comes from pg's utils, the same functions pg exports", () => {
  const require = createRequire(import.meta.url);
  const pg = require("pg") as { escapeLiteral: unknown; escapeIdentifier: unknown };
  const utils = require("pg/lib/utils") as { escapeLiteral: unknown; escapeIdentifier: unknown };
  assert.equal(utils.escapeLiteral, pg.escapeLiteral);
  assert.equal(utils.escapeIdentifier, pg.escapeIdentifier);
});

test("an expression's parser is nunjucks's own, loaded without the rest of nunjucks", () => {
  const require = createRequire(import.meta.url);
  assert.equal(require("nunjucks/src/parser"), (require("nunjucks") as { parser: unknown }).parser);
});
