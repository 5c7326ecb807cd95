// Calls to GoCD's agent remoting API (POST <server>/remoting/api/agent/<action>), as GoCD's agent makes
// them: a JSON body with the agent's runtime info, the agent's uuid and token in headers.
import os from "node:os";
import { request } from "./client.mjs";

/** GoCD's AgentRuntimeInfo: who the agent is and whether it is building (and what). */
export function agentRuntimeInfo(agent, location) {
  const job = agent.job;
  const locator = job
    ? `${job.pipelineName}/${job.pipelineCounter}/${job.stageName}/${job.stageCounter}/${job.buildName}`
    : "";
  return {
    type: "AgentRuntimeInfo",
    identifier: { hostName: os.hostname(), uuid: agent.uuid },
    runtimeStatus: job ? "Building" : "Idle",
    buildingInfo: { buildingInfo: locator, buildLocator: locator },
    location,
  };
}

/** POST one remoting action for `agent` ({uuid, token}); resolves {status, body} or {error}, never throws. */
export function remotingCall(settings, agent, action, payload) {
  return request("POST", `${settings.serverUrl}/remoting/api/agent/${action}`, {
    headers: {
      "X-Agent-GUID": agent.uuid,
      Authorization: agent.token,
      Accept: "application/vnd.go.cd+json",
      "Content-Type": "application/json",
    },
    body: JSON.stringify(payload),
    timeoutMs: settings.requestTimeoutMs,
  });
}
