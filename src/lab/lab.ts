// `gocd-bc lab up | down | status`: the embedded lab's life cycle, built from the pieces beside this file.
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { mapLimit, run, succeeds, LabError } from "./exec.js";
import { bootHost, destroyHost, probeHost, waitForSsh, type BootContext } from "./host.js";
import { ensureKeyPair, knownHostsLine, writeAtomic } from "./keys.js";
import { destroyNetns, ensureBridge, listLabNetns, netnsName, removeBridge } from "./network.js";
import { renderInventory } from "./inventory-file.js";
import { BOOT_SCRIPT } from "./boot-script.js";
import { buildStandinRepo } from "./standin-packages.js";
import { preflight } from "./preflight.js";
import { CORE_HOSTS, extraHosts, labPaths, LAB_NET, type LabHost } from "./topology.js";

/** Marks a directory as the lab's, so `down` never removes a folder it did not make. */
const MARKER = ".gocd-bc-lab";
/** Hosts booted at once; each boot is a handful of short `ip` calls and one detached process. */
const BOOT_PARALLELISM = 8;

/** What `up` did to each host. */
export type HostOutcome = { host: LabHost; action: "kept" | "created" | "repaired"; why?: string };

/** The lab's record of itself, read by `status` and by a later `up`. */
interface LabState {
  extraHosts: number;
}

/** All hosts of a lab with `extra` bench hosts. */
export function labHosts(extra: number): LabHost[] {
  return [...CORE_HOSTS, ...extraHosts(extra)];
}

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

/** Bring one host to running: keep it when it answers, rebuild it from scratch otherwise. */
async function ensureHost(host: LabHost, ctx: (h: LabHost) => BootContext): Promise<HostOutcome> {
  const state = await probeHost(host);
  if (state.kind === "running") return { host, action: "kept" };
  await destroyHost(host); // also clears a stale veth left by an interrupted boot
  await bootHost(host, ctx(host));
  return state.kind === "broken" ? { host, action: "repaired", why: state.why } : { host, action: "created" };
}

/** Create (or repair) the lab; `extra` sets the number of bench hosts, or keeps the current number. */
export async function labUp(opts: { extra?: number } = {}): Promise<HostOutcome[]> {
  await preflight();
  const paths = labPaths();
  await mkdir(paths.hostsDir, { recursive: true });
  await writeFile(path.join(paths.root, MARKER), "made by gocd-bc lab up\n");
  const extra = opts.extra ?? (await readState(paths.root))?.extraHosts ?? 0;
  const hosts = labHosts(extra);
  await ensureKeyPair(paths.privateKey, "gocd-bc lab");
  await buildStandinRepo(paths.aptRepo);
  const bootScript = path.join(paths.root, "boot.sh");
  await writeAtomic(bootScript, BOOT_SCRIPT, 0o755);
  const etcHosts = path.join(paths.root, "etc-hosts");
  await writeAtomic(etcHosts, hostsFile(hosts));
  await ensureBridge();
  const wanted = new Set(hosts.map(netnsName));
  for (const ns of await listLabNetns()) if (!wanted.has(ns)) await destroyNetns(ns);
  const ctx = (h: LabHost): BootContext => ({
    hostDir: paths.hostDir(h.name), bootScript, aptRepo: paths.aptRepo, hostsFile: etcHosts, clientPublicKey: paths.publicKey,
  });
  const outcomes = await mapLimit(hosts, BOOT_PARALLELISM, (h) => ensureHost(h, ctx));
  const silent = (await mapLimit(hosts, 16, async (h) => ((await waitForSsh(h.ip, 30_000)) ? null : h))).filter(Boolean);
  if (silent.length) {
    const names = silent.map((h) => `${h!.name} (see ${paths.hostDir(h!.name)}/boot.log)`).join(", ");
    throw new LabError(`sshd did not come up on: ${names}`);
  }
  const known = await Promise.all(hosts.map((h) => knownHostsLine(h, paths.hostDir(h.name))));
  await writeAtomic(paths.knownHosts, known.join("\n") + "\n");
  await writeAtomic(paths.inventory, renderInventory(hosts, paths));
  await writeAtomic(path.join(paths.root, "state.json"), JSON.stringify({ extraHosts: extra } satisfies LabState) + "\n");
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
  const root = labPaths().root;
  if (existsSync(path.join(root, MARKER))) await rm(root, { recursive: true, force: true });
  return { removedHosts: namespaces.length };
}

/** One host's line in `lab status`. */
export type HostStatus = { host: LabHost; answers: boolean; detail: string };

/** Log in to every host with the lab key and strict host-key checking, as the runner will. */
export async function labStatus(): Promise<HostStatus[] | undefined> {
  await preflight({ needTools: false });
  const paths = labPaths();
  const state = await readState(paths.root);
  if (!state) return undefined;
  return mapLimit(labHosts(state.extraHosts), 16, async (host) => {
    try {
      const out = await run("ssh", [
        "-i", paths.privateKey, "-o", `UserKnownHostsFile=${paths.knownHosts}`, "-o", "StrictHostKeyChecking=yes",
        "-o", "BatchMode=yes", "-o", "ConnectTimeout=3", `root@${host.ip}`, "hostname",
      ], { timeoutMs: 10_000 });
      return { host, answers: out.trim() === host.name, detail: `hostname ${out.trim()}` };
    } catch (err) {
      return { host, answers: false, detail: (err as Error).message.split("\n").pop() ?? "" };
    }
  });
}
