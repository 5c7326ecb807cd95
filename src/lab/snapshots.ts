// Snapshots of the whole lab: every host's disk saved under a name and brought back in seconds, so a test
// (or an operator rehearsing a failover again) starts from a provisioned pair without provisioning it.
// A snapshot is taken of hosts stopped cleanly (databases shut down, nothing half-written), so a restored
// host boots as after a clean shutdown, never into crash recovery.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { LabError, mapLimit, run } from "./exec.js";
import { destroyHost, type BootContext, type LabInit } from "./host.js";
import { applyFault, isPartitioned, isRunning } from "./faults.js";
import { writeAtomic } from "./keys.js";
import type { LabHost } from "./topology.js";

/** A snapshot's record of the lab it was taken of: restoring into another shape of lab is refused. */
export interface SnapshotRecord {
  readonly takenAt: string;
  readonly extraHosts: number;
  /** GoCD agents in all; 1 in a record written before the lab could have more. */
  readonly agents?: number;
  readonly init: LabInit;
  /** The hosts that were running when it was taken: the ones a restore boots. */
  readonly running: readonly string[];
}

/** What `snapshot` or `restore` did to one host. */
export type SnapshotOutcome = { readonly host: LabHost; readonly running: boolean };

/** What the snapshot functions need to know of the lab. */
export interface SnapshotLab {
  readonly root: string;
  readonly hosts: readonly LabHost[];
  readonly extraHosts: number;
  readonly agents: number;
  readonly init: LabInit;
  readonly hostDir: (name: string) => string;
  readonly boot: (h: LabHost) => BootContext;
}

/** Names that are safe as one path component and readable in a listing. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Hosts stopped, copied or booted at once. */
const PARALLEL = 8;

function snapshotsDir(root: string): string {
  return path.join(root, "snapshots");
}

function checkName(name: string): void {
  if (!NAME.test(name)) {
    throw new LabError(
      `snapshot name ${JSON.stringify(name)}: expected letters, digits, '.', '_' or '-' (at most 64, not starting with '.' or '-')`,
    );
  }
}

/** The names of the lab's snapshots, sorted. */
export async function listSnapshots(root: string): Promise<string[]> {
  const dir = snapshotsDir(root);
  if (!existsSync(dir)) return [];
  return (await readdir(dir)).filter((n) => NAME.test(n) && existsSync(path.join(dir, n, "snapshot.json"))).sort();
}

/** Copies a directory tree as it is: owners, modes, links, devices (overlay whiteouts) and xattrs. */
async function copyTree(from: string, to: string): Promise<void> {
  await run("cp", ["-a", "--reflink=auto", "--", from, to], { timeoutMs: 600_000 });
}

/** Saves every host's disk as NAME: running hosts are stopped cleanly, copied, and booted again. */
export async function takeSnapshot(lab: SnapshotLab, name: string): Promise<SnapshotOutcome[]> {
  checkName(name);
  const cut = [];
  for (const h of lab.hosts) if (await isPartitioned(h)) cut.push(h.name);
  if (cut.length)
    throw new LabError(`partitioned: ${cut.join(", ")}; run \`gocd-bc lab heal ${cut.join(" ")}\` before a snapshot`);
  const running = lab.hosts.filter(isRunning);
  const partial = path.join(snapshotsDir(lab.root), `.partial-${randomBytes(6).toString("hex")}`);
  await mkdir(partial, { recursive: true });
  try {
    await mapLimit(running, PARALLEL, (h) => applyFault("stop", h, lab.boot(h)));
    await mapLimit(lab.hosts, PARALLEL, async (h) => {
      const upper = path.join(lab.hostDir(h.name), "disk", "upper");
      if (existsSync(upper)) await copyTree(upper, path.join(partial, h.name));
    });
    const record: SnapshotRecord = {
      takenAt: new Date().toISOString(),
      extraHosts: lab.extraHosts,
      agents: lab.agents,
      init: lab.init,
      running: running.map((h) => h.name),
    };
    await writeAtomic(path.join(partial, "snapshot.json"), JSON.stringify(record, null, 2) + "\n");
    await replaceDir(partial, path.join(snapshotsDir(lab.root), name));
  } catch (err) {
    await rm(partial, { recursive: true, force: true });
    throw err;
  } finally {
    await mapLimit(running, PARALLEL, (h) => applyFault("start", h, lab.boot(h)));
  }
  return lab.hosts.map((h) => ({ host: h, running: running.includes(h) }));
}

/** Puts `from` where `to` is, removing an older `to` only once the new one is in place. */
async function replaceDir(from: string, to: string): Promise<void> {
  const old = `${to}.old-${randomBytes(6).toString("hex")}`;
  const hadOld = existsSync(to);
  if (hadOld) await rename(to, old);
  await rename(from, to);
  if (hadOld) await rm(old, { recursive: true, force: true });
}

async function readRecord(root: string, name: string): Promise<SnapshotRecord> {
  checkName(name);
  const file = path.join(snapshotsDir(root), name, "snapshot.json");
  if (!existsSync(file)) {
    const known = await listSnapshots(root);
    throw new LabError(
      `no lab snapshot ${name}; ${known.length ? `the snapshots are ${known.join(", ")}` : "there are none (`gocd-bc lab snapshot NAME`)"}`,
    );
  }
  return JSON.parse(await readFile(file, "utf8")) as SnapshotRecord;
}

/** Brings every host back to snapshot NAME: each host is powered off, its disk replaced by the saved one,
 * and the hosts that ran when it was taken are booted. */
export async function restoreSnapshot(lab: SnapshotLab, name: string): Promise<SnapshotOutcome[]> {
  const record = await readRecord(lab.root, name);
  const agents = record.agents ?? 1;
  if (record.extraHosts !== lab.extraHosts || agents !== lab.agents || record.init !== lab.init) {
    throw new LabError(
      `snapshot ${name} is of a lab with ${record.extraHosts} bench hosts, ${agents} agents and ${record.init} core hosts; ` +
        `this lab has ${lab.extraHosts}, ${lab.agents} and ${lab.init}: \`gocd-bc lab down\`, then ` +
        `\`lab up --hosts ${record.extraHosts} --agents ${agents} --init ${record.init}\``,
    );
  }
  const saved = path.join(snapshotsDir(lab.root), name);
  // Whatever the hosts do now is thrown away, so there is nothing to stop cleanly: cut the power.
  await mapLimit(lab.hosts, PARALLEL, (h) => destroyHost(h));
  await mapLimit(lab.hosts, PARALLEL, async (h) => {
    const disk = path.join(lab.hostDir(h.name), "disk");
    const gone = `${disk}.discard-${randomBytes(6).toString("hex")}`;
    if (existsSync(disk)) await rename(disk, gone);
    await mkdir(disk, { recursive: true });
    if (existsSync(path.join(saved, h.name))) await copyTree(path.join(saved, h.name), path.join(disk, "upper"));
    await rm(gone, { recursive: true, force: true });
  });
  const boot = lab.hosts.filter((h) => record.running.includes(h.name));
  await mapLimit(boot, PARALLEL, (h) => applyFault("start", h, lab.boot(h)));
  return lab.hosts.map((h) => ({ host: h, running: boot.includes(h) }));
}
