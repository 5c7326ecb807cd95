// The agents the server knows: their HMAC tokens, when each was last seen, and the agents API's view of them.
import crypto from "node:crypto";
import { agentToken } from "./cruise-config.mjs";

/** Constant-time check of a presented token against HMAC(tokenGenerationKey, uuid). */
export function tokenValid(key, uuid, presented) {
  if (!key || !uuid || !presented) return false;
  const want = Buffer.from(agentToken(key, uuid));
  const got = Buffer.from(presented.replace(/^(Token|Bearer)\s+/i, ""));
  return want.length === got.length && crypto.timingSafeEqual(want, got);
}

/** The uuid of the agent a remoting request authenticates as (X-Agent-GUID + Authorization), or undefined. */
export function authenticatedAgent(state, req) {
  const uuid = req.headers["x-agent-guid"];
  if (typeof uuid !== "string") return undefined;
  return tokenValid(state.tokenGenerationKey(), uuid, req.headers.authorization) ? uuid : undefined;
}

/** Record an agent as seen now (pings and registrations both count). */
export function touchAgent(state, req, uuid, hostname) {
  const prev = state.agents.get(uuid);
  state.agents.set(uuid, {
    uuid,
    hostname: hostname ?? prev?.hostname ?? "unknown",
    ipAddress: req.socket.remoteAddress ?? "",
    lastSeen: Date.now(),
  });
}

/** True when the agent has not been heard from for longer than the lost-contact timeout. */
export function lostContact(state, agent, now = Date.now()) {
  return now - agent.lastSeen > state.lostContactMs;
}

/** GoCD's agent_state and build_state: LostContact wins, then Building while it runs a job. */
function agentStates(state, agent, now) {
  const building = state.jobs.runningOn(agent.uuid) !== undefined;
  if (lostContact(state, agent, now)) {
    return { agent_state: "LostContact", build_state: building ? "Building" : "Idle" };
  }
  return building ? { agent_state: "Building", build_state: "Building" } : { agent_state: "Idle", build_state: "Idle" };
}

/** The agents list in the shape of GoCD's agents API (_embedded.agents), with last_seen added. */
export function agentsBody(state) {
  const now = Date.now();
  const agents = [...state.agents.values()].map((a) => ({
    uuid: a.uuid,
    hostname: a.hostname,
    ip_address: a.ipAddress,
    ...agentStates(state, a, now),
    last_seen: new Date(a.lastSeen).toISOString(),
  }));
  return { _embedded: { agents } };
}
