// The edge roles on real lab hosts (playbooks/edge.yml): the artifact share (sshfs from the share host,
// as the lab's kernel has no NFS) mounted on both GoCD servers and writable by go, keepalived holding
// the VIP on the server whose GoCD is healthy only, the agent pointed at the VIP; idempotence, and drift
// reported by check mode and corrected by a real run.
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import "./fresh-lab.js";
import { LAB_NET, labPaths } from "../../src/lab/topology.js";
import type { RunEvent } from "../../src/report/events.js";
import { changedCount, resultsOf, runPlaybook, type Ran } from "./engine-harness.js";
import { eventually, ok, sh } from "./lab-access.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const PLAYBOOK = path.join(root, "playbooks/edge.yml");
const SERVERS = ["gocd-primary", "gocd-standby"] as const;
const MOUNT = "/var/lib/go-server/artifacts-share";
const EXPORT = "/srv/gocd-share/artifacts";
const KEEPALIVED_CONF = "/etc/keepalived/keepalived.conf";
const RESPONDER_PID = "/run/gbc-edge-health-responder.pid";

/** Runs playbooks/edge.yml against the lab's own inventory, on the four hosts this test uses. */
function runEdge(o: { check?: boolean; diff?: boolean; extraVars?: string[]; limit?: string } = {}): Promise<Ran> {
  return runPlaybook(PLAYBOOK, {
    inventory: labPaths().inventory,
    extraVars: o.extraVars,
    limit: o.limit ?? "gocd_servers:agents",
    check: o.check ?? false,
    diff: o.diff ?? false,
  });
}

type HostResult = Extract<RunEvent, { type: "host_result" }>;
const results = (events: readonly RunEvent[]) => events.filter((e): e is HostResult => e.type === "host_result");
const isHandler = (e: HostResult) => e.loc.file.includes(`${path.sep}handlers${path.sep}`);
const failures = (events: readonly RunEvent[]) =>
  JSON.stringify(results(events).filter((e) => e.result.status === "failed" && !e.ignored));
/** "task @ host" of every changed task result that is not a handler. */
const changedTasks = (events: readonly RunEvent[]) =>
  results(events)
    .filter((e) => e.result.status === "changed" && !isHandler(e))
    .map((e) => `${e.task} @ ${e.host}`);

const holdsVip = async (name: string) => (await ok(name, "ip -4 -o addr show dev eth0")).includes(` ${LAB_NET.vip}/`);

/** A stand-in for GoCD's health API on 127.0.0.1:8153 (200 on /go/api/v1/health), in the background.
 * No single quotes in it: it is passed to the shell inside them. */
const RESPONDER = `require("http").createServer((q, r) => { r.writeHead(q.url === "/go/api/v1/health" ? 200 : 404, { "content-type": "application/json" }); r.end(JSON.stringify({ health: "OK" })); }).listen(8153, "127.0.0.1")`;
const startResponder = (name: string) =>
  ok(
    name,
    `nohup node -e '${RESPONDER}' </dev/null >/dev/null 2>&1 & echo $! > ${RESPONDER_PID}; for i in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/8153) 2>/dev/null && exit 0; sleep 0.1; done; exit 1`,
  );
const stopResponder = (name: string) =>
  sh(name, `test -e ${RESPONDER_PID} && kill $(cat ${RESPONDER_PID}) 2>/dev/null; rm -f ${RESPONDER_PID}; true`);

/** go as the GoCD packages create it (the lab does not install go-server for this test). */
const ensureGoUser = [
  "getent group go >/dev/null || groupadd --system go",
  "getent passwd go >/dev/null || useradd --system --gid go --home-dir /var/go --create-home --shell /bin/bash --comment GoCD go",
].join(" && ");

async function cleanup(): Promise<void> {
  await Promise.all(
    SERVERS.map(async (h) => {
      await stopResponder(h);
      await sh(
        h,
        [
          "/etc/init.d/keepalived stop >/dev/null 2>&1",
          `for i in $(seq 50); do pgrep -f '^/usr/sbin/keepalived( |$)' >/dev/null || break; sleep 0.1; done`,
          `umount ${MOUNT} 2>/dev/null`,
          `sed -i '\\# ${MOUNT} #d' /etc/fstab`,
          `rm -f ${KEEPALIVED_CONF}`,
          "true",
        ].join("; "),
      );
    }),
  );
  await sh(
    "share",
    [
      "rm -f /etc/ssh/sshd_config.d/gocd-bc-artifact-share.conf && /etc/init.d/ssh reload >/dev/null",
      "getent passwd gocd-share >/dev/null && userdel gocd-share",
      `rm -rf /etc/ssh/gocd-bc-authorized-keys ${EXPORT}`,
      "true",
    ].join("; "),
  );
  await sh("agent1", "/etc/init.d/go-agent stop >/dev/null 2>&1; true");
}

