// Timelines of the system modules on real lab hosts (agent1, share): check -> changed with a diff and the
// host untouched; apply -> changed; apply again -> ok with its reason. Each test undoes what it made.
import { after, test } from "node:test";
import "./fresh-sshd-lab.js";
import assert from "node:assert/strict";
import type { TaskResult } from "../../src/modules/contract.js";
import { closeLabConnections, runModule } from "./module-harness.js";
import { ok, sh } from "./lab-access.js";

const A = "agent1";
after(closeLabConnections);

/** Asserts a changed result and returns it narrowed. */
function changed(r: TaskResult): Extract<TaskResult, { status: "changed" }> {
  assert.equal(r.status, "changed", JSON.stringify(r));
  return r as Extract<TaskResult, { status: "changed" }>;
}

/** Asserts an ok result whose reason matches. */
function okBecause(r: TaskResult, reason: RegExp): void {
  assert.equal(r.status, "ok", JSON.stringify(r));
  assert.match((r as Extract<TaskResult, { status: "ok" }>).reason, reason);
}

const LOCAL_APT = [
  "echo 'deb [trusted=yes] file:/srv/gocd-bc-apt ./' > /etc/apt/sources.list.d/gocd-bc-test.list",
  "apt-get update -q -o Dir::Etc::sourcelist=sources.list.d/gocd-bc-test.list -o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0 >/dev/null",
].join(" && ");
const installed = async (pkg: string) =>
  (await sh(A, `dpkg-query -W -f '\${db:Status-Abbrev}' ${pkg} 2>/dev/null`)).stdout.startsWith("ii");
const agentRunning = async () => (await sh(A, "/etc/init.d/go-agent status")).code === 0;

test("apt, package and service: go-agent from the local repository, installed, started, disabled, stopped, removed", async () => {
  await ok(
    A,
    `${LOCAL_APT} && (dpkg-query -W go-agent >/dev/null 2>&1 && apt-get purge -y -q go-agent >/dev/null; true)`,
  );
  const args = { name: "go-agent", state: "present" };
  const check = changed(await runModule(A, "apt", args, { check: true }));
  assert.match(check.diff[0]?.before ?? "", /go-agent: \(not installed\)/);
  assert.match(check.diff[0]?.after ?? "", /go-agent: 25\.1\.0-standin/);
  assert.equal(await installed("go-agent"), false, "check mode installed the package");
  changed(await runModule(A, "apt", args));
  assert.equal(await installed("go-agent"), true);
  okBecause(await runModule(A, "apt", args), /go-agent: already present/);
  okBecause(await runModule(A, "apt", { name: ["go-agent"], state: "latest" }), /already latest/);
  okBecause(await runModule(A, "package", { name: "go-agent" }), /already present/);
  okBecause(
    await runModule(A, "apt", { update_cache: true, cache_valid_time: 3600 }),
    /apt cache is \d+s old \(valid for 3600s\)/,
  );
  assert.equal((await runModule(A, "apt", { name: "no-such-package-gbc" })).status, "failed");

  const start = { name: "go-agent", state: "started", enabled: true };
  const sCheck = changed(await runModule(A, "service", start, { check: true }));
  assert.match(sCheck.summary, /start go-agent \(sysv\)/);
  assert.deepEqual(
    [sCheck.diff[0]?.before, sCheck.diff[0]?.after],
    ["state: stopped\nenabled: yes\n", "state: running\nenabled: yes\n"],
  );
  assert.equal(await agentRunning(), false, "check mode started the service");
  changed(await runModule(A, "service", start));
  assert.equal(await agentRunning(), true);
  okBecause(await runModule(A, "service", start), /go-agent is running and enabled at boot \(sysv\)/);

  const disable = { name: "go-agent", enabled: false };
  changed(await runModule(A, "service", disable, { check: true }));
  assert.match(await ok(A, "ls /etc/rc2.d"), /S\d\dgo-agent/);
  changed(await runModule(A, "service", disable));
  assert.doesNotMatch(await ok(A, "ls /etc/rc2.d"), /S\d\dgo-agent/);
  okBecause(await runModule(A, "service", disable), /disabled at boot/);
  changed(await runModule(A, "service", { name: "go-agent", state: "restarted" }));
  assert.equal(await agentRunning(), true);

  const stop = { name: "go-agent", state: "stopped" };
  changed(await runModule(A, "service", stop, { check: true }));
  assert.equal(await agentRunning(), true, "check mode stopped the service");
  changed(await runModule(A, "service", stop));
  assert.equal(await agentRunning(), false);
  okBecause(await runModule(A, "service", stop), /go-agent is stopped/);
  assert.match(
    ((await runModule(A, "service", { name: "no-such-service-gbc", state: "started" })) as { error?: string }).error ??
      "",
    /no init script/,
  );

  const absent = { name: "go-agent", state: "absent", purge: true };
  changed(await runModule(A, "apt", absent, { check: true }));
  assert.equal(await installed("go-agent"), true, "check mode removed the package");
  changed(await runModule(A, "apt", absent));
  assert.equal(await installed("go-agent"), false);
  okBecause(await runModule(A, "apt", absent), /go-agent: already absent/);
  await ok(A, "rm -f /etc/apt/sources.list.d/gocd-bc-test.list");
});

