// `gocd-bc status --json` as the end-to-end lab tests read it, and the healthy pair an operator expects
// to see, with either side active: shared by the provisioning and the switchover tests.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { labPaths } from "../../src/lab/topology.js";
import { cli, labInventory, labSecretsInventory, told, type Cli } from "./cli.js";
import { eventually } from "./lab-access.js";

/** What the tests read of `status --json`. */
export interface Status {
  topology: { kind: string; roles?: { dbPrimary: string; gocdActive: string; gocdStandby: string } };
  servers: {
    host: string;
    role: string;
    unreachable?: string;
    running: boolean;
    holdsVip: boolean;
    shareMounted: boolean;
    sync: Record<string, string>;
  }[];
  databases: { host: string; role: string; replication: { client: string; state: string }[] }[];
  agents: { hostname: string; state: string }[];
  journal?: { kind: string; id: string; from: string; to: string; step: string; ended: boolean };
  problems: string[];
}

/** The sides of a healthy pair. */
export type Sides = { readonly gocdActive: string; readonly dbPrimary: string };
/** The pair as provisioning first builds it. */
export const FIRST_SIDES: Sides = { gocdActive: "gocd-primary", dbPrimary: "db-primary" };

/** `gocd-bc status --json` on the lab. */
export async function status(): Promise<{ r: Cli; s: Status }> {
  const r = await cli(["status", ...labInventory(), "--json"], 60_000);
  try {
    return { r, s: JSON.parse(r.stdout) as Status };
  } catch {
    throw new Error(`status --json printed no JSON: ${told(r)}`);
  }
}

function healthy(s: Status, sides: Sides): boolean {
  const roles = s.topology.roles;
  const active = s.servers.find((v) => v.role === "active");
  const standby = s.servers.find((v) => v.role === "standby");
  const primary = s.databases.find((d) => d.host === roles?.dbPrimary);
  return (
    s.problems.length === 0 &&
    s.topology.kind === "decided" &&
    roles?.gocdActive === sides.gocdActive &&
    roles.dbPrimary === sides.dbPrimary &&
    active?.holdsVip === true &&
    active.running &&
    standby?.running === false &&
    standby.holdsVip === false &&
    s.servers.every((v) => v.shareMounted) &&
    !!standby.sync.last_ok &&
    !standby.sync.last_error &&
    primary?.role === "primary" &&
    primary.replication.some((x) => x.state === "streaming") &&
    s.agents.filter((a) => a.state !== "LostContact").length >= 1
  );
}

/** Everything an operator looks at on `status`, healthy with these sides (polled: the VIP and the agent
 * follow GoCD's start, the standby's first sync its timer). */
export async function assertHealthy(what: string, sides: Sides = FIRST_SIDES, timeoutMs = 30_000): Promise<Status> {
  let last: { r: Cli; s: Status } | undefined;
  const reached = await eventually(
    async () => {
      last = await status();
      return last.r.code === 0 && healthy(last.s, sides);
    },
    timeoutMs,
    1000,
  );
  assert.ok(
    reached,
    `${what}: status is not healthy: ${last ? `${last.r.code} ${JSON.stringify(last.s, null, 1)}` : "never read"}`,
  );
  return last!.s;
}

/** The lab inventory's secrets (the replication and GoCD database passwords, and a GoCD API token while
 * the secrets inventory exists). */
export function labSecrets(): string[] {
  const files = [labPaths().inventory, labSecretsInventory()].filter((f) => existsSync(f));
  const text = files.map((f) => readFileSync(f, "utf8")).join("\n");
  return [...text.matchAll(/^\s*(?:postgres_replication_password|gocd_db_password|gocd_api_token):\s*(.+?)\s*$/gm)].map(
    (m) => (m[1] as string).replace(/^["']|["']$/g, ""),
  );
}
