// The agent's work loop, beside its pings as in GoCD: ask the server for work, "run" the job for a while,
// report it completed. A report is made once and never retried (as GoCD's agent does): a job whose report
// fails is lost from the agent's side.
import { setTimeout as sleep } from "node:timers/promises";
import { agentRuntimeInfo, remotingCall } from "./remoting.mjs";

/** Why a report failed, for the log: the network error, or the status and the server's message. */
function failure(r) {
  if (r.error) return r.error;
  let message = "";
  try {
    message = JSON.parse(r.body).message ?? "";
  } catch {
    message = r.body.trim().split("\n")[0] ?? "";
  }
  return message ? `${r.status} ${message}` : String(r.status);
}

/** Ask for work once: the job's identifier, or undefined (no work, or the server did not answer 200). */
async function askForWork(settings, agent) {
  const r = await remotingCall(settings, agent, "get_work", {
    agentRuntimeInfo: agentRuntimeInfo(agent, settings.dataDir),
  });
  if (r.status !== 200) return undefined;
  const work = JSON.parse(r.body);
  return work.type === "BuildWork" ? work.assignment?.jobIdentifier : undefined;
}

/** Report the agent's job completed (Passed), once; one log line either way. */
async function reportCompleted(settings, agent, log) {
  const jobIdentifier = agent.job;
  const payload = { agentRuntimeInfo: agentRuntimeInfo(agent, settings.dataDir), jobIdentifier, jobResult: "Passed" };
  const r = await remotingCall(settings, agent, "report_completed", payload);
  log(
    r.status === 200
      ? `job ${jobIdentifier.buildId} reported ok`
      : `job ${jobIdentifier.buildId} report failed: ${failure(r)}`,
  );
}

/**
 * Run jobs until `agent.stopping`: every jobIntervalMs one job completes (or, without work, the agent asks
 * again); nothing at all when jobIntervalMs is 0. `agent.job` is set while one runs, for the pings to tell.
 */
export async function workLoop(settings, agent, log) {
  if (settings.jobIntervalMs === 0) return;
  while (!agent.stopping) {
    try {
      agent.job = agent.registered ? await askForWork(settings, agent) : undefined;
      await sleep(settings.jobIntervalMs);
      if (agent.job && !agent.stopping) await reportCompleted(settings, agent, log);
    } catch (err) {
      log(`agent error ${err.message}`);
      await sleep(settings.jobIntervalMs);
    } finally {
      agent.job = undefined;
    }
  }
}
