// The end-to-end scenarios of issue 5 on the whole lab, through the real CLI (`gocd-bc provision`, `drift`,
// `status`, spawned as an operator runs them) and checked the way an operator would check them: from bare
// hosts a provision succeeds and a second one changes nothing; the database streams, the agent reaches
// GoCD through the VIP on the active server while the standby GoCD stays stopped, artifacts are on the
// share on both servers, a config change reaches the standby without a provision run; each kind of
// drift (and all of them at once) is reported exactly by `drift`, left in place, corrected by
// `provision`; a standby data directory of another cluster is refused untouched; the secrets never show.
// The file ends with the lab provisioned and healthy (an `after` hook re-provisions if a test failed).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import "./fresh-lab.js";
import { LAB_NET, labPaths } from "../../src/lab/topology.js";
import { cli, events, labInventory, outputs, provisionOk, recap, told, type Cli } from "./cli.js";
import { enabledAtBoot, eventually, ok, setEnabledAtBoot, sh } from "./lab-access.js";
import { assertHealthy, labSecrets, status } from "./pair-status.js";
import {
  EXPORT,
  KEEPALIVED_CONF,
  KEEPALIVED_PROC,
  MOUNT,
  PG_CONF,
  PG_DATA,
  resetToBare,
  stopSyncLoop,
  SYNC_INIT,
  syncLoopRuns,
} from "./lab-reset.js";

const INVENTORY = labPaths().inventory;
const CRUISE = "/etc/go/cruise-config.xml";
const VIP = LAB_NET.vip;

/** The inventory's secrets and config-sync interval (its default unless the inventory sets it), read once
 * the lab is up (fresh-lab rebuilds it, inventory included, before this file's tests). */
let SECRETS: string[] = [];
let SYNC_INTERVAL_S = 30;
function readInventory(): void {
  const text = readFileSync(INVENTORY, "utf8");
  SECRETS = labSecrets();
  SYNC_INTERVAL_S = Number(/^\s*gocd_config_sync_interval:\s*(\d+)\s*$/m.exec(text)?.[1] ?? 30);
}

// ---------------------------------------------------------------------------------------------------
// The CLI, as an operator runs it (test/lab/cli.ts), and what this file reads from it.

const HOSTS = ["gocd-primary", "gocd-standby", "db-primary", "db-standby", "share", "agent1"] as const;
// What provisioning manages, as an operator would check a host was left alone: every file's content,
// inode, mtime, mode and owner (the config sync's status file and the work directory of a pull under way
// aside: the loop makes them on its own), the
// start time of every long-running service process, and PostgreSQL's settings with its start and last
// configuration load times (a reload changes the latter).
const MANAGED = [
  "/etc/go",
  "/usr/share/go-server/wrapper-config",
  "/usr/share/go-agent/wrapper-config",
  "/etc/default",
  "/etc/keepalived",
  "/etc/fstab",
  "/etc/gocd-bc",
  "/usr/local/lib/gocd-bc",
  "/var/lib/gocd-bc",
  "/etc/init.d",
  "/etc/rc2.d",
  "/etc/systemd/system",
  "/root/.ssh",
  "/etc/apt/sources.list.d",
  "/etc/postgresql",
  "/var/lib/postgresql/.pgpass",
  "/var/lib/postgresql/15/main/postgresql.auto.conf",
  "/var/lib/postgresql/15/main/standby.signal",
  "/etc/ssh/sshd_config.d",
  "/etc/ssh/gocd-bc-authorized-keys",
  "/etc/passwd",
  "/etc/group",
];
/** The long-running service processes (pgrep -f patterns), whichever init started them. The sampler's file
 * (wal-receiver/) and the config sync's status are what those processes write as they run, not what
 * provisioning manages. */
