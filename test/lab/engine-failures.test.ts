// Failure policy on real lab hosts: serial batches, max_fail_percentage, a host unreachable from the
// start, a host lost in the middle of a task, and Ctrl-C (an aborted signal).
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import "./fresh-lab.js";
import { labPaths } from "../../src/lab/topology.js";
import { CaptureReporter, resultsOf, runFixture, writeInventory } from "./engine-harness.js";
import { eventually, host, ok as remote, sh } from "./lab-access.js";

describe("executor failure policy on lab hosts", () => {
  it("serial batches run the play batch after batch", async () => {
    const { events, outcome } = await runFixture("serial.yml", { inventory: writeInventory() });
    assert.equal(outcome.exitCode, 0);
    const order = events.flatMap((e) => (e.type === "host_result" ? [`${e.task}@${e.host}`] : []));
    assert.deepEqual(order, ["step one@agent1", "step two@agent1", "step one@share", "step two@share"]);
  });

  it("max_fail_percentage stops the play (and the run) after the failing batch", async () => {
    const { events, outcome } = await runFixture("serial-fail.yml", { inventory: writeInventory() });
    assert.equal(outcome.exitCode, 2);
    assert.equal(outcome.stats.agent1!.failed, 1);
    assert.equal(
      events.filter((e) => e.type === "host_result" && e.host === "share").length,
      0,
      "the second batch never ran",
    );
    assert.equal(resultsOf(events, "later").length, 0, "later plays do not run");
    assert.ok(events.some((e) => e.type === "warning" && /max_fail_percentage 0% exceeded/.test(e.message)));
  });

  it("a host unreachable at the start is reported while the others finish (exit 4)", async () => {
    const inventory = writeInventory({ ghost: { ansible_host: "198.18.0.250", ansible_ssh_timeout: 3 } });
    const started = Date.now();
    const { events, outcome } = await runFixture("unreachable.yml", { inventory });
    assert.equal(outcome.exitCode, 4, JSON.stringify(outcome.stats));
    assert.equal(outcome.stats.ghost!.unreachable, 1);
    assert.deepEqual(
      resultsOf(events, "more")
        .map((e) => e.host)
        .sort(),
      ["agent1", "share"],
    );
    const ghost = resultsOf(events, "Gathering Facts", "ghost")[0]!;
    assert.equal(ghost.result.status, "unreachable");
    assert.ok(Date.now() - started < 30_000);
  });

  describe("a host lost in the middle of a task", () => {
    const pidFile = `/run/gbc-engine-${process.pid}-sshd.pid`;
    const dir = mkdtempSync(path.join(os.tmpdir(), "gbc-engine-kh-"));
    const knownHosts = path.join(dir, "known_hosts");
    const ip = host("agent1").ip;
    before(async () => {
      const line = readFileSync(labPaths().knownHosts, "utf8")
        .split("\n")
        .find((l) => l.startsWith(`${ip},`));
      assert.ok(line, "agent1 is in the lab's known_hosts");
      writeFileSync(knownHosts, `[${ip}]:2222 ${line.split(" ").slice(1).join(" ")}\n`);
      await remote(
        "agent1",
        `/usr/sbin/sshd -p 2222 -o PidFile=${pidFile} -o HostKey=/etc/ssh/ssh_host_ed25519_key -o MaxSessions=64`,
      );
      assert.ok(
        await eventually(async () => (await sh("agent1", `test -s ${pidFile}`)).code === 0, 5000),
        "second sshd started",
      );
    });
    after(async () => {
      await sh("agent1", `test -s ${pidFile} && { P=$(cat ${pidFile}); pkill -P $P; kill $P; }; rm -f ${pidFile}`);
    });

    it("is unreachable in the recap while the other hosts finish", async () => {
      const kill = `sleep 2; P=$(cat ${pidFile}); pkill -P $P; kill $P; rm -f ${pidFile}`;
      const inventory = writeInventory(
        {
          "agent1-alt": {
            ansible_host: ip,
            ansible_port: 2222,
            ansible_ssh_known_hosts_file: knownHosts,
            action: "sleep 15",
          },
        },
        { agent1: { action: kill }, share: { action: "true" } },
      );
      const { events, outcome } = await runFixture("lost.yml", { inventory });
      assert.equal(outcome.exitCode, 4, JSON.stringify(outcome.stats));
      assert.equal(outcome.stats["agent1-alt"]!.unreachable, 1);
      assert.equal(resultsOf(events, "kill or sleep", "agent1-alt")[0]!.result.status, "unreachable");
      assert.deepEqual(
        resultsOf(events, "afterwards")
          .map((e) => e.host)
          .sort(),
        ["agent1", "share"],
      );
    });
  });

  it("Ctrl-C stops starting tasks and reports the run interrupted (exit 99)", async () => {
    const controller = new AbortController();
    const reporter = new CaptureReporter();
    reporter.onEvent = (e) => {
      if (e.type === "task_start" && e.task === "slow") setTimeout(() => controller.abort(), 1000);
    };
    const started = Date.now();
    const { events, outcome } = await runFixture("interrupt.yml", {
      inventory: writeInventory(),
      reporter,
      signal: controller.signal,
    });
    assert.equal(outcome.exitCode, 99);
    assert.ok(Date.now() - started < 10_000, "the run stopped without waiting for the slow task");
    assert.ok(!events.some((e) => e.type === "task_start" && e.task === "never started"));
    const recap = events.at(-1)!;
    assert.equal(recap.type === "recap" && recap.interrupted, true);
  });
});
