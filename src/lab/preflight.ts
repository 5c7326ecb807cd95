// The lab needs Linux, root and a few Debian packages; say which is missing before touching anything.
import { accessSync, constants } from "node:fs";
import { LabError } from "./exec.js";

/** Programs the lab runs on the controller, with the Debian package that brings each. */
const TOOLS: ReadonlyArray<[string, string]> = [
  ["/usr/sbin/ip", "iproute2"],
  ["/usr/bin/unshare", "util-linux"],
  ["/usr/sbin/sshd", "openssh-server"],
  ["/usr/bin/ssh-keygen", "openssh-client"],
  ["/usr/bin/dpkg-deb", "dpkg"],
  ["/usr/bin/dpkg-scanpackages", "dpkg-dev"],
];

/** Throw a LabError naming what is missing: not Linux, not root, or a program (with its package). */
export async function preflight(opts: { needTools?: boolean } = {}): Promise<void> {
  if (process.platform !== "linux") throw new LabError(`the lab needs Linux (namespaces, overlayfs); this is ${process.platform}`);
  if (process.getuid?.() !== 0) throw new LabError("the lab needs root (it creates network namespaces and mounts); run it with sudo");
  if (opts.needTools === false) return;
  const missing = TOOLS.filter(([file]) => {
    try {
      accessSync(file, constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length) {
    const list = missing.map(([file, pkg]) => `${file} (package ${pkg})`).join(", ");
    throw new LabError(`the lab needs: ${list}; install them with: bash .ci/setup`);
  }
}