test("sysctl: net.ipv4.ip_nonlocal_bind in a sysctl.d file and in agent1's network namespace", async (t) => {
  const file = "/etc/sysctl.d/90-gbc-modtest.conf";
  t.after(() => sh(A, `rm -f ${file}; sysctl -qw net.ipv4.ip_nonlocal_bind=0`));
  await ok(A, `rm -f ${file}; sysctl -qw net.ipv4.ip_nonlocal_bind=0`);
  const args = { name: "net.ipv4.ip_nonlocal_bind", value: 1, sysctl_file: file };
  const check = changed(await runModule(A, "sysctl", args, { check: true }));
  assert.deepEqual(
    check.diff.map((d) => [d.path, d.after]),
    [
      [file, "net.ipv4.ip_nonlocal_bind=1\n"],
      ["kernel net.ipv4.ip_nonlocal_bind", "1\n"],
    ],
  );
  assert.equal((await ok(A, "sysctl -n net.ipv4.ip_nonlocal_bind")).trim(), "0");
  assert.equal((await sh(A, `test -e ${file}`)).code, 1, "check mode wrote the file");
  changed(await runModule(A, "sysctl", args));
  assert.equal((await ok(A, "sysctl -n net.ipv4.ip_nonlocal_bind")).trim(), "1");
  assert.equal(await ok(A, `cat ${file}`), "net.ipv4.ip_nonlocal_bind=1\n");
  okBecause(await runModule(A, "sysctl", args), /net\.ipv4\.ip_nonlocal_bind is 1 in .* and in the kernel/);
  await ok(A, "sysctl -qw net.ipv4.ip_nonlocal_bind=0");
  assert.match(
    changed(await runModule(A, "sysctl", args)).summary,
    /^set net\.ipv4\.ip_nonlocal_bind=1 in the kernel$/,
  );
  const absent = { name: "net.ipv4.ip_nonlocal_bind", state: "absent", sysctl_file: file };
  changed(await runModule(A, "sysctl", absent));
  assert.equal(await ok(A, `cat ${file}`), "");
  okBecause(await runModule(A, "sysctl", absent), /is not set in/);
  assert.equal(
    (await runModule(A, "sysctl", { name: "net.no.such.key", value: 1, sysctl_file: file })).status,
    "failed",
  );
});

test("sysctl: a name carrying = or a line break is refused, and the kernel value stays, in check mode too", async (t) => {
  const file = "/etc/sysctl.d/90-gbc-modtest.conf";
  t.after(() => sh(A, `rm -f ${file}; sysctl -qw net.ipv4.ip_nonlocal_bind=0`));
  await ok(A, `rm -f ${file}; sysctl -qw net.ipv4.ip_nonlocal_bind=0`);
  for (const name of ["net.ipv4.ip_nonlocal_bind=1", "net.ipv4.ip_forward\nnet.ipv4.ip_nonlocal_bind=1"]) {
    for (const check of [true, false]) {
      const r = await runModule(A, "sysctl", { name, value: 0, sysctl_file: file }, { check });
      assert.equal(r.status, "failed", JSON.stringify(r));
      assert.equal(
        (await ok(A, "sysctl -n net.ipv4.ip_nonlocal_bind")).trim(),
        "0",
        `${JSON.stringify(name)} changed the kernel (check: ${check})`,
      );
    }
  }
  assert.equal((await sh(A, `test -e ${file}`)).code, 1, "a refused name wrote the file");
  const slashes = changed(
    await runModule(A, "sysctl", { name: "net/ipv4/ip_nonlocal_bind", value: 1, sysctl_file: file }, { check: true }),
  );
  assert.deepEqual(
    slashes.diff.map((d) => [d.path, d.before]),
    [
      [file, ""],
      ["kernel net.ipv4.ip_nonlocal_bind", "0\n"],
    ],
  );
  assert.equal((await ok(A, "sysctl -n net.ipv4.ip_nonlocal_bind")).trim(), "0", "check mode changed the kernel");
});

