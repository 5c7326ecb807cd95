// The script that turns a fresh namespace into a lab host. It runs as PID 1 inside new mount, PID, IPC, UTS
// (and, for systemd, cgroup) namespaces, so every mount it makes vanishes with the host and nothing leaks to the controller.
import { LAB_APT_MOUNT } from "./topology.js";

/** Units a lab host under systemd must not run: gettys would attach to the controller's console through
 * the shared /dev; timers and clock setting are the controller's business. */
const CONTAINER_MASKED = [
  "console-getty.service",
  "container-getty@.service",
  "getty@.service",
  "serial-getty@.service",
  "getty@tty1.service",
  "apt-daily.timer",
  "apt-daily-upgrade.timer",
  "man-db.timer",
  "dpkg-db-backup.timer",
  "e2scrub_all.timer",
  "e2scrub_reap.service",
  "fstrim.timer",
  "systemd-timesyncd.service",
  "systemd-pstore.service",
];

/**
 * Arguments: HOST_DIR NAME APT_REPO HOSTS_FILE INIT. HOST_DIR holds disk/ (the host's writable layer, on the
 * controller's disk, so it outlives the host: a crashed or stopped host boots again with its files),
 * merged/ (an empty mount point), the host key and authorized_keys. The root is an overlay of the
 * controller's `/` over that layer. A host's first boot disables every service of the packages it shares
 * with the controller, so a new host runs nothing but sshd; later boots start what the host enabled.
 * INIT `sshd`: sshd is PID 1 and reaps every orphan; the enabled /etc/rc2.d S links start in the
 * background. INIT `systemd`: systemd is PID 1 (in a cgroup namespace of its own, cgroup2 mounted), with
 * the units a container must not run (gettys on the shared /dev, timers, clock) masked.
 */
export const BOOT_SCRIPT = `#!/bin/sh
set -eu
H="$1"; NAME="$2"; REPO="$3"; HOSTS_FILE="$4"; INIT="$5"
M="$H/merged"
D="$H/disk"
first=0
[ -d "$D/upper" ] || first=1
mkdir -p "$D/upper" "$D/work"
# Just after a crash the dead host's mount may still hold the layer for a moment: retry briefly.
i=0
until mount -t overlay gocd-bc-lab-root -o "lowerdir=/,upperdir=$D/upper,workdir=$D/work" "$M" 2>/dev/null; do
  i=$((i + 1)); [ "$i" -lt 100 ] || { echo "cannot mount the root overlay of $NAME" >&2; exit 1; }; sleep 0.05
done
mount -t proc proc "$M/proc"
mount --rbind /dev "$M/dev"
mount -t sysfs sysfs "$M/sys"
mount -t tmpfs -o mode=0755 tmpfs "$M/run"
mount -t tmpfs -o mode=1777 tmpfs "$M/tmp"
mkdir -p "$M${LAB_APT_MOUNT}" "$M/run/sshd" "$M/run/postgresql" "$M/root/.ssh"
mount --bind "$REPO" "$M${LAB_APT_MOUNT}"
mount -o remount,bind,ro "$M${LAB_APT_MOUNT}"
chown postgres:postgres "$M/run/postgresql" 2>/dev/null || true
hostname "$NAME"
echo "$NAME" > "$M/etc/hostname"
cp "$HOSTS_FILE" "$M/etc/hosts"
rm -f "$M"/etc/ssh/ssh_host_*
install -m 0600 "$H/ssh_host_ed25519_key" "$M/etc/ssh/ssh_host_ed25519_key"
install -m 0644 "$H/ssh_host_ed25519_key.pub" "$M/etc/ssh/ssh_host_ed25519_key.pub"
install -m 0600 "$H/authorized_keys" "$M/root/.ssh/authorized_keys"
chmod 0700 "$M/root/.ssh"
if [ "$first" = 1 ]; then
  # Disabled, as update-rc.d disable and systemctl disable leave them.
  for l in "$M"/etc/rc[2-5].d/S*; do if [ -L "$l" ]; then mv "$l" "$(dirname "$l")/K$(basename "$l" | cut -c2-)"; fi; done
  for l in "$M"/etc/systemd/system/*.wants/*; do if [ -L "$l" ] && [ "$(basename "$l")" != ssh.service ]; then rm -f "$l"; fi; done
  head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \\n' > "$M/etc/machine-id"
fi
SSHD_OPTS="-o HostKey=/etc/ssh/ssh_host_ed25519_key -o MaxStartups=100:30:200 -o MaxSessions=64"
if [ "$INIT" = systemd ]; then
  mount -t cgroup2 cgroup2 "$M/sys/fs/cgroup"
  for u in ${CONTAINER_MASKED.join(" ")}; do ln -sf /dev/null "$M/etc/systemd/system/$u"; done
  mkdir -p "$M/etc/systemd/system/ssh.service.d"
  printf '[Service]\\nEnvironment="SSHD_OPTS=%s"\\n' "$SSHD_OPTS" > "$M/etc/systemd/system/ssh.service.d/gocd-bc-lab.conf"
  exec chroot "$M" env container=gocd-bc-lab /lib/systemd/systemd --system
fi
exec chroot "$M" /bin/sh -c '(for s in /etc/rc2.d/S*; do if [ -x "$s" ]; then "$s" start; fi; done) </dev/null >/var/log/lab-boot.log 2>&1 &
exec /usr/sbin/sshd -D -E /var/log/sshd.log '"$SSHD_OPTS"
`;
