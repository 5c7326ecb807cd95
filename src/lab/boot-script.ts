// The script that turns a fresh namespace into a lab host. It runs as PID 1's parent inside new mount, PID,
// IPC and UTS namespaces, so every mount it makes vanishes with the host and nothing leaks to the controller.
import { LAB_APT_MOUNT } from "./topology.js";

/**
 * Arguments: HOST_DIR NAME APT_REPO HOSTS_FILE. HOST_DIR holds rw/ and merged/ (empty mount points),
 * the host key and authorized_keys. The root is an overlay of the controller's `/` whose writable layer
 * is a tmpfs private to this host; sshd ends up as PID 1 and reaps every orphan (postgres, keepalived).
 */
export const BOOT_SCRIPT = `#!/bin/sh
set -eu
H="$1"; NAME="$2"; REPO="$3"; HOSTS_FILE="$4"
M="$H/merged"
mount -t tmpfs -o mode=0755 gocd-bc-lab-rw "$H/rw"
mkdir -p "$H/rw/upper" "$H/rw/work"
mount -t overlay gocd-bc-lab-root -o "lowerdir=/,upperdir=$H/rw/upper,workdir=$H/rw/work" "$M"
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
exec chroot "$M" /usr/sbin/sshd -D -E /var/log/sshd.log -o HostKey=/etc/ssh/ssh_host_ed25519_key -o MaxStartups=100:30:200 -o MaxSessions=64
`;
