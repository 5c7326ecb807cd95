// One persistent connection per host for the whole run: opened lazily, shared by concurrent tasks,
// reopened once when it dropped between tasks, and closed together at the end.
import { UnreachableError } from "./errors.js";
import { LocalConnection } from "./local-connection.js";
import type { SshTarget } from "./ssh-config.js";
import type { Connection } from "./types.js";

/** How to reach one inventory host: over ssh, or `connection: local` on the controller. */
export type HostSpec =
  | { readonly kind: "ssh"; readonly target: SshTarget }
  | { readonly kind: "local"; readonly name: string };

/** Opens a connection for a spec (injectable for tests). */
export type Connector = (spec: HostSpec) => Promise<Connection>;

/** The production connector: ssh2 for `ssh` (loaded by the first ssh connection), child_process/fs for `local`. */
export const defaultConnector: Connector = async (spec) =>
  spec.kind === "local" ? new LocalConnection(spec.name) : (await import("./ssh-connect.js")).connectSsh(spec.target);

interface Slot {
  current: Promise<Connection>;
  /** Set once a connect failed: the host stays unreachable for the rest of the run. */
  failure?: UnreachableError;
}

/** Connections by inventory host name. */
export class ConnectionPool {
  private readonly slots = new Map<string, Slot>();

  constructor(private readonly connector: Connector = defaultConnector) {}

  /** The host's live connection, opening (or reopening once after a drop) as needed; rejects with UnreachableError. */
  async get(spec: HostSpec): Promise<Connection> {
    const name = nameOf(spec);
    const slot = this.slots.get(name);
    if (slot === undefined) return this.open(name, spec);
    if (slot.failure) throw slot.failure;
    const conn = await slot.current.catch((e: unknown) => {
      throw slot.failure ?? e;
    });
    if (conn.isAlive()) return conn;
    // Dropped since the last task: one fresh attempt, shared by everyone asking now.
    if (this.slots.get(name) === slot) return this.open(name, spec);
    return this.get(spec);
  }

  /** Lets the next run try again the hosts that could not be reached in this one (a pool shared by the
   * runs of one command: a host may answer by the time the command's second run starts). */
  forgetFailures(): void {
    for (const [name, slot] of this.slots) if (slot.failure) this.slots.delete(name);
  }

  /** Closes every connection (pending ones once they open); the pool can be reused afterwards. */
  async closeAll(): Promise<void> {
    const slots = [...this.slots.values()];
    this.slots.clear();
    await Promise.all(slots.map(async (s) => (await s.current.catch(() => undefined))?.close()));
  }

  private open(name: string, spec: HostSpec): Promise<Connection> {
    const slot: Slot = { current: this.connector(spec) };
    slot.current.catch((e: unknown) => {
      slot.failure =
        e instanceof UnreachableError
          ? e
          : new UnreachableError(name, "connect", `cannot connect to ${name}: ${(e as Error).message}`);
    });
    this.slots.set(name, slot);
    return slot.current.catch((e: unknown) => {
      throw slot.failure ?? e;
    });
  }
}

function nameOf(spec: HostSpec): string {
  return spec.kind === "local" ? spec.name : spec.target.name;
}
