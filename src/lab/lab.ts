// `gocd-bc lab up | down | status`: the embedded lab's life cycle, built from the pieces beside this file.
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { mapLimit, run, succeeds, LabError } from "./exec.js";
import {
  bootHost,
  destroyHost,
  LAB_CGROUP_ROOT,
  probeHost,
  removeCgroup,
  waitForSsh,
  type BootContext,
  type LabInit,
} from "./host.js";
import { ensureKeyPair, knownHostsLine, writeAtomic } from "./keys.js";
import { destroyNetns, ensureBridge, listLabNetns, netnsName, removeBridge } from "./network.js";
import { renderInventory } from "./inventory-file.js";
import { BOOT_SCRIPT } from "./boot-script.js";
import { applyFault, isPartitioned, isRunning, type FaultAction, type FaultOutcome } from "./faults.js";
import { listSnapshots, restoreSnapshot, takeSnapshot, type SnapshotLab, type SnapshotOutcome } from "./snapshots.js";
import { buildStandinRepo } from "./standin-packages.js";
import { preflight } from "./preflight.js";
import { extraAgents, CORE_HOSTS, extraHosts, labPaths, LAB_NET, type LabHost } from "./topology.js";

/** Marks a directory as the lab's, so `down` never removes a folder it did not make. */
const MARKER = ".gocd-bc-lab";
/** What a new lab's core hosts run as PID 1: systemd, as production GoCD hosts do (`--init sshd` keeps the
 * roles' other init path tested; bench hosts always run sshd alone, so 50 of them fit in memory). */
export const DEFAULT_CORE_INIT: LabInit = "systemd";
/** Hosts booted at once; each boot is a handful of short `ip` calls and one detached process. */
const BOOT_PARALLELISM = 8;

/** What `up` did to each host. */
export type HostOutcome = { host: LabHost; action: "kept" | "created" | "started" | "repaired"; why?: string };

/** The lab's record of itself, read by `status` and by a later `up`. */
interface LabState {
  extraHosts: number;
  /** GoCD agents in all (agent1 and the extra agents); 1 when unrecorded. */
  agents?: number;
  /** What the core hosts run as PID 1 (bench hosts always run sshd alone); sshd when unrecorded. */
  init?: LabInit;
}

/** What a host of this lab runs as PID 1: bench hosts sshd alone, the others as the core. */
export function initOf(host: LabHost, coreInit: LabInit): LabInit {
  return host.groups.includes("bench") ? "sshd" : coreInit;
}

/** All hosts of a lab with `agents` GoCD agents in all and `extra` bench hosts. */
export function labHosts(extra: number, agents = 1): LabHost[] {
  return [...CORE_HOSTS, ...extraAgents(agents), ...extraHosts(extra)];
}

/** The hosts a recorded lab has. */
const hostsOf = (state: LabState): LabHost[] => labHosts(state.extraHosts, state.agents ?? 1);

async function readState(root: string): Promise<LabState | undefined> {
  const file = path.join(root, "state.json");
  if (!existsSync(file)) return undefined;
  return JSON.parse(await readFile(file, "utf8")) as LabState;
}

/** /etc/hosts for every host: the controller, the VIP and each lab host by name. */
function hostsFile(hosts: readonly LabHost[]): string {
  const lines = ["127.0.0.1 localhost", `${LAB_NET.gatewayIp} controller`, `${LAB_NET.vip} gocd-vip`];
  for (const h of hosts) lines.push(`${h.ip} ${h.name}`);
  return lines.join("\n") + "\n";
}

/** How to boot each host: its folder (with its disk) and the files every host shares. */
function bootContext(paths: ReturnType<typeof labPaths>, coreInit: LabInit): (h: LabHost) => BootContext {
  return (h) => ({
    hostDir: paths.hostDir(h.name),
    init: initOf(h, coreInit),
    bootScript: path.join(paths.root, "boot.sh"),
    aptRepo: paths.aptRepo,
    hostsFile: path.join(paths.root, "etc-hosts"),
    clientPublicKey: paths.publicKey,
  });
}

