// The lab's network: one bridge on the controller (no uplink) and one network namespace + veth per host.
import { LAB_NET, type LabHost } from "./topology.js";
import { run, succeeds } from "./exec.js";

/** Every lab namespace starts with this, so `down` removes ours and nothing else. */
export const NETNS_PREFIX = "gbc-";

/** The network namespace name of a lab host. */
export function netnsName(host: LabHost): string {
  return NETNS_PREFIX + host.name;
}

/** The controller-side veth name: interface names are limited to 15 characters, so use the last octet. */
export function vethName(host: LabHost): string {
  return `gbcv${host.ip.split(".").pop()}`;
}

/** Create the bridge with the controller's address on it, unless it is already there. */
export async function ensureBridge(): Promise<void> {
  if (!(await succeeds("ip", ["link", "show", LAB_NET.bridge]))) {
    await run("ip", ["link", "add", LAB_NET.bridge, "type", "bridge"]);
  }
  const addrs = await run("ip", ["-o", "addr", "show", "dev", LAB_NET.bridge]);
  if (!addrs.includes(` ${LAB_NET.gatewayIp}/`)) {
    await run("ip", ["addr", "add", `${LAB_NET.gatewayIp}/${LAB_NET.cidr}`, "dev", LAB_NET.bridge]);
  }
  await run("ip", ["link", "set", LAB_NET.bridge, "up"]);
}

/** Remove the bridge if it exists. */
export async function removeBridge(): Promise<void> {
  if (await succeeds("ip", ["link", "show", LAB_NET.bridge])) await run("ip", ["link", "del", LAB_NET.bridge]);
}

/** The lab namespaces that exist now (ours only, by prefix). */
export async function listLabNetns(): Promise<string[]> {
  const out = await run("ip", ["netns", "list"]);
  return out
    .split("\n")
    .map((line) => line.split(" ")[0] ?? "")
    .filter((name) => name.startsWith(NETNS_PREFIX));
}

/**
 * A fixed MAC per address: a rebuilt host answers with the MAC its neighbours already have in their ARP
 * caches, instead of being unreachable until those entries go stale (about 30 s).
 */
export function macOf(host: LabHost): string {
  const octet = Number(host.ip.split(".").pop());
  return `02:42:c6:12:00:${octet.toString(16).padStart(2, "0")}`;
}

/** Create the host's namespace, its veth pair (eth0 inside) and addresses; a fresh namespace every time. */
export async function createHostNetwork(host: LabHost): Promise<void> {
  const ns = netnsName(host);
  await run("ip", ["netns", "add", ns]);
  await run("ip", [
    "link",
    "add",
    vethName(host),
    "type",
    "veth",
    "peer",
    "name",
    "eth0",
    "address",
    macOf(host),
    "netns",
    ns,
  ]);
  await run("ip", ["link", "set", vethName(host), "master", LAB_NET.bridge, "up"]);
  await run("ip", ["-n", ns, "addr", "add", `${host.ip}/${LAB_NET.cidr}`, "dev", "eth0"]);
  await run("ip", ["-n", ns, "link", "set", "eth0", "up"]);
  await run("ip", ["-n", ns, "link", "set", "lo", "up"]);
}

/** The PIDs of every process inside a namespace. */
export async function netnsPids(ns: string): Promise<number[]> {
  if (!(await succeeds("ip", ["netns", "pids", ns]))) return [];
  const out = await run("ip", ["netns", "pids", ns]);
  return out.split("\n").filter(Boolean).map(Number);
}

/** Kill every process in the namespace, wait until they are gone, then delete it (its veth goes with it). */
export async function destroyNetns(ns: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const pids = await netnsPids(ns);
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  if (await succeeds("ip", ["netns", "pids", ns])) await run("ip", ["netns", "del", ns]);
}
