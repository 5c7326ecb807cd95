// `gocd-bc lab up | down | status | snapshot | restore | stop | crash | start | reboot | partition | heal`: prints what the lab did; the exit code is decided in main.ts.
import type { FaultAction } from "../lab/faults.js";
import type { LabInit } from "../lab/host.js";
import { labDown, labFault, labRestore, labSnapshot, labSnapshots, labStatus, labUp } from "../lab/lab.js";
import type { SnapshotOutcome } from "../lab/snapshots.js";
import { labPaths } from "../lab/topology.js";

/** `lab up`: create or repair the lab, then say what happened to each host and where the inventory is. */
export async function labUpCommand(opts: { hosts?: number; agents?: number; init?: LabInit }): Promise<number> {
  const started = Date.now();
  const outcomes = await labUp({ extra: opts.hosts, agents: opts.agents, init: opts.init });
  for (const o of outcomes) {
    const why = o.why ? ` (${o.why})` : "";
    console.log(`${o.host.name.padEnd(14)} ${o.host.ip.padEnd(13)} ${o.action}${why}`);
  }
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`lab up: ${outcomes.length} hosts answering in ${secs}s; inventory ${labPaths().inventory}`);
  return 0;
}

/** `lab down`: remove everything the lab made. */
export async function labDownCommand(): Promise<number> {
  const { removedHosts } = await labDown();
  console.log(`lab down: removed ${removedHosts} hosts, the bridge and ${labPaths().root}`);
  return 0;
}

const FAULT_DONE: Record<FaultAction, [done: string, already: string]> = {
  stop: ["stopped cleanly (disk kept)", "already stopped"],
  crash: ["crashed: every process killed at once (disk kept)", "already stopped"],
  start: ["started from its disk", "already running"],
  reboot: ["rebooted", "rebooted"],
  partition: ["partitioned: nothing reaches it or leaves it", "already partitioned"],
  heal: ["reconnected", "was not partitioned"],
};

/** `lab stop|crash|start|reboot|partition|heal HOST...`: one line per host. */
export async function labFaultCommand(action: FaultAction, hosts: string[]): Promise<number> {
  for (const o of await labFault(action, hosts)) {
    const [done, already] = FAULT_DONE[action];
    console.log(`${o.host.name.padEnd(14)} ${o.host.ip.padEnd(13)} ${o.result === "done" ? done : already}`);
  }
  return 0;
}

function printSnapshotHosts(outcomes: readonly SnapshotOutcome[], running: string, stopped: string): void {
  for (const o of outcomes)
    console.log(`${o.host.name.padEnd(14)} ${o.host.ip.padEnd(13)} ${o.running ? running : stopped}`);
}

/** `lab snapshot [NAME]`: save the lab as NAME, or list the snapshots. */
export async function labSnapshotCommand(name?: string): Promise<number> {
  if (name === undefined) {
    const names = await labSnapshots();
    console.log(names.length ? names.join("\n") : "lab snapshot: none yet (`gocd-bc lab snapshot NAME`)");
    return 0;
  }
  const started = Date.now();
  printSnapshotHosts(await labSnapshot(name), "saved, running again", "saved (stopped)");
  console.log(`lab snapshot ${name}: saved in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return 0;
}

/** `lab restore NAME`: every host back to the snapshot. */
export async function labRestoreCommand(name: string): Promise<number> {
  const started = Date.now();
  printSnapshotHosts(await labRestore(name), "restored, running", "restored (stopped)");
  console.log(`lab restore ${name}: done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return 0;
}

/** `lab status`: one line per host; exit 1 when the lab is absent or a host does not answer. */
export async function labStatusCommand(opts: { json?: boolean }): Promise<number> {
  const hosts = await labStatus();
  if (!hosts) {
    if (opts.json) console.log(JSON.stringify({ up: false, hosts: [] }));
    else console.log("lab status: no lab (run `gocd-bc lab up`)");
    return 1;
  }
  if (opts.json) {
    const rows = hosts.map((h) => ({
      name: h.host.name,
      ip: h.host.ip,
      state: h.state,
      init: h.init,
      ssh: h.answers,
      detail: h.detail,
    }));
    console.log(JSON.stringify({ up: true, hosts: rows }));
  } else {
    for (const h of hosts) {
      const ssh = h.state !== "running" ? "" : h.answers ? "  ssh ok" : `  ssh FAILED: ${h.detail}`;
      console.log(
        `${h.host.name.padEnd(14)} ${h.host.ip.padEnd(13)} ${h.state.padEnd(11)} init ${h.init.padEnd(7)}${ssh}`.trimEnd(),
      );
    }
  }
  return hosts.every((h) => h.answers) ? 0 : 1;
}
