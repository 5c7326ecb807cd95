// The real programs the roles will drive work across lab hosts: PostgreSQL over the network,
// keepalived moving the VIP, an sshfs mount from the share host.
import { test } from "node:test";
import "./fresh-lab.js";
import assert from "node:assert/strict";
import { LAB_NET } from "../../src/lab/topology.js";
import { eventually, host, ok, sh } from "./lab-access.js";

test("a PostgreSQL cluster started on one host is reachable from another", async (t) => {
  const cluster = "15 labnet";
  t.after(() => sh("db-primary", `pg_dropcluster --stop ${cluster}`));
  await ok(
    "db-primary",
    [
      `pg_createcluster ${cluster} -p 5433 -- --auth-local=peer --auth-host=scram-sha-256 >/dev/null`,
      `echo "listen_addresses = '*'" > /etc/postgresql/15/labnet/conf.d/lab.conf`,
      `echo "host all all ${LAB_NET.prefix}.0/24 scram-sha-256" >> /etc/postgresql/15/labnet/pg_hba.conf`,
      `pg_ctlcluster ${cluster} start`,
      `su postgres -c "psql -p 5433 -qc \\"CREATE ROLE labuser LOGIN PASSWORD 'lab-secret'\\""`,
    ].join(" && "),
  );
  const out = await ok(
    "db-standby",
    `PGPASSWORD=lab-secret psql -h db-primary -p 5433 -U labuser -d postgres -Atc "select inet_server_addr()"`,
  );
  assert.equal(out.trim(), host("db-primary").ip);
});

/** keepalived.conf for one side of a unicast pair, both in state BACKUP as the role will configure them. */
function keepalivedConf(self: string, peer: string, priority: number): string {
  return `vrrp_instance lab_test {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority ${priority}
  advert_int 1
  unicast_src_ip ${self}
  unicast_peer { ${peer} }
  virtual_ipaddress { ${LAB_NET.vip}/${LAB_NET.cidr} dev eth0 }
}
`;
}

const holdsVip = async (name: string) => (await ok(name, "ip -4 -o addr show dev eth0")).includes(` ${LAB_NET.vip}/`);
const startKeepalived = "keepalived -f /tmp/ka-test.conf -p /run/ka-test.pid -r /run/ka-test-vrrp.pid";
const stopKeepalived =
  "kill $(cat /run/ka-test.pid) 2>/dev/null; for i in $(seq 50); do test -e /run/ka-test.pid || break; sleep 0.1; done";

test("a keepalived pair holds the VIP on one side and moves it when that side stops", async (t) => {
  const [a, b] = [host("gocd-primary"), host("gocd-standby")];
  t.after(async () => {
    await sh(a, stopKeepalived);
    await sh(b, stopKeepalived);
  });
  await ok(a, `cat > /tmp/ka-test.conf <<'EOF'\n${keepalivedConf(a.ip, b.ip, 150)}EOF\n${startKeepalived}`);
  await ok(b, `cat > /tmp/ka-test.conf <<'EOF'\n${keepalivedConf(b.ip, a.ip, 100)}EOF\n${startKeepalived}`);
  assert.ok(await eventually(() => holdsVip(a.name), 15_000), "the higher-priority side never took the VIP");
  assert.equal(await holdsVip(b.name), false, "both sides hold the VIP");
  await ok(a, stopKeepalived);
  assert.ok(await eventually(() => holdsVip(b.name), 10_000), "the VIP did not move when its holder stopped");
  assert.equal(await holdsVip(a.name), false);
  const banner = await ok("agent1", `exec 3<>/dev/tcp/${LAB_NET.vip}/22 && head -c 4 <&3`);
  assert.equal(banner, "SSH-", "the VIP does not answer from another host after the move");
});

test("an sshfs mount from the share host is readable and writable", async (t) => {
  const [client, share] = [host("gocd-primary"), host("share")];
  t.after(async () => {
    await sh(client, "fusermount3 -u /mnt/lab-share 2>/dev/null || fusermount -u /mnt/lab-share 2>/dev/null; true");
    await sh(share, "rm -rf /srv/lab-share");
  });
  await ok(share, "mkdir -p /srv/lab-share && echo from-share > /srv/lab-share/hello.txt");
  const pub = await ok(
    client,
    "test -e /root/.ssh/id_ed25519 || ssh-keygen -q -t ed25519 -N '' -f /root/.ssh/id_ed25519; cat /root/.ssh/id_ed25519.pub",
  );
  await ok(share, `echo '${pub.trim()}' >> /root/.ssh/authorized_keys`);
  await ok(
    client,
    [
      "ssh-keyscan -t ed25519 share >> /root/.ssh/known_hosts 2>/dev/null",
      "mkdir -p /mnt/lab-share",
      "sshfs -o StrictHostKeyChecking=yes,IdentityFile=/root/.ssh/id_ed25519 root@share:/srv/lab-share /mnt/lab-share",
    ].join(" && "),
  );
  assert.equal((await ok(client, "cat /mnt/lab-share/hello.txt")).trim(), "from-share");
  await ok(client, "echo from-client > /mnt/lab-share/written.txt");
  assert.equal((await ok(share, "cat /srv/lab-share/written.txt")).trim(), "from-client");
  assert.match(await ok(client, "grep /mnt/lab-share /proc/mounts"), /fuse\.sshfs/);
});
