// Runs fixture playbooks through the executor on real lab hosts (agent1, share) with a reporter that
// captures every event, so tests assert what a user would see: results per task and host, the recap,
// the exit code. Each test file gets its own inventory and its own remote directory.
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runPlan } from "../../src/engine/run.js";
import type { RunOptions, RunOutcome } from "../../src/engine/types.js";
import { labPaths } from "../../src/lab/topology.js";
import { loadPlan } from "../../src/playbook/load.js";
import type { Reporter, RunEvent } from "../../src/report/events.js";
import { host } from "./lab-access.js";

const here = path.dirname(fileURLToPath(import.meta.url));

/** The fixture playbooks' directory (sources, not dist). */
export const PLAYBOOKS = path.resolve(here, "../../../test/fixtures/playbooks");

/** A reporter that keeps every event. */
export class CaptureReporter implements Reporter {
  readonly events: RunEvent[] = [];
  /** Called with each event as it arrives (tests use it to act mid-run). */
  onEvent?: (e: RunEvent) => void;
  emit(event: RunEvent): void {
    this.events.push(event);
    this.onEvent?.(event);
  }
  async close(): Promise<void> {}
}

/** Extra inventory hosts: name -> variables (e.g. an unreachable address, another port). */
export type ExtraHosts = Record<string, Record<string, unknown>>;

/** Writes an inventory with agent1 and share in group `targets` (their variables added from `vars`),
 * plus `extra` hosts in group `extra`, and returns its path. */
export function writeInventory(extra: ExtraHosts = {}, vars: ExtraHosts = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gbc-engine-inv-"));
  const paths = labPaths();
  const target = (name: string) => ({ ansible_host: host(name).ip, ...(vars[name] ?? {}) });
  const inv = {
    all: {
      vars: {
        ansible_user: "root",
        ansible_ssh_private_key_file: paths.privateKey,
        ansible_ssh_known_hosts_file: paths.knownHosts,
      },
      children: {
        targets: { hosts: { agent1: target("agent1"), share: target("share") } },
        ...(Object.keys(extra).length ? { extra: { hosts: extra } } : {}),
      },
    },
  };
  const file = path.join(dir, "inventory.yml");
  writeFileSync(file, JSON.stringify(inv, null, 2));
  return file;
}

/** One run of a fixture playbook: its events and outcome. */
export interface Ran {
  readonly events: RunEvent[];
  readonly outcome: RunOutcome;
}

/** Options of a test run: run options plus inventory and extra vars. */
export interface RunFixture extends Partial<Omit<RunOptions, "reporter">> {
  readonly inventory: string;
  readonly extraVars?: string[];
  readonly reporter?: CaptureReporter;
}

/** Loads a playbook (failing the test on validation errors) and runs it with a capture reporter. */
export async function runPlaybook(playbook: string, o: RunFixture): Promise<Ran> {
  const loaded = loadPlan({ playbook, inventories: [o.inventory], extraVars: o.extraVars, limit: o.limit });
  if (!loaded.ok)
    throw new Error(
      `${path.basename(playbook)} is invalid:\n${loaded.diagnostics.map((d) => `${d.file}:${d.line}: ${d.path}: ${d.message}`).join("\n")}`,
    );
  const reporter = o.reporter ?? new CaptureReporter();
  const outcome = await runPlan(loaded.plan, { check: false, diff: false, ...o, reporter });
  return { events: reporter.events, outcome };
}

/** Runs a fixture playbook of test/fixtures/playbooks. */
export function runFixture(playbook: string, o: RunFixture): Promise<Ran> {
  return runPlaybook(path.join(PLAYBOOKS, playbook), o);
}

type HostResult = Extract<RunEvent, { type: "host_result" }>;

/** The host_result events of a task (by displayed name), optionally for one host. */
export function resultsOf(events: readonly RunEvent[], task: string, hostName?: string): HostResult[] {
  return events.filter(
    (e): e is HostResult =>
      e.type === "host_result" && e.task === task && (hostName === undefined || e.host === hostName),
  );
}

/** The status of a task's single result on a host; fails when there is not exactly one. */
export function statusOf(events: readonly RunEvent[], task: string, hostName: string): string {
  const found = resultsOf(events, task, hostName);
  if (found.length !== 1)
    throw new Error(`expected one result of '${task}' on ${hostName}, got ${found.length}: ${JSON.stringify(found)}`);
  return (found[0] as HostResult).result.status;
}

/** Total changed tasks across hosts, from the recap. */
export function changedCount(outcome: RunOutcome): number {
  return Object.values(outcome.stats).reduce((n, s) => n + s.changed, 0);
}

/** The remote base directory of this test process. */
export function baseDir(tag: string): string {
  return `/srv/gbc-engine-${process.pid}-${tag}`;
}
