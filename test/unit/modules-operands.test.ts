// Names given to modules reach the host's tools as operands, never as options or as extra settings:
// each module runs against a fake host that records every command, so a test can read what would run.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "shell-quote";
import type { Command } from "../../src/connection/command.js";
import type { Connection, RunExited } from "../../src/connection/types.js";
import { invokeModule } from "../../src/engine/invoke.js";
import type { TaskHost, TaskResult } from "../../src/modules/contract.js";
import { validateModuleArgs } from "../../src/modules/registry.js";
import { Redactor } from "../../src/modules/support/mask.js";

/** A command's answer on the fake host: the first pattern that matches the shell text wins. */
type Reply = readonly [RegExp, Partial<RunExited>];

/** A host that answers commands from `replies` (exit 1 when none matches) and files from `files`. */
function fakeHost(replies: readonly Reply[], files: Record<string, string> = {}, check = false) {
  const commands: string[] = [];
  const answer = async (c: Command): Promise<RunExited> => {
    const text = c.toShell();
    commands.push(text);
    const hit = replies.find(([re]) => re.test(text));
    return { kind: "exited", exitCode: 0, stdout: "", stderr: "", ...(hit ? hit[1] : { exitCode: 1 }) };
  };
  const conn = {
    host: "fake",
    user: "root",
    run: answer,
    get: async (p: string) => (p in files ? Buffer.from(files[p] as string) : null),
    put: async () => undefined,
    stat: async () => null,
  } as unknown as Connection;
  const ctx: TaskHost = {
    host: "fake",
    conn,
    check,
    vars: {},
    redact: new Redactor(),
    run: answer,
    findFile: (_kind, name) => name,
    renderTemplateFile: async () => "",
  };
  return { ctx, commands };
}

/** Fails unless every simple command that carries `name` as a word has `--` before it. */
function assertOperand(commands: readonly string[], name: string): void {
  let seen = 0;
  for (const text of commands) {
    let words: string[] = [];
    for (const token of [...parse(text), { op: ";" }]) {
      if (typeof token === "string") {
        words.push(token);
        continue;
      }
      const at = words.indexOf(name);
      if (at >= 0) {
        seen += 1;
        assert.ok(words.slice(0, at).includes("--"), `\`${name}\` is not after -- in: ${text}`);
      }
      words = [];
    }
  }
  assert.ok(seen > 0, `no command carried ${name}: ${commands.join(" | ")}`);
}

function failedWith(r: TaskResult, pattern: RegExp): void {
  assert.equal(r.status, "failed", JSON.stringify(r));
  assert.match(r.status === "failed" ? r.error : "", pattern);
}

