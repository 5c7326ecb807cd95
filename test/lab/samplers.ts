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

// bash, for its clock without a fork ($EPOCHREALTIME): T is the shared clock in 100 ms units, and pause
// sleeps to the next 100 ms boundary, so loops on different hosts sample the same moments. No single
// quotes: the loops are passed to `bash -c '...'`.
const TICKS = `tick() { local t=\${EPOCHREALTIME/./}; T=$((t / 100000)); }
pause() { local t=\${EPOCHREALTIME/./} s; printf -v s %06d $((100000 - t % 100000)); sleep "0.$s"; }`;

/** A loop printing `TICK VALUE` every 100 ms, VALUE what the shell `probe` prints (one word). */
const tickLoop = (probe: string) => `exec bash -c '${TICKS}
while :; do tick; v=$(${probe}); echo "$T $v"; pause; done'`;

// As postgres, one psql session that is asked pg_is_in_recovery() at every tick (`t`/`f`): a new psql
// every 100 ms would load the database host more than the sampling is worth. When the session ends (the
// server stopped or restarted) the tick says `down` and a new session is tried at the next one.
const DB_LOOP = `cd / && exec su postgres -s /bin/bash -c '${TICKS}
while :; do
  while :; do tick; echo "SELECT $T, pg_is_in_recovery();"; pause; done | psql -XAtq -F " " 2>/dev/null
  tick; echo "$T down"; pause
done'`;

/** `y` when the host holds `vip` on any interface, else `n`. */
const vipLoop = (vip: string) => tickLoop(`ip -4 -o addr show | grep -qF " ${vip}/" && echo y || echo n`);

/** A line that reaches the controller more than this after its tick was not seen in time: a partitioned
 * host's loop goes on, and its lines arrive in a burst once healed. What the controller could not see at
 * the time is no sample. */
const LATE_MS = 1000;

/** A loop run on a lab host under one long-lived ssh session (given up after 3 s without an answer, so a
 * lost host's loop is started again); each line it prints, trimmed, goes to `onLine`. */
function remoteLoop(name: string, script: string, onLine: (line: string) => void): ChildProcess {
  const keepAlive = ["-o", "ServerAliveInterval=1", "-o", "ServerAliveCountMax=3"];
  const child = spawn("ssh", [...sshOptions(), ...keepAlive, `root@${host(name).ip}`, script], {
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

/** Runs a tick loop on each host until stopped, keeping each tick's value as the controller received it in
 * time; a loop whose ssh session ends (cut, or the host lost) is started again. */
function sampleTicks(hosts: readonly string[], script: string): Sampler<Map<number, string>[]> {
  const seen = hosts.map(() => new Map<number, string>());
  let running = true;
  const live = new Set<ChildProcess>();
  const start = (name: string, into: Map<number, string>): void => {
    const child = remoteLoop(name, script, (line) => {
      const [tick, value] = line.split(" ");
      if (!tick || !value || Date.now() - Number(tick) * 100 > LATE_MS) return;
      into.set(Number(tick), value);
    });
    live.add(child);
    child.once("close", () => {
      live.delete(child);
      if (running) setTimeout(() => running && start(name, into), 200);
    });
  };
  hosts.forEach((name, i) => start(name, seen[i] as Map<number, string>));
  return {
    stop: async () => {
      running = false;
      await Promise.all([...live].map((c) => new Promise<void>((r) => (c.once("close", () => r()), c.kill()))));
      return seen;
    },
  };
}

/** The ticks at which every host's loop printed `value`. */
function ticksWhereAll(seen: readonly Map<number, string>[], value: string): number[] {
  const [first, ...others] = seen;
  return [...(first?.entries() ?? [])]
    .filter(([tick, v]) => v === value && others.every((o) => o.get(tick) === value))
    .map(([tick]) => tick);
}

/** Samples both database hosts' pg_is_in_recovery() every 100 ms until stopped (a loop whose ssh session
 * is cut, as a test may cut every session on a host, is started again). */
export function sampleWritable(dbHosts: readonly string[]): Sampler<WritableSamples> {
  const sampler = sampleTicks(dbHosts, DB_LOOP);
  return {
    stop: async () => {
      const seen = await sampler.stop();
      return { ticks: seen[0]?.size ?? 0, bothWritable: ticksWhereAll(seen, "f") };
    },
  };
}

/** What the VIP sampler saw: the ticks (100 ms) sampled, and those at which both servers held the VIP. */
export interface VipSamples {
  readonly ticks: number;
  readonly bothHeld: readonly number[];
}

/** Samples which of the servers hold `vip`, every 100 ms on the servers themselves, until stopped. */
export function sampleVip(servers: readonly string[], vip: string): Sampler<VipSamples> {
  const sampler = sampleTicks(servers, vipLoop(vip));
  return {
    stop: async () => {
      const seen = await sampler.stop();
      return { ticks: seen[0]?.size ?? 0, bothHeld: ticksWhereAll(seen, "y") };
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
export function sampleAgentPings(agent: string, url: string): Sampler<number[]> & { ready: Promise<void> } {
  // The time is printed by bash's own echo, never by a child: once the ssh session is gone, the first write
  // ends the loop (SIGPIPE, or the `|| exit`). With `date` the child died and the loop polled on forever, so
  // every round of a soak left one more loop behind, loading the VIP and the agent host.
  const loop = `exec bash -c 'while :; do if curl -fsS -m 1 -o /dev/null ${url}; then t=\${EPOCHREALTIME/./}; echo $((t / 1000)) || exit; fi; sleep 0.1; done'`;
  const times: number[] = [];
  let first: () => void = () => {};
  const ready = new Promise<void>((r) => (first = r));
  const child = remoteLoop(agent, loop, (line) => {
    if (!/^\d+$/.test(line)) return;
    times.push(Number(line));
    first();
  });
  return {
    /** The first success: a gap measured from before it would miss the start of an outage. */
    ready,
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
