// How lab tests reach lab hosts: OpenSSH's client with the lab's key and strict host-key checking, kept
// independent of gocd-bc's own connection layer so these tests check the lab itself.
import { execFile } from "node:child_process";
import { AGENT_MAX, CORE_HOSTS, extraAgents, labPaths, type LabHost } from "../../src/lab/topology.js";

/** What a remote command printed and how it ended. */
export interface Remote {
  code: number;
  stdout: string;
  stderr: string;
}

/** The core lab host (or extra agent) with this name; a typo in a test fails loudly. */
export function host(name: string): LabHost {
  const found = [...CORE_HOSTS, ...extraAgents(AGENT_MAX)].find((h) => h.name === name);
  if (!found) throw new Error(`no lab host ${name}`);
  return found;
}

/** OpenSSH options that make the client verify host keys against the lab's known_hosts and never prompt. */
export function sshOptions(knownHosts = labPaths().knownHosts): string[] {
  return [
    "-i",
    labPaths().privateKey,
    "-o",
    `UserKnownHostsFile=${knownHosts}`,
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    "BatchMode=yes",
    "-o",
    "ConnectTimeout=5",
    "-o",
    "LogLevel=ERROR",
  ];
}

/** Run a shell command on a lab host as root; resolves with its exit code, never rejects on non-zero. */
export function sh(
  target: LabHost | string,
  script: string,
  opts: { knownHosts?: string; timeoutMs?: number } = {},
): Promise<Remote> {
  const h = typeof target === "string" ? host(target) : target;
  return new Promise((resolve) => {
    execFile(
      "ssh",
      [...sshOptions(opts.knownHosts), `root@${h.ip}`, script],
      // Room for a whole results table (the soak reads tens of thousands of job ids at once).
      { timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 255) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** Like sh, but a non-zero exit fails the test with what the command printed. */
export async function ok(target: LabHost | string, script: string, timeoutMs?: number): Promise<string> {
  const r = await sh(target, script, { timeoutMs });
  if (r.code !== 0)
    throw new Error(
      `on ${typeof target === "string" ? target : target.name}: \`${script}\` exited ${r.code}: ${(r.stderr || r.stdout).slice(0, 2000)}`,
    );
  return r.stdout;
}

/** Poll `probe` until it returns true or `timeoutMs` passes; returns whether it did. */
export async function eventually(probe: () => Promise<boolean>, timeoutMs: number, stepMs = 200): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** A statement run by psql as postgres on a host's default cluster; its rows unaligned, one per line. */
export const psqlOn = (target: string, sql: string) => ok(target, `cd / && su postgres -c "psql -XAtc '${sql}'"`);

/** Whether a host's default cluster answers as in recovery (read-only); rejects when it does not answer. */
export const inRecovery = async (target: string) => (await psqlOn(target, "SELECT pg_is_in_recovery()")).trim() === "t";

/** Whether the host's PostgreSQL accepts connections (not merely started: recovery done). */
export const pgReady = async (target: string) => (await sh(target, "pg_isready -q -h /var/run/postgresql")).code === 0;

/** Shell: whether systemd is the host's init (the lab boots either). */
export const ON_SYSTEMD = "[ -d /run/systemd/system ]";

/** Whether a service starts at boot, on either init: its systemd unit enabled, or its /etc/rc2.d S link. */
export const enabledAtBoot = async (target: string, service: string) =>
  (
    await sh(
      target,
      `if ${ON_SYSTEMD}; then systemctl is-enabled --quiet ${service}; else ls /etc/rc2.d/S[0-9][0-9]${service} >/dev/null 2>&1; fi`,
    )
  ).code === 0;

/** Starts at boot or not, on either init (`systemctl enable|disable`, `update-rc.d NAME enable|disable`). */
export const setEnabledAtBoot = (target: string, service: string, enabled: boolean) =>
  ok(
    target,
    `if ${ON_SYSTEMD}; then systemctl ${enabled ? "enable" : "disable"} --quiet ${service}; else update-rc.d ${service} ${enabled ? "enable" : "disable"} >/dev/null; fi`,
  );

/** The oldest process whose command line matches `pattern` (pgrep -f), as a string; "" when none. */
export const pidOf = async (target: string, pattern: string) =>
  (await sh(target, `pgrep -o -f '${pattern}'`)).stdout.trim();

/** The GoCD server's (stand-in's) process id, whichever init started it. */
export const goServerPid = (target: string) => pidOf(target, "^/usr/bin/node /usr/share/go-server/bin/go-server.mjs");

/** The HTTP status of GoCD's health check on a server (0 when nothing answers within `timeoutMs`). */
export async function gocdHealth(ip: string, timeoutMs = 1000): Promise<number> {
  try {
    return (await fetch(`http://${ip}:8153/go/api/v1/health`, { signal: AbortSignal.timeout(timeoutMs) })).status;
  } catch {
    return 0;
  }
}
