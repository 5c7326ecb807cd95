// Agents run jobs on the stand-in, on a real PostgreSQL 15: the server hands out work, each agent reports
// its job completed, and every report the agent saw succeed is a committed row in gocd_standin_job_results.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { REPORTED_OK_LINE, countLines, jobReports, waitMoreLines } from "./agent-log.js";
import { createPrimary, freePort, makePgRoot, psql, type PgCluster } from "./pg-cluster.js";
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

const KEY = "5a1e2d3c-cccc-4ddd-8eee-333333333333";
const ASSIGNED = /\[Agent Assignment\] Assigned job \[(\S+)\] to agent \[(\S+)\]/g;

/** One row of gocd_standin_job_results, as an operator reads it with psql. */
interface ResultRow {
  agentUuid: string;
  hostname: string;
  serverHostname: string;
}

/** gocd_standin_job_results by job_id. */
async function resultRows(db: PgCluster): Promise<Map<string, ResultRow>> {
  const out = await psql(
    db,
    "gocd",
    "SELECT job_id, agent_uuid, hostname, server_hostname FROM gocd_standin_job_results",
  );
  const rows = new Map<string, ResultRow>();
  for (const line of out.trim().split("\n").filter(Boolean)) {
    const [id, agentUuid, hostname, serverHostname] = line.split("|") as [string, string, string, string];
    rows.set(id, { agentUuid, hostname, serverHostname });
  }
  return rows;
}

/** The agent's uuid, once it has written guid.txt. */
const agentUuid = (a: AgentInstall) =>
  waitFor("guid.txt", async () => (await fs.readFile(path.join(a.configDir, "guid.txt"), "utf8")).trim() || undefined);

/** Every job id the servers' logs say they assigned, in order (repeats kept: they are what we look for). */
async function assignedIds(...servers: ServerInstall[]): Promise<string[]> {
  const logs = await Promise.all(servers.map((s) => readText(s.logFile)));
  return logs.flatMap((l) => [...l.matchAll(ASSIGNED)].map((m) => m[1]!));
}

/** Make every transaction on the cluster read-only (as after a failed-over primary is fenced), or undo it. */
async function setReadOnly(db: PgCluster, on: boolean): Promise<void> {
  await psql(
    db,
    "postgres",
    on ? "ALTER SYSTEM SET default_transaction_read_only = on" : "ALTER SYSTEM RESET default_transaction_read_only",
  );
  await psql(db, "postgres", "SELECT pg_reload_conf()");
}

