// The lab's hosts are real, separate machines as far as a user can tell: SSH with checked host keys,
// their own hostname, their own filesystem, their own processes.
import { test } from "node:test";
import "./fresh-lab.js";
import assert from "node:assert/strict";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { CORE_HOSTS, labPaths } from "../../src/lab/topology.js";
import { ok, sh } from "./lab-access.js";

test("every host answers over SSH with host-key checking on, under its own hostname", async () => {
  for (const h of CORE_HOSTS) {
    assert.equal((await ok(h, "hostname")).trim(), h.name);
  }
});

test("a host whose key is not in known_hosts is refused", async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "gbc-kh-"));
  const empty = path.join(dir, "known_hosts");
  await writeFile(empty, "");
  const r = await sh("share", "true", { knownHosts: empty });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /Host key verification failed/);
});

test("each host has its own host key, listed in the lab's known_hosts", async () => {
  const lines = (await readFile(labPaths().knownHosts, "utf8")).trim().split("\n");
  const keys = new Set(lines.map((l) => l.split(" ")[2]));
  assert.equal(keys.size, lines.length, "two hosts share a host key");
  for (const h of CORE_HOSTS)
    assert.ok(
      lines.some((l) => l.startsWith(`${h.ip},${h.name} `)),
      `${h.name} missing`,
    );
});

test("hosts have separate filesystems: a file written on one is absent on the others and on the controller", async () => {
  const marker = `/etc/gocd-bc-lab-test-${process.pid}`;
  await ok("gocd-primary", `echo primary > ${marker}`);
  try {
    assert.equal((await ok("gocd-primary", `cat ${marker}`)).trim(), "primary");
    assert.notEqual((await sh("gocd-standby", `test -e ${marker}`)).code, 0);
    await assert.rejects(readFile(marker));
  } finally {
    await ok("gocd-primary", `rm -f ${marker}`);
  }
});

test("hosts have separate process tables: systemd is the first process and no host sees another's", async () => {
  const comm = (await ok("db-primary", "cat /proc/1/comm")).trim();
  assert.equal(comm, "systemd");
  await ok("db-primary", "sleep 30 >/dev/null 2>&1 & echo $! > /tmp/sleeper");
  const other = await ok("db-standby", "ps -eo args");
  assert.doesNotMatch(other, /sleep 30/);
  await ok("db-primary", "kill $(cat /tmp/sleeper)");
});

test("hosts reach each other by name and address on the lab bridge", async () => {
  const r = await ok("agent1", "getent hosts gocd-primary && (exec 3<>/dev/tcp/198.18.0.12/22 && head -c 4 <&3)");
  assert.match(r, /198\.18\.0\.11\s+gocd-primary/);
  assert.match(r, /SSH-/);
});

test("the local apt repository is mounted read-only in every host", async () => {
  const r = await sh("gocd-primary", "touch /srv/gocd-bc-apt/x");
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /Read-only/);
});
