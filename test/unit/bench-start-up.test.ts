// The bench's start-up rows without the lab: the row of a trivial command, and how a median reads beside
// its goal. Nothing here depends on how fast the machine is.
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { startUpCases, startUpCells, startUpRow, timed } from "../bench/start-up.js";

test("a start-up row times a command and sets its median beside the goal", async () => {
  const row = await startUpRow({ label: "`node -e 0`", file: process.execPath, args: ["-e", "0"], goal: 30 }, 3);
  assert.equal(row.length, 4);
  assert.equal(row[0], "`node -e 0`");
  assert.match(row[1], /^\d+\.\d\d s$/);
  assert.equal(row[2], "at most 30.00 s");
  assert.match(row[3], /^(met|not met)$/);
});

test("a median within its goal is met, one above it is not", () => {
  assert.deepEqual(startUpCells("`gocd-bc --help`", 0.0849, 0.12), [
    "`gocd-bc --help`",
    "0.08 s",
    "at most 0.12 s",
    "met",
  ]);
  assert.deepEqual(startUpCells("`gocd-bc --help`", 0.12, 0.12)[3], "met");
  assert.deepEqual(startUpCells("`gocd-bc validate` (bench playbook)", 0.214, 0.2), [
    "`gocd-bc validate` (bench playbook)",
    "0.21 s",
    "at most 0.20 s",
    "not met",
  ]);
});

test("a command that fails is an error, not a time", async () => {
  await assert.rejects(timed(process.execPath, ["-e", "process.exit(3)"]), /exited 3/);
});

test("the start-up cases are gocd-bc's --help and validate of the bench playbook, with issue 13's goals", () => {
  const cases = startUpCases("/x/main.js", "/x/playbook.yml", "/x/bench-10.yml");
  assert.deepEqual(
    cases.map((c) => [c.label, path.basename(c.file) === path.basename(process.execPath), c.args, c.goal]),
    [
      ["`gocd-bc --help`", true, ["/x/main.js", "--help"], 0.12],
      [
        "`gocd-bc validate` (bench playbook)",
        true,
        ["/x/main.js", "validate", "-i", "/x/bench-10.yml", "/x/playbook.yml"],
        0.2,
      ],
    ],
  );
});
