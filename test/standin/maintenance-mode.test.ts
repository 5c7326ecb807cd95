// GoCD's maintenance mode API on the stand-in: enable stops the hand-out of jobs while the running one
// finishes and reports, info lists the building jobs until there are none, disable resumes the work; a
// restart ends the mode unless gocd.server.start.in.maintenance.mode is set (as in GoCD).
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { REPORTED_OK_LINE, countLines, jobReports, waitMoreLines } from "./agent-log.js";
import { createPrimary, freePort, makePgRoot, type PgCluster } from "./pg-cluster.js";
import { readText, stopAll, stopChild, waitFor } from "./procs.js";
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

const KEY = "7b2f3e4d-dddd-4eee-8fff-444444444444";
const V1 = "application/vnd.go.cd.v1+json";
const JOB_MS = 1000;
const ASSIGNED = /\[Agent Assignment\] Assigned job \[(\S+)\]/g;

/** A maintenance mode API call as the docs show it: Accept v1, POSTs with X-GoCD-Confirm. */
async function api(s: ServerInstall, action: string, headers: Record<string, string> = {}) {
  const method = action === "info" ? "GET" : "POST";
  const confirm: Record<string, string> = method === "POST" ? { "X-GoCD-Confirm": "true" } : {};
  const res = await fetch(`${s.url}/api/admin/maintenance_mode/${action}`, {
    method,
    headers: { Connection: "close", Accept: V1, ...confirm, ...headers },
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type") ?? "", body: text ? JSON.parse(text) : undefined };
}

/** The info object's fields a test reads. */
interface Info {
  is_maintenance_mode: boolean;
  metadata: { updated_by: string | null; updated_on: string | null };
  attributes?: {
    has_running_systems: boolean;
    running_systems: { building_jobs: { agent_uuid: string; job_id: string; state: string }[] };
  };
}
const info = async (s: ServerInstall) => (await api(s, "info")).body as Info;

/** The job ids the server log says it assigned, in order. */
const assigned = async (s: ServerInstall) => [...(await readText(s.logFile)).matchAll(ASSIGNED)].map((m) => m[1]!);

describe("GoCD stand-in maintenance mode", () => {
  let root = "";
  let primary: PgCluster;
  let server: ServerInstall;
  let agent: AgentInstall;
  let uuid = "";
  let serverProc: ChildProcess | undefined;

  before(async () => {
    root = await makePgRoot();
    primary = await createPrimary(root);
    await createGocdDatabase(primary);
    server = await installServer(path.join(root, "server"), {
      port: await freePort(),
      dbPort: primary.port,
      tokenGenerationKey: KEY,
      warmupMs: 200,
    });
    agent = await installAgent(path.join(root, "agent"), {
      serverUrl: server.url,
      statusPort: await freePort(),
      pingIntervalMs: 100,
      jobIntervalMs: JOB_MS,
    });
    serverProc = startServer(server);
    await waitHealthy(server);
    startAgent(agent);
    uuid = await waitFor(
      "guid.txt",
      async () => (await fs.readFile(path.join(agent.configDir, "guid.txt"), "utf8")).trim() || undefined,
    );
    await waitMoreLines(agent, REPORTED_OK_LINE, 1);
  });

  after(async () => {
    await stopAll();
    await primary?.stop();
    if (root && process.env.GOCD_STANDIN_KEEP_TMP !== "1") await fs.rm(root, { recursive: true, force: true });
  });

  it("info answers in GoCD's shape: off, never updated, no attributes; 404 without the version in Accept", async () => {
    const r = await api(server, "info");
    assert.equal(r.status, 200);
    assert.equal(r.type, `${V1}; charset=utf-8`);
    assert.equal(r.body.is_maintenance_mode, false);
    assert.deepEqual(r.body.metadata, { updated_by: null, updated_on: null });
    assert.equal("attributes" in r.body, false);
    assert.equal(r.body._links.self.href, `${server.url}/api/admin/maintenance_mode/info`);
    const plain = await fetch(`${server.url}/api/admin/maintenance_mode/info`, {
      headers: { Accept: "application/json" },
    });
    assert.equal(plain.status, 404);
  });

  it("enable needs GoCD's X-GoCD-Confirm header", async () => {
    const r = await fetch(`${server.url}/api/admin/maintenance_mode/enable`, {
      method: "POST",
      headers: { Accept: V1 },
    });
    assert.equal(r.status, 400);
    assert.deepEqual(await r.json(), { message: "Missing required header 'X-GoCD-Confirm' with value 'true'" });
    assert.equal((await info(server)).is_maintenance_mode, false);
  });

  it("enabled: no new job, the running one finishes and reports; info lists it, then none", async () => {
    // Enable right after a hand-out, so the job has most of its run still ahead.
    const before = (await assigned(server)).length;
    const running = await waitFor("a fresh job", async () => (await assigned(server))[before]);
    const enable = await api(server, "enable");
    assert.equal(enable.status, 204);
    const during = await info(server);
    assert.equal(during.is_maintenance_mode, true);
    assert.equal(during.metadata.updated_by, "anonymous");
    assert.match(during.metadata.updated_on ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(during.attributes?.has_running_systems, true);
    const jobs = during.attributes?.running_systems.building_jobs ?? [];
    assert.deepEqual(
      jobs.map((j) => [j.agent_uuid, j.job_id, j.state]),
      [[uuid, running, "Building"]],
    );

    await waitFor(`job ${running} reported ok`, async () =>
      (await jobReports(agent)).ok.includes(running) ? true : undefined,
    );
    const drained = await info(server);
    assert.equal(drained.attributes?.has_running_systems, false);
    assert.deepEqual(drained.attributes?.running_systems.building_jobs, []);
    const reports = await countLines(agent, / job /);
    await sleep(2.5 * JOB_MS);
    assert.equal(await countLines(agent, / job /), reports, "a job ran in maintenance mode");
    assert.equal((await assigned(server)).at(-1), running, "the server handed out a job in maintenance mode");
    await waitMoreLines(agent, / ping ok 200$/, 3); // the agents stay in contact
    assert.deepEqual((await api(server, "enable")).body, {
      message: "Failed to enable server maintenance mode. Server is already in maintenance mode.",
    });
  });

  it("enabled: a new agent cannot register (GoCD refuses changes), disable lets it in and jobs resume", async () => {
    const late = await installAgent(path.join(root, "late-agent"), {
      serverUrl: server.url,
      statusPort: await freePort(),
      pingIntervalMs: 100,
    });
    startAgent(late);
    await waitMoreLines(late, / register failed 503$/, 2);
    assert.equal((await api(server, "disable")).status, 204);
    const now = await info(server);
    assert.equal(now.is_maintenance_mode, false);
    assert.equal(now.metadata.updated_by, "anonymous");
    await waitMoreLines(late, / register ok 200$/, 1);
    await waitMoreLines(agent, REPORTED_OK_LINE, 2);
    assert.equal((await api(server, "disable")).status, 409);
  });

  it("does not survive a restart, unless the server starts with gocd.server.start.in.maintenance.mode=true", async () => {
    assert.equal((await api(server, "enable")).status, 204);
    await stopChild(serverProc);
    serverProc = startServer(server);
    await waitHealthy(server);
    assert.equal((await info(server)).is_maintenance_mode, false);
    await stopChild(serverProc);
    await fs.appendFile(
      path.join(server.dir, "wrapper-properties.conf"),
      "wrapper.java.additional.110=-Dgocd.server.start.in.maintenance.mode=true\n",
    );
    const handedOut = (await assigned(server)).length;
    serverProc = startServer(server);
    await waitHealthy(server);
    const started = await info(server);
    assert.equal(started.is_maintenance_mode, true);
    assert.equal(started.metadata.updated_by, "GoCD");
    await waitMoreLines(agent, / ping ok 200$/, 5);
    assert.equal(
      (await assigned(server)).length,
      handedOut,
      "a job was handed out by a server started in maintenance mode",
    );
  });
});
