// The long-lived shells' framing, through real shells (dash and bash, the two a Debian host's login may
// use): a command's stdin arrives byte for byte, the exit code and both streams come back framed, and
// input a shell cannot hold as text goes over a channel of its own.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, it } from "node:test";
import { framedCommand, parseFramed, shellStdin } from "../../src/connection/persistent-shell.js";

/** Runs one framed command in `shell` as the persistent shells do (the text on the shell's stdin). */
function inShell(shell: string, shellText: string, stdin?: string) {
  return new Promise<ReturnType<typeof parseFramed>>((resolve, reject) => {
    const child = spawn(shell, [], { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", () => resolve(parseFramed(Buffer.concat(out), Buffer.concat(err), "__m__")));
    child.stdin.end(`${framedCommand(shellText, "__m__", stdin)}exit 0\n`);
  });
}

const SHELLS = ["/bin/sh", "/bin/bash"].filter((s) => existsSync(s));
const AWKWARD = [
  "plain\n",
  "no newline at the end",
  "quotes ' \" and `ticks` $HOME $(id) \\ \\\n continued\n",
  "a line with only a dot\n.\nEOF\n'EOF'\n",
  "ünïcödé ✓\n",
  "",
  "! history? !! !$\n",
  "%s %d %% printf's own\n",
];

describe("the long-lived shells' framing", () => {
  for (const shell of SHELLS) {
    it(`${shell}: stdin reaches the command byte for byte`, async () => {
      for (const text of AWKWARD) {
        const r = await inShell(shell, "cat; echo done >&2; exit 3", text);
        assert.ok(r, `no framed result for ${JSON.stringify(text)}`);
        assert.equal(r.stdout.toString("utf8"), text);
        assert.equal(r.stderr.toString("utf8"), "done\n");
        assert.equal(r.code, 3);
      }
    });

    it(`${shell}: without stdin the command reads nothing (the shell's own input is not eaten)`, async () => {
      const r = await inShell(shell, "cat; echo after");
      assert.ok(r);
      assert.equal(r.stdout.toString("utf8"), "after\n");
      assert.equal(r.code, 0);
    });
  }

  it("binary or very long input is not for the shell", () => {
    assert.equal(shellStdin(Buffer.from("text\n")), "text\n");
    assert.equal(shellStdin(Buffer.from([0x61, 0x00, 0x62])), undefined, "a NUL");
    assert.equal(shellStdin(Buffer.from([0xff, 0xfe])), undefined, "not UTF-8");
    assert.equal(shellStdin(Buffer.alloc(300 * 1024, 0x61)), undefined, "too long");
  });
});
