// Samplers every 100 ms during a switchover: never two writable databases, never two healthy GoCD
// servers. The databases are sampled on their own hosts (a loop under one long-lived ssh each, so a sample
// costs a local psql, not an ssh connection); both loops sample at the same 100 ms boundaries of the one
// clock the lab's hosts share with the controller, so two samples of the same tick are the same moment.
import { type ChildProcess, spawn } from "node:child_process";
import { gocdHealth, host, sshOptions } from "./lab-access.js";

/** A sampler running until stopped; `stop` returns what it counted. */
export interface Sampler<T> {
  stop(): Promise<T>;
}

/** What the database sampler saw: the ticks (100 ms) at which both databases answered writable. */
export interface WritableSamples {
  readonly ticks: number;
  readonly bothWritable: readonly number[];
}

// As postgres, so each sample is a local peer-authenticated psql; `t`/`f` as pg_is_in_recovery() says,
// `down` when the server does not answer; the tick is the controller's (shared) clock in 100 ms units.
const DB_LOOP = `exec su postgres -s /bin/sh -c '
  while :; do
    now=$(date +%s%3N)
    s=$(psql -X -Atc "SELECT pg_is_in_recovery()" 2>/dev/null) || s=down
    echo "$((now / 100)) $s"
    now=$(date +%s%3N)
    sleep "0.$(printf %03d $((100 - now % 100)))"
  done'`;

/** A loop run on a lab host under one long-lived ssh session; each line it prints, trimmed, goes to `onLine`. */
function remoteLoop(name: string, script: string, onLine: (line: string) => void): ChildProcess {
  const child = spawn("ssh", [...sshOptions(), `root@${host(name).ip}`, script], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  let rest = "";
  child.stdout.on("data", (d: Buffer) => {
    const lines = (rest + d.toString()).split("\n");
    rest = lines.pop() ?? "";
    for (const l of lines) onLine(l.trim());
  });
  return child;
}

/** Samples both database hosts' pg_is_in_recovery() every 100 ms until stopped (a loop whose ssh session
 * is cut, as a test may cut every session on a host, is started again). */
export function sampleWritable(dbHosts: readonly string[]): Sampler<WritableSamples> {
  const seen = dbHosts.map(() => new Map<number, string>());
  let running = true;
  const live = new Set<ChildProcess>();
  const start = (name: string, into: Map<number, string>): void => {
    const child = remoteLoop(name, DB_LOOP, (line) => {
      const [tick, state] = line.split(" ");
      if (tick && state) into.set(Number(tick), state);
    });
    live.add(child);
    child.once("close", () => {
      live.delete(child);
      if (running) setTimeout(() => running && start(name, into), 200);
    });
  };
  dbHosts.forEach((name, i) => start(name, seen[i] as Map<number, string>));
  return {
    stop: async () => {
      running = false;
      await Promise.all([...live].map((c) => new Promise<void>((r) => (c.once("close", () => r()), c.kill()))));
      const [first, ...others] = seen;
      const both = [...(first?.entries() ?? [])]
        .filter(([tick, s]) => s === "f" && others.every((o) => o.get(tick) === "f"))
        .map(([tick]) => tick);
      return { ticks: first?.size ?? 0, bothWritable: both };
    },
  };
}

/** Samples both servers' health from the controller every 100 ms; the controller's times (ms) of the
 * samples where both answered healthy. */
export function sampleBothHealthy(addresses: readonly [string, string]): Sampler<number[]> {
  let running = true;
  const both: number[] = [];
  const loop = (async () => {
    while (running) {
      const at = Date.now();
      const [a, b] = await Promise.all(addresses.map((ip) => gocdHealth(ip)));
      if (a === 200 && b === 200) both.push(at);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return both;
    },
  };
}

/** When an agent reached GoCD: the controller's times (ms) of each successful health check through `url`,
 * made from the agent host every 100 ms, so the largest gap is the downtime the agents saw. */
export function sampleAgentPings(agent: string, url: string): Sampler<number[]> {
  const loop = `while :; do curl -fsS -m 1 -o /dev/null ${url} && date +%s%3N; sleep 0.1; done`;
  const times: number[] = [];
  const child = remoteLoop(agent, loop, (line) => {
    if (/^\d+$/.test(line)) times.push(Number(line));
  });
  return {
    stop: () =>
      new Promise((resolve) => {
        child.once("close", () => resolve(times));
        child.kill();
      }),
  };
}

/** The largest gap (ms) between two successive successes, or undefined with fewer than two. */
export function largestGap(times: readonly number[]): number | undefined {
  if (times.length < 2) return undefined;
  let gap = 0;
  for (let i = 1; i < times.length; i++) gap = Math.max(gap, (times[i] as number) - (times[i - 1] as number));
  return gap;
}