test("group and user: created, changed, removed", async (t) => {
  t.after(() =>
    sh(A, "userdel -r gbcmod 2>/dev/null; groupdel gbcmod 2>/dev/null; groupdel gbcmod2 2>/dev/null; true"),
  );
  await ok(A, "userdel -r gbcmod 2>/dev/null; groupdel gbcmod 2>/dev/null; true");
  const group = { name: "gbcmod", gid: 4711 };
  changed(await runModule(A, "group", group, { check: true }));
  assert.equal((await sh(A, "getent group gbcmod")).code, 2, "check mode added the group");
  changed(await runModule(A, "group", group));
  assert.match(await ok(A, "getent group gbcmod"), /^gbcmod:x:4711:/);
  okBecause(await runModule(A, "group", group), /group gbcmod exists with gid 4711/);

  const user = {
    name: "gbcmod",
    uid: 4711,
    group: "gbcmod",
    groups: ["users"],
    shell: "/bin/sh",
    home: "/home/gbcmod",
  };
  const check = changed(await runModule(A, "user", user, { check: true }));
  assert.match(check.diff[0]?.after ?? "", /uid: 4711/);
  assert.equal((await sh(A, "getent passwd gbcmod")).code, 2, "check mode added the user");
  changed(await runModule(A, "user", user));
  assert.match(await ok(A, "getent passwd gbcmod"), /^gbcmod:x:4711:4711::\/home\/gbcmod:\/bin\/sh$/m);
  assert.equal((await ok(A, "id -Gn gbcmod")).trim(), "gbcmod users");
  assert.equal((await sh(A, "test -d /home/gbcmod")).code, 0, "create_home defaults to yes");
  okBecause(await runModule(A, "user", user), /user gbcmod exists as wanted \(uid 4711\)/);
  const bash = changed(await runModule(A, "user", { ...user, shell: "/bin/bash" }));
  assert.deepEqual([bash.diff[0]?.before, bash.diff[0]?.after], ["shell: /bin/sh\n", "shell: /bin/bash\n"]);
  okBecause(await runModule(A, "user", { name: "gbcmod", groups: [], append: true }), /exists as wanted/);

  changed(await runModule(A, "user", { name: "gbcmod", state: "absent", remove: true }, { check: true }));
  assert.equal((await sh(A, "getent passwd gbcmod")).code, 0, "check mode removed the user");
  changed(await runModule(A, "user", { name: "gbcmod", state: "absent", remove: true }));
  assert.equal((await sh(A, "getent passwd gbcmod")).code, 2);
  okBecause(await runModule(A, "user", { name: "gbcmod", state: "absent" }), /user gbcmod does not exist/);
  // userdel removed the user's own group too (USERGROUPS_ENAB), so group removal is shown on another group.
  await ok(A, "getent group gbcmod2 >/dev/null || groupadd gbcmod2");
  changed(await runModule(A, "group", { name: "gbcmod2", state: "absent" }, { check: true }));
  assert.equal((await sh(A, "getent group gbcmod2")).code, 0, "check mode removed the group");
  changed(await runModule(A, "group", { name: "gbcmod2", state: "absent" }));
  okBecause(await runModule(A, "group", { name: "gbcmod2", state: "absent" }), /group gbcmod2 does not exist/);
});

test("group and user: a name that reads as an option is refused, not handed to getent or groupadd as --help", async () => {
  for (const [module, name] of [
    ["group", "--help"],
    ["user", "--help"],
    ["group", "-r"],
  ] as const) {
    const r = await runModule(A, module, { name });
    assert.equal(r.status, "failed", `${module} ${name}: ${JSON.stringify(r)}`);
    assert.match((r as { error?: string }).error ?? "", /not starting with '-'/);
  }
  assert.equal((await sh(A, "getent group -- -r")).code, 2, "a group named -r was made");
});

