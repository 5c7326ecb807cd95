// The jobs the server has handed out and not yet seen reported, one per agent at most (as in GoCD, an
// agent runs one job at a time). Kept in memory: a server knows only the jobs it handed out itself.
import crypto from "node:crypto";

/**
 * A job id that is never reused: the agent's uuid and 64 random bits. No counter, so it stays unique across
 * restarts and across the two servers of an active-standby pair, which share nothing in memory.
 */
export function newJobId(agentUuid) {
  return `${agentUuid}-${crypto.randomBytes(8).toString("hex")}`;
}

/**
 * GoCD's JobIdentifier for a stand-in job. The stand-in has one pipeline, stage and job; each handed-out
 * job is an instance of it. buildId carries the stand-in's text id (GoCD's is a database number).
 */
export function jobIdentifier(job) {
  return {
    pipelineName: "gocd-standin",
    pipelineCounter: 1,
    pipelineLabel: "1",
    stageName: "run",
    stageCounter: "1",
    buildName: "job",
    buildId: job.id,
  };
}

/** The board of running jobs; `log` gets GoCD's "[Agent Assignment]" lines. */
export function createJobBoard(log) {
  const running = new Map(); // agent uuid -> { id, agentUuid, assignedAt }

  /** Forget a job GoCD would reschedule (its agent asked for work again, or lost contact), saying why. */
  const reschedule = (job, why) => {
    running.delete(job.agentUuid);
    log.warn(`[Agent Assignment] Job [${job.id}] rescheduled: ${why}`);
  };

  return {
    /** Hand a new job to an agent; one it still holds was abandoned, as GoCD sees it. */
    assign(agentUuid) {
      const old = running.get(agentUuid);
      if (old) reschedule(old, `agent [${agentUuid}] asked for work without reporting it`);
      const job = { id: newJobId(agentUuid), agentUuid, assignedAt: new Date() };
      running.set(agentUuid, job);
      log.info(`[Agent Assignment] Assigned job [${job.id}] to agent [${agentUuid}]`);
      return job;
    },
    /** The agent's report of `jobId` is committed: the job no longer runs. */
    completed(agentUuid, jobId) {
      if (running.get(agentUuid)?.id === jobId) running.delete(agentUuid);
    },
    /** The job an agent runs now, or undefined. */
    runningOn(agentUuid) {
      return running.get(agentUuid);
    },
    /** The jobs still building, after rescheduling those whose agent `isLost(uuid)` (GoCD's hung jobs). */
    building(isLost) {
      for (const job of [...running.values()]) {
        if (isLost(job.agentUuid)) reschedule(job, `agent [${job.agentUuid}] lost contact`);
      }
      return [...running.values()];
    },
  };
}
