// What the lab's agent shows an operator across a switchover or failover: its identity and configuration
// (which nothing may make anyone change), whether it is connected, and the job reports it logged as
// acknowledged (`job ID reported ok`: the stand-in acknowledges a report only after its commit), checked
// against the rows of the primary's database.
import assert from "node:assert/strict";
import { eventually, ok, sh } from "./lab-access.js";

const AGENT_LOG = "/var/log/go-agent/go-agent.log";

const psql = (h: string, sql: string, db = "postgres") =>
  ok(h, `cd / && su postgres -c ${JSON.stringify(`psql -X -d ${db} -Atc "${sql}"`)}`);

/** How many lines an agent's log has: a mark to read what it logs after. */
export const agentLogLines = async (agent = "agent1"): Promise<number> =>
  Number((await ok(agent, `wc -l < ${AGENT_LOG}`)).trim());

/** An agent's log lines after `mark` (a line count). */
export const agentLogSince = (mark: number, agent = "agent1"): Promise<string> =>
  ok(agent, `tail -n +${mark + 1} ${AGENT_LOG}`);

/** An agent's identity and configuration: what a switchover or failover must never make anyone change. */
export const agentIdentity = (agent = "agent1"): Promise<string> =>
  ok(
    agent,
    "md5sum /var/lib/go-agent/config/guid.txt /var/lib/go-agent/config/token /usr/share/go-agent/wrapper-config/wrapper-properties.conf",
  );

/** The job ids the agent logged as acknowledged in `log`. */
export const acknowledged = (log: string): string[] =>
  [...log.matchAll(/ job (\S+) reported ok$/gm)].map((m) => m[1] as string);

/** The job ids the results table of `dbHost`'s GoCD database holds (a standby answers too: hot standby). */
export async function jobIdsOn(dbHost: string): Promise<Set<string>> {
  const rows = await psql(dbHost, "SELECT job_id FROM gocd_standin_job_results", "gocd");
  return new Set(
    rows
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean),
  );
}

/** Every id in `ids` is a row of `primary`'s results table; returns how many were checked. */
export async function assertJobsKept(ids: readonly string[], primary: string, what: string): Promise<number> {
  assert.ok(ids.length > 0, `no job report to check (${what})`);
  const rows = await jobIdsOn(primary);
  const lost = ids.filter((id) => !rows.has(id));
  assert.deepEqual(lost, [], `${lost.length} of ${ids.length} ${what} are not in ${primary}'s database`);
  return ids.length;
}

/** Every `job ID reported ok` in `log` is a row in the primary's results table. */
export const assertReportsKept = (log: string, primary: string): Promise<number> =>
  assertJobsKept(acknowledged(log), primary, "acknowledged job reports");

/** Whether an agent is connected to GoCD (through the VIP) within `timeoutMs`, as its status API says. */
export const agentConnects = (agent = "agent1", timeoutMs = 30_000): Promise<boolean> =>
  eventually(
    async () =>
      (await sh(agent, "curl -fsS -o /dev/null http://127.0.0.1:8152/health/v1/isConnectedToServer")).code === 0,
    timeoutMs,
  );

/** The agent is connected to GoCD again (through the VIP), within 30 s. */
export async function assertAgentConnected(what: string): Promise<void> {
  assert.ok(await agentConnects(), `the agent is not connected to GoCD ${what}`);
}
