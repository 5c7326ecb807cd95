// get_url and uri on lab hosts (agent1, share) against an HTTP server on the controller's lab address:
// the requests leave from the hosts (the server sees their addresses), the download is idempotent.
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import "./fresh-lab.js";
import { CORE_HOSTS, LAB_NET } from "../../src/lab/topology.js";
import { baseDir, changedCount, runFixture, statusOf, writeInventory } from "./engine-harness.js";
import { ok as remote, sh } from "./lab-access.js";

const HOSTS = ["agent1", "share"] as const;

describe("get_url and uri from lab hosts", () => {
  const inventory = writeInventory();
  const base = baseDir("http");
  const clients = new Set<string>();
  const server = http.createServer((req, res) => {
    clients.add(String(req.socket.remoteAddress).replace(/^::ffff:/, ""));
    if (req.url === "/file.txt") return void res.end("payload\n");
    if (req.url === "/state")
      return void res.writeHead(200, { "Content-Type": "application/json" }).end('{"state": "ready"}');
    res.writeHead(404).end();
  });
  let url = "";
  const cleanup = () => Promise.all(HOSTS.map((h) => sh(h, `rm -rf ${base}`)));
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, LAB_NET.gatewayIp, resolve));
    url = `http://${LAB_NET.gatewayIp}:${(server.address() as AddressInfo).port}`;
    await cleanup();
  });
  after(async () => {
    await cleanup();
    await new Promise((resolve) => server.close(resolve));
  });

  it("downloads and asks from each host, and a second run changes nothing", async () => {
    const extraVars = [`base=${base}`, `url=${url}`];
    const { events, outcome } = await runFixture("http.yml", { inventory, extraVars });
    assert.equal(
      outcome.exitCode,
      0,
      JSON.stringify(events.filter((e) => e.type === "host_result" && e.result.status === "failed")),
    );
    for (const h of HOSTS) {
      assert.equal(await remote(h, `cat ${base}/file.txt`), "payload\n");
      assert.equal((await remote(h, `stat -c %a ${base}/file.txt`)).trim(), "640");
      assert.equal((await remote(h, `cat ${base}/state`)).trim(), "ready 200");
      assert.equal(statusOf(events, "ask", h), "ok");
    }
    const ips = CORE_HOSTS.filter((h) => (HOSTS as readonly string[]).includes(h.name)).map((h) => h.ip);
    assert.deepEqual([...clients].sort(), ips.sort(), "the requests come from the hosts, not the controller");
    const second = await runFixture("http.yml", { inventory, extraVars });
    assert.equal(second.outcome.exitCode, 0);
    assert.equal(changedCount(second.outcome), 0);
  });
});
