// GoCD's agent remoting API, POST /go/remoting/api/agent/<action>: JSON bodies carrying the agent's
// runtime info, authenticated by the agent's own X-Agent-GUID and Authorization (its HMAC token) headers.
// The stand-in serves ping, get_work and report_completed.
import os from "node:os";
import { touchAgent } from "./agents.mjs";
import { readForm, send } from "./http-util.mjs";
import { jobIdentifier } from "./jobs.mjs";
import { recordJobResult } from "./job-results.mjs";

const BASE = "/go/remoting/api/agent/";
/** The media type GoCD's remoting API answers with. */
const JSON_V1 = { "Content-Type": "application/vnd.go.cd.v1+json; charset=utf-8" };

/** The hostname an agent gives in its runtime info (older stand-in agents sent a flat `hostname`). */
const hostnameIn = (body) => body.agentRuntimeInfo?.identifier?.hostName ?? body.hostname;

/** GoCD's answer to work requested: a BuildWork with the job's identifier, or NoWork. */
function work(job) {
  if (!job) return { type: "NoWork" };
  const assignment = {
    jobIdentifier: jobIdentifier(job),
    builders: [],
    artifactPlans: [],
    fetchMaterials: false,
    cleanWorkingDirectory: false,
  };
  return { type: "BuildWork", assignment, consoleLogCharset: "UTF-8" };
}

/** get_work: a new job, unless maintenance mode is on (GoCD then gives idle agents nothing). */
function getWork(state, res, uuid) {
  const job = state.maintenance.isOn() ? undefined : state.jobs.assign(uuid);
  return send(res, 200, work(job), JSON_V1);
}

/** report_completed: 200 only once the result row is committed; the agent never retries, so no dedup here. */
async function reportCompleted(state, res, uuid, body) {
  const jobId = body.jobIdentifier?.buildId;
  if (typeof jobId !== "string" || jobId === "") {
    return send(res, 422, { message: "jobIdentifier.buildId is required" }, JSON_V1);
  }
  const hostname = hostnameIn(body) ?? state.agents.get(uuid)?.hostname ?? "unknown";
  try {
    await recordJobResult(state.db, { jobId, agentUuid: uuid, hostname, serverHostname: os.hostname() });
  } catch (err) {
    state.log.error(`Could not record the result of job [${jobId}] from agent [${uuid}]: ${err.message}`);
    return send(res, 500, { message: `Could not record the job result: ${err.message}` }, JSON_V1);
  }
  state.jobs.completed(uuid, jobId);
  return send(res, 200, "", JSON_V1);
}

/** Handle /go/remoting/api/agent/*; false when `p` is not one of its routes. */
export async function handleAgentRemoting(state, req, res, p, agentUuid) {
  if (!p.startsWith(BASE) || req.method !== "POST") return false;
  const action = p.slice(BASE.length);
  if (!["ping", "get_work", "report_completed"].includes(action)) return false;
  if (!agentUuid) return void send(res, 403, "Agent token is not valid for this server.\n");
  const body = await readForm(req).catch(() => ({}));
  const claimed = body.agentRuntimeInfo?.identifier?.uuid;
  if (claimed !== undefined && claimed !== agentUuid) {
    return void send(res, 403, {
      message: `Agent with uuid: '${agentUuid}' is attempting a request for agent: '${claimed}'.`,
    });
  }
  touchAgent(state, req, agentUuid, hostnameIn(body));
  if (action === "ping") return void send(res, 200, { instruction: "NONE" });
  if (action === "get_work") return void getWork(state, res, agentUuid);
  return void (await reportCompleted(state, res, agentUuid, body));
}
