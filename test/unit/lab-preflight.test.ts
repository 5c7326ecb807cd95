// What `lab up` says (or installs) when the controller lacks a Debian package the lab needs.
import assert from "node:assert/strict";
import { test } from "node:test";
import { installCommand, missingPackages } from "../../src/lab/preflight.js";

test("each missing package is named once, with the one command that installs them", () => {
  const present = new Set([
    "/usr/sbin/ip",
    "/usr/bin/unshare",
    "/usr/sbin/sshd",
    "/usr/bin/ssh-keygen",
    "/usr/bin/dpkg-deb",
    "/usr/bin/dpkg-scanpackages",
    "/usr/lib/postgresql/15/bin/postgres",
    "/lib/systemd/systemd",
  ]);
  const missing = missingPackages((f) => present.has(f));
  assert.deepEqual(missing, ["util-linux", "keepalived", "sshfs"]);
  assert.equal(installCommand(missing), "apt-get install -y --no-install-recommends util-linux keepalived sshfs");
});

test("nothing is missing when every file is there", () => {
  assert.deepEqual(
    missingPackages(() => true),
    [],
  );
});
