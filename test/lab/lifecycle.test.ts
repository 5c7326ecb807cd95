// The lab's own life cycle, run last among the lab tests: `up` keeps a running lab, repairs a broken host,
// scales out for benchmarks; `down` leaves nothing behind. It ends with the lab up, as it found it.
import { test } from "node:test";
import "./fresh-lab.js";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { execFileSync } from "node:child_process";
import { labDown, labStatus, labUp } from "../../src/lab/lab.js";
import { listLabNetns, netnsPids, NETNS_PREFIX } from "../../src/lab/network.js";
import { CORE_HOSTS, LAB_NET, labPaths } from "../../src/lab/topology.js";
import { ok } from "./lab-access.js";

/** Every mount in every process's view whose source or target belongs to the lab. */
async function labMounts(): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir("/proc")).filter((p) => /^\d+$/.test(p))) {
    try {
      const info = await readFile(`/proc/${pid}/mountinfo`, "utf8");
      for (const line of info.split("\n")) if (/gocd-bc-lab/.test(line)) found.push(`${pid}: ${line}`);
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

test("a second `up` leaves every running host alone", async () => {
  await labUp({ extra: 0 });
  const outcomes = await labUp();
  assert.deepEqual(
    outcomes.map((o) => o.action),
    CORE_HOSTS.map(() => "kept"),
  );
});

test("`up` repairs a host whose processes died, and only that host", async () => {
  const sshdStart = "ps -o lstart= -p 1";
  const before = await ok("db-standby", sshdStart);
  for (const pid of await netnsPids(`${NETNS_PREFIX}share`)) process.kill(pid, "SIGKILL");
  const outcomes = await labUp();
  const changed = outcomes.filter((o) => o.action !== "kept").map((o) => `${o.host.name}:${o.action}`);
  assert.deepEqual(changed, ["share:repaired"]);
  assert.equal((await ok("share", "hostname")).trim(), "share");
  assert.equal(await ok("db-standby", sshdStart), before, "an untouched host was restarted");
});

test("`up --hosts 50` adds fifty answering hosts and `up --hosts 0` removes them", async () => {
  await labUp({ extra: 50 });
  const status = await labStatus();
  assert.equal(status?.length, CORE_HOSTS.length + 50);
  assert.deepEqual(
    status?.filter((s) => !s.answers),
    [],
  );
  const inventory = await readFile(labPaths().inventory, "utf8");
  assert.match(inventory, /bench050:\n\s+ansible_host: 198\.18\.0\.150/);
  await labUp({ extra: 0 });
  assert.equal((await listLabNetns()).length, CORE_HOSTS.length);
});

test("`down` leaves no namespace, process, mount, link or directory behind; `up` brings it all back", async () => {
  // A number no other process on the controller would sleep for, so only the host's own sleeper matches.
  const sleeper = `sleep ${300 + (process.pid % 1000)}.${Date.now() % 1000}`;
  await ok("db-primary", `${sleeper} >/dev/null 2>&1 &`);
  await labDown();
  assert.deepEqual(await listLabNetns(), []);
  assert.deepEqual(await labMounts(), []);
  const links = execFileSync("ip", ["-o", "link", "show"], { encoding: "utf8" });
  assert.doesNotMatch(links, new RegExp(`${LAB_NET.bridge}|gbcv\\d`));
  const procs = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" });
  assert.ok(!procs.includes(sleeper), `the host's ${sleeper} outlived lab down`);
  assert.doesNotMatch(procs, /gocd-bc-lab/);
  assert.equal(existsSync(labPaths().root), false);
  await labUp();
  const status = await labStatus();
  assert.deepEqual(
    status?.map((s) => s.answers),
    CORE_HOSTS.map(() => true),
  );
});
