// Recording a job result an agent reported: committed to the database before the agent gets its answer,
// so a report the agent saw succeed is never lost by a server that dies right after answering.
import { JOB_RESULTS_TABLE } from "./database.mjs";

/** Insert one result in its own transaction; throws (after rolling back) when the database cannot take it. */
export async function recordJobResult(pool, { jobId, agentUuid, hostname, serverHostname }) {
  const client = await pool.connect();
  let failure;
  try {
    await client.query("BEGIN");
    await client.query(
      `INSERT INTO ${JOB_RESULTS_TABLE} (job_id, agent_uuid, hostname, server_hostname) VALUES ($1, $2, $3, $4)`,
      [jobId, agentUuid, hostname, serverHostname],
    );
    await client.query("COMMIT");
  } catch (err) {
    failure = err;
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    // A connection that failed is dropped rather than reused: it may be the one the database closed.
    client.release(failure);
  }
}
