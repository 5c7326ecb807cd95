// The GoCD stand-in against a real PostgreSQL 15 primary and replica: start-up, health, migration,
// agent tokens and pings, artifacts, and the refusal to start on a read-only database.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import { once } from "node:events";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { waitMoreLines } from "./agent-log.js";
import { createPrimary, createReplica, freePort, makePgRoot, psql, type PgCluster } from "./pg-cluster.js";
import { http, readText, stopAll, stopChild, waitFor } from "./procs.js";
import {
  type AgentInstall,
  type ServerInstall,
  createGocdDatabase,
  installAgent,
  installServer,
  startAgent,
  startServer,
  waitHealthy,
} from "./standin-env.js";

const ISO_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /;
const KEY_A = "6f1d2c3b-aaaa-4bbb-8ccc-111111111111";
const KEY_B = "0e9f8a7b-bbbb-4ccc-8ddd-222222222222";

/** The token GoCD derives for an agent: base64(HMAC-SHA256(tokenGenerationKey, uuid)). */
const tokenFor = (key: string, uuid: string) => crypto.createHmac("sha256", key).update(uuid).digest("base64");

describe("GoCD server stand-in on real PostgreSQL", () => {
  let root = "";
  let primary: PgCluster | undefined;
  let replica: PgCluster | undefined;
  let port = 0;
  let serverA: ServerInstall;
  let agent: AgentInstall;
  let server: ChildProcess | undefined;

  before(async () => {
    root = await makePgRoot();
    primary = await createPrimary(root);
    await createGocdDatabase(primary);
    replica = await createReplica(root, primary);
    port = await freePort();
    serverA = await installServer(path.join(root, "server-a"), {
      port,
      dbPort: primary.port,
      tokenGenerationKey: KEY_A,
      warmupMs: 1500,
    });
    // No jobs: this agent is about registration and pings (jobs.test.ts has the agents that run jobs).
    agent = await installAgent(path.join(root, "agent"), {
      serverUrl: serverA.url,
      statusPort: await freePort(),
      pingIntervalMs: 100,
      jobIntervalMs: 0,
    });
  });

  after(async () => {
    await stopAll();
    await replica?.stop();
    await primary?.stop();
    // GOCD_STANDIN_KEEP_TMP=1 keeps the temp dir (logs, configs) for debugging; the clusters are stopped anyway.
    if (root && process.env.GOCD_STANDIN_KEEP_TMP !== "1") await fs.rm(root, { recursive: true, force: true });
  });

  it("answers 503 on /go/api/v1/health while caches warm up, then 200 {health: OK}", async () => {
    server = startServer(serverA);
    const first = await waitFor("the server to listen", () => http(`${serverA.url}/api/v1/health`));
    assert.equal(first.status, 503);
    assert.equal((await http(`${serverA.url}/api/agents`))?.status, 503, "other routes wait for the warm-up too");
    await waitHealthy(serverA);
    assert.deepEqual(JSON.parse((await http(`${serverA.url}/api/v1/health`))?.body ?? ""), { health: "OK" });
    const log = await readText(serverA.logFile);
    assert.match(log, /Populating caches \(1500 ms\)/);
    assert.ok(
      log
        .trim()
        .split("\n")
        .every((l) => ISO_LINE.test(l)),
      "every server log line starts with a timestamp",
    );
  });

  it("writes its migration row on the primary", async () => {
    assert.ok(primary);
    const rows = await psql(primary, "gocd", "SELECT version || ' ' || host FROM gocd_standin_schema_version");
    assert.equal(rows.trim(), `25.1.0-standin ${os.hostname()}`);
  });

  it("registers an agent, which pings and logs each ping with a timestamp", async () => {
    startAgent(agent);
    await waitMoreLines(agent, / ping ok 200$/, 3);
    const lines = (await readText(agent.logFile)).trim().split("\n");
    assert.ok(
      lines.every((l) => ISO_LINE.test(l)),
      lines.join("\n"),
    );
    assert.ok(lines.some((l) => l.endsWith(" register ok 200")));
    const uuid = (await fs.readFile(path.join(agent.configDir, "guid.txt"), "utf8")).trim();
    assert.equal(await fs.readFile(path.join(agent.configDir, "token"), "utf8"), tokenFor(KEY_A, uuid));
    const list = JSON.parse((await http(`${serverA.url}/api/agents`))?.body ?? "{}");
    const agents = list._embedded.agents as { uuid: string; hostname: string; agent_state: string }[];
    assert.deepEqual(
      agents.map((a) => [a.uuid, a.hostname, a.agent_state]),
      [[uuid, os.hostname(), "Idle"]],
    );
    assert.equal((await http(agent.statusUrl))?.status, 200);
  });

  it("stores uploaded artifacts under artifactsDir/pipelines and serves them back", async () => {
    const uuid = (await fs.readFile(path.join(agent.configDir, "guid.txt"), "utf8")).trim();
    const auth = { "X-Agent-GUID": uuid, Authorization: tokenFor(KEY_A, uuid) };
    const url = `${serverA.url}/remoting/files/up42/7/build/1/compile/out/report.txt`;
    assert.equal((await http(url, { method: "PUT", headers: auth, body: "all green\n" }))?.status, 201);
    const onDisk = path.join(serverA.artifactsDir, "pipelines/up42/7/build/1/compile/out/report.txt");
    assert.equal(await fs.readFile(onDisk, "utf8"), "all green\n");
    assert.equal((await http(`${serverA.url}/files/up42/7/build/1/compile/out/report.txt`))?.body, "all green\n");
    assert.equal(
      (await http(url, { method: "PUT", headers: { ...auth, Authorization: "bad" }, body: "x" }))?.status,
      403,
    );
    const traversal = `${serverA.url}/remoting/files/up42/7/build/1/compile/..%2F..%2F..%2Fescape`;
    assert.equal((await http(traversal, { method: "PUT", headers: auth, body: "x" }))?.status, 400);
  });

  it("rejects the agent's token (403) on a server with another tokenGenerationKey, accepts it with the same config", async () => {
    await stopChild(server);
    await waitMoreLines(agent, / ping failed ECONNREFUSED$/);
    const serverB = await installServer(path.join(root, "server-b"), {
      port,
      dbPort: primary!.port,
      tokenGenerationKey: KEY_B,
      warmupMs: 200,
    });
    server = startServer(serverB);
    await waitHealthy(serverB);
    await waitMoreLines(agent, / ping failed 403 token rejected/);
    await stopChild(server);
    // A standby whose cruise-config.xml is a copy of the primary's: the same key, so the same tokens.
    const synced = await installServer(path.join(root, "server-c"), {
      port,
      dbPort: primary!.port,
      tokenGenerationKey: "",
      warmupMs: 200,
      configDir: serverA.configDir,
    });
    server = startServer(synced);
    await waitMoreLines(agent, / ping ok 200$/);
  });

  it("re-reads cruise-config.xml when it changes", async () => {
    const file = path.join(serverA.configDir, "cruise-config.xml");
    const original = await fs.readFile(file, "utf8");
    await fs.writeFile(file, original.replace(KEY_A, KEY_B));
    await waitMoreLines(agent, / ping failed 403 token rejected/);
    await fs.writeFile(file, original);
    await waitMoreLines(agent, / ping ok 200$/);
    assert.equal((await http(agent.statusUrl))?.status, 200);
  });

  it("refuses to start on a read-only replica: logs why and exits non-zero", async () => {
    assert.ok(replica);
    assert.equal((await psql(replica, "postgres", "SELECT pg_is_in_recovery()")).trim(), "t");
    const onReplica = await installServer(path.join(root, "server-r"), {
      port: await freePort(),
      dbPort: replica.port,
      tokenGenerationKey: KEY_A,
      warmupMs: 200,
    });
    const child = startServer(onReplica);
    const [code] = (await once(child, "exit")) as [number | null];
    assert.notEqual(code, 0);
    const log = await readText(onReplica.logFile);
    assert.match(
      log,
      /ERROR .*Could not run database migrations: ERROR: cannot execute CREATE TABLE in a read-only transaction/,
    );
    assert.match(log, /pg_is_in_recovery\(\) is true/);
    assert.equal(await http(`${onReplica.url}/api/v1/health`), undefined, "it never listened");
  });
});
