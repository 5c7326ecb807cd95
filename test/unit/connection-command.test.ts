// Commands as values: quoting, secret masking, become wrapping, and the pure stat/put scripts.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { parse } from "shell-quote";
import {
  becomeUser,
  chooseMethod,
  cleanSudoStderr,
  needsBecome,
  SUDO_PASSWORD_VAR,
  wrapForBecome,
} from "../../src/connection/become.js";
import {
  cmd,
  command,
  maskSecrets,
  MASK,
  quotedCommand,
  raw,
  rawCommand,
  secret,
} from "../../src/connection/command.js";
import { modeText, ownerSpec, putFromStdinCommand, tempPathFor } from "../../src/connection/file-scripts.js";
import { withRemoteTimeout } from "../../src/connection/shell-connection.js";
import { parseStat, statCommand } from "../../src/connection/stat.js";

// The argv a POSIX shell would see for a simple command (checks quoting without pinning its style).
function words(shellText: string): string[] {
  return parse(shellText).map((w) => {
    assert.equal(typeof w, "string", `unexpected shell operator in ${shellText}`);
    return w as string;
  });
}

describe("cmd and command", () => {
  it("quotes every interpolated value and keeps the literal text", () => {
    const name = "go server; rm -rf /";
    assert.equal(cmd`systemctl restart ${name}`.toShell(), "systemctl restart 'go server; rm -rf /'");
    assert.deepEqual(words(cmd`echo ${"$HOME"} ${""} ${42} ${"it's"} ${"a\nb"}`.toShell()), [
      "echo",
      "$HOME",
      "",
      "42",
      "it's",
      "a\nb",
    ]);
  });

  it("turns arrays into one quoted word per element", () => {
    assert.equal(cmd`apt-get install -y ${["go-server", "a b"]}`.toShell(), "apt-get install -y go-server 'a b'");
    assert.equal(command(["pg_ctlcluster", 15, "main", "start"]).toShell(), "pg_ctlcluster 15 main start");
  });

  it("inserts raw snippets verbatim and splices nested commands", () => {
    assert.equal(cmd`ls ${raw("| wc -l")}`.toShell(), "ls | wc -l");
    const inner = cmd`echo ${"x y"}`;
    assert.equal(cmd`${inner} && ${rawCommand("true")}`.toShell(), "echo 'x y' && true");
    assert.equal(cmd`sh -c ${quotedCommand(inner)}`.toShell(), `sh -c "echo 'x y'"`);
  });

  it("shows secrets masked everywhere but runs them for real", () => {
    const pw = secret("s3cr3t 'x'");
    const c = cmd`psql -c ${cmd`ALTER ROLE rep PASSWORD ${pw}`}`;
    assert.ok(c.toShell().includes("s3cr3t"));
    assert.equal(c.toDisplay(), `psql -c ALTER ROLE rep PASSWORD ${MASK}`);
    assert.equal(String(c), c.toDisplay());
    assert.equal(`${pw}`, MASK);
    assert.equal(JSON.stringify({ pw }), `{"pw":"${MASK}"}`);
    assert.deepEqual(c.secrets(), ["s3cr3t 'x'"]);
  });

  it("keeps secrets masked inside a quoted nested command", () => {
    const c = cmd`sh -c ${quotedCommand(cmd`echo ${secret("hunter2")}`)}`;
    assert.ok(!c.toDisplay().includes("hunter2"));
    assert.deepEqual(c.secrets(), ["hunter2"]);
  });

  it("scrubs secrets from text", () => {
    assert.equal(maskSecrets("pw=abc abc", ["abc", ""]), `pw=${MASK} ${MASK}`);
  });
});

describe("become", () => {
  const inner = cmd`psql -tAc ${"select 1"}`;

  it("is a no-op when becoming the login user", () => {
    assert.equal(needsBecome("root", { user: "root" }), false);
    assert.equal(needsBecome("root", {}), false);
    assert.equal(needsBecome("root", undefined), false);
    assert.equal(needsBecome("root", { user: "postgres" }), true);
    assert.equal(becomeUser({}), "root");
  });

  it("wraps with sudo -n without a password", () => {
    const plan = wrapForBecome(inner, { user: "postgres" }, "sudo");
    assert.deepEqual(words(plan.command.toShell()), [
      "sudo",
      "-H",
      "-S",
      "-n",
      "-u",
      "postgres",
      "--",
      "sh",
      "-c",
      "psql -tAc 'select 1'",
    ]);
    assert.equal(plan.stdinPrefix, undefined);
  });

  it("feeds a password on stdin to sudo's askpass, never in the command nor to the command's stdin", () => {
    const plan = wrapForBecome(inner, { user: "go", password: secret("pw1") }, "sudo");
    const text = plan.command.toShell();
    assert.ok(!text.includes("pw1"));
    assert.ok(
      text.startsWith(`IFS= read -r ${SUDO_PASSWORD_VAR} && export ${SUDO_PASSWORD_VAR} && gocd_bc_askpass=$(mktemp `),
      text,
    );
    assert.match(text, /SUDO_ASKPASS=\/bin\/sh sudo -H -A -p "\$gocd_bc_askpass" -u go -- sh -c /);
    assert.equal(plan.stdinPrefix, "pw1\n");
    const refused = "Sorry, try again.\nsudo: no password was provided\nsudo: 1 incorrect password attempt\n";
    assert.equal(cleanSudoStderr(refused), "sudo: 1 incorrect password attempt\n");
    assert.equal(cleanSudoStderr("sudo: no password was provided\n"), "sudo: no password was provided\n");
  });

  it("falls back to su only from root", () => {
    assert.deepEqual(chooseMethod({ user: "postgres" }, "root", false), { ok: true, method: "su" });
    assert.deepEqual(chooseMethod({ user: "postgres" }, "deploy", true), { ok: true, method: "sudo" });
    const no = chooseMethod({ user: "postgres" }, "deploy", false);
    assert.equal(no.ok, false);
    assert.match(!no.ok ? no.error : "", /sudo is not installed and the login user is not root/);
    assert.deepEqual(words(wrapForBecome(inner, { user: "postgres" }, "su").command.toShell()), [
      "su",
      "-s",
      "/bin/sh",
      "-c",
      "psql -tAc 'select 1'",
      "--",
      "postgres",
    ]);
  });

  it("passes a become user to su after --, so `--help` is a user name and not an option", () => {
    const w = words(wrapForBecome(inner, { user: "--help" }, "su").command.toShell());
    assert.deepEqual(w.slice(-2), ["--", "--help"]);
  });
});

