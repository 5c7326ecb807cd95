// The lab's faults, as a person rehearsing a failover would check them: a host's disk outlives the host
// (files, committed rows and what it enabled survive a reboot; what it did not enable stays off); a crash
// is a power cut that PostgreSQL recovers from, a stop is a clean shutdown; a partitioned host keeps
// running but nothing reaches it, its VRRP peer takes the VIP, and healing brings it back; `lab down`
// after all that leaves nothing behind. On plain sshd hosts (boot is the /etc/rc2.d links): the systemd
// hosts' faults are tested in lab-systemd.test.ts.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import "./fresh-sshd-lab.js";
import { labDown, labFault, labStatus, labUp } from "../../src/lab/lab.js";
import { labPaths, LAB_NET } from "../../src/lab/topology.js";
import { cli, told } from "./cli.js";
import { eventually, host, ok, pgReady, psqlOn, sh } from "./lab-access.js";

const DB = "db-primary";
const PG_LOG = "/var/log/postgresql/postgresql-15-main.log";
const psql = (sql: string) => psqlOn(DB, sql);
const pgUp = () => pgReady(DB);
const holdsVip = async (name: string) =>
  (await sh(name, "ip -4 -o addr show dev eth0")).stdout.includes(` ${LAB_NET.vip}/`);

/** Unicast VRRP between the two GoCD servers, as the keepalived role sets it up, without a health check. */
function keepalivedConf(self: string, peer: string, priority: number): string {
  return `vrrp_instance gbc_faults {
  state BACKUP
  interface eth0
  virtual_router_id 61
  priority ${priority}
  advert_int 1
  unicast_src_ip ${host(self).ip}
  unicast_peer {
    ${host(peer).ip}
  }
  virtual_ipaddress {
    ${LAB_NET.vip}/${LAB_NET.cidr}
  }
}
`;
}

