// The soak's load and what its agents saw: every agent reporting a job through the VIP every 200 ms, the
// reports each acknowledged since a mark, and whether any agent needed a person (its identity or
// configuration changed, or it did not connect again on its own).
import { acknowledged, agentConnects, agentIdentity, agentLogLines, agentLogSince } from "../lab/agent-reports.js";
import { ok } from "../lab/lab-access.js";

/** How often each agent finishes a job and reports it (the stand-in's job interval). */
export const JOB_INTERVAL_MS = 200;

/** The load: each agent's job interval set through the service's environment file (which provisioning does
 * not manage) and the agent restarted once, before the rounds; then every agent is connected. */
export async function startLoad(agents: readonly string[]): Promise<void> {
  await Promise.all(
    agents.map((a) =>
      ok(
        a,
        `f=/etc/default/go-agent; sed -i '/^GO_AGENT_JOB_INTERVAL_MS=/d' $f && echo GO_AGENT_JOB_INTERVAL_MS=${JOB_INTERVAL_MS} >> $f && systemctl restart go-agent`,
      ),
    ),
  );
  const connected = await Promise.all(agents.map((a) => agentConnects(a, 60_000)));
  const silent = agents.filter((_, i) => !connected[i]);
  if (silent.length) throw new Error(`agents not connected to GoCD after the load started: ${silent.join(", ")}`);
}

/** Where each agent's log stood: the mark its later reports are read from. */
export type Marks = ReadonlyMap<string, number>;

export async function marks(agents: readonly string[]): Promise<Marks> {
  return new Map(await Promise.all(agents.map(async (a) => [a, await agentLogLines(a)] as const)));
}

/** The job ids every agent logged as acknowledged since `from`. */
export async function acknowledgedSince(from: Marks): Promise<string[]> {
  const logs = await Promise.all([...from].map(([a, mark]) => agentLogSince(mark, a)));
  return logs.flatMap(acknowledged);
}

/** Each agent's identity and configuration, to compare after a round. */
export async function identities(agents: readonly string[]): Promise<Map<string, string>> {
  return new Map(await Promise.all(agents.map(async (a) => [a, await agentIdentity(a)] as const)));
}

/** The agents that would need a person after a round: identity or configuration changed, or not connected
 * to GoCD again within 30 s. */
export async function needingAPerson(before: ReadonlyMap<string, string>): Promise<string[]> {
  const verdicts = await Promise.all(
    [...before].map(async ([a, id]) => ((await agentIdentity(a)) !== id || !(await agentConnects(a)) ? a : null)),
  );
  return verdicts.filter((a): a is string => a !== null);
}
