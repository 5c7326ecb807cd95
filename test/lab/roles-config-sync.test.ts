// The gocd_config_sync role on real lab hosts (playbooks/config-sync.yml), with agent1 playing the active
// GoCD server and share the standby, in this test's own inventory (gocd-primary/gocd-standby belong to
// the edge tests), and gocd_vip set to agent1's address so that "the VIP leads to the active server"
// holds without keepalived. The go-server stand-in is installed on both from the lab's apt repository
// and never started. Checked: a run makes the standby's sync set identical to the active's and a second
// run changes nothing; the loop (every 2 s here) carries a change on the active, and undoes a change on
// the standby, without a provision run; the restricted key can only read the export; on the active the
// pull does nothing and says why; the status file records the last pull. On plain sshd hosts: the loop as
// an init script; provision.test.ts exercises its systemd timer.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { quote } from "shell-quote";
import "./fresh-sshd-lab.js";
import { labPaths } from "../../src/lab/topology.js";
import type { RunEvent } from "../../src/report/events.js";
import { changedCount, runPlaybook, type Ran } from "./engine-harness.js";
import { eventually, host, ok, sh } from "./lab-access.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const PLAYBOOK = path.join(root, "playbooks/config-sync.yml");
const ACTIVE = "agent1";
const STANDBY = "share";
const SERVERS = [ACTIVE, STANDBY] as const;
const VIP = host(ACTIVE).ip;
const APT_LIST = "/etc/apt/sources.list.d/gbc-config-sync-test.list";
const SYNC_SET = [
  "/etc/go/cruise-config.xml",
  "/etc/go/cipher.aes",
  "/etc/go/jetty.xml",
  "/etc/go/go.feature.toggles",
  "/usr/share/go-server/wrapper-config/wrapper-properties.conf",
];
const PLUGINS = "/var/lib/go-server/plugins/external";
const KEY = "/var/lib/gocd-bc/config-sync/id_ed25519";
const STATUS = "/var/lib/gocd-bc/config-sync.status";
const PULL = "/usr/local/lib/gocd-bc/config-pull";
const INIT = "/etc/init.d/gocd-bc-config-sync";

type HostResult = Extract<RunEvent, { type: "host_result" }>;
const results = (events: readonly RunEvent[]) => events.filter((e): e is HostResult => e.type === "host_result");
const failures = (events: readonly RunEvent[]) =>
  JSON.stringify(results(events).filter((e) => e.result.status === "failed" && !e.ignored));
const changedTasks = (events: readonly RunEvent[]) =>
  results(events)
    .filter((e) => e.result.status === "changed")
    .map((e) => `${e.task} @ ${e.host}`);

let invDir = "";
let inventory = "";

function writeOwnInventory(): void {
  invDir = mkdtempSync(path.join(os.tmpdir(), "gbc-config-sync-inv-"));
  const paths = labPaths();
  const inv = {
    all: {
      vars: {
        ansible_user: "root",
        ansible_ssh_private_key_file: paths.privateKey,
        ansible_ssh_known_hosts_file: paths.knownHosts,
        gocd_vip: VIP,
        gocd_active_server: ACTIVE,
        gocd_standby_server: STANDBY,
        gocd_config_sync_interval: 2,
      },
      children: {
        gocd_servers: {
          hosts: { [ACTIVE]: { ansible_host: host(ACTIVE).ip }, [STANDBY]: { ansible_host: host(STANDBY).ip } },
        },
      },
    },
  };
  inventory = path.join(invDir, "inventory.yml");
  writeFileSync(inventory, JSON.stringify(inv, null, 2));
}

function runSync(o: { check?: boolean; diff?: boolean } = {}): Promise<Ran> {
  return runPlaybook(PLAYBOOK, { inventory, check: o.check ?? false, diff: o.diff ?? false });
}

/** "sha256 mode owner group path" of every file of the sync set on a host (absent ones as "absent path"). */
async function fingerprint(name: string): Promise<string> {
  const files = SYNC_SET.join(" ");
  return ok(
    name,
    `for f in ${files}; do if [ -f "$f" ]; then echo "$(sha256sum < "$f" | cut -c1-64) $(stat -c '%a %U %G' "$f") $f"; else echo "absent $f"; fi; done; ` +
      `find ${PLUGINS} -type f | sort | while read -r f; do echo "$(sha256sum < "$f" | cut -c1-64) $(stat -c '%a %U %G' "$f") $f"; done`,
  );
}
const inSync = async () => (await fingerprint(ACTIVE)) === (await fingerprint(STANDBY));

