// Faults on demand, for tests and for an operator rehearsing a failover: a clean stop, a power cut, a
// boot from the host's own disk, a reboot, and a network partition that the host itself does not notice.
import { existsSync } from "node:fs";
import { LabError, run } from "./exec.js";
import { bootHost, destroyHost, hostInitPid, waitForSsh, type BootContext } from "./host.js";
import { netnsName, netnsPids, vethName } from "./network.js";
import { LAB_NET, type LabHost } from "./topology.js";

/** What can be done to a host. */
export type FaultAction = "stop" | "crash" | "start" | "reboot" | "partition" | "heal";

/** What one action did to one host. */
export type FaultOutcome = {
  readonly host: LabHost;
  readonly action: FaultAction;
  readonly result: "done" | "already";
};

/** Seconds a clean stop waits for the host's processes to end after SIGTERM before it cuts the power. */
const STOP_GRACE_MS = 10_000;

// Inside the host: its services stopped in reverse boot order (what an init does at shutdown), then every
// process but PID 1 asked to end, and waited for.
const SHUTDOWN = `for s in $(ls -r /etc/rc2.d/S* 2>/dev/null); do if [ -x "$s" ]; then "$s" stop; fi; done >/dev/null 2>&1
kill -TERM -1 2>/dev/null
i=0
while kill -0 -1 2>/dev/null && [ "$i" -lt ${STOP_GRACE_MS / 100} ]; do sleep 0.1; i=$((i + 1)); done
sync`;

/** Whether the host's namespace exists (it runs, or is partitioned). */
export function isRunning(host: LabHost): boolean {
  return existsSync(`/run/netns/${netnsName(host)}`);
}

/** Whether the host's cable is pulled: its veth is up but out of the lab's bridge. */
export async function isPartitioned(host: LabHost): Promise<boolean> {
  if (!isRunning(host)) return false;
  const link = await run("ip", ["-o", "link", "show", vethName(host)]).catch(() => "");
  return link !== "" && !link.includes(` master ${LAB_NET.bridge} `);
}

/** A clean shutdown: services stopped in order, processes ended, then the namespace removed. Disk kept. */
async function stop(host: LabHost, ctx: BootContext): Promise<FaultOutcome["result"]> {
  if (!isRunning(host)) return "already";
  const pid = await hostInitPid(host);
  if (pid !== undefined) {
    const inside = ["-t", String(pid), "-m", "-u", "-i", "-n", "-p", "-r", "-w"];
    // systemd stops its units in order and ends the host itself; an sshd host gets the same by hand.
    const shutdown = ctx.init === "systemd" ? ["/bin/systemctl", "poweroff"] : ["/bin/sh", "-c", SHUTDOWN];
    await run("nsenter", [...inside, ...shutdown], { timeoutMs: 120_000 }).catch(() => undefined);
    if (ctx.init === "systemd") await waitUntil(async () => (await netnsPids(netnsName(host))).length === 0, 60_000);
  }
  await destroyHost(host); // whatever did not end in time goes with the power
  return "done";
}

async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !(await probe())) await new Promise((r) => setTimeout(r, 100));
}

/** A power cut: every process of the host killed at once (SIGKILL), its disk left as it was. */
async function crash(host: LabHost): Promise<FaultOutcome["result"]> {
  if (!isRunning(host)) return "already";
  await destroyHost(host);
  return "done";
}

/** Boots a stopped or crashed host from its disk and waits for its sshd. */
async function start(host: LabHost, ctx: BootContext): Promise<FaultOutcome["result"]> {
  if (isRunning(host)) return "already";
  await bootHost(host, ctx);
  if (!(await waitForSsh(host.ip, 30_000)))
    throw new LabError(`${host.name} did not come up (see ${ctx.hostDir}/boot.log)`);
  return "done";
}

async function partition(host: LabHost): Promise<FaultOutcome["result"]> {
  if (!isRunning(host)) throw new LabError(`${host.name} is not running: nothing to partition`);
  if (await isPartitioned(host)) return "already";
  // Out of the bridge, the link stays up on both ends: the host sees no failure, only silence.
  await run("ip", ["link", "set", vethName(host), "nomaster"]);
  return "done";
}

async function heal(host: LabHost): Promise<FaultOutcome["result"]> {
  if (!(await isPartitioned(host))) return "already";
  await run("ip", ["link", "set", vethName(host), "master", LAB_NET.bridge]);
  return "done";
}

/** Applies one action to one host; `ctx` is how to boot it. */
export async function applyFault(action: FaultAction, host: LabHost, ctx: BootContext): Promise<FaultOutcome> {
  const result = await (async () => {
    switch (action) {
      case "stop":
        return stop(host, ctx);
      case "crash":
        return crash(host);
      case "start":
        return start(host, ctx);
      case "reboot": {
        await stop(host, ctx);
        return start(host, ctx);
      }
      case "partition":
        return partition(host);
      case "heal":
        return heal(host);
    }
  })();
  return { host, action, result };
}