describe("timeouts", () => {
  it("wraps in coreutils timeout a second after the deadline", () => {
    assert.equal(withRemoteTimeout(cmd`sleep 5`, 1500).toShell(), "timeout -s KILL 3 sh -c 'sleep 5'");
  });
});

describe("file scripts", () => {
  it("puts temp files next to their target", () => {
    assert.equal(tempPathFor("/etc/go/cruise-config.xml", "abc"), "/etc/go/.cruise-config.xml.gocd-bc.abc");
    assert.equal(ownerSpec({ owner: "go" }), "go");
    assert.equal(ownerSpec({ owner: "go", group: "adm" }), "go:adm");
    assert.equal(ownerSpec({ group: "adm" }), ":adm");
    assert.equal(ownerSpec({}), undefined);
    assert.equal(modeText(0o640), "0640");
  });

  it("builds a put script that sets mode and owner before the rename", () => {
    const s = putFromStdinCommand("/etc/a b", { mode: 0o600, owner: "postgres" }, 12).toShell();
    assert.match(s, /mktemp -- '\/etc\/\.a b\.gocd-bc\.XXXXXX'/);
    const order = ["cat >", "-eq 12", "chmod -- 0600", "chown -- postgres", "mv -f"].map((w) => s.indexOf(w));
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
    );
    assert.ok(order.every((i) => i >= 0));
  });

  it("ends options before an owner or a temp pattern that starts with -", () => {
    const s = putFromStdinCommand("-d/f", { owner: "--help", mode: 0o600 }, 0).toShell();
    assert.match(s, /mktemp -- -d\/\.f\.gocd-bc\.XXXXXX/);
    assert.match(s, /chown -- --help "\$tmp"/);
    assert.match(s, /chmod -- 0600 "\$tmp"/);
  });
});

describe("the put script, run by a real shell", () => {
  const run = (dest: string, size: number, stdin: string) =>
    spawnSync("sh", ["-c", putFromStdinCommand(dest, { mode: 0o640 }, size).toShell()], { input: stdin });
  const inTempDir = (test: (dir: string) => void) => () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gbc-put-"));
    try {
      test(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it(
    "installs the file when all of its bytes arrived",
    inTempDir((dir) => {
      assert.equal(run(path.join(dir, "f"), 5, "hello").status, 0);
      assert.equal(readFileSync(path.join(dir, "f"), "utf8"), "hello");
      assert.deepEqual(readdirSync(dir), ["f"]);
    }),
  );

  // What a connection cut mid-transfer (Ctrl-C) looks like to the script: stdin ends early.
  it(
    "installs nothing, and leaves no temporary file, when stdin ended early",
    inTempDir((dir) => {
      writeFileSync(path.join(dir, "f"), "old content");
      assert.notEqual(run(path.join(dir, "f"), 10, "hel").status, 0);
      assert.equal(readFileSync(path.join(dir, "f"), "utf8"), "old content");
      assert.deepEqual(readdirSync(dir), ["f"]);
    }),
  );
});

describe("parseStat", () => {
  const exited = (exitCode: number, stdout: string, stderr = "") => ({
    kind: "exited" as const,
    exitCode,
    stdout,
    stderr,
  });

  it("parses GNU stat output", () => {
    assert.deepEqual(words(statCommand("/x y").toShell()), [
      "LC_ALL=C",
      "stat",
      "-c",
      "%f|%u|%g|%U|%G|%s|%Y",
      "--",
      "/x y",
    ]);
    assert.deepEqual(parseStat(exited(0, "81a0|101|0|postgres|root|7|1700000000\n")), {
      ok: true,
      stat: {
        type: "file",
        mode: 0o640,
        uid: 101,
        gid: 0,
        owner: "postgres",
        group: "root",
        size: 7,
        mtime: 1700000000,
      },
    });
    const dir = parseStat(exited(0, "43ed|0|0|root|root|4096|1\n"));
    assert.equal(dir.ok && dir.stat?.type, "directory");
    assert.equal(dir.ok && dir.stat?.mode, 0o1755);
  });

  it("reports absence as null and other failures as errors", () => {
    assert.deepEqual(parseStat(exited(1, "", "stat: cannot statx '/nope': No such file or directory\n")), {
      ok: true,
      stat: null,
    });
    assert.equal(parseStat(exited(1, "", "stat: cannot statx '/r/x': Permission denied\n")).ok, false);
    assert.equal(parseStat({ kind: "timeout", timeoutMs: 5, stdout: "", stderr: "" }).ok, false);
  });
});