const installGoServer = [
  `echo 'deb [trusted=yes] file:/srv/gocd-bc-apt ./' > ${APT_LIST}`,
  `apt-get update -qq -o Dir::Etc::sourcelist=${APT_LIST} -o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0 >/dev/null`,
  "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq go-server >/dev/null",
].join(" && ");

async function cleanup(): Promise<void> {
  await Promise.all(
    SERVERS.map((h) =>
      sh(
        h,
        [
          `[ -x ${INIT} ] && ${INIT} stop >/dev/null 2>&1`,
          "update-rc.d -f gocd-bc-config-sync remove >/dev/null 2>&1",
          `rm -f ${INIT} /etc/systemd/system/gocd-bc-config-sync.service /etc/systemd/system/gocd-bc-config-sync.timer /run/gocd-bc-config-sync.pid`,
          "/etc/init.d/go-server stop >/dev/null 2>&1",
          "DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq go-server >/dev/null 2>&1",
          "rm -rf /etc/go /var/lib/go-server /usr/share/go-server /var/log/go-server",
          `rm -f ${APT_LIST}`,
          "sed -i '/ gocd-bc-config-sync@/d' /root/.ssh/authorized_keys",
          "rm -rf /root/gbc-planted /usr/local/lib/gocd-bc/config-export /usr/local/lib/gocd-bc/config-pull /usr/local/lib/gocd-bc/config-install /usr/local/lib/gocd-bc/config-loop /etc/gocd-bc /var/lib/gocd-bc /var/log/gocd-bc-config-sync.log",
          "rmdir /usr/local/lib/gocd-bc 2>/dev/null",
          "true",
        ].join("; "),
        { timeoutMs: 120_000 },
      ),
    ),
  );
}