const DAEMONS = [
  "^/usr/sbin/keepalived( |$)",
  "^/usr/bin/node /usr/share/go-server/bin/go-server.mjs",
  "^/usr/bin/node /usr/share/go-agent/bin/go-agent.mjs",
  // Long-running only where the loop is an init script (under systemd a timer starts each pull anew); the
  // brackets keep the pattern from matching the shell that runs pgrep.
  "[/]usr/local/lib/gocd-bc/config-loop",
  // The failover's guard loops (GoCD servers, database hosts) and the WAL receiver's sampler.
  "[/]usr/local/lib/gocd-bc/gocd-guard loop",
  "[/]usr/local/lib/gocd-bc/db-guard loop",
  "[/]usr/local/lib/gocd-bc/wal-sampler",
];
async function hostState(h: string): Promise<string> {
  const files =
    `for p in ${MANAGED.join(" ")}; do [ -e "$p" ] && find "$p" -xdev \\( -type f -o -type l \\) -not -name config-sync.status -not -path '*/config-sync/pull.*/*' -not -path '*/wal-receiver/*' -print0; done | sort -z | ` +
    `xargs -0 -r sh -c 'for f; do echo "$(stat -c "%n %i %Y %s %a %U %G" "$f") $( [ -L "$f" ] && readlink "$f" || sha256sum < "$f" | cut -c1-16)"; done' files`;
  const started =
    `for f in ${DAEMONS.map((d) => `'${d}'`).join(" ")}; do case "$f" in *config-loop) [ -d /run/systemd/system ] && continue;; esac; ` +
    `p=$(pgrep -o -f "$f") && echo "$f $(cut -d' ' -f22 /proc/$p/stat)"; done; ` +
    "for p in $(pgrep -x sshfs; head -n 1 /var/lib/postgresql/15/main/postmaster.pid 2>/dev/null); do echo \"pid $(cut -d' ' -f2,22 /proc/$p/stat)\"; done; true";
  const pg =
    '[ -f /var/lib/postgresql/15/main/postmaster.pid ] && cd / && su postgres -c "psql -XAtc \\"SELECT pg_postmaster_start_time(), pg_conf_load_time()\\" -c \\"SELECT name || \'=\' || setting FROM pg_settings WHERE source <> \'default\' ORDER BY 1\\""; true';
  return `${await ok(h, files)}\n${await ok(h, started)}\n${await ok(h, pg)}`;
}
const inv = labInventory();
const provision = (...more: string[]) => cli(["provision", ...inv, ...more]);
const drift = (...more: string[]) => cli(["drift", ...inv, ...more]);

/** The (host, task) pairs a drift run reports: changed results outside handlers (task_start says which). */
function drifted(r: Cli): string[] {
  const out = new Set<string>();
  let inHandler = false;
  for (const e of events(r)) {
    if (e.type === "task_start") inHandler = e.handler === true;
    if (e.type === "host_result" && e.status === "changed" && !inHandler)
      out.add(`${String(e.host)} | ${String(e.task)}`);
  }
  return [...out].sort();
}

/** `drift --json` finds nothing and says so. */
async function noDrift(what: string): Promise<void> {
  const r = await drift("--json");
  assert.deepEqual(drifted(r), [], `${what}: drift found something\n${told(r)}`);
  assert.equal(r.code, 0, `${what}: ${told(r)}`);
  assert.match(r.stderr, /^drift: none$/m);
}

// ---------------------------------------------------------------------------------------------------
// The hosts.

const psql = (h: string, sql: string, db = "postgres") =>
  ok(h, `cd / && su postgres -c ${JSON.stringify(`psql -X -d ${db} -Atc "${sql}"`)}`);
const sysid = async (h: string, dir = PG_DATA) =>
  (
    await ok(h, `/usr/lib/postgresql/15/bin/pg_controldata ${dir} | sed -n 's/^Database system identifier: *//p'`)
  ).trim();
const keepalivedRuns = async (h: string) => (await sh(h, `pgrep -f '${KEEPALIVED_PROC}' >/dev/null`)).code === 0;
const holdsVip = async (h: string) => (await ok(h, "ip -4 -o addr show")).includes(` ${VIP}/`);
const mounted = async (h: string) => (await sh(h, `grep -qF ' ${MOUNT} fuse.sshfs ' /proc/mounts`)).code === 0;

