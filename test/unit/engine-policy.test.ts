// The executor's pure rules: serial batches, the failure policy, tag selection, exit codes, environment.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "shell-quote";
import { cmd } from "../../src/connection/command.js";
import { withEnvironment } from "../../src/engine/connect.js";
import { failPolicy, serialBatches } from "../../src/engine/batches.js";
import { exitCodeOf } from "../../src/engine/run.js";
import { newStats } from "../../src/engine/types.js";
import { tagsSelect } from "../../src/engine/tags.js";

const HOSTS = ["a", "b", "c", "d", "e"];

describe("serial batches", () => {
  it("no serial is one batch; numbers repeat the last size; percentages round down to at least one", () => {
    assert.deepEqual(serialBatches(HOSTS, undefined), [HOSTS]);
    assert.deepEqual(serialBatches(HOSTS, [2]), [["a", "b"], ["c", "d"], ["e"]]);
    assert.deepEqual(serialBatches(HOSTS, [1, "50%"]), [["a"], ["b", "c"], ["d", "e"]]);
    assert.deepEqual(
      serialBatches(HOSTS, ["10%"]),
      HOSTS.map((h) => [h]),
    );
    assert.deepEqual(serialBatches(HOSTS, [0]), [HOSTS]);
  });
});

describe("failure policy", () => {
  it("max_fail_percentage stops only above the percentage; any_errors_fatal at the first failure", () => {
    assert.equal(failPolicy(1, 4, { anyErrorsFatal: false, maxFailPercentage: 25 }).stop, false);
    assert.equal(failPolicy(2, 4, { anyErrorsFatal: false, maxFailPercentage: 25 }).stop, true);
    assert.equal(failPolicy(1, 4, { anyErrorsFatal: true }).stop, true);
    assert.equal(failPolicy(1, 4, { anyErrorsFatal: false }).stop, false);
    assert.equal(failPolicy(4, 4, { anyErrorsFatal: false }).stop, true, "a batch where every host failed stops");
  });
});

describe("tags", () => {
  it("selects as ansible-playbook does, with always and never", () => {
    assert.equal(tagsSelect([], {}), true);
    assert.equal(tagsSelect(["never"], {}), false);
    assert.equal(tagsSelect(["x"], { tags: ["y"] }), false);
    assert.equal(tagsSelect(["always"], { tags: ["y"] }), true);
    assert.equal(tagsSelect(["always"], { tags: ["y"], skipTags: ["always"] }), false);
    assert.equal(tagsSelect(["never", "debug"], { tags: ["debug"] }), true);
    assert.equal(tagsSelect(["x"], { skipTags: ["x"] }), false);
    assert.equal(tagsSelect([], { tags: ["untagged"] }), true);
    assert.equal(tagsSelect(["x"], { tags: ["tagged"] }), true);
  });
});

describe("exit codes", () => {
  it("2 for failures (over unreachable), 4 for unreachable only, 99 when interrupted", () => {
    const failed = { ...newStats(), failed: 1 };
    const unreachable = { ...newStats(), unreachable: 1 };
    assert.equal(exitCodeOf({ a: newStats() }, false), 0);
    assert.equal(exitCodeOf({ a: failed, b: unreachable }, false), 2);
    assert.equal(exitCodeOf({ b: unreachable }, false), 4);
    assert.equal(exitCodeOf({ a: newStats() }, true), 99);
  });
});

describe("environment", () => {
  it("sets variables through env after --, each assignment one word", () => {
    const wrapped = withEnvironment(cmd`echo "$A"`, { A: "x y", B_2: 3 });
    assert.deepEqual(parse(wrapped.toShell()), ["env", "--", "A=x y", "B_2=3", "sh", "-c", 'echo "$A"']);
  });

  it("refuses a name that is not a variable name, so nothing reaches env or sudo as an option", () => {
    for (const name of ["-S", "-Sx", "-i", "A=B", "A B", "1A", "a\nb", ""]) {
      assert.throws(() => withEnvironment(cmd`true`, { [name]: "v" }), /environment: invalid variable name/, name);
    }
  });
});