describe("lab faults: stop, crash, start, reboot, partition, heal", { concurrency: false }, () => {
  it("a file, a committed row and an enabled service survive a reboot; a service not enabled stays off", async () => {
    await ok(DB, "echo kept > /root/gbc-fault-file && pg_ctlcluster 15 main start && update-rc.d postgresql enable");
    await psql("CREATE TABLE faults (n int); INSERT INTO faults VALUES (1)");
    const r = await cli(["lab", "reboot", DB]);
    assert.equal(r.code, 0, told(r));
    assert.match(r.stdout, /^db-primary +198\.18\.0\.21 +rebooted$/m);
    assert.equal((await ok(DB, "cat /root/gbc-fault-file")).trim(), "kept");
    assert.ok(await eventually(pgUp, 20_000), "PostgreSQL, enabled at boot, did not start after the reboot");
    assert.equal((await psql("SELECT n FROM faults")).trim(), "1");
    // keepalived's package is installed on every host but not enabled on any: it must not start.
    assert.match(await ok(DB, "ls /etc/rc2.d"), /^K\d\dkeepalived$/m);
    assert.equal((await sh(DB, "pgrep -x keepalived")).code, 1, "keepalived started at boot without being enabled");
    // The reboot was clean: the database shut down properly and needed no recovery.
    assert.doesNotMatch(await ok(DB, `cat ${PG_LOG}`), /database system was interrupted/);
  });

  it("a crash kills every process at once; the host boots from its disk and PostgreSQL recovers the committed row", async () => {
    await psql("INSERT INTO faults VALUES (2)");
    const crashed = await cli(["lab", "crash", DB]);
    assert.equal(crashed.code, 0, told(crashed));
    const status = await cli(["lab", "status", "--json"]);
    assert.equal(status.code, 1, "lab status says every host answers while one is down");
    const row = (JSON.parse(status.stdout) as { hosts: { name: string; state: string; init: string }[] }).hosts.find(
      (h) => h.name === DB,
    );
    assert.deepEqual(row && { state: row.state, init: row.init }, { state: "stopped", init: "sshd" });
    assert.equal((await sh(DB, "true")).code, 255, "the crashed host still answers");
    // gocd-bc status names the lost host as unreachable, never as a stopped database.
    const pair = await cli(["status", "-i", labPaths().inventory]);
    assert.match(pair.stdout, /^ +unknown +db-primary +unreachable: .+$/m, told(pair));
    assert.match(pair.stdout, /db-primary is unreachable: /);
    const started = await cli(["lab", "start", DB]);
    assert.equal(started.code, 0, told(started));
    assert.ok(await eventually(pgUp, 20_000), "PostgreSQL did not come back after the crash");
    assert.equal((await psql("SELECT n FROM faults ORDER BY n")).trim(), "1\n2");
    assert.match(await ok(DB, `cat ${PG_LOG}`), /database system was interrupted; last known up at/);
  });

  it("a stop is a clean shutdown, and a stopped host starts again", async () => {
    const [stopped] = await labFault("stop", [DB]);
    assert.equal(stopped?.result, "done");
    const [row] = (await labStatus())!.filter((h) => h.host.name === DB);
    assert.equal(row?.state, "stopped");
    await labFault("start", [DB]);
    assert.ok(await eventually(pgUp, 20_000));
    const log = await ok(DB, `cat ${PG_LOG}`);
    const lastStart = log.slice(log.lastIndexOf("starting PostgreSQL"));
    assert.doesNotMatch(
      lastStart,
      /database system was interrupted/,
      "the stop was not clean: PostgreSQL had to recover",
    );
    assert.match(log, /received fast shutdown request[\s\S]*database system is shut down[\s\S]*starting PostgreSQL/);
  });

  it("a partitioned host keeps running but nothing reaches it; its VRRP peer takes the VIP; heal brings it back", async () => {
    const [a, b] = ["gocd-primary", "gocd-standby"];
    await ok(
      a,
      `mkdir -p /etc/keepalived && cat > /etc/keepalived/keepalived.conf <<'EOF'\n${keepalivedConf(a, b, 150)}EOF\n/etc/init.d/keepalived start`,
    );
    assert.ok(await eventually(() => holdsVip(a), 20_000), `${a} never took the VIP`);
    await ok(
      b,
      `mkdir -p /etc/keepalived && cat > /etc/keepalived/keepalived.conf <<'EOF'\n${keepalivedConf(b, a, 100)}EOF\n/etc/init.d/keepalived start`,
    );
    await ok(a, "nohup sleep 600 >/dev/null 2>&1 & echo $! > /tmp/gbc-sleeper");
    try {
      const cut = await cli(["lab", "partition", a]);
      assert.equal(cut.code, 0, told(cut));
      assert.equal(
        (await sh(a, "true", { timeoutMs: 20_000 })).code,
        255,
        "the controller still reaches the partitioned host",
      );
      const fromPeer = await sh(b, `timeout 3 bash -c 'exec 3<>/dev/tcp/${host(a).ip}/22' || echo unreachable`);
      assert.match(fromPeer.stdout, /unreachable/, "a peer still reaches the partitioned host");
      assert.ok(await eventually(() => holdsVip(b), 15_000), `${b} did not take the VIP when ${a} was cut off`);
      const status = await cli(["lab", "status"]);
      assert.match(status.stdout, /^gocd-primary +198\.18\.0\.11 +partitioned +init sshd$/m);
    } finally {
      const healed = await cli(["lab", "heal", a]);
      assert.equal(healed.code, 0, told(healed));
    }
    assert.equal(
      (await sh(a, "kill -0 $(cat /tmp/gbc-sleeper)")).code,
      0,
      "the partitioned host's own processes did not keep running",
    );
    assert.ok(
      await eventually(async () => (await holdsVip(a)) !== (await holdsVip(b)), 15_000),
      "after the heal the VIP is not on exactly one server",
    );
    for (const h of [a, b])
      await ok(h, "/etc/init.d/keepalived stop >/dev/null; rm -f /etc/keepalived/keepalived.conf");
  });

  it("an unknown host is refused before anything is done", async () => {
    const r = await cli(["lab", "crash", DB, "no-such-host"]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /no lab host no-such-host; the hosts are gocd-primary, /);
    assert.equal((await sh(DB, "true")).code, 0, "the known host was crashed anyway");
  });

  it("lab down after crashes, stops and partitions leaves no namespace, process, mount, link or file", async () => {
    await labFault("crash", ["agent1"]);
    await labFault("stop", ["share"]);
    await labFault("partition", ["db-standby"]);
    await labDown();
    const root = labPaths().root;
    assert.equal(existsSync(root), false, `${root} is still there`);
    assert.doesNotMatch(execFileSync("ip", ["netns", "list"], { encoding: "utf8" }), /^gbc-/m);
    assert.doesNotMatch(execFileSync("ip", ["-o", "link", "show"], { encoding: "utf8" }), /gbcv\d+|gbcbr0/);
    assert.doesNotMatch(readFileSync("/proc/mounts", "utf8"), /gocd-bc-lab/);
    await labUp({ extra: 0 });
  });
});