// ---------------------------------------------------------------------------------------------------

describe("gocd-bc provision / drift / status on the whole lab (issue 5)", { concurrency: false }, () => {
  /** Set while a test has the lab in a state other than provisioned; the after hook then repairs it. */
  let dirty = true;

  before(async () => {
    readInventory();
    assert.equal(SECRETS.length, 2, "the lab inventory names both secrets");
    await resetToBare();
  });

  after(async () => {
    if (
      !dirty &&
      (await status().then(
        (x) => x.r.code,
        () => 1,
      )) === 0
    )
      return;
    // A test failed half-way: leave the lab provisioned (the flag reclones only a standby that is not ours).
    await sh("gocd-standby", `[ -x ${SYNC_INIT} ] && ${SYNC_INIT} start >/dev/null 2>&1; true`);
    await provision("-e", "postgres_standby_reclone=db-standby");
  });

  it("provisions bare hosts with no failure, and a second run changes nothing on any host", async (t) => {
    const first = await provisionOk("--diff");
    assert.match(first.stderr, /no database is running: db-primary becomes the primary/);
    assert.match(first.stderr, /gocd-primary becomes the active one/);
    const firstRecap = recap(first);
    for (const h of ["db-primary", "db-standby", "gocd-primary", "gocd-standby", "agent1"]) {
      assert.ok((firstRecap[h]?.changed ?? 0) > 0, `nothing was set up on ${h}`);
    }
    const untouched = await Promise.all(HOSTS.map(hostState));
    const second = await provisionOk();
    const changed = events(second)
      .filter((e) => e.type === "host_result" && e.status === "changed")
      .map((e) => `${String(e.host)} | ${String(e.task)}`);
    assert.deepEqual(changed, [], "the second run changed something");
    for (const [h, s] of Object.entries(recap(second))) assert.equal(s.changed, 0, `${h} changed in the second run`);
    // Not only by gocd-bc's own count: on the hosts, nothing was rewritten, restarted or reloaded.
    const after = await Promise.all(HOSTS.map(hostState));
    HOSTS.forEach((h, i) => assert.equal(after[i], untouched[i], `the no-change run touched ${h}`));
    t.diagnostic(`fresh provision ${first.ms} ms, second ${second.ms} ms`);
    dirty = false;
  });

  it("status --json is healthy: VIP on the active server, streaming replication, standby config synced, an agent connected", async () => {
    const s = await assertHealthy("after provisioning");
    assert.deepEqual(s.problems, []);
    assert.equal(s.servers.find((v) => v.role === "active")?.host, "gocd-primary");
    assert.equal(s.servers.find((v) => v.role === "active")?.holdsVip, true);
    assert.ok(
      s.databases
        .find((d) => d.host === "db-primary")
        ?.replication.some((r) => r.state === "streaming" && r.client === "198.18.0.22"),
    );
    assert.equal(s.databases.find((d) => d.host === "db-standby")?.role, "standby");
    assert.ok(s.servers.find((v) => v.role === "standby")?.sync.last_ok);
    assert.ok(s.agents.some((a) => a.hostname === "agent1" && a.state !== "LostContact"));
  });

  // The config change is made here and its arrival checked further down, after tests that run no
  // provision (a provision run would carry it itself), so the wait for the loop overlaps them.
  const marker = `gbc-provision-test-${process.pid}-${Date.now()}`;
  let syncArrival: Promise<{ code: number; stdout: string }> | undefined;
  let syncChangedAt = 0n;

  it("a change to cruise-config.xml is made on the active server (no provision run follows)", async () => {
    const windowS = SYNC_INTERVAL_S + 10;
    // The standby stamps the moment the change shows (the hosts share the machine's clock).
    syncArrival = sh(
      "gocd-standby",
      `for i in $(seq ${windowS * 5}); do grep -qF '${marker}' ${CRUISE} && { date +%s%N; exit 0; }; sleep 0.2; done; exit 1`,
      { timeoutMs: (windowS + 15) * 1000 },
    );
    syncChangedAt = BigInt(
      (await ok("gocd-primary", `printf '<!-- ${marker} -->\\n' >> ${CRUISE} && date +%s%N`)).trim(),
    );
  });

  it("a row committed on the primary database is readable on the standby within a second", async () => {
    await psql("db-primary", "CREATE TABLE IF NOT EXISTS gbc_provision_probe (v text)");
    const value = `row-${Date.now()}`;
    const poll = ok(
      "db-standby",
      `cd / && for i in $(seq 250); do if [ "$(su postgres -c "psql -X -Atc \\"SELECT count(*) FROM gbc_provision_probe WHERE v = '${value}'\\"" 2>/dev/null)" = 1 ]; then date +%s%N; exit 0; fi; sleep 0.02; done; exit 1`,
      30_000,
    );
    const committed = (
      await ok(
        "db-primary",
        `cd / && su postgres -c "psql -X -Atc \\"INSERT INTO gbc_provision_probe VALUES ('${value}')\\"" >/dev/null && date +%s%N`,
      )
    ).trim();
    const seen = (await poll).trim();
    const ms = Number(BigInt(seen) - BigInt(committed)) / 1e6;
    assert.ok(ms < 1000, `the row showed on the standby ${ms} ms after the commit`);
    await psql("db-primary", "DROP TABLE gbc_provision_probe");
  });

  it("the agent reaches GoCD through the VIP, which the active server holds; the standby GoCD is stopped", async () => {
    assert.equal(await holdsVip("gocd-primary"), true, "the VIP is not on gocd-primary");
    assert.equal(await holdsVip("gocd-standby"), false, "the VIP is on gocd-standby too");
    assert.equal((await sh("gocd-standby", "/etc/init.d/go-server status")).code, 3, "the standby GoCD runs");
    assert.equal((await sh("gocd-primary", "/etc/init.d/go-server status")).code, 0, "the active GoCD does not run");
    assert.match(
      await ok("agent1", "cat /usr/share/go-agent/wrapper-config/wrapper-properties.conf"),
      new RegExp(`^wrapper\\.app\\.parameter\\.101=http://${VIP.replace(/\./g, "\\.")}:8153/go$`, "m"),
    );
    // Recent `ping ok` lines in the agent's log (within the last 10 s of the agent host's clock).
    const recent = await eventually(
      async () => {
        const out = await ok("agent1", "date -u +%s; tail -n 20 /var/log/go-agent/go-agent.log");
        const [now, ...lines] = out.trim().split("\n");
        return lines.some(
          (l) => / ping ok 200$/.test(l) && Number(now) - Date.parse(l.split(" ")[0] as string) / 1000 < 10,
        );
      },
      15_000,
      500,
    );
    assert.ok(recent, "no recent `ping ok` in /var/log/go-agent/go-agent.log");
    // The server lists it, asked through the VIP from the agent's host.
    const body = JSON.parse(await ok("agent1", `curl -fsS --max-time 5 http://${VIP}:8153/go/api/agents`)) as {
      _embedded: { agents: { hostname: string; ip_address: string; agent_state: string }[] };
    };
    const me = body._embedded.agents.find((a) => a.hostname === "agent1");
    assert.ok(me, `agent1 not listed: ${JSON.stringify(body)}`);
    assert.equal(me.ip_address, "198.18.0.41");
    assert.notEqual(me.agent_state, "LostContact");
  });

  it("an artifact uploaded to the active server, as an agent does, is on the standby's share mount", async () => {
    const rel = `gbc-provision-${process.pid}/1/stage/1/job/artifact.txt`;
    const content = `artifact-${process.pid}-${Date.now()}`;
    try {
      const code = await ok(
        "agent1",
        [
          "uuid=$(cat /var/lib/go-agent/config/guid.txt)",
          "token=$(cat /var/lib/go-agent/config/token)",
          `printf '%s' '${content}' | curl -sS -o /dev/null -w '%{http_code}' --max-time 10 -X PUT --data-binary @- -H "X-Agent-GUID: $uuid" -H "Authorization: $token" http://${VIP}:8153/go/remoting/files/${rel}`,
        ].join("; "),
      );
      assert.equal(code.trim(), "201");
      assert.equal(await ok("gocd-standby", `cat ${MOUNT}/pipelines/${rel}`), content, "not on gocd-standby's mount");
      assert.equal((await ok("gocd-standby", `stat -c %U ${MOUNT}/pipelines/${rel}`)).trim(), "go");
      assert.equal(await ok("share", `cat ${EXPORT}/pipelines/${rel}`), content);
      assert.equal(
        await ok("agent1", `curl -fsS --max-time 5 http://${VIP}:8153/go/files/${rel}`),
        content,
        "the server does not serve it back",
      );
    } finally {
      await sh("share", `rm -rf ${EXPORT}/pipelines/gbc-provision-${process.pid}`);
    }
  });

  it("the cruise-config.xml change reached the standby without a provision run, within the sync interval + 10 s", async (t) => {
    assert.ok(syncArrival, "the change was not made");
    const arrived = await syncArrival;
    assert.equal(arrived.code, 0, `the change never reached gocd-standby within ${SYNC_INTERVAL_S + 10} s`);
    const s = Number(BigInt(arrived.stdout.trim()) - syncChangedAt) / 1e9;
    assert.ok(s <= SYNC_INTERVAL_S + 10, `it took ${s} s`);
    t.diagnostic(`arrived after ${s.toFixed(1)} s (interval ${SYNC_INTERVAL_S} s)`);
    const sum = (h: string) => ok(h, `sha256sum < ${CRUISE}; stat -c '%a %U %G' ${CRUISE}`);
    assert.equal(
      await sum("gocd-standby"),
      await sum("gocd-primary"),
      "the standby's cruise-config.xml differs from the active's",
    );
    assert.match(await ok("gocd-standby", "cat /var/lib/gocd-bc/config-sync.status"), /^last_change=\d{4}-/m);
  });

  // -------------------------------------------------------------------------------------------------
  // Drift, one kind at a time, then all of them at once.

  interface DriftCase {
    readonly name: string;
    /** The (host, task) pairs drift must report, exactly. */
    readonly expected: readonly string[];
    inject(): Promise<void>;
    /** Asserts the injected state is there (after injecting, and again after `drift`). */
    present(): Promise<void>;
    /** Asserts it is gone after `provision`. */
    corrected(): Promise<void>;
  }

  const advert = (h: string) => ok(h, `grep -E '^ *advert_int ' ${KEEPALIVED_CONF}`).then((s) => s.trim());
  const hbaReplication = (h: string) =>
    sh(h, `grep -c '^host replication "gocd_bc_replication" ' ${PG_CONF}/pg_hba.conf`).then((r) =>
      Number(r.stdout.trim()),
    );
  const walKeep = () => psql("db-primary", "SHOW wal_keep_size").then((s) => s.trim());
  const syncLoopRunsOnStandby = () => syncLoopRuns("gocd-standby");
  const cruiseSum = (h: string) => ok(h, `sha256sum < ${CRUISE}`);

  const CASES: readonly DriftCase[] = [
    {
      name: "keepalived.conf edited on the active server",
      expected: ["gocd-primary | keepalived : keepalived configured"],
      inject: () =>
        ok("gocd-primary", `sed -i 's/^\\( *advert_int\\) 0.2$/\\1 3/' ${KEEPALIVED_CONF}`).then(() => undefined),
      present: async () => assert.equal(await advert("gocd-primary"), "advert_int 3"),
      corrected: async () => assert.equal(await advert("gocd-primary"), "advert_int 0.2"),
    },
    {
      name: "keepalived stopped on the standby server",
      expected: ["gocd-standby | keepalived : keepalived running and enabled at boot"],
      inject: async () => {
        await ok(
          "gocd-standby",
          `/etc/init.d/keepalived stop >/dev/null; for i in $(seq 50); do pgrep -f '${KEEPALIVED_PROC}' >/dev/null || exit 0; sleep 0.1; done; exit 1`,
        );
      },
      present: async () => assert.equal(await keepalivedRuns("gocd-standby"), false, "keepalived runs on gocd-standby"),
      corrected: async () =>
        assert.equal(await keepalivedRuns("gocd-standby"), true, "keepalived does not run on gocd-standby"),
    },
    {
      name: "the replication line removed from pg_hba.conf's gocd-bc block on the primary database",
      expected: [
        "db-primary | postgres_primary : pg_hba.conf lets the standby replicate and GoCD's servers reach their database",
      ],
      inject: () =>
        ok("db-primary", `sed -i '/^host replication "gocd_bc_replication" /d' ${PG_CONF}/pg_hba.conf`).then(
          () => undefined,
        ),
      present: async () => assert.equal(await hbaReplication("db-primary"), 0),
      corrected: async () => {
        assert.equal(await hbaReplication("db-primary"), 1);
        assert.match(
          await ok("db-primary", `cat ${PG_CONF}/pg_hba.conf`),
          /^host replication "gocd_bc_replication" 198\.18\.0\.22\/32 scram-sha-256$/m,
        );
      },
    },
    {
      name: "a PostgreSQL setting changed on the primary (wal_keep_size, ALTER SYSTEM + reload)",
      expected: ["db-primary | postgres_primary : server settings for streaming replication (ALTER SYSTEM)"],
      inject: async () => {
        await psql("db-primary", "ALTER SYSTEM SET wal_keep_size = '512MB'");
        await psql("db-primary", "SELECT pg_reload_conf()");
        assert.ok(
          await eventually(async () => (await walKeep()) === "512MB", 5000),
          "the reload did not apply wal_keep_size",
        );
      },
      present: async () => assert.equal(await walKeep(), "512MB"),
      corrected: async () => assert.equal(await walKeep(), "1GB"),
    },
    {
      name: "the share unmounted on the standby server",
      expected: ["gocd-standby | artifact_share : share mounted and in fstab"],
      inject: () => ok("gocd-standby", `umount ${MOUNT}`).then(() => undefined),
      present: async () => assert.equal(await mounted("gocd-standby"), false),
      corrected: async () => assert.equal(await mounted("gocd-standby"), true),
    },
    {
      name: "db.properties edited on the standby server",
      expected: ["gocd-standby | gocd_server : database connection (this server's own database host)"],
      inject: () => ok("gocd-standby", "echo 'db.maxActive=32' >> /etc/go/db.properties").then(() => undefined),
      present: async () =>
        assert.equal((await sh("gocd-standby", "grep -qx 'db.maxActive=32' /etc/go/db.properties")).code, 0),
      corrected: async () => {
        assert.equal((await sh("gocd-standby", "grep -q maxActive /etc/go/db.properties")).code, 1);
        assert.match(
          await ok("gocd-standby", "cat /etc/go/db.properties"),
          /^db\.url=jdbc:postgresql:\/\/db-standby:5432\/gocd$/m,
        );
      },
    },
    {
      // GoCD (and its stand-in) runs its migrations at start and exits against the read-only replica, so
      // a hand start leaves nothing running for drift to see (were it still running, provision would see
      // two running servers and refuse: a split brain). What stays is the service enabled at boot,
      // which drift must report.
      name: "the standby's go-server started and enabled by hand",
      expected: ["gocd-standby | gocd_server : the standby server stays stopped while its database is a replica"],
      inject: async () => {
        await setEnabledAtBoot("gocd-standby", "go-server", true);
        await ok("gocd-standby", "/etc/init.d/go-server start >/dev/null");
        assert.ok(
          await eventually(async () => (await sh("gocd-standby", "/etc/init.d/go-server status")).code === 3, 15_000),
          "the standby's go-server kept running against its read-only database",
        );
        assert.match(
          await ok("gocd-standby", "tail -n 5 /var/log/go-server/go-server.log"),
          /Could not run database migrations: .*read-only/,
        );
      },
      present: async () =>
        assert.equal(await enabledAtBoot("gocd-standby", "go-server"), true, "go-server is not enabled at boot"),
      corrected: async () => {
        assert.equal(await enabledAtBoot("gocd-standby", "go-server"), false, "go-server is still enabled at boot");
        assert.equal((await sh("gocd-standby", "/etc/init.d/go-server status")).code, 3);
      },
    },
    {
      // The loop would repair the file within its interval, so it is stopped first: that is drift too.
      name: "a synced config file altered on the standby, its sync loop stopped",
      expected: [
        "gocd-standby | gocd_config_sync : standby's configuration pulled from the active server",
        "gocd-standby | gocd_config_sync : sync loop runs on the standby only",
      ],
      inject: async () => {
        await stopSyncLoop("gocd-standby");
        await ok("gocd-standby", `printf '<!-- hand edit on the standby -->\\n' >> ${CRUISE}`);
      },
      present: async () => {
        assert.equal((await sh("gocd-standby", `grep -qF 'hand edit on the standby' ${CRUISE}`)).code, 0);
        assert.equal(await syncLoopRunsOnStandby(), false, "the sync loop runs");
      },
      corrected: async () => {
        assert.equal(await cruiseSum("gocd-standby"), await cruiseSum("gocd-primary"));
        assert.equal(await syncLoopRunsOnStandby(), true, "the sync loop does not run");
      },
    },
  ];

  /** Inject, drift reports exactly that and changes nothing, provision corrects it, drift finds nothing. */
  async function driftRound(cases: readonly DriftCase[], opts: { plainProvision?: boolean } = {}): Promise<void> {
    dirty = true;
    for (const c of cases) {
      await c.inject();
      await c.present();
    }
    const expected = [...new Set(cases.flatMap((c) => c.expected))].sort();
    const found = await drift("--json");
    assert.equal(found.code, 3, told(found));
    assert.deepEqual(drifted(found), expected, "drift reports exactly the injected items");
    assert.match(found.stderr, new RegExp(`^drift: ${expected.length} item\\(s\\) differ`, "m"));
    assert.deepEqual(
      events(found)
        .filter((e) => e.type === "run_start")
        .map((e) => e.check),
      [true],
      "drift runs in check mode",
    );
    // The same as an operator reads it on stderr: one line per drifted item, nothing else.
    const listed = found.stderr.split("\n").filter((l) => /^ {2}\S/.test(l));
    for (const e of expected)
      assert.ok(
        listed.some((l) => l.startsWith(`  ${e.replace(" | ", ": ")}: `)),
        `stderr does not list ${e}:\n${found.stderr}`,
      );
    assert.ok(
      listed.every((l) => expected.some((e) => l.startsWith(`  ${e.replace(" | ", ": ")}: `))),
      `stderr lists more:\n${found.stderr}`,
    );
    for (const c of cases) await c.present();
    const fixed = opts.plainProvision ? await provision("--diff") : await provisionOk();
    assert.equal(fixed.code, 0, told(fixed));
    for (const c of cases) await c.corrected();
    await noDrift("after provision corrected it");
    dirty = false;
  }

  // Alone, the drifts whose report matters most on its own: a file's diff, a diff that must hide a password,
  // and the one that could start a second GoCD server. Every drift is in the round of all at once.
  const ALONE = ["keepalived.conf edited", "db.properties edited", "the standby's go-server started"];
  for (const c of CASES.filter((k) => ALONE.some((a) => k.name.startsWith(a)))) {
    it(`drift: ${c.name} — reported exactly, left in place, corrected by provision`, async () => {
      await driftRound([c], { plainProvision: c.name.startsWith("db.properties") });
    });
  }

  it("drift: all of the above at once — reported exactly, left in place, corrected by one provision", async () => {
    await driftRound(CASES);
    assert.equal(await holdsVip("gocd-primary"), true, "gocd-primary lost the VIP");
  });

  it("a standby data directory of another cluster is refused and left untouched; reclone restores the standby", async () => {
    dirty = true;
    const MARKER = `gbc-foreign-${process.pid}`;
    // Another cluster, initdb'd and started once on its own, where the standby's data directory is.
    await ok(
      "db-standby",
      `pg_dropcluster --stop 15 main && pg_createcluster 15 main --start >/dev/null && touch ${PG_DATA}/${MARKER} && pg_ctlcluster 15 main stop`,
    );
    const foreign = await sysid("db-standby");
    const movedAside = () => sh("db-standby", `ls -d ${PG_DATA}.gocd-bc-* 2>/dev/null`).then((r) => r.stdout);
    const asideBefore = await movedAside();
    assert.notEqual(foreign, await sysid("db-primary"));
    try {
      const refused = await provision();
      assert.equal(refused.code, 2, told(refused));
      const out = refused.stdout + refused.stderr;
      assert.match(out, /holds a PostgreSQL data directory that is not a standby\s+of db-primary/);
      assert.match(out, new RegExp(`system identifier ${foreign}`));
      assert.match(out, /left untouched/);
      assert.match(out, /-e postgres_standby_reclone=db-standby/);
      assert.equal((await sh("db-standby", `test -f ${PG_DATA}/${MARKER}`)).code, 0, "the marker is gone");
      assert.equal(await sysid("db-standby"), foreign, "the directory is not the same cluster any more");
      assert.equal(await movedAside(), asideBefore, "something was moved aside");

      await provisionOk("-e", "postgres_standby_reclone=db-standby");
      const aside = (await ok("db-standby", `ls -d ${PG_DATA}.gocd-bc-*/${MARKER}`)).trim();
      assert.match(
        aside,
        /main\.gocd-bc-\d{8}T\d{6}Z\/gbc-foreign-\d+$/,
        "the old directory was not moved aside whole",
      );
      assert.equal(await sysid("db-standby"), await sysid("db-primary"), "the standby is not a clone of the primary");
      assert.equal(
        (
          await psql(
            "db-primary",
            "SELECT state FROM pg_stat_replication WHERE application_name = 'gocd_bc_db_standby'",
          )
        ).trim(),
        "streaming",
      );
    } finally {
      await sh("db-standby", `rm -rf ${PG_DATA}.gocd-bc-*`);
    }
    dirty = false;
  });

  it("the secrets appear nowhere in the output, the diffs or the JSON events of provision and drift", () => {
    const runs = outputs.filter((o) => o.args[0] === "provision" || o.args[0] === "drift");
    // Every kind of output was seen: JSON events with diffs (provision --diff, drift), plain output with --diff.
    assert.ok(runs.some((o) => o.args[0] === "provision" && o.args.includes("--json") && o.args.includes("--diff")));
    assert.ok(runs.some((o) => o.args[0] === "provision" && !o.args.includes("--json") && o.args.includes("--diff")));
    assert.ok(runs.some((o) => o.args[0] === "drift" && o.args.includes("--json")));
    // db.properties (which holds gocd_db_password) was shown as a diff.
    assert.ok(
      runs.some((o) => /db\.properties/.test(o.stdout) && /db\.password=\*{3,}/.test(o.stdout)),
      "no diff of db.properties with its password masked was shown",
    );
    for (const o of outputs) {
      for (const secret of SECRETS) {
        assert.ok(
          !o.stdout.includes(secret) && !o.stderr.includes(secret),
          `a secret appeared in \`gocd-bc ${o.args.join(" ")}\``,
        );
      }
    }
  });

  it("ends provisioned and healthy", async () => {
    await assertHealthy("at the end");
  });
});
