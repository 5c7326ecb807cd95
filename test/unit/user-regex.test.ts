// Users' regular expressions run on a linear-time engine (RE2) everywhere they are accepted: template
// helpers, lineinfile and blockinfile, host patterns. A pattern that makes a backtracking engine run for
// ever (`(a+)+$`) answers at once, and RE2's syntax (no lookaround, no backreferences) is what they get.
import assert from "node:assert/strict";
import path from "node:path";
import { describe, it } from "node:test";
import { loadInventory } from "../../src/inventory/load.js";
import { selectHosts } from "../../src/inventory/patterns.js";
import { editBlock } from "../../src/modules/support/block-edit.js";
import { editLine } from "../../src/modules/support/line-edit.js";
import { evalExpression } from "../../src/template/engine.js";
import { userRegex } from "../../src/user-regex.js";
import { errorsOf, findError, FIXTURES, loadTree } from "./loader-helpers.js";

const ctx = { loc: { file: "site.yml", line: 3, col: 5 }, path: "plays[0].tasks[0].debug.msg", task: "t" };
const e = (expr: string, vars: Record<string, unknown> = {}) => evalExpression(expr, vars, ctx);

/** A backtracking engine takes about 2^n steps on `(a+)+$` against n a's and a final mismatch. */
const EVIL = "^(a+)+$";
const LONG = `${"a".repeat(50_000)}!`;
/** Generous: RE2 answers in milliseconds; this only turns a relapse into a failure instead of a hang. */
const NO_HANG = { timeout: 60_000 };

describe("template helpers", () => {
  it("answer at once for a catastrophic pattern", NO_HANG, () => {
    assert.equal(e(`(regex_search s '${EVIL}')`, { s: LONG }), "");
    assert.equal(e(`(search s '${EVIL}')`, { s: LONG }), false);
    assert.equal(e(`(match s '(a|aa)+$')`, { s: LONG }), false);
    assert.equal(e(`(regex_replace s '(a*)*b' 'x')`, { s: LONG }), LONG);
  });
  it("use RE2 syntax: a lookahead is an error naming the pattern", () => {
    assert.throws(() => e("(regex_search 'xy' 'x(?=y)')"), /invalid regular expression \/x\(\?=y\)\/.*RE2/);
    assert.throws(() => e("(search 'aa' '(a)\\1')"), /invalid regular expression/);
  });
  it("keep their meaning: groups, named groups, replacements, anchors", () => {
    assert.equal(e("(regex_search 'port=5432' '[0-9]+')"), "5432");
    assert.equal(e("(regex_replace 'ssh-ed25519 AAAA host' '^(\\S+\\s+\\S+).*$' '$1')"), "ssh-ed25519 AAAA");
    assert.equal(e("(regex_replace 'a.b.c' '[.]' '_')"), "a_b_c");
    assert.equal(e("(regex_replace 'k=v' '(?P<k>\\w+)=(?<v>\\w+)' '$<v>=$<k>')"), "v=k");
    assert.equal(e("(match 'db1' 'db')"), true);
    assert.equal(e("(match 'xdb1' 'db')"), false);
    assert.equal(e("(search 'xdb1' 'db')"), true);
  });
});

describe("lineinfile and blockinfile", () => {
  const text = `${"a".repeat(30_000)}\nport = 1\n`;
  it("answer at once for a catastrophic regexp, insertafter or insertbefore", NO_HANG, () => {
    assert.deepEqual(editLine(text, { regexp: "^(a|a)+$x", line: "y", state: "absent" }), {
      text,
      reason: "line not present",
    });
    assert.equal(
      (editLine(text, { line: "z", insertafter: EVIL.replace("$", "b") }) as { text: string }).text,
      `${text}z\n`,
    );
    assert.equal(
      (editBlock(text, { block: "b\n", insertbefore: "(a*)*c" }) as { text: string }).text.endsWith(
        "# END ANSIBLE MANAGED BLOCK\n",
      ),
      true,
    );
  });
  it("use RE2 syntax: a lookahead is a task error, not a match", () => {
    assert.match(
      (editLine("ab\n", { regexp: "a(?=b)", line: "x" }) as { error: string }).error,
      /invalid regular expression.*RE2/,
    );
    assert.match(
      (editLine("ab\n", { line: "x", insertbefore: "(?!b)" }) as { error: string }).error,
      /invalid regular expression/,
    );
    assert.match(
      (editBlock("ab\n", { block: "x", insertafter: "(?<=a)b" }) as { error: string }).error,
      /invalid regular expression/,
    );
  });
  it("backrefs still expand numbered and named groups", () => {
    const r = editLine("shared_buffers = 128MB\n", {
      regexp: "^(?P<k>shared_buffers) = .*",
      line: "\\g<k> = 1GB",
      backrefs: true,
    });
    assert.deepEqual(r, { text: "shared_buffers = 1GB\n", reason: "" });
  });
});

describe("host patterns", () => {
  const inv = () => {
    const r = loadInventory([path.join(FIXTURES, "project/inventory/hosts.yml")]);
    assert.ok(r.ok);
    return r.inventory;
  };
  it("a ~regex runs on RE2; an invalid one is reported, not thrown", () => {
    assert.deepEqual(selectHosts(inv(), "~web[12]").hosts, ["web1", "web2"]);
    const bad = selectHosts(inv(), "~web(?=1)");
    assert.deepEqual(bad.hosts, []);
    assert.match(bad.invalid.join("\n"), /invalid regular expression \/web\(\?=1\)\//);
    assert.match(selectHosts(inv(), "~(").invalid.join("\n"), /missing closing \)/);
  });
  it("an invalid --limit or hosts: regex is a validation error (it crashed with exit 250)", () => {
    findError(
      errorsOf(loadTree({ "site.yml": "- hosts: all\n  tasks: []\n" }, { limit: "~(" })),
      /host pattern '~\(': invalid regular expression/,
    );
    findError(
      errorsOf(loadTree({ "site.yml": "- hosts: '~h[1'\n  tasks: []\n" })),
      /host pattern '~h\[1': invalid regular expression/,
    );
  });
});

describe("userRegex", () => {
  it("compiles once per pattern", () => {
    assert.equal(userRegex("^a+$"), userRegex("^a+$"));
  });
});
