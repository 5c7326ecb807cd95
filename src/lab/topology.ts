// The embedded lab's fixed shape: which hosts exist, their addresses, and where the lab keeps its files.
// Everything else in the lab (and the lab tests) derives names and paths from here.
import path from "node:path";

/** One lab host: its inventory name, its address on the lab bridge and the inventory groups it joins. */
export interface LabHost {
  readonly name: string;
  readonly ip: string;
  readonly groups: readonly string[];
  /** Host variables written into the inventory beside the address. */
  readonly vars?: Readonly<Record<string, string>>;
}

/** The lab's network: a bridge with no uplink in 198.18.0.0/24, a range reserved for benchmarking. */
export const LAB_NET = {
  bridge: "gbcbr0",
  prefix: "198.18.0",
  gatewayIp: "198.18.0.1",
  cidr: 24,
  /** Reserved for keepalived; never given to a host. */
  vip: "198.18.0.100",
} as const;

/** The lab's hosts (the README's lab section), in a fixed order. */
export const CORE_HOSTS: readonly LabHost[] = [
  { name: "gocd-primary", ip: "198.18.0.11", groups: ["gocd_servers"], vars: { gocd_db_host: "db-primary" } },
  { name: "gocd-standby", ip: "198.18.0.12", groups: ["gocd_servers"], vars: { gocd_db_host: "db-standby" } },
  { name: "db-primary", ip: "198.18.0.21", groups: ["db_servers"] },
  { name: "db-standby", ip: "198.18.0.22", groups: ["db_servers"] },
  { name: "share", ip: "198.18.0.31", groups: ["share"] },
  { name: "agent1", ip: "198.18.0.41", groups: ["agents"] },
];

/** Agents beyond the core's agent1 (`lab up --agents N`, for the soak's load) take .42 upwards. */
export const AGENT_MAX = 9;

/** The lab's agent hosts past agent1 when it has `count` agents in all: agent2 to agentN, systemd hosts
 * like the core's, in group `agents` (the inventory's), so provisioning points them at the VIP too. */
export function extraAgents(count: number): LabHost[] {
  if (!Number.isInteger(count) || count < 1 || count > AGENT_MAX) {
    throw new RangeError(`agents must be a whole number from 1 to ${AGENT_MAX}, got ${count}`);
  }
  return Array.from({ length: count - 1 }, (_, i) => ({
    name: `agent${i + 2}`,
    ip: `${LAB_NET.prefix}.${42 + i}`,
    groups: ["agents"],
  }));
}

/** Extra plain hosts (for benchmarks) take addresses from .101 upwards, skipping nothing below .255. */
export const EXTRA_HOST_FIRST_OCTET = 101;
export const EXTRA_HOST_MAX = 254 - EXTRA_HOST_FIRST_OCTET + 1;

/** The names and addresses of `count` extra hosts, in group `bench`. */
export function extraHosts(count: number): LabHost[] {
  if (!Number.isInteger(count) || count < 0 || count > EXTRA_HOST_MAX) {
    throw new RangeError(`extra hosts must be a whole number from 0 to ${EXTRA_HOST_MAX}, got ${count}`);
  }
  return Array.from({ length: count }, (_, i) => ({
    name: `bench${String(i + 1).padStart(3, "0")}`,
    ip: `${LAB_NET.prefix}.${EXTRA_HOST_FIRST_OCTET + i}`,
    groups: ["bench"],
  }));
}

/** Where the lab keeps its state; GOCD_BC_LAB_DIR overrides the default. */
export function labDir(): string {
  return process.env.GOCD_BC_LAB_DIR ?? "/tmp/gocd-bc-lab";
}

/** Paths inside the lab directory, derived from one root so tests and the runner agree. */
export function labPaths(root: string = labDir()) {
  return {
    root,
    privateKey: path.join(root, "id_ed25519"),
    publicKey: path.join(root, "id_ed25519.pub"),
    knownHosts: path.join(root, "known_hosts"),
    inventory: path.join(root, "inventory.yml"),
    aptRepo: path.join(root, "apt"),
    hostsDir: path.join(root, "hosts"),
    hostDir: (name: string) => path.join(root, "hosts", name),
  };
}

/** Where a lab host sees the local apt repository (bind-mounted read-only). */
export const LAB_APT_MOUNT = "/srv/gocd-bc-apt";