describe("edge roles: artifact share, keepalived, agent", { concurrency: false }, () => {
  let agentWasInstalled = false;
  before(async () => {
    await Promise.all(SERVERS.map((h) => ok(h, ensureGoUser)));
    agentWasInstalled =
      (await sh("agent1", "dpkg-query -W -f='${Status}' go-agent 2>/dev/null | grep -q 'install ok installed'"))
        .code === 0;
    await cleanup();
  });
  after(async () => {
    await cleanup();
    // Leave agent1 as this test found it.
    if (!agentWasInstalled)
      await sh(
        "agent1",
        "DEBIAN_FRONTEND=noninteractive apt-get purge -y -q -o DPkg::Lock::Timeout=60 go-agent >/dev/null 2>&1; rm -f /etc/apt/sources.list.d/gocd.list; true",
      );
  });

  it("a first run succeeds and a second run changes nothing", async () => {
    const first = await runEdge();
    assert.equal(first.outcome.exitCode, 0, failures(first.events));
    const second = await runEdge();
    assert.equal(second.outcome.exitCode, 0, failures(second.events));
    assert.deepEqual(changedTasks(second.events), [], "second run changed something");
    assert.equal(changedCount(second.outcome), 0);
  });

  it("an artifact written by go on gocd-primary's share is visible on gocd-standby's", async () => {
    const name = `pipelines/gbc-edge-${process.pid}.txt`;
    try {
      await ok(
        "gocd-primary",
        `su -s /bin/sh -c 'mkdir -p ${MOUNT}/pipelines && echo artifact-${process.pid} > ${MOUNT}/${name}' go`,
      );
      assert.equal((await ok("gocd-standby", `cat ${MOUNT}/${name}`)).trim(), `artifact-${process.pid}`);
      assert.equal((await ok("gocd-standby", `stat -c %U ${MOUNT}/${name}`)).trim(), "go");
      assert.equal((await ok("share", `cat ${EXPORT}/${name}`)).trim(), `artifact-${process.pid}`);
      for (const h of SERVERS) {
        const fstab = await ok(h, `grep ' ${MOUNT} ' /etc/fstab`);
        assert.match(
          fstab,
          /^gocd-share@share:\/artifacts \S+ fuse\.sshfs _netdev,allow_other,default_permissions,uid=\d+,gid=\d+,IdentityFile=\S+,UserKnownHostsFile=\S+,StrictHostKeyChecking=yes,reconnect,/,
        );
      }
      // Anyone but go is kept out by the share's mode (default_permissions).
      assert.notEqual(
        (await sh("gocd-standby", `su -s /bin/sh -c 'touch ${MOUNT}/nobody' nobody`)).code,
        0,
        "nobody could write to the share",
      );
    } finally {
      await sh("share", `rm -rf ${EXPORT}/pipelines`);
    }
  });

  it("the share key is an SFTP login confined to the export, as an unprivileged user", async () => {
    const key = "/root/.ssh/gocd_artifact_share_ed25519";
    const login = `ssh -i ${key} -o UserKnownHostsFile=/root/.ssh/gocd_artifact_share_known_hosts -o StrictHostKeyChecking=yes -o BatchMode=yes`;
    // No command, no shell, whatever the user name asked for.
    for (const user of ["gocd-share", "root"]) {
      const r = await sh("gocd-standby", `${login} ${user}@share 'id; touch /tmp/gbc-share-shell' </dev/null`);
      assert.doesNotMatch(r.stdout, /uid=/, `the share key ran a command as ${user}`);
    }
    assert.equal(
      (await sh("share", "test -e /tmp/gbc-share-shell")).code,
      1,
      "the share key ran a command on the share host",
    );
    // SFTP sees the chroot (the export and nothing else), cannot read the host's files nor leave the chroot.
    const sftp = (batch: string) =>
      sh(
        "gocd-standby",
        `printf '%s\\n' ${batch} | sftp -b - -i ${key} -o UserKnownHostsFile=/root/.ssh/gocd_artifact_share_known_hosts -o StrictHostKeyChecking=yes gocd-share@share`,
      );
    const listing = await sftp(`'ls -1 /'`);
    assert.equal(listing.code, 0, listing.stderr);
    assert.deepEqual(
      listing.stdout
        .split("\n")
        .filter((l) => l && !l.startsWith("sftp>"))
        .map((l) => l.trim()),
      ["/artifacts"],
    );
    assert.notEqual((await sftp(`'get /etc/passwd /tmp/gbc-passwd' 'get ../../etc/passwd /tmp/gbc-passwd'`)).code, 0);
    assert.equal(
      (await sh("gocd-standby", "test -e /tmp/gbc-passwd")).code,
      1,
      "the share key read a file outside the export",
    );
    const forward = await sh(
      "gocd-standby",
      `${login} -N -L 127.0.0.1:18154:127.0.0.1:22 -o ExitOnForwardFailure=yes gocd-share@share & p=$!; sleep 1; (exec 3<>/dev/tcp/127.0.0.1/18154 && head -c 4 <&3) 2>/dev/null; kill $p 2>/dev/null; true`,
    );
    assert.doesNotMatch(forward.stdout, /SSH-/, "the share key could forward a port");
    // What GoCD writes belongs, on the share host, to the share user, who owns nothing else there.
    await ok("gocd-primary", `su -s /bin/sh -c 'echo x > ${MOUNT}/gbc-owner-probe' go`);
    try {
      assert.equal((await ok("share", `stat -c %U ${EXPORT}/gbc-owner-probe`)).trim(), "gocd-share");
    } finally {
      await sh("share", `rm -f ${EXPORT}/gbc-owner-probe`);
    }
    assert.equal(
      (await ok("share", "getent passwd gocd-share | cut -d: -f3,7")).trim().split(":")[1],
      "/usr/sbin/nologin",
    );
    assert.equal(
      (await ok("share", `find / -xdev -user gocd-share -not -path '${EXPORT}*' 2>/dev/null | head`)).trim(),
      "",
    );
    assert.doesNotMatch(
      await ok("share", "cat /root/.ssh/authorized_keys 2>/dev/null; true"),
      /gocd-bc artifact share/,
      "a share key is still authorised for root",
    );
  });

  it("the agent points at the VIP, and a server URL that is not the VIP is refused", async () => {
    const props = await ok("agent1", "cat /usr/share/go-agent/wrapper-config/wrapper-properties.conf");
    assert.match(props, /^wrapper\.app\.parameter\.100=-serverUrl$/m);
    assert.match(
      props,
      new RegExp(`^wrapper\\.app\\.parameter\\.101=http://${LAB_NET.vip.replace(/\./g, "\\.")}:8153/go$`, "m"),
    );
    assert.equal((await sh("agent1", "/etc/init.d/go-agent status")).code, 0, "go-agent is not running");
    const refused = await runEdge({ limit: "agents", extraVars: ["gocd_agent_server_url=http://198.18.0.11:8153/go"] });
    assert.equal(refused.outcome.exitCode, 2);
    const failed = results(refused.events).find((e) => e.result.status === "failed");
    assert.match(JSON.stringify(failed?.result), /must name the VIP 198\.18\.0\.100/);
  });

  it("the VIP is held by the server whose GoCD is healthy, and moves with the health", async () => {
    await startResponder("gocd-primary");
    assert.ok(await eventually(() => holdsVip("gocd-primary"), 20_000), "the healthy gocd-primary never took the VIP");
    assert.equal(await holdsVip("gocd-standby"), false, "the unhealthy gocd-standby holds the VIP too");
    await stopResponder("gocd-primary");
    await startResponder("gocd-standby");
    assert.ok(
      await eventually(() => holdsVip("gocd-standby"), 20_000),
      "the VIP did not move to the healthy gocd-standby",
    );
    assert.ok(
      await eventually(async () => !(await holdsVip("gocd-primary")), 5_000),
      "gocd-primary kept the VIP after its GoCD went down",
    );
    const banner = await ok("agent1", `exec 3<>/dev/tcp/${LAB_NET.vip}/22 && head -c 4 <&3`);
    assert.equal(banner, "SSH-", "the VIP does not answer from the agent");
  });

  it("the installed health check passes GoCD healthy or starting, and fails any other answer or none", async () => {
    // One HTTP server on a spare port answers each path as GoCD might: the installed script asks it.
    const answers = `require("http").createServer((q, r) => { const [code, body] = { "/ok": [200, { health: "OK" }], "/starting": [503, { health: "Starting" }], "/maintenance": [503, { message: "Server is in maintenance mode" }], "/error": [500, { health: "OK" }] }[q.url] ?? [404, {}]; r.writeHead(code, { "content-type": "application/json" }); r.end(JSON.stringify(body)); }).listen(18153, "127.0.0.1")`;
    const verdicts = await ok(
      "gocd-primary",
      [
        `nohup node -e '${answers}' </dev/null >/dev/null 2>&1 & pid=$!`,
        "for i in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/18153) 2>/dev/null && break; sleep 0.1; done",
        'for p in /ok /starting /maintenance /error /missing; do /usr/local/lib/gocd-bc/check-gocd-health 127.0.0.1 18153 $p; echo "$p $?"; done',
        "kill $pid; wait $pid 2>/dev/null",
        '/usr/local/lib/gocd-bc/check-gocd-health 127.0.0.1 18153 /ok; echo "closed $?"',
      ].join("; "),
    );
    assert.deepEqual(verdicts.trim().split("\n"), [
      "/ok 0",
      "/starting 0",
      "/maintenance 1",
      "/error 1",
      "/missing 1",
      "closed 1",
    ]);
  });

  it("a hand edit of keepalived.conf is reported by check mode alone and undone, with a reload, by a real run", async () => {
    const pids = (h: string) => ok(h, "pgrep -f '^/usr/sbin/keepalived( |$)' | sort | head -1");
    const before = await ok("gocd-primary", `cat ${KEEPALIVED_CONF}`);
    const pidBefore = await pids("gocd-primary");
    await ok(
      "gocd-primary",
      `sed -i 's/^\\( *advert_int\\) 0.2$/\\1 3/' ${KEEPALIVED_CONF} && grep -q 'advert_int 3' ${KEEPALIVED_CONF}`,
    );

    const checked = await runEdge({ check: true, diff: true });
    assert.equal(checked.outcome.exitCode, 0, failures(checked.events));
    assert.deepEqual(changedTasks(checked.events), ["keepalived : keepalived configured @ gocd-primary"]);
    const drift = resultsOf(checked.events, "keepalived : keepalived configured", "gocd-primary")[0]!.result;
    const diff = JSON.stringify(drift);
    assert.match(diff, /advert_int 3/);
    assert.match(diff, /advert_int 0\.2/);
    assert.match(await ok("gocd-primary", `cat ${KEEPALIVED_CONF}`), /advert_int 3/, "check mode changed the file");

    const fixed = await runEdge();
    assert.equal(fixed.outcome.exitCode, 0, failures(fixed.events));
    assert.deepEqual(changedTasks(fixed.events), ["keepalived : keepalived configured @ gocd-primary"]);
    assert.deepEqual(
      results(fixed.events)
        .filter((e) => isHandler(e) && e.result.status === "changed")
        .map((e) => `${e.task} @ ${e.host}`),
      ["keepalived : reload keepalived @ gocd-primary"],
    );
    assert.equal(await ok("gocd-primary", `cat ${KEEPALIVED_CONF}`), before);
    assert.equal(await pids("gocd-primary"), pidBefore, "keepalived was restarted instead of reloaded");
  });

  it("the NFS path stops with a clear reason on a kernel without NFS, in check mode already", async () => {
    const probe = "/mnt/gbc-edge-nfs";
    const fstabBefore = await ok("gocd-standby", "cat /etc/fstab");
    const checked = await runEdge({
      check: true,
      diff: true,
      limit: "gocd-standby",
      extraVars: ["artifact_share_type=nfs", `artifact_share_mount=${probe}`],
    });
    assert.equal(checked.outcome.exitCode, 2);
    const failed = results(checked.events).filter((e) => e.result.status === "failed");
    assert.deepEqual(
      failed.map((e) => e.task),
      ["artifact_share : share mounted and in fstab"],
    );
    assert.match(
      JSON.stringify(failed[0]!.result),
      /cannot mount nfs share:\/srv\/gocd-share\/artifacts: this kernel has no NFS client support/,
    );
    assert.equal(await ok("gocd-standby", "cat /etc/fstab"), fstabBefore, "check mode wrote fstab");
    assert.equal((await sh("gocd-standby", `test -e ${probe}`)).code, 1, "check mode created the mount point");
  });

  it("an unmounted share is reported by check mode and remounted by a real run", async () => {
    await ok("gocd-standby", `umount ${MOUNT}`);
    const checked = await runEdge({ check: true, diff: true });
    assert.equal(checked.outcome.exitCode, 0, failures(checked.events));
    assert.deepEqual(changedTasks(checked.events), ["artifact_share : share mounted and in fstab @ gocd-standby"]);
    assert.equal(
      (await sh("gocd-standby", `grep -q ' ${MOUNT} ' /proc/mounts`)).code,
      1,
      "check mode mounted the share",
    );

    const fixed = await runEdge();
    assert.equal(fixed.outcome.exitCode, 0, failures(fixed.events));
    assert.deepEqual(changedTasks(fixed.events), ["artifact_share : share mounted and in fstab @ gocd-standby"]);
    assert.match(await ok("gocd-standby", `grep ' ${MOUNT} ' /proc/mounts`), /fuse\.sshfs/);
    const again = await runEdge();
    assert.equal(changedCount(again.outcome), 0, JSON.stringify(changedTasks(again.events)));
  });
});