describe("sysctl", () => {
  const file = "/etc/gbc-test.conf";

  it("reads the live value from /proc/sys, so check mode runs nothing that could write", async () => {
    const { ctx, commands } = fakeHost([[/\/proc\/sys\/net\/ipv4\/ip_forward/, { stdout: "0\n" }]], {}, true);
    const r = await invokeModule("sysctl", { name: "net.ipv4.ip_forward", value: 1, sysctl_file: file }, ctx);
    assert.equal(r.status, "changed", JSON.stringify(r));
    assert.equal(commands.length, 1);
    assert.deepEqual(parse(commands[0] as string).slice(-2), ["--", "/proc/sys/net/ipv4/ip_forward"]);
    assert.ok(!/\bsysctl\b/.test(commands[0] as string), commands[0]);
  });

  it("reads a slash-form name as written, so a dot inside an interface name stays a dot", async () => {
    const { ctx, commands } = fakeHost([[/forwarding/, { stdout: "1\n" }]], {}, true);
    await invokeModule("sysctl", { name: "net/ipv4/conf/eth0.1/forwarding", value: 1, sysctl_file: file }, ctx);
    assert.match(commands[0] as string, /\/proc\/sys\/net\/ipv4\/conf\/eth0\.1\/forwarding$/);
  });

  it("sets the live value with the name after --", async () => {
    const { ctx, commands } = fakeHost([
      [/\/proc\/sys\//, { stdout: "0\n" }],
      [/^sysctl /, {}],
    ]);
    const r = await invokeModule("sysctl", { name: "net.ipv4.ip_forward", value: 1, sysctl_file: file }, ctx);
    assert.equal(r.status, "changed", JSON.stringify(r));
    assert.deepEqual(parse(commands[1] as string), ["sysctl", "-w", "--", "net.ipv4.ip_forward=1"]);
  });

  for (const name of [
    "kernel.ostype=x",
    "net.ipv4.ip_forward\nkernel.sysrq=1",
    "net.ipv4 ip_forward",
    "net/../../etc/shadow",
    "-w",
    "",
  ]) {
    it(`refuses the name ${JSON.stringify(name)} before anything runs`, async () => {
      const { ctx, commands } = fakeHost([[/./, { stdout: "0\n" }]], {}, true);
      failedWith(
        await invokeModule("sysctl", { name, value: 1, sysctl_file: file }, ctx),
        /invalid arguments for sysctl: name: .*sysctl key/s,
      );
      assert.deepEqual(commands, []);
    });
  }
});

describe("group", () => {
  it("passes the name after -- to getent and groupadd", async () => {
    const { ctx, commands } = fakeHost([[/^groupadd /, {}]]);
    assert.equal((await invokeModule("group", { name: "gocd", gid: 1500 }, ctx)).status, "changed");
    assert.ok(
      commands.some((c) => c.startsWith("groupadd")),
      commands.join(" | "),
    );
    assertOperand(commands, "gocd");
  });

  it("passes the name after -- to groupmod and groupdel", async () => {
    const line = { stdout: "gocd:x:1400:\n" };
    const mod = fakeHost([
      [/^getent group/, line],
      [/^groupmod /, {}],
    ]);
    assert.equal((await invokeModule("group", { name: "gocd", gid: 1500 }, mod.ctx)).status, "changed");
    assertOperand(mod.commands, "gocd");
    const del = fakeHost([
      [/^getent group/, line],
      [/^groupdel /, {}],
    ]);
    assert.equal((await invokeModule("group", { name: "gocd", state: "absent" }, del.ctx)).status, "changed");
    assertOperand(del.commands, "gocd");
  });

  it("refuses a name that starts with - before anything runs", async () => {
    const { ctx, commands } = fakeHost([]);
    failedWith(
      await invokeModule("group", { name: "--help" }, ctx),
      /invalid arguments for group: name: .*not starting with '-'/,
    );
    assert.deepEqual(commands, []);
  });
});

describe("user", () => {
  it("passes the name after -- to getent and useradd", async () => {
    const { ctx, commands } = fakeHost([[/^useradd /, {}]]);
    assert.equal((await invokeModule("user", { name: "go", shell: "/bin/bash" }, ctx)).status, "changed");
    assertOperand(commands, "go");
  });

  it("passes the name after -- to id, getent shadow and usermod", async () => {
    const { ctx, commands } = fakeHost([
      [/^getent passwd/, { stdout: "go:x:1500:1500::/var/go:/bin/sh\n" }],
      [/^id /, { stdout: "go\ngo\n\n" }],
      [/^usermod /, {}],
    ]);
    assert.equal((await invokeModule("user", { name: "go", shell: "/bin/bash" }, ctx)).status, "changed");
    assert.ok(
      commands.some((c) => c.startsWith("usermod")),
      commands.join(" | "),
    );
    assertOperand(commands, "go");
  });

  it("refuses a name that starts with - before anything runs", async () => {
    const { ctx, commands } = fakeHost([]);
    failedWith(await invokeModule("user", { name: "-oroot" }, ctx), /invalid arguments for user: name/);
    assert.deepEqual(commands, []);
  });
});

describe("service", () => {
  it("passes the unit after -- to systemctl", async () => {
    const { ctx, commands } = fakeHost([
      [/^test -d \/run\/systemd\/system/, {}],
      [/is-active/, { exitCode: 3, stdout: "inactive\n" }],
      [/is-enabled/, { exitCode: 1, stdout: "disabled\n" }],
      [/^systemctl (start|enable) /, {}],
    ]);
    assert.equal(
      (await invokeModule("service", { name: "go-server", state: "started", enabled: true }, ctx)).status,
      "changed",
    );
    assert.equal(commands.filter((c) => / go-server$/.test(c)).length, 4, commands.join(" | "));
    assertOperand(commands, "go-server");
  });

  it("refuses a name update-rc.d or an init script path would misread, before anything runs", async () => {
    for (const name of ["-f", "../../tmp/x", "a b"]) {
      const { ctx, commands } = fakeHost([]);
      failedWith(await invokeModule("service", { name, state: "started" }, ctx), /invalid arguments for service: name/);
      assert.deepEqual(commands, []);
    }
  });
});

describe("mount", () => {
  it("passes the mount point after -- to mkdir, mount and umount", async () => {
    const mounted = fakeHost([[/^(mkdir|mount) /, {}]], { "/etc/fstab": "", "/proc/self/mounts": "" });
    const args = { path: "/mnt/share", src: "share:/srv", fstype: "fuse.sshfs", opts: "ro" };
    assert.equal((await invokeModule("mount", args, mounted.ctx)).status, "changed");
    assertOperand(mounted.commands, "/mnt/share");
    const live = { "/etc/fstab": "", "/proc/self/mounts": "share:/srv /mnt/share fuse.sshfs ro 0 0\n" };
    const unmounted = fakeHost([[/^umount /, {}]], live);
    assert.equal(
      (await invokeModule("mount", { path: "/mnt/share", state: "unmounted" }, unmounted.ctx)).status,
      "changed",
    );
    assertOperand(unmounted.commands, "/mnt/share");
  });
});

describe("file", () => {
  it("refuses a path that starts with -, which find would read as an expression", () => {
    const issues = validateModuleArgs(
      "file",
      { path: "-delete", recurse: true, mode: "0644", state: "directory" },
      { rendered: true },
    );
    assert.match(issues.map((i) => i.message).join("; "), /not starting with '-'/);
  });
});
