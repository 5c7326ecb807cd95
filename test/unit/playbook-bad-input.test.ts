// Hostile or careless input to the loader: alias bombs, bytes that are not UTF-8, a byte order mark,
// huge mappings, malformed -e values. Each is a located error (exit 4), never a crash or a silent change.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { validateCommand } from "../../src/cli/validate.js";
import { parseExtraVars } from "../../src/playbook/extra-vars.js";
import { loadPlan } from "../../src/playbook/load.js";
import { Problems } from "../../src/source/problems.js";
import { YAML_PARSE_OPTIONS, parseYaml } from "../../src/source/yaml-file.js";
import { errorsOf, findError, loadTree, ONE_HOST, planOf, tree } from "./loader-helpers.js";

const HEAD = "- hosts: all\n  gather_facts: false\n";

/** Nine levels of nine aliases each: a few hundred bytes that expand to 9^9 nodes. */
function aliasBomb(): string {
  const lines = ['    a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]'];
  for (let i = 1; i < 9; i++)
    lines.push(
      `    a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(", ")}]`,
    );
  return `${HEAD}  vars:\n${lines.join("\n")}\n  tasks: []\n`;
}

test("an alias bomb is a located error (exit 4), not a crash", async () => {
  const root = tree({ "site.yml": aliasBomb(), "hosts.yml": ONE_HOST });
  const err: string[] = [];
  const code = await validateCommand(
    path.join(root, "site.yml"),
    { inventory: [path.join(root, "hosts.yml")], extraVars: [] },
    { out: () => undefined, err: (l) => err.push(l) },
  );
  assert.equal(code, 4);
  assert.match(err.join("\n"), /site\.yml:\d+:\d+: .*aliases expand/);
  const e = findError(errorsOf(loadTree({ "site.yml": aliasBomb() })), /aliases expand/);
  assert.ok(e.line >= 4 && e.line <= 12, `line ${e.line}`);
});

test("an alias to an anchor not yet defined, or to the node it is in, is a located error", () => {
  const unknown = findError(
    errorsOf(loadTree({ "site.yml": `${HEAD}  vars:\n    a: *nope\n  tasks: []\n` })),
    /unknown alias \*nope/,
  );
  assert.deepEqual([unknown.line, unknown.col], [4, 8]);
  const self = findError(
    errorsOf(loadTree({ "site.yml": `${HEAD}  vars:\n    a: &me [1, *me]\n  tasks: []\n` })),
    /alias \*me .*inside its own anchor/,
  );
  assert.equal(self.line, 4);
});

test("ordinary aliases and merge keys still work", () => {
  const plan = planOf(
    loadTree({
      "site.yml": `${HEAD}  vars:\n    base: &b {x: 1, y: 2}\n    copy: *b\n    more: {<<: *b, z: 3}\n  tasks: []\n`,
    }),
  );
  assert.deepEqual(plan.plays[0]!.vars.more, { x: 1, y: 2, z: 3 });
  assert.deepEqual(plan.plays[0]!.vars.copy, { x: 1, y: 2 });
});

test("bytes that are not UTF-8 are an error at their line and column", () => {
  const root = tree({ "hosts.yml": ONE_HOST });
  fs.writeFileSync(
    path.join(root, "site.yml"),
    Buffer.concat([Buffer.from(`${HEAD}  tasks:\n    - debug: {msg: "caf`), Buffer.from([0xe9]), Buffer.from(`"}\n`)]),
  );
  const result = loadAt(root);
  const e = findError(errorsOf(result), /not valid UTF-8/);
  assert.deepEqual([e.line, e.col], [4, 24]);
  assert.match(e.message, /0xE9/);
});

test("a template file that is not UTF-8 is an error at validate time", () => {
  const root = tree({
    "hosts.yml": ONE_HOST,
    "site.yml": `${HEAD}  tasks:\n    - template: {src: t.hbs, dest: /tmp/t}\n`,
  });
  fs.mkdirSync(path.join(root, "templates"));
  fs.writeFileSync(path.join(root, "templates", "t.hbs"), Buffer.from([0x6f, 0x6b, 0x0a, 0x78, 0xff, 0x0a]));
  const e = findError(errorsOf(loadAt(root)), /not valid UTF-8/);
  assert.match(e.file, /t\.hbs$/);
  assert.deepEqual([e.line, e.col], [2, 2]);
});

test("a UTF-8 byte order mark is accepted, as YAML allows", () => {
  const plan = planOf(loadTree({ "site.yml": `\uFEFF${HEAD}  tasks:\n    - debug: {msg: hi}\n` }));
  assert.equal(plan.plays.length, 1);
  const r = parseYaml("\uFEFFa: 1\nb: x\n", "/tmp/bom.yml");
  assert.ok(r.ok);
  assert.deepEqual(r.file.value, { a: 1, b: "x" });
  assert.deepEqual(r.file.locate(["b"]), { file: "/tmp/bom.yml", line: 2, col: 4 });
});

test("duplicate keys are found in linear time: the yaml library's own check (a scan per key) is off", () => {
  assert.equal(YAML_PARSE_OPTIONS.uniqueKeys, false);
  const r = parseYaml("a: 1\nb:\n  c: 1\n  d: {e: 1, e: 2}\n  c: 2\n1: x\n'1': y\n", "/tmp/dup.yml");
  assert.ok(!r.ok);
  const dups = r.diagnostics.map((d) => [d.line, d.col, d.message]);
  assert.deepEqual(dups, [
    [4, 13, "duplicate key: map keys must be unique"],
    [5, 3, "duplicate key: map keys must be unique"],
  ]);
  const keys = Array.from({ length: 50_000 }, (_, i) => `k${i}: ${i}`).join("\n");
  const big = parseYaml(`${keys}\nk7: again\n`, "/tmp/big.yml");
  assert.ok(!big.ok);
  assert.equal(big.diagnostics[0]!.line, 50_001);
});

test("a malformed -e says what was expected without echoing the value", () => {
  const problems = new Problems();
  parseExtraVars(["db_password=ok", "db_password=x hunter2secret", "{broken: [hunter2secret"], problems);
  assert.equal(problems.count, 2);
  const text = problems.errors.map((e) => `${e.path}: ${e.message}`).join("\n");
  assert.doesNotMatch(text, /hunter2secret|db_password/);
  assert.match(text, /-e\[1\]: .*expected key=value/);
  assert.match(text, /word 2/);
  assert.match(text, /-e\[2\]: .*JSON\/YAML mapping/);
  parseExtraVars(["{a: &x [1, *x]}"], problems);
  assert.equal(problems.count, 3);
});

/** Loads site.yml of a tree whose files the test wrote itself (as bytes). */
function loadAt(root: string) {
  return loadPlan({ playbook: path.join(root, "site.yml"), inventories: [path.join(root, "hosts.yml")] });
}

test("a condition of the wrong type (assert that: 1, when: 2) is a located schema error, not a crash", () => {
  const errors = errorsOf(
    loadTree({ "site.yml": `${HEAD}  tasks:\n    - assert: {that: 1}\n    - debug: {msg: x}\n      when: 2\n` }),
  );
  const that = findError(errors, /found integer 1, expected string or boolean or a list/);
  assert.deepEqual([that.line, that.col], [4, 22]);
  const when = findError(errors, /found integer 2, expected string or boolean or a list/);
  assert.deepEqual([when.line, when.col], [6, 13]);
});
