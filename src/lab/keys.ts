// Keys the lab generates: one client key for root on every host, one host key per host, and the
// known_hosts file that lists them, so the runner's host-key checking is exercised, never switched off.
import { existsSync } from "node:fs";
import { readFile, writeFile, rename } from "node:fs/promises";
import path from "node:path";
import { run } from "./exec.js";
import type { LabHost } from "./topology.js";

/** Generate an ed25519 key pair at `file` unless one is there already. */
export async function ensureKeyPair(file: string, comment: string): Promise<void> {
  if (existsSync(file) && existsSync(`${file}.pub`)) return;
  await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", file]);
}

/** The host key pair lives in the host's directory on the controller and is copied in at boot. */
export function hostKeyFile(hostDir: string): string {
  return path.join(hostDir, "ssh_host_ed25519_key");
}

/** The known_hosts line for one host, from its public host key. */
export async function knownHostsLine(host: LabHost, hostDir: string): Promise<string> {
  const [type, key] = (await readFile(`${hostKeyFile(hostDir)}.pub`, "utf8")).trim().split(/\s+/);
  return `${host.ip},${host.name} ${type} ${key}`;
}

/** Write `content` to `file` atomically (temp + rename), so a reader never sees half a file. */
export async function writeAtomic(file: string, content: string, mode = 0o644): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, content, { mode });
  await rename(tmp, file);
}
