// The pure text decisions of lineinfile and blockinfile: file text and arguments in, new text (or why
// nothing changes) out, with no host involved.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { editBlock } from "../../src/modules/support/block-edit.js";
import { editLine } from "../../src/modules/support/line-edit.js";
import { resolveMode } from "../../src/modules/support/mode.js";
import { splitWords } from "../../src/modules/command/index.js";

describe("editLine", () => {
  const conf = "listen_addresses = 'localhost'\n#port = 5432\nmax_connections = 100\n";
  it("replaces the last line matching regexp", () => {
    const r = editLine(conf, { regexp: "^#?port\\s*=", line: "port = 5433" });
    assert.deepEqual(r, { text: "listen_addresses = 'localhost'\nport = 5433\nmax_connections = 100\n", reason: "" });
  });
  it("stays idempotent when the regexp stops matching after the first change", () => {
    const once = editLine(conf, { regexp: "^#port", line: "port = 5433" });
    assert.ok("text" in once);
    const twice = editLine(once.text, { regexp: "^#port", line: "port = 5433" });
    assert.deepEqual(twice, { text: once.text, reason: "line already present" });
  });
  it("appends at EOF, or inserts after/before a pattern, BOF", () => {
    assert.equal((editLine("a\nb", { line: "c" }) as { text: string }).text, "a\nb\nc\n");
    assert.equal((editLine("a\nb\n", { line: "x", insertafter: "^a" }) as { text: string }).text, "a\nx\nb\n");
    assert.equal((editLine("a\nb\n", { line: "x", insertbefore: "^b" }) as { text: string }).text, "a\nx\nb\n");
    assert.equal((editLine("a\nb\n", { line: "x", insertbefore: "BOF" }) as { text: string }).text, "x\na\nb\n");
  });
  it("expands backrefs, and leaves the file alone when backrefs does not match", () => {
    const r = editLine("shared_buffers = 128MB\n", {
      regexp: "^(shared_buffers) = .*",
      line: "\\1 = 1GB",
      backrefs: true,
    });
    assert.deepEqual(r, { text: "shared_buffers = 1GB\n", reason: "" });
    const none = editLine("x\n", { regexp: "^nope", line: "y", backrefs: true });
    assert.deepEqual(none, { text: "x\n", reason: "regexp did not match; backrefs leaves the file as it is" });
  });
  it("removes by regexp, search_string or exact line; says when nothing matched", () => {
    assert.deepEqual(editLine("a\nb\na\n", { state: "absent", line: "a" }), { text: "b\n", reason: "" });
    assert.deepEqual(editLine("port=1\nx\n", { state: "absent", search_string: "port=" }), { text: "x\n", reason: "" });
    assert.deepEqual(editLine("x\n", { state: "absent", regexp: "^y" }), { text: "x\n", reason: "line not present" });
  });
  it("reports a bad regexp as an error", () => {
    assert.ok("error" in editLine("x\n", { regexp: "(", line: "y" }));
    assert.ok("error" in editLine("x\n", { line: "y", insertafter: "[" }));
  });
});

describe("editBlock", () => {
  it("inserts with default markers, replaces in place, and removes", () => {
    const added = editBlock("a\n", { block: "one\ntwo\n" });
    assert.deepEqual(added, {
      text: "a\n# BEGIN ANSIBLE MANAGED BLOCK\none\ntwo\n# END ANSIBLE MANAGED BLOCK\n",
      reason: "",
    });
    const text = `${(added as { text: string }).text}z\n`;
    assert.deepEqual(editBlock(text, { block: "one\ntwo" }), { text, reason: "block already present" });
    const changed = editBlock(text, { block: "three" });
    assert.equal(
      (changed as { text: string }).text,
      "a\n# BEGIN ANSIBLE MANAGED BLOCK\nthree\n# END ANSIBLE MANAGED BLOCK\nz\n",
    );
    assert.deepEqual(editBlock(text, { state: "absent" }), { text: "a\nz\n", reason: "" });
    assert.deepEqual(editBlock("a\n", { state: "absent" }), { text: "a\n", reason: "block not present" });
  });
  it("honours custom markers and insertbefore", () => {
    const r = editBlock("x\ny\n", {
      block: "b",
      marker: "// {mark} gocd",
      marker_begin: "start",
      marker_end: "stop",
      insertbefore: "^y",
    });
    assert.deepEqual(r, { text: "x\n// start gocd\nb\n// stop gocd\ny\n", reason: "" });
  });
});

describe("modes and command words", () => {
  it("reads octal strings, numbers and symbolic modes", () => {
    assert.equal(resolveMode("0644", null, false), 0o644);
    assert.equal(resolveMode("750", null, true), 0o750);
    assert.equal(resolveMode(0o600, null, false), 0o600);
    assert.equal(resolveMode("u=rw,g=r,o=r", 0o777, false), 0o644);
    assert.equal(resolveMode("a+x", 0o644, false), 0o755);
    assert.equal(resolveMode("go-w", 0o666, false), 0o644);
    assert.equal(resolveMode("u+X", 0o644, true), 0o744);
    assert.ok(typeof resolveMode("rwx", null, false) === "object");
  });
  it("splits a command line into literal words, no expansion", () => {
    assert.deepEqual(splitWords(`echo "a b" 'c d' $HOME x|y > f`), [
      "echo",
      "a b",
      "c d",
      "$HOME",
      "x",
      "|",
      "y",
      ">",
      "f",
    ]);
  });
});