describe("GoCD stand-in agents run jobs", () => {
  let root = "";
  let primary: PgCluster;
  let port = 0;
  let server: ServerInstall;
  let standby: ServerInstall;
  let agent: AgentInstall;
  let uuid = "";
  let serverProc: ChildProcess | undefined;

  before(async () => {
    root = await makePgRoot();
    primary = await createPrimary(root);
    await createGocdDatabase(primary);
    port = await freePort();
    server = await installServer(path.join(root, "server"), {
      port,
      dbPort: primary.port,
      tokenGenerationKey: KEY,
      warmupMs: 200,
    });
    standby = await installServer(path.join(root, "standby"), {
      port,
      dbPort: primary.port,
      tokenGenerationKey: KEY,
      warmupMs: 200,
    });
    agent = await installAgent(path.join(root, "agent"), {
      serverUrl: server.url,
      statusPort: await freePort(),
      pingIntervalMs: 100,
      jobIntervalMs: 100,
    });
    serverProc = startServer(server);
    await waitHealthy(server);
    startAgent(agent);
    uuid = await agentUuid(agent);
  });

  after(async () => {
    await stopAll();
    await primary?.stop();
    if (root && process.env.GOCD_STANDIN_KEEP_TMP !== "1") await fs.rm(root, { recursive: true, force: true });
  });

  it("hands out jobs, and every `job ID reported ok` in the agent log is a row in gocd_standin_job_results", async () => {
    await waitMoreLines(agent, REPORTED_OK_LINE, 5);
    // The log is read before the table: a report is answered only after its commit, so its row is there.
    const { ok, failed } = await jobReports(agent);
    const rows = await resultRows(primary);
    assert.deepEqual(failed, []);
    for (const id of ok) {
      assert.match(id, new RegExp(`^${uuid}-[0-9a-f]{16}$`), "a job id names its agent and has a random part");
      assert.deepEqual(
        rows.get(id),
        { agentUuid: uuid, hostname: os.hostname(), serverHostname: os.hostname() },
        `row of ${id}`,
      );
    }
    assert.ok((await assignedIds(server)).includes(ok[0]!), "the server log says which job it gave to which agent");
  });

  it("answers a report only once its row is committed: while the table is locked the agent's report times out", async () => {
    const client = new pg.Client({ host: "127.0.0.1", port: primary.port, user: "postgres", database: "gocd" });
    await client.connect();
    try {
      await client.query("BEGIN");
      await client.query("LOCK TABLE gocd_standin_job_results IN ACCESS EXCLUSIVE MODE");
      await sleep(300); // a report committed just before the lock may still be on its way to the log
      const okBefore = (await jobReports(agent)).ok.length;
      await waitMoreLines(agent, / report failed: ETIMEDOUT$/, 1, 5000);
      assert.equal(
        (await jobReports(agent)).ok.length,
        okBefore,
        "a report was answered while its row could not be committed",
      );
    } finally {
      await client.query("COMMIT").catch(() => undefined);
      await client.end();
    }
    // The insert the agent gave up on commits once the lock is gone: the server has it, the agent does not.
    const gaveUp = (await jobReports(agent)).failed.find((f) => f.why === "ETIMEDOUT");
    assert.ok(gaveUp);
    await waitFor(`the row of ${gaveUp.id}`, async () =>
      (await resultRows(primary)).has(gaveUp.id) ? true : undefined,
    );
    await waitMoreLines(agent, REPORTED_OK_LINE, 2);
  });

  it("a report the database refuses (read-only) is `report failed` in the agent log and leaves no row", async () => {
    await setReadOnly(primary, true);
    try {
      await waitMoreLines(agent, / report failed: 500 .*read-only transaction$/, 2);
    } finally {
      await setReadOnly(primary, false);
    }
    await waitMoreLines(agent, REPORTED_OK_LINE, 2);
    const { ok, failed } = await jobReports(agent);
    const rows = await resultRows(primary);
    const refused = failed.filter((f) => f.why.includes("read-only transaction"));
    assert.ok(refused.length >= 2);
    for (const f of refused) assert.equal(rows.has(f.id), false, `${f.id} failed on the agent but has a row`);
    for (const id of ok) assert.ok(rows.has(id), `${id} reported ok but has no row`);
    assert.match(
      await readText(server.logFile),
      new RegExp(`ERROR .*Could not record the result of job \\[${refused[0]!.id}\\]`),
    );
  });

  it("never hands out a job id twice: not after a restart, not from the other server of the pair", async () => {
    await stopChild(serverProc);
    await waitMoreLines(agent, / ping failed ECONNREFUSED$/, 2); // the agent keeps pinging a server that is down
    serverProc = startServer(server);
    await waitHealthy(server);
    await waitMoreLines(agent, REPORTED_OK_LINE, 3);
    await stopChild(serverProc);
    // The standby: its own installation with the same key, on the same (replicated) database.
    serverProc = startServer(standby);
    await waitHealthy(standby);
    await waitMoreLines(agent, REPORTED_OK_LINE, 3);
    const assigned = await assignedIds(server, standby);
    assert.equal(new Set(assigned).size, assigned.length, "a job id was assigned twice");
    assert.ok((await assignedIds(standby)).length >= 3);
    const { ok, failed } = await jobReports(agent);
    assert.deepEqual(
      failed.filter((f) => /duplicate key/.test(f.why)),
      [],
    );
    const rows = await resultRows(primary);
    for (const id of ok) assert.ok(rows.has(id), `${id} reported ok but has no row`);
  });

  it("an agent with gocd.standin.job.interval.ms=0 asks for no work and pings as before", async () => {
    const idle = await installAgent(path.join(root, "idle-agent"), {
      serverUrl: standby.url,
      statusPort: await freePort(),
      pingIntervalMs: 100,
      jobIntervalMs: 0,
    });
    startAgent(idle);
    const idleUuid = await agentUuid(idle);
    await waitMoreLines(idle, / ping ok 200$/, 5);
    assert.equal(await countLines(idle, / job /), 0);
    assert.ok(![...(await resultRows(primary)).values()].some((r) => r.agentUuid === idleUuid));
    assert.doesNotMatch(await readText(standby.logFile), new RegExp(`to agent \\[${idleUuid}\\]`));
    const list = JSON.parse((await http(`${standby.url}/api/agents`))?.body ?? "{}");
    const states = Object.fromEntries(
      (list._embedded.agents as { uuid: string; agent_state: string }[]).map((a) => [a.uuid, a.agent_state]),
    );
    assert.equal(states[idleUuid], "Idle");
  });
});
