// Basic host facts read with one command (a command plus a pure parser): the host's name,
// kernel, architecture and distribution. Used by `gather_facts` at a play's start and by the `setup` module.
// At a play's start it is also where an unreachable host is found, as in Ansible's "Gathering Facts".
import { rawCommand } from "../../connection/command.js";
import type { Vars } from "../../source/vars-file.js";
import type { HostReader } from "../contract.js";

/** The command that prints what `parseFacts` reads. */
export const FACTS_COMMAND = rawCommand(
  "uname -s; uname -n; uname -r; uname -m; cat /etc/os-release 2>/dev/null || true",
);

/** Parses the output of FACTS_COMMAND into Ansible-named facts. */
export function parseFacts(stdout: string): Vars {
  const lines = stdout.split("\n");
  const [system = "", nodename = "", kernel = "", machine = ""] = lines;
  const os: Record<string, string> = {};
  for (const line of lines.slice(4)) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) os[m[1] as string] = (m[2] as string).replace(/^"(.*)"$/, "$1");
  }
  const id = os.ID ?? "";
  return {
    ansible_system: system,
    ansible_hostname: nodename.split(".")[0] ?? nodename,
    ansible_nodename: nodename,
    ansible_kernel: kernel,
    ansible_architecture: machine,
    ansible_distribution: id ? id.charAt(0).toUpperCase() + id.slice(1) : "",
    ansible_distribution_version: os.VERSION_ID ?? "",
    ansible_distribution_release: os.VERSION_CODENAME ?? "",
    ansible_distribution_major_version: (os.VERSION_ID ?? "").split(".")[0] ?? "",
    ansible_os_family: /debian|ubuntu/.test(`${id} ${os.ID_LIKE ?? ""}`) ? "Debian" : id,
  };
}

/** Reads the facts of a connected host; a non-zero exit gives an error message. */
export async function gatherFacts(
  host: Pick<HostReader, "read">,
): Promise<{ ok: true; facts: Vars } | { ok: false; error: string }> {
  const res = await host.read(FACTS_COMMAND, { timeoutMs: 60_000 });
  if (res.kind === "timeout") return { ok: false, error: "gathering facts timed out" };
  if (res.exitCode !== 0)
    return { ok: false, error: `gathering facts failed (exit ${res.exitCode}): ${res.stderr.trim()}` };
  return { ok: true, facts: parseFacts(res.stdout) };
}