describe("gocd_config_sync: standby's GoCD configuration kept identical to the active's", {
  concurrency: false,
}, () => {
  before(async () => {
    writeOwnInventory();
    await cleanup();
    await Promise.all(SERVERS.map((h) => ok(h, installGoServer, 180_000)));
    // Things only the active has, which must reach the standby: the feature toggles, a plugin, a
    // cipher key; and a plugin only the standby has, which must go.
    await ok(
      ACTIVE,
      [
        "echo 'toggles' > /etc/go/go.feature.toggles && chown go:go /etc/go/go.feature.toggles && chmod 0640 /etc/go/go.feature.toggles",
        "head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n' > /etc/go/cipher.aes && chown go:go /etc/go/cipher.aes && chmod 0600 /etc/go/cipher.aes",
        `head -c 4096 /dev/urandom > ${PLUGINS}/active-plugin.jar && chown go:go ${PLUGINS}/active-plugin.jar`,
      ].join(" && "),
    );
    await ok(STANDBY, `echo stale > ${PLUGINS}/stale-plugin.jar && chown go:go ${PLUGINS}/stale-plugin.jar`);
    assert.notEqual(
      await fingerprint(ACTIVE),
      await fingerprint(STANDBY),
      "the two installations are identical before the sync",
    );
  });
  after(async () => {
    await cleanup();
    if (invDir) rmSync(invDir, { recursive: true, force: true });
  });

  it("check mode before the first run neither fails nor installs anything", async () => {
    const checked = await runSync({ check: true });
    assert.equal(checked.outcome.exitCode, 0, failures(checked.events));
    assert.equal((await sh(STANDBY, `test -e ${PULL}`)).code, 1, "check mode installed the pull script");
  });

  it("a run makes the standby's set identical to the active's; a second run changes nothing", async () => {
    const first = await runSync();
    assert.equal(first.outcome.exitCode, 0, failures(first.events));
    assert.ok(
      changedTasks(first.events).includes(
        "gocd_config_sync : standby's configuration pulled from the active server @ share",
      ),
      JSON.stringify(changedTasks(first.events)),
    );
    assert.equal(await fingerprint(STANDBY), await fingerprint(ACTIVE));
    assert.equal(
      (await sh(STANDBY, `test -e ${PLUGINS}/stale-plugin.jar`)).code,
      1,
      "a plugin the active lacks is still on the standby",
    );
    assert.match(await ok(STANDBY, "cat /etc/go/cipher.aes"), /^[0-9a-f]{64}$/);

    const second = await runSync();
    assert.equal(second.outcome.exitCode, 0, failures(second.events));
    assert.deepEqual(changedTasks(second.events), [], "second run changed something");
    assert.equal(changedCount(second.outcome), 0);

    // The loop runs on the standby only; go-server runs on neither.
    assert.equal((await sh(STANDBY, `${INIT} status`)).code, 0, "the loop does not run on the standby");
    assert.equal((await sh(ACTIVE, `${INIT} status`)).code, 3, "the loop runs on the active");
    assert.match(await ok(STANDBY, "ls /etc/rc2.d"), /S\d\dgocd-bc-config-sync/);
    assert.doesNotMatch(await ok(ACTIVE, "ls /etc/rc2.d"), /S\d\dgocd-bc-config-sync/);
    for (const h of SERVERS)
      assert.equal((await sh(h, "/etc/init.d/go-server status")).code, 3, `go-server runs on ${h}`);
  });

  it("check mode reports a standby out of sync, and changes nothing", async () => {
    await ok(STANDBY, `${INIT} stop`);
    assert.equal((await sh(STANDBY, `${INIT} status`)).code, 3);
    try {
      await ok(
        STANDBY,
        "sed -i 's/<server /<server drifted=\"1\" /' /etc/go/cruise-config.xml && grep -q drifted /etc/go/cruise-config.xml",
      );
      const checked = await runSync({ check: true });
      assert.equal(checked.outcome.exitCode, 0, failures(checked.events));
      assert.deepEqual(changedTasks(checked.events), [
        "gocd_config_sync : standby's configuration pulled from the active server @ share",
        "gocd_config_sync : sync loop runs on the standby only @ share",
      ]);
      const pulled = results(checked.events).find(
        (e) =>
          e.task === "gocd_config_sync : standby's configuration pulled from the active server" && e.host === STANDBY,
      );
      assert.match(JSON.stringify(pulled?.result), /changed: would install \/etc\/go\/cruise-config\.xml/);
      assert.match(await ok(STANDBY, "cat /etc/go/cruise-config.xml"), /drifted/, "check mode changed the file");
    } finally {
      await ok(STANDBY, `${INIT} start`);
    }
    assert.ok(await eventually(inSync, 10_000), "the loop did not undo the drift after it was restarted");
  });

  it("a change on the active reaches the standby within the interval, without a provision run", async () => {
    const marker = `gbc-sync-${process.pid}-${Date.now()}`;
    await ok(
      ACTIVE,
      `sed -i 's|</cruise>|<!-- ${marker} -->\\n</cruise>|' /etc/go/cruise-config.xml && grep -q ${marker} /etc/go/cruise-config.xml`,
    );
    const started = Date.now();
    assert.ok(
      await eventually(
        async () => (await sh(STANDBY, `grep -q ${marker} /etc/go/cruise-config.xml`)).code === 0,
        10_000,
        100,
      ),
      "the change did not reach the standby within 10 s",
    );
    const took = Date.now() - started;
    assert.ok(took < 6_000, `took ${took} ms with a 2 s interval`);
    assert.equal(await fingerprint(STANDBY), await fingerprint(ACTIVE));
    // Ownership and mode come along, and the file was replaced, not rewritten in place.
    assert.equal(
      (await ok(STANDBY, "stat -c '%a %U %G' /etc/go/cruise-config.xml")).trim(),
      (await ok(ACTIVE, "stat -c '%a %U %G' /etc/go/cruise-config.xml")).trim(),
    );
    assert.equal(
      (await ok(STANDBY, "ls -a /etc/go | grep -c gocd-bc-sync || true")).trim(),
      "0",
      "a temporary file was left in /etc/go",
    );
    // A new plugin and a removed toggles file too.
    await ok(
      ACTIVE,
      `head -c 2048 /dev/urandom > ${PLUGINS}/second-plugin.jar && chown go:go ${PLUGINS}/second-plugin.jar && rm /etc/go/go.feature.toggles`,
    );
    assert.ok(await eventually(inSync, 10_000), "a new plugin or a removed toggles file did not reach the standby");
    assert.equal((await sh(STANDBY, "test -e /etc/go/go.feature.toggles")).code, 1);
  });

  it("a file altered on the standby is restored by the loop", async () => {
    await ok(
      STANDBY,
      "echo 'wrapper.java.additional.99=-Dhand.edit=1' >> /usr/share/go-server/wrapper-config/wrapper-properties.conf && chmod 0644 /etc/go/cruise-config.xml",
    );
    assert.ok(await eventually(inSync, 10_000), "the loop did not restore the standby's files");
    const log = await ok(STANDBY, "cat /var/log/gocd-bc-config-sync.log");
    assert.match(log, /changed: installed \/usr\/share\/go-server\/wrapper-config\/wrapper-properties\.conf/);
  });

  it("the restricted key can only read the export", async () => {
    const r = await sh(
      STANDBY,
      `ssh -i ${KEY} -o UserKnownHostsFile=/var/lib/gocd-bc/config-sync/known_hosts -o StrictHostKeyChecking=yes -o BatchMode=yes root@${VIP} id | head -c 300`,
    );
    assert.doesNotMatch(r.stdout, /uid=/);
    assert.match(r.stdout, /^gocd-bc-config-export 1\nhost agent1\n/);
    const pty = await sh(
      STANDBY,
      `ssh -i ${KEY} -o UserKnownHostsFile=/var/lib/gocd-bc/config-sync/known_hosts -o BatchMode=yes -N -L 127.0.0.1:18153:127.0.0.1:22 -o ExitOnForwardFailure=yes root@${VIP} & p=$!; sleep 1; (exec 3<>/dev/tcp/127.0.0.1/18153 && head -c 4 <&3) 2>/dev/null; kill $p 2>/dev/null; true`,
    );
    assert.doesNotMatch(pty.stdout, /SSH-/, "the restricted key could forward a port");
    const line = await ok(ACTIVE, "grep ' gocd-bc-config-sync@share$' /root/.ssh/authorized_keys");
    assert.match(
      line,
      /^restrict,command="\/usr\/local\/lib\/gocd-bc\/config-export" ssh-ed25519 \S+ gocd-bc-config-sync@share\n$/,
    );
  });

  it("on the active the pull does nothing, and says why", async () => {
    const before = await fingerprint(ACTIVE);
    const r = await sh(ACTIVE, PULL);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^skipped: this host holds the VIP 198\.18\.0\.41/);
    assert.equal(await fingerprint(ACTIVE), before);
    assert.equal((await sh(ACTIVE, `test -e ${STATUS}`)).code, 1, "the pull wrote a status file on the active");
  });

  it("a host that runs go-server never pulls, even when asked to", async () => {
    // go-server's init script says "running" for a node process in its pidfile.
    await ok(
      STANDBY,
      "nohup /usr/bin/node -e 'setTimeout(() => {}, 60000)' </dev/null >/dev/null 2>&1 & echo $! > /run/go-server.pid; sleep 0.3; /etc/init.d/go-server status",
    );
    try {
      await ok(ACTIVE, "echo '<!-- not for a running server -->' >> /etc/go/cruise-config.xml");
      const r = await sh(STANDBY, `${PULL} --from ${VIP}`);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^skipped: go-server runs on this host/);
      await new Promise((res) => setTimeout(res, 3_000)); // longer than the loop's interval
      assert.equal(await inSync(), false, "a file was installed on a host that runs go-server");
    } finally {
      await sh(STANDBY, "kill $(cat /run/go-server.pid) 2>/dev/null; rm -f /run/go-server.pid");
    }
    assert.ok(await eventually(inSync, 10_000), "the loop did not resume once go-server stopped");
  });

  // The standby's go user owns /etc/go and the plugin directories: what it plants there must never turn
  // the pull (root) into a write elsewhere. Each plant below made the earlier pull write outside the set.
  it("go on the standby cannot make the pull write outside the sync set", async () => {
    const asGo = (script: string) =>
      ok(STANDBY, `setpriv --reuid=go --regid=go --init-groups -- sh -c ${quote([script])}`);
    await ok(
      STANDBY,
      `${INIT} stop && rm -rf /root/gbc-planted && mkdir -p /root/gbc-planted/dir /root/gbc-planted/up/external`,
    );
    try {
      // A linked subdirectory, and a link at every name the temporary file of a pull could have had.
      await asGo(`ln -s /root/gbc-planted/dir ${PLUGINS}/sub`);
      await asGo(
        `perl -e 'symlink("/root/gbc-planted/tmp-$_", "/etc/go/.cruise-config.xml.gocd-bc-sync.$_") for 1..40000'`,
      );
      // On the active: that subdirectory for real, a setuid plugin owned by root, a new configuration.
      await ok(
        ACTIVE,
        [
          `mkdir -p ${PLUGINS}/sub && chown go:go ${PLUGINS}/sub && echo evil > ${PLUGINS}/sub/evil.jar && chown go:go ${PLUGINS}/sub/evil.jar`,
          `cp /bin/true ${PLUGINS}/suid.jar && chmod 4755 ${PLUGINS}/suid.jar`,
          "sed -i 's|</cruise>|<!-- planted-links -->\\n</cruise>|' /etc/go/cruise-config.xml",
        ].join(" && "),
      );
      const pulled = await sh(STANDBY, `${PULL} --from ${VIP}`);
      assert.equal(pulled.code, 0, pulled.stderr);
      assert.equal(
        (await ok(STANDBY, "find /root/gbc-planted -mindepth 1 -not -type d | head")).trim(),
        "",
        "the pull wrote through a planted link",
      );
      assert.equal(
        (await ok(STANDBY, `stat -c %F ${PLUGINS}/sub /etc/go/cruise-config.xml`)).trim(),
        "directory\nregular file",
      );
      assert.equal((await ok(STANDBY, `cat ${PLUGINS}/sub/evil.jar`)).trim(), "evil");
      assert.match(pulled.stdout, /changed: installed \/etc\/go\/cruise-config\.xml/);
      assert.match(await ok(STANDBY, "cat /etc/go/cruise-config.xml"), /planted-links/);
      // The setuid bit stays behind; content, owner and the other bits come along; nothing differs after.
      assert.equal((await ok(STANDBY, `stat -c '%a %U' ${PLUGINS}/suid.jar`)).trim(), "755 root");
      assert.match(
        pulled.stdout,
        /installed \/var\/lib\/go-server\/plugins\/external\/suid\.jar \(without its setuid\/setgid bits\)/,
      );
      const again = await sh(STANDBY, `${PULL} --from ${VIP}`);
      assert.match(again.stdout, /^in sync: /, again.stdout + again.stderr);

      // An operator's own layout (root's link, in a directory only root can write) is followed.
      await ok(STANDBY, "mv /var/lib/go-server /srv/gbc-go-server && ln -s /srv/gbc-go-server /var/lib/go-server");
      await ok(ACTIVE, `echo moved > ${PLUGINS}/moved.jar`);
      const followed = await sh(STANDBY, `${PULL} --from ${VIP}`);
      assert.equal(followed.code, 0, followed.stderr);
      assert.equal((await ok(STANDBY, "cat /srv/gbc-go-server/plugins/external/moved.jar")).trim(), "moved");
      await ok(STANDBY, "rm /var/lib/go-server && mv /srv/gbc-go-server /var/lib/go-server");

      // A directory above the sync set swapped for go's own link: refused, nothing written there.
      await asGo(
        "mv /var/lib/go-server/plugins /var/lib/go-server/plugins.real && ln -s /root/gbc-planted/up /var/lib/go-server/plugins",
      );
      await ok(ACTIVE, `echo new > ${PLUGINS}/new.jar`);
      const refused = await sh(STANDBY, `${PULL} --from ${VIP}`);
      assert.equal(refused.code, 1, refused.stdout);
      assert.match(refused.stderr, /^error: \/var\/lib\/go-server\/plugins is a symbolic link that root did not make/m);
      assert.equal(
        (await ok(STANDBY, "find /root/gbc-planted -mindepth 1 -not -type d | head")).trim(),
        "",
        "the pull wrote through a linked parent",
      );
      assert.match(await ok(STANDBY, `cat ${STATUS}`), /^last_error=.*symbolic link that root did not make/m);
    } finally {
      await ok(
        STANDBY,
        "if [ -L /var/lib/go-server ]; then rm /var/lib/go-server && mv /srv/gbc-go-server /var/lib/go-server; fi; " +
          "if [ -L /var/lib/go-server/plugins ]; then rm /var/lib/go-server/plugins && mv /var/lib/go-server/plugins.real /var/lib/go-server/plugins; fi; " +
          "find /etc/go -maxdepth 1 -name '.cruise-config.xml.gocd-bc-sync.*' -type l -delete; rm -rf /root/gbc-planted",
      );
      await ok(ACTIVE, `rm -rf ${PLUGINS}/sub ${PLUGINS}/suid.jar ${PLUGINS}/new.jar ${PLUGINS}/moved.jar`);
      await ok(STANDBY, `${INIT} start`);
    }
    assert.ok(await eventually(inSync, 10_000), "the loop did not bring the standby back in sync");
  });

  it("the status file records the last pull", async () => {
    const status = await ok(STANDBY, `cat ${STATUS}`);
    assert.match(status, /^last_ok=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m);
    assert.match(status, /^last_change=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m);
    assert.match(status, /^source=agent1$/m);
    assert.match(status, /^last_error=$/m);
    const lastOk = Date.parse(/^last_ok=(.*)$/m.exec(status)![1]!);
    assert.ok(Date.now() - lastOk < 15_000, `last_ok is old: ${status}`);
  });
});
