// Boots, probes and stops one lab host: a namespace with sshd as its first process.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, open, readdir, readFile, rmdir } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { ensureKeyPair, hostKeyFile } from "./keys.js";
import { createHostNetwork, destroyNetns, netnsName, netnsPids, vethName } from "./network.js";
import { succeeds } from "./exec.js";
import type { LabHost } from "./topology.js";

/** What a lab host runs as PID 1: sshd alone (light: the bench's 50 hosts), or systemd. */
export type LabInit = "sshd" | "systemd";

/** What the lab needs to know to boot a host: its folder, init, the boot script, the repo and the shared files. */
export interface BootContext {
  readonly hostDir: string;
  readonly init: LabInit;
  readonly bootScript: string;
  readonly aptRepo: string;
  readonly hostsFile: string;
  readonly clientPublicKey: string;
}

/** A host's condition as `up` and `status` see it. */
export type HostState = { kind: "running" } | { kind: "absent" } | { kind: "broken"; why: string };

/** Does something answer with an SSH banner on host:22 within `timeoutMs`? */
export function sshBanner(ip: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: ip, port: 22 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("data", (chunk) => done(chunk.toString("latin1").startsWith("SSH-")));
    socket.once("error", () => done(false));
  });
}

/** Wait until sshd answers on the host, polling quickly (a host boots in well under a second). */
export async function waitForSsh(ip: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await sshBanner(ip, 500)) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

/** Whether sshd answers within a few tries: a busy host (one booting beside it, a loaded machine) may be
 * slow to send its banner, and a host taken for broken is rebuilt, so one slow answer must not do. */
async function answersSoon(ip: string): Promise<boolean> {
  for (let attempt = 0; attempt < 3; attempt++) if (await sshBanner(ip, 2000)) return true;
  return false;
}

/** Probe a host: its namespace, its processes and its sshd. */
export async function probeHost(host: LabHost): Promise<HostState> {
  const ns = netnsName(host);
  if (!(await succeeds("ip", ["netns", "pids", ns]))) return { kind: "absent" };
  if ((await netnsPids(ns)).length === 0) return { kind: "broken", why: "no process in its namespace" };
  if (!(await answersSoon(host.ip))) return { kind: "broken", why: "sshd does not answer" };
  return { kind: "running" };
}

/** The controller's PID of the host's first process (PID 1 inside its PID namespace), if it runs. */
export async function hostInitPid(host: LabHost): Promise<number | undefined> {
  for (const pid of await netnsPids(netnsName(host))) {
    const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
    if (/^NSpid:\s+\d+\s+1$/m.test(status)) return pid;
  }
  return undefined;
}

/** The cgroup (in the controller's cgroup2 hierarchy) that a systemd host's namespace is rooted in. */
export function cgroupDir(host: LabHost): string {
  return path.join(LAB_CGROUP_ROOT, host.name);
}

/** Where the lab's cgroups live: `down` removes this whole subtree. */
export const LAB_CGROUP_ROOT = "/sys/fs/cgroup/unified/gocd-bc-lab";

/** Removes a cgroup subtree, deepest first (systemd makes slices and scopes under its root). */
export async function removeCgroup(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await removeCgroup(path.join(dir, entry.name));
  }
  // Busy only while its last processes die, which takes a moment after SIGKILL.
  for (let attempt = 0; attempt < 50; attempt++) {
    if (
      await rmdir(dir).then(
        () => true,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Remove whatever is left of a host: its processes (and with them its mounts), namespace, veth and cgroup. */
export async function destroyHost(host: LabHost): Promise<void> {
  await destroyNetns(netnsName(host));
  // The veth usually goes with the namespace, a moment later: deleting it may find it gone already.
  await succeeds("ip", ["link", "del", vethName(host)]);
  await removeCgroup(cgroupDir(host));
}

/** Create a host from nothing: network, keys, then the boot script detached in its own namespaces. */
export async function bootHost(host: LabHost, ctx: BootContext): Promise<void> {
  await mkdir(path.join(ctx.hostDir, "merged"), { recursive: true });
  await ensureKeyPair(hostKeyFile(ctx.hostDir), `lab host key ${host.name}`);
  await copyFile(ctx.clientPublicKey, path.join(ctx.hostDir, "authorized_keys"));
  await createHostNetwork(host);
  const log = await open(path.join(ctx.hostDir, "boot.log"), "w");
  const unshare = [
    "unshare",
    "--mount",
    "--ipc",
    "--pid",
    "--uts",
    ...(ctx.init === "systemd" ? ["--cgroup"] : []),
    "--fork",
    "--propagation",
    "private",
    "sh",
    ctx.bootScript,
    ctx.hostDir,
    host.name,
    ctx.aptRepo,
    ctx.hostsFile,
    ctx.init,
  ];
  // systemd needs a cgroup of its own as the root of its cgroup namespace: entered before the netns,
  // since `ip netns exec` remounts /sys.
  const inCgroup = [
    'mkdir -p "$1" && echo $$ > "$1/cgroup.procs" && shift && exec "$@"',
    "enter-cgroup",
    cgroupDir(host),
  ];
  const [file, args] =
    ctx.init === "systemd"
      ? ["sh", ["-c", ...inCgroup, "ip", "netns", "exec", netnsName(host), ...unshare]]
      : ["ip", ["netns", "exec", netnsName(host), ...unshare]];
  const child = spawn(file, args, { detached: true, stdio: ["ignore", log.fd, log.fd] });
  child.unref();
  await log.close();
}