/** Bring one host to running: keep it when it answers, reconnect it when partitioned, boot it (from its
 * disk, which a stopped or crashed host keeps) otherwise. */
async function ensureHost(host: LabHost, ctx: (h: LabHost) => BootContext): Promise<HostOutcome> {
  if (await isPartitioned(host)) {
    await applyFault("heal", host, ctx(host));
    return { host, action: "repaired", why: "it was partitioned" };
  }
  const state = await probeHost(host);
  if (state.kind === "running") return { host, action: "kept" };
  const hadDisk = existsSync(path.join(ctx(host).hostDir, "disk"));
  await destroyHost(host); // also clears a stale veth left by an interrupted boot
  await bootHost(host, ctx(host));
  if (state.kind === "broken") return { host, action: "repaired", why: state.why };
  return { host, action: hadDisk ? "started" : "created" };
}

/** Create (or repair) the lab; `extra` sets the number of bench hosts and `agents` the number of GoCD agents,
 * or each keeps the current number. */
export async function labUp(opts: { extra?: number; agents?: number; init?: LabInit } = {}): Promise<HostOutcome[]> {
  await preflight({ install: true });
  const paths = labPaths();
  const before = await readState(paths.root);
  const init = opts.init ?? before?.init ?? DEFAULT_CORE_INIT;
  if (before && (before.init ?? "sshd") !== init && existsSync(path.join(paths.root, "ready"))) {
    throw new LabError(
      `the lab's hosts run ${before.init ?? "sshd"}: run \`gocd-bc lab down\` before \`lab up --init ${init}\``,
    );
  }
  await mkdir(paths.hostsDir, { recursive: true });
  await writeFile(path.join(paths.root, MARKER), "made by gocd-bc lab up\n");
  const extra = opts.extra ?? before?.extraHosts ?? 0;
  const agents = opts.agents ?? before?.agents ?? 1;
  const hosts = labHosts(extra, agents);
  await ensureKeyPair(paths.privateKey, "gocd-bc lab");
  await buildStandinRepo(paths.aptRepo);
  await writeAtomic(path.join(paths.root, "boot.sh"), BOOT_SCRIPT, 0o755);
  await writeAtomic(path.join(paths.root, "etc-hosts"), hostsFile(hosts));
  await ensureBridge();
  const wanted = new Set(hosts.map(netnsName));
  for (const ns of await listLabNetns()) if (!wanted.has(ns)) await destroyNetns(ns);
  const ctx = bootContext(paths, init);
  const outcomes = await mapLimit(hosts, BOOT_PARALLELISM, (h) => ensureHost(h, ctx));
  const silent = (await mapLimit(hosts, 16, async (h) => ((await waitForSsh(h.ip, 30_000)) ? null : h))).filter(
    Boolean,
  );
  if (silent.length) {
    const names = silent.map((h) => `${h!.name} (see ${paths.hostDir(h!.name)}/boot.log)`).join(", ");
    throw new LabError(`sshd did not come up on: ${names}`);
  }
  const known = await Promise.all(hosts.map((h) => knownHostsLine(h, paths.hostDir(h.name))));
  await writeAtomic(paths.knownHosts, known.join("\n") + "\n");
  await writeAtomic(paths.inventory, renderInventory(hosts, paths));
  await writeAtomic(
    path.join(paths.root, "state.json"),
    JSON.stringify({ extraHosts: extra, agents, init } satisfies LabState) + "\n",
  );
  await writeFile(path.join(paths.root, "ready"), new Date().toISOString() + "\n");
  return outcomes;
}

/** Remove every lab namespace (and with it every process and mount), the bridge and the lab directory. */
export async function labDown(): Promise<{ removedHosts: number }> {
  await preflight({ needTools: false });
  const namespaces = await listLabNetns();
  await mapLimit(namespaces, BOOT_PARALLELISM, destroyNetns);
  for (const link of (await run("ip", ["-o", "link", "show"])).split("\n")) {
    const name = /^\d+: (gbcv\d+)[@:]/.exec(link)?.[1];
    if (name) await succeeds("ip", ["link", "del", name]); // may vanish by itself with its namespace
  }
  await removeBridge();
  await removeCgroup(LAB_CGROUP_ROOT);
  const root = labPaths().root;
  if (existsSync(path.join(root, MARKER))) await rm(root, { recursive: true, force: true });
  return { removedHosts: namespaces.length };
}

