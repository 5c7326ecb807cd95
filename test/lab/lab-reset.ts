// Every core lab host back to bare, as before any provisioning: for tests that start from scratch
// (test/lab/provision.test.ts). Other test files may have run before, so nothing is assumed about what
// they left: every piece gocd-bc's roles install is removed, whoever installed it.
import assert from "node:assert/strict";
import { CORE_HOSTS, LAB_NET } from "../../src/lab/topology.js";
import { ok, ON_SYSTEMD, sh } from "./lab-access.js";

const GOCD = ["gocd-primary", "gocd-standby"] as const;
const DBS = ["db-primary", "db-standby"] as const;
/** Where the roles put things in the lab (their defaults with the lab inventory). */
export const MOUNT = "/var/lib/go-server/artifacts-share";
export const EXPORT = "/srv/gocd-share/artifacts";
export const KEEPALIVED_CONF = "/etc/keepalived/keepalived.conf";
export const KEEPALIVED_PROC = "^/usr/sbin/keepalived( |$)";
export const PG_DATA = "/var/lib/postgresql/15/main";
export const PG_CONF = "/etc/postgresql/15/main";
export const SYNC_INIT = "/etc/init.d/gocd-bc-config-sync";
/** The config sync's timer, where systemd runs (its loop is an init script elsewhere). */
export const SYNC_TIMER = "gocd-bc-config-sync.timer";

/** Whether the standby's config sync runs on its own: its timer active (systemd) or its loop running. */
export const syncLoopRuns = async (h: string) =>
  (await sh(h, `if ${ON_SYSTEMD}; then systemctl is-active --quiet ${SYNC_TIMER}; else ${SYNC_INIT} status; fi`))
    .code === 0;

/** Stops the config sync (timer or loop) without disabling it, as an operator's mistake would. */
export const stopSyncLoop = (h: string) =>
  ok(h, `if ${ON_SYSTEMD}; then systemctl stop ${SYNC_TIMER}; else ${SYNC_INIT} stop >/dev/null; fi`);
const VIP = LAB_NET.vip;

const keepalivedRuns = async (h: string) => (await sh(h, `pgrep -f '${KEEPALIVED_PROC}' >/dev/null`)).code === 0;
const holdsVip = async (h: string) => (await ok(h, "ip -4 -o addr show")).includes(` ${VIP}/`);
const mounted = async (h: string) => (await sh(h, `grep -qF ' ${MOUNT} ' /proc/mounts`)).code === 0;

/** Every host back to bare: no GoCD, no keepalived configuration, no share, no config sync, no gocd-bc
 * files, and on the database hosts a fresh `main` cluster as Debian's package leaves it (created, never
 * started) and no other cluster. Other test files may have run before, so nothing is assumed. */
export async function resetToBare(): Promise<void> {
  const everywhere = [
    // The config sync loop and its service.
    `[ -x ${SYNC_INIT} ] && ${SYNC_INIT} stop >/dev/null 2>&1`,
    `${ON_SYSTEMD} && systemctl disable --now --quiet ${SYNC_TIMER} gocd-bc-config-sync.service 2>/dev/null`,
    "update-rc.d -f gocd-bc-config-sync remove >/dev/null 2>&1",
    `rm -f ${SYNC_INIT} /etc/systemd/system/gocd-bc-config-sync.service /etc/systemd/system/gocd-bc-config-sync.timer /run/gocd-bc-config-sync.pid`,
    `${ON_SYSTEMD} && systemctl daemon-reload`,
    // A health responder the edge test may have left (by its pid file).
    "test -e /run/gbc-edge-health-responder.pid && kill $(cat /run/gbc-edge-health-responder.pid) 2>/dev/null; rm -f /run/gbc-edge-health-responder.pid",
    // keepalived stopped (it drops the VIP), its configuration gone.
    "/etc/init.d/keepalived stop >/dev/null 2>&1",
    `for i in $(seq 50); do pgrep -f '${KEEPALIVED_PROC}' >/dev/null || break; sleep 0.1; done`,
    `rm -f ${KEEPALIVED_CONF}`,
    `ip -4 addr del ${VIP}/24 dev eth0 2>/dev/null`,
    // The share unmounted and out of fstab.
    `grep -qF ' ${MOUNT} ' /proc/mounts && { umount ${MOUNT} 2>/dev/null || umount -l ${MOUNT}; }`,
    `sed -i '\\# ${MOUNT} #d' /etc/fstab`,
    // GoCD stopped and purged, with what purging leaves (data, the user).
    "for s in go-server go-agent; do [ -x /etc/init.d/$s ] && /etc/init.d/$s stop >/dev/null 2>&1; done",
    // keepalived and PostgreSQL as bare hosts have them: not started at boot.
    `${ON_SYSTEMD} && systemctl disable --quiet keepalived postgresql 2>/dev/null`,
    "for p in go-server go-agent; do dpkg-query -W -f='${Status}' $p 2>/dev/null | grep -q installed && DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq -o DPkg::Lock::Timeout=60 $p >/dev/null 2>&1; done",
    "rm -rf /etc/go /var/lib/go-server /usr/share/go-server /var/log/go-server /var/lib/go-agent /usr/share/go-agent /var/log/go-agent /etc/default/go-server /etc/default/go-agent",
    "rm -f /etc/apt/sources.list.d/gocd.list",
    "getent passwd go >/dev/null && userdel go 2>/dev/null; getent group go >/dev/null && groupdel go 2>/dev/null",
    // gocd-bc's own files and keys.
    "rm -rf /usr/local/lib/gocd-bc /var/lib/gocd-bc /etc/gocd-bc /var/log/gocd-bc-config-sync.log",
    "rm -f /root/.ssh/gocd_artifact_share_ed25519 /root/.ssh/gocd_artifact_share_ed25519.pub /root/.ssh/gocd_artifact_share_known_hosts",
    "[ -f /root/.ssh/authorized_keys ] && sed -i '/ gocd-bc-config-sync@/d; / gocd-bc artifact share /d' /root/.ssh/authorized_keys",
    "true",
  ].join("; ");
  const database = [
    // Every cluster dropped (other tests may leave others), then `main` as the package creates it.
    'pg_lsclusters --no-header 2>/dev/null | while read -r v c rest; do pg_dropcluster --stop "$v" "$c"; done',
    `rm -rf ${PG_DATA} ${PG_DATA}.gocd-bc-* ${PG_CONF} /var/lib/postgresql/.pgpass`,
    "pg_createcluster 15 main >/dev/null",
  ].join("; ");
  await Promise.all(
    CORE_HOSTS.map(async (h) => {
      await ok(h.name, everywhere, 180_000);
      if ((DBS as readonly string[]).includes(h.name)) await ok(h.name, database, 120_000);
    }),
  );
  await ok("share", `rm -rf ${EXPORT}`);
  // Bare, as an operator would check it.
  for (const h of GOCD) {
    assert.equal(
      (await sh(h, "dpkg-query -W -f='${Status}' go-server 2>/dev/null | grep -q 'install ok installed'")).code,
      1,
      `go-server still on ${h}`,
    );
    assert.equal(await mounted(h), false);
    assert.equal(await keepalivedRuns(h), false);
    assert.equal(await holdsVip(h), false);
  }
  for (const h of DBS) assert.match(await ok(h, "pg_lsclusters --no-header"), /^15\s+main\s+5432\s+down\s/);
}
