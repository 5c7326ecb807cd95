// The lab needs Linux, root and a few Debian packages; say which are missing (and the one command that
// installs them) before touching anything. `lab up`, which runs as root anyway, installs them itself.
import { accessSync, constants } from "node:fs";
import { LabError, run } from "./exec.js";

/** Files the lab and its hosts use from the controller, with the Debian package that brings each. */
const NEEDED: ReadonlyArray<readonly [file: string, pkg: string]> = [
  ["/usr/sbin/ip", "iproute2"],
  ["/usr/bin/unshare", "util-linux"],
  ["/usr/bin/nsenter", "util-linux"],
  ["/usr/sbin/sshd", "openssh-server"],
  ["/usr/bin/ssh-keygen", "openssh-client"],
  ["/usr/bin/dpkg-deb", "dpkg"],
  ["/usr/bin/dpkg-scanpackages", "dpkg-dev"],
  ["/usr/lib/postgresql/15/bin/postgres", "postgresql-15"],
  ["/usr/sbin/keepalived", "keepalived"],
  ["/usr/bin/sshfs", "sshfs"],
  ["/lib/systemd/systemd", "systemd"],
];

/** The Debian packages whose files are missing, each once, in a stable order. */
export function missingPackages(exists: (file: string) => boolean = isExecutable): string[] {
  return [...new Set(NEEDED.filter(([file]) => !exists(file)).map(([, pkg]) => pkg))];
}

/** The one command that installs `packages`. */
export function installCommand(packages: readonly string[]): string {
  return `apt-get install -y --no-install-recommends ${packages.join(" ")}`;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Throws a LabError naming what is missing: not Linux, not root, or packages (with the command that
 * installs them). With `install`, missing packages are installed instead, saying so on stderr. */
export async function preflight(opts: { needTools?: boolean; install?: boolean } = {}): Promise<void> {
  if (process.platform !== "linux")
    throw new LabError(`the lab needs Linux (namespaces, overlayfs); this is ${process.platform}`);
  if (process.getuid?.() !== 0)
    throw new LabError("the lab needs root (it creates network namespaces and mounts); run it with sudo");
  if (opts.needTools === false) return;
  const missing = missingPackages();
  if (missing.length === 0) return;
  if (!opts.install)
    throw new LabError(
      `the lab needs the Debian packages ${missing.join(", ")}; install them with: ${installCommand(missing)}`,
    );
  process.stderr.write(
    `lab up: installing the Debian packages the lab needs: ${missing.join(", ")} (${installCommand(missing)})\n`,
  );
  await run(
    "env",
    ["DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "--no-install-recommends", ...missing],
    { timeoutMs: 15 * 60_000 },
  );
  const still = missingPackages();
  if (still.length) throw new LabError(`installing did not bring ${still.join(", ")}; try: ${installCommand(still)}`);
}