/** Applies a fault action to the named hosts, in parallel; an unknown name is refused before anything. */
export async function labFault(action: FaultAction, names: readonly string[]): Promise<FaultOutcome[]> {
  await preflight({ needTools: false });
  const paths = labPaths();
  const state = await readState(paths.root);
  if (!state) throw new LabError("there is no lab: run `gocd-bc lab up` first");
  const all = hostsOf(state);
  const unknown = names.filter((n) => !all.some((h) => h.name === n));
  if (unknown.length)
    throw new LabError(`no lab host ${unknown.join(", ")}; the hosts are ${all.map((h) => h.name).join(", ")}`);
  if (names.length === 0)
    throw new LabError(`lab ${action} needs at least one host: ${all.map((h) => h.name).join(", ")}`);
  const ctx = bootContext(paths, state.init ?? "sshd");
  return mapLimit(
    all.filter((h) => names.includes(h.name)),
    BOOT_PARALLELISM,
    (h) => applyFault(action, h, ctx(h)),
  );
}

/** The running lab as the snapshot functions see it; refused when there is no lab. */
async function snapshotLab(): Promise<SnapshotLab> {
  await preflight({ needTools: false });
  const paths = labPaths();
  const state = await readState(paths.root);
  if (!state) throw new LabError("there is no lab: run `gocd-bc lab up` first");
  const init = state.init ?? "sshd";
  return {
    root: paths.root,
    hosts: hostsOf(state),
    extraHosts: state.extraHosts,
    agents: state.agents ?? 1,
    init,
    hostDir: paths.hostDir,
    boot: bootContext(paths, init),
  };
}

/** `lab snapshot NAME`: every host's disk saved (running hosts stopped cleanly for it, then booted again). */
export async function labSnapshot(name: string): Promise<SnapshotOutcome[]> {
  return takeSnapshot(await snapshotLab(), name);
}

/** `lab restore NAME`: every host back to the snapshot, running as it ran then. */
export async function labRestore(name: string): Promise<SnapshotOutcome[]> {
  return restoreSnapshot(await snapshotLab(), name);
}

/** The names of the lab's snapshots (none when there is no lab). */
export async function labSnapshots(): Promise<string[]> {
  return listSnapshots(labPaths().root);
}

/** A host's condition for `lab status`: running, stopped (its disk kept) or partitioned. */
export type LabHostState = "running" | "stopped" | "partitioned";

/** One host's line in `lab status`. */
export type HostStatus = { host: LabHost; state: LabHostState; init: LabInit; answers: boolean; detail: string };

/** Log in to every host with the lab key and strict host-key checking, as the runner will. */
export async function labStatus(): Promise<HostStatus[] | undefined> {
  await preflight({ needTools: false });
  const paths = labPaths();
  const state = await readState(paths.root);
  if (!state) return undefined;
  return mapLimit(hostsOf(state), 16, async (host): Promise<HostStatus> => {
    const init = initOf(host, state.init ?? "sshd");
    if (!isRunning(host)) return { host, state: "stopped", init, answers: false, detail: "stopped" };
    if (await isPartitioned(host)) return { host, state: "partitioned", init, answers: false, detail: "partitioned" };
    try {
      const out = await run(
        "ssh",
        [
          "-i",
          paths.privateKey,
          "-o",
          `UserKnownHostsFile=${paths.knownHosts}`,
          "-o",
          "StrictHostKeyChecking=yes",
          "-o",
          "BatchMode=yes",
          "-o",
          "ConnectTimeout=3",
          `root@${host.ip}`,
          "hostname",
        ],
        { timeoutMs: 10_000 },
      );
      return { host, state: "running", init, answers: out.trim() === host.name, detail: `hostname ${out.trim()}` };
    } catch (err) {
      return { host, state: "running", init, answers: false, detail: (err as Error).message.split("\n").pop() ?? "" };
    }
  });
}
