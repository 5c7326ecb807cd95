// The lab's systemd hosts (`lab up --init systemd`), as an operator would check a machine: systemd is PID 1
// and the system is running, sshd runs as its unit; what is enabled survives a reboot and what is not
// enabled stays off; a crashed host boots from its disk and PostgreSQL (its postgresql@15-main unit)
// recovers; the service module's systemd paths (start, enable, restart, stop, disable, daemon-reload) on a
// real systemd; and `lab down` leaves no cgroup behind.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import "./fresh-lab.js";
import { LAB_CGROUP_ROOT } from "../../src/lab/host.js";
import { labDown, labFault, labUp } from "../../src/lab/lab.js";
import { CORE_HOSTS } from "../../src/lab/topology.js";
import { changedCount, runPlaybook, writeInventory } from "./engine-harness.js";
import { eventually, ok, pgReady, psqlOn, sh } from "./lab-access.js";

const DB = "db-primary";
const pgUp = () => pgReady(DB);
const psql = (sql: string) => psqlOn(DB, sql);
const unit = (h: string, what: string, u: string) => sh(h, `systemctl ${what} ${u}`).then((r) => r.stdout.trim());

describe("systemd lab hosts", { concurrency: false }, () => {
  before(async () => {
    await labDown();
    const started = Date.now();
    await labUp({ extra: 0, init: "systemd" });
    console.log(`# six systemd hosts up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
  after(async () => {
    await labDown();
    await labUp({ extra: 0 });
  });

  it("PID 1 is systemd on every core host, the system is running, and sshd runs as its unit", async () => {
    for (const h of CORE_HOSTS) {
      assert.equal((await ok(h.name, "cat /proc/1/comm")).trim(), "systemd", h.name);
      const state = await eventually(
        async () => ["running", "degraded"].includes(await unit(h.name, "is-system-running", "")),
        30_000,
      );
      const failed = await ok(h.name, "systemctl --failed --no-legend --plain");
      assert.ok(
        state && failed.trim() === "",
        `${h.name}: ${await unit(h.name, "is-system-running", "")}; failed units: ${failed}`,
      );
      assert.equal(await unit(h.name, "is-active", "ssh.service"), "active");
    }
  });

  it("an enabled unit, a committed row and a file survive a reboot; a unit not enabled stays off", async () => {
    await ok(DB, "echo kept > /root/gbc-systemd-file && systemctl enable --now postgresql@15-main");
    assert.ok(await eventually(pgUp, 20_000));
    await psql("CREATE TABLE boots (n int); INSERT INTO boots VALUES (1)");
    await labFault("reboot", [DB]);
    assert.equal((await ok(DB, "cat /root/gbc-systemd-file")).trim(), "kept");
    assert.ok(
      await eventually(async () => (await unit(DB, "is-active", "postgresql@15-main")) === "active", 30_000),
      "postgresql@15-main, enabled, did not start at boot",
    );
    assert.ok(await eventually(pgUp, 10_000));
    assert.equal((await psql("SELECT n FROM boots")).trim(), "1");
    assert.equal(await unit(DB, "is-enabled", "keepalived.service"), "disabled");
    assert.equal(await unit(DB, "is-active", "keepalived.service"), "inactive");
  });

  it("after a crash the host boots from its disk and PostgreSQL recovers the committed row", async () => {
    await psql("INSERT INTO boots VALUES (2)");
    await labFault("crash", [DB]);
    assert.equal((await sh(DB, "true")).code, 255);
    await labFault("start", [DB]);
    assert.ok(await eventually(pgUp, 30_000), "PostgreSQL did not come back after the crash");
    assert.equal((await psql("SELECT n FROM boots ORDER BY n")).trim(), "1\n2");
    assert.match(await ok(DB, "cat /var/log/postgresql/postgresql-15-main.log"), /database system was interrupted/);
  });

  it("the service module on systemd: started and enabled, idempotent, restarted, stopped and disabled, daemon-reload when a unit changes", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gbc-systemd-"));
    const inventory = writeInventory();
    const unitFile = "/etc/systemd/system/gbc-demo.service";
    const play = (name: string, tasks: string) => {
      const file = path.join(dir, `${name}.yml`);
      writeFileSync(file, `- hosts: agent1\n  gather_facts: false\n  tasks:\n${tasks}`);
      return runPlaybook(file, { inventory });
    };
    const demo = (sleep: number) => `    - copy:
        dest: ${unitFile}
        content: "[Unit]\\nDescription=gocd-bc lab demo\\n[Service]\\nExecStart=/bin/sleep ${sleep}\\n[Install]\\nWantedBy=multi-user.target\\n"
    - service: {name: gbc-demo, state: started, enabled: true, daemon_reload: true}
`;
    const first = await play("start", demo(1000));
    assert.equal(first.outcome.exitCode, 0, JSON.stringify(first.events.filter((e) => e.type === "host_result")));
    assert.equal(await unit("agent1", "is-active", "gbc-demo"), "active");
    assert.equal(await unit("agent1", "is-enabled", "gbc-demo"), "enabled");
    const again = await play("again", demo(1000));
    assert.equal(changedCount(again.outcome), 0, "a second run changed something");
    // A changed unit file: daemon-reload, and the new command line after a restart.
    const pid = await unit("agent1", "show -p MainPID --value", "gbc-demo");
    const changed = await play("changed", `${demo(2000)}    - service: {name: gbc-demo, state: restarted}\n`);
    assert.equal(changed.outcome.exitCode, 0);
    assert.notEqual(
      await unit("agent1", "show -p MainPID --value", "gbc-demo"),
      pid,
      "restarted kept the same process",
    );
    assert.match(await ok("agent1", "ps -o args= -C sleep"), /sleep 2000/);
    assert.equal(await unit("agent1", "show -p NeedDaemonReload --value", "gbc-demo"), "no");
    const off = await play("off", "    - service: {name: gbc-demo, state: stopped, enabled: false}\n");
    assert.equal(off.outcome.exitCode, 0);
    assert.equal(await unit("agent1", "is-active", "gbc-demo"), "inactive");
    assert.equal(await unit("agent1", "is-enabled", "gbc-demo"), "disabled");
  });

  it("lab down leaves no cgroup of the lab behind", async () => {
    await labFault("crash", ["share"]);
    await labDown();
    assert.equal(existsSync(LAB_CGROUP_ROOT), false, `${LAB_CGROUP_ROOT} is still there`);
  });
});