test("mount: an sshfs share from the share host, remounted when its source changes; the NFS entry written, its mount refused", async (t) => {
  const fstab = "/etc/fstab.gbc-modtest";
  t.after(async () => {
    await sh(A, `umount /mnt/gbc-mod 2>/dev/null; rm -f ${fstab}; rmdir /mnt/gbc-mod /mnt/gbc-nfs 2>/dev/null; true`);
    await sh("share", "rm -rf /srv/gbc-mod-a /srv/gbc-mod-b");
  });
  await ok(
    "share",
    "mkdir -p /srv/gbc-mod-a /srv/gbc-mod-b && echo a > /srv/gbc-mod-a/which && echo b > /srv/gbc-mod-b/which",
  );
  const pub = await ok(
    A,
    "test -e /root/.ssh/id_ed25519 || ssh-keygen -q -t ed25519 -N '' -f /root/.ssh/id_ed25519; cat /root/.ssh/id_ed25519.pub",
  );
  await ok(
    "share",
    `grep -qF '${pub.trim()}' /root/.ssh/authorized_keys 2>/dev/null || echo '${pub.trim()}' >> /root/.ssh/authorized_keys`,
  );
  await ok(
    A,
    "grep -q '^share ' /root/.ssh/known_hosts 2>/dev/null || ssh-keyscan -t ed25519 share >> /root/.ssh/known_hosts 2>/dev/null",
  );
  await ok(A, `rm -f ${fstab}; touch ${fstab}`);

  const args = {
    path: "/mnt/gbc-mod",
    src: "root@share:/srv/gbc-mod-a",
    fstype: "fuse.sshfs",
    opts: "IdentityFile=/root/.ssh/id_ed25519,StrictHostKeyChecking=yes",
    state: "mounted",
    fstab,
  };
  const line =
    "root@share:/srv/gbc-mod-a /mnt/gbc-mod fuse.sshfs IdentityFile=/root/.ssh/id_ed25519,StrictHostKeyChecking=yes 0 0\n";
  const check = changed(await runModule(A, "mount", args, { check: true }));
  assert.deepEqual([check.diff[0]?.before, check.diff[0]?.after], ["", line]);
  assert.equal(await ok(A, `cat ${fstab}`), "", "check mode wrote fstab");
  assert.equal((await sh(A, "grep -q ' /mnt/gbc-mod ' /proc/mounts")).code, 1, "check mode mounted");
  changed(await runModule(A, "mount", args));
  assert.equal(await ok(A, `cat ${fstab}`), line);
  assert.equal((await ok(A, "cat /mnt/gbc-mod/which")).trim(), "a");
  okBecause(await runModule(A, "mount", args), /\/mnt\/gbc-mod is mounted from root@share:\/srv\/gbc-mod-a/);

  const moved = { ...args, src: "root@share:/srv/gbc-mod-b" };
  assert.match(
    changed(await runModule(A, "mount", moved)).summary,
    /remount \/mnt\/gbc-mod from root@share:\/srv\/gbc-mod-b/,
  );
  assert.equal((await ok(A, "cat /mnt/gbc-mod/which")).trim(), "b");
  okBecause(await runModule(A, "mount", moved), /is mounted from root@share:\/srv\/gbc-mod-b/);

  changed(await runModule(A, "mount", { path: "/mnt/gbc-mod", state: "unmounted", fstab }));
  okBecause(await runModule(A, "mount", { path: "/mnt/gbc-mod", state: "unmounted", fstab }), /is not mounted/);
  changed(await runModule(A, "mount", { path: "/mnt/gbc-mod", state: "absent", fstab }));
  assert.equal(await ok(A, `cat ${fstab}`), "");
  okBecause(await runModule(A, "mount", { path: "/mnt/gbc-mod", state: "absent", fstab }), /neither in .* nor mounted/);

  const nfs = {
    path: "/mnt/gbc-nfs",
    src: "share:/export/artifacts",
    fstype: "nfs4",
    opts: "hard,vers=4.1,_netdev",
    state: "present",
    fstab,
  };
  changed(await runModule(A, "mount", nfs, { check: true }));
  assert.equal(await ok(A, `cat ${fstab}`), "");
  changed(await runModule(A, "mount", nfs));
  assert.equal(await ok(A, `cat ${fstab}`), "share:/export/artifacts /mnt/gbc-nfs nfs4 hard,vers=4.1,_netdev 0 0\n");
  okBecause(await runModule(A, "mount", nfs), /has the entry for \/mnt\/gbc-nfs/);
  const refused = await runModule(A, "mount", { ...nfs, state: "mounted" });
  assert.equal(refused.status, "failed");
  assert.match((refused as { error: string }).error, /no NFS client support \(nfs4 is not in \/proc\/filesystems/);
});
