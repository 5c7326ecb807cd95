// key=value argument strings and command free form.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseFreeForm, parseKeyValues, tokenize } from "../../src/playbook/kv.js";
import { parseExtraVars } from "../../src/playbook/extra-vars.js";
import { Problems } from "../../src/source/problems.js";

test("tokens keep quotes and {{ }} together", () => {
  assert.deepEqual(
    tokenize(`a=1 b="x y" c={{ v | x }} 'd e'`).map((t) => t.text),
    ["a=1", `b="x y"`, "c={{ v | x }}", "'d e'"],
  );
});

test("key=value strings, and strings that are not", () => {
  assert.deepEqual(parseKeyValues(`path=/x line='a b' msg="say \\"hi\\""`), {
    path: "/x",
    line: "a b",
    msg: `say "hi"`,
  });
  assert.equal(parseKeyValues("just words"), undefined);
});

test("free form keeps the command line as written, minus known options", () => {
  assert.deepEqual(
    parseFreeForm("creates=/x echo a  b > /tmp/o chdir=/srv", "cmd", new Set(["cmd", "chdir", "creates"])),
    { creates: "/x", chdir: "/srv", cmd: "echo a  b > /tmp/o" },
  );
  assert.deepEqual(parseFreeForm("FOO=bar env", "cmd", new Set(["chdir"])), { cmd: "FOO=bar env" });
});

test("extra vars: key=value, JSON, @file; later wins", () => {
  const problems = new Problems();
  assert.deepEqual(parseExtraVars(["a=1 b=two", '{"c": [1, 2], "a": "x"}'], problems), {
    a: "x",
    b: "two",
    c: [1, 2],
  });
  assert.equal(problems.count, 0);
  parseExtraVars(["{not json", "@/nonexistent/file.yml"], problems);
  assert.equal(problems.count, 2);
});
