// A provision-like event stream for the terminal view, made without hosts: the plays of provision.yml
// (about 100 tasks, up to 6 hosts, about 250 host results), each event with the delay after the one
// before it, so a replay paces the reporter as a real run does. Deterministic (seeded), so runs compare.
import type { RunEvent } from "../../src/report/events.js";
import type { TaskResult } from "../../src/modules/contract.js";
import { statsFromEvents } from "../../src/report/recap.js";
import type { HostResultEvent } from "../../src/report/dispatch.js";

/** One event of a replay and how long after the previous one it comes. */
export interface ReplayStep {
  readonly delayMs: number;
  readonly event: RunEvent;
}

/** What the stream looks like: a drift run (check and diff mode) and/or one failed host. */
export interface ReplayOptions {
  /** Check+diff mode: changed results carry a diff and say `would`. */
  readonly drift?: boolean;
  /** The task index (over the whole run) where one host fails; none when undefined. */
  readonly failAt?: number;
  /** Average length of one task in milliseconds (a provision of 100 tasks takes about 6 s). */
  readonly taskMs?: number;
  /** Adds a last play of five tasks over this many hosts (bench001...), more than a terminal's height. */
  readonly wideHosts?: number;
}

interface PlayShape {
  readonly name: string;
  readonly roles: readonly string[];
  readonly hosts: readonly string[];
  readonly tasks: number;
}

const ALL = ["agent1", "db-primary", "db-standby", "gocd-primary", "gocd-standby", "share"];
const PLAYS: readonly PlayShape[] = [
  { name: "facts of every host", roles: ["facts"], hosts: ALL, tasks: 8 },
  {
    name: "database pair",
    roles: ["postgres_primary", "postgres_standby"],
    hosts: ["db-primary", "db-standby"],
    tasks: 44,
  },
  {
    name: "GoCD servers",
    roles: ["gocd_apt", "artifact_share", "gocd_server", "gocd_config_sync", "keepalived"],
    hosts: ["gocd-primary", "gocd-standby"],
    tasks: 40,
  },
  { name: "GoCD agents pointed at the virtual IP", roles: ["gocd_agent"], hosts: ["agent1"], tasks: 8 },
];
const VERBS = ["install", "configure", "template", "ensure", "check", "create", "wait for", "enable"];
const THINGS = [
  "postgresql.conf",
  "pg_hba.conf",
  "replication slot",
  "go-server",
  "db.properties",
  "keepalived.conf",
  "artifact share",
  "wrapper properties",
];

/** A small seeded generator (mulberry32), so every replay is the same stream. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function result(rand: () => number, thing: string, opts: ReplayOptions, failed: boolean): TaskResult {
  if (failed)
    return {
      status: "failed",
      error: `pg_ctlcluster 15 main start: exit 1\nError: could not bind to port 5432`,
      data: { stderr: "FATAL: could not bind IPv4 address" },
    };
  const r = rand();
  if (r < 0.55) return { status: "ok", reason: `${thing} as wanted`, data: {} };
  if (r < 0.8) return { status: "skipped", reason: "conditional result was false", data: {} };
  const path = `/etc/${thing.replace(/ /g, "-")}`;
  const diff = opts.drift
    ? [{ path, before: "port = 5432\nlisten = '*'\n", after: "port = 5433\nlisten = '*'\n" }]
    : [];
  return { status: "changed", summary: `${opts.drift ? "would " : ""}update ${path}`, diff, data: {} };
}

/** The host results of one task, in the order hosts finish, with their delays. */
function taskResults(
  rand: () => number,
  task: string,
  hosts: readonly string[],
  loc: RunEvent & { type: "task_start" },
  opts: ReplayOptions,
  fail: boolean,
): ReplayStep[] {
  const taskMs = opts.taskMs ?? 60;
  const loops = rand() < 0.1 ? 3 : 1;
  const order = [...hosts].sort(() => rand() - 0.5);
  const steps: ReplayStep[] = [];
  order.forEach((host, i) => {
    for (let item = 0; item < loops; item++) {
      const res = result(rand, THINGS[Math.floor(rand() * THINGS.length)] as string, opts, fail && i === 0);
      const event: HostResultEvent = {
        type: "host_result",
        task,
        host,
        loc: loc.loc,
        result: res,
        check: opts.drift === true,
        durationMs: Math.round(taskMs * rand()),
        ...(loops > 1 ? { item: `item-${item}` } : {}),
      };
      steps.push({ delayMs: Math.round((taskMs / (hosts.length * loops)) * (0.5 + rand())), event });
    }
  });
  return steps;
}

/** The whole stream: run_start, the plays with their tasks and results, then a recap that matches them. */
export function provisionLike(opts: ReplayOptions = {}): ReplayStep[] {
  const rand = random(16);
  const steps: ReplayStep[] = [
    {
      delayMs: 0,
      event: {
        type: "run_start",
        playbook: "playbooks/provision.yml",
        check: opts.drift === true,
        diff: opts.drift === true,
        time: "2026-01-01T00:00:00Z",
      },
    },
  ];
  let index = 0;
  const wide = Array.from({ length: opts.wideHosts ?? 0 }, (_, i) => `bench${String(i + 1).padStart(3, "0")}`);
  for (const play of wide.length > 0
    ? [...PLAYS, { name: "every bench host", roles: ["bench"], hosts: wide, tasks: 5 }]
    : PLAYS) {
    steps.push({
      delayMs: 5,
      event: {
        type: "play_start",
        play: play.name,
        hosts: play.hosts,
        loc: { file: "playbooks/provision.yml", line: 7, col: 3 },
      },
    });
    for (let t = 0; t < play.tasks; t++, index++) {
      const role = play.roles[Math.floor((t * play.roles.length) / play.tasks)] as string;
      const task = `${role} : ${VERBS[t % VERBS.length]} ${THINGS[(t * 3) % THINGS.length]} ${t + 1}`;
      const start = {
        type: "task_start",
        play: play.name,
        task,
        loc: { file: `roles/${role}/tasks/main.yml`, line: 4 + 6 * t, col: 3 },
        hosts: play.hosts,
        handler: false,
      } as const;
      steps.push(
        { delayMs: 2, event: start },
        ...taskResults(rand, task, play.hosts, start, opts, index === opts.failAt),
      );
    }
    steps.push({ delayMs: 1, event: { type: "play_end", play: play.name } });
  }
  const events = steps.map((s) => s.event);
  steps.push({
    delayMs: 1,
    event: {
      type: "recap",
      hosts: statsFromEvents(events),
      exitCode: opts.failAt === undefined ? 0 : 2,
      durationMs: 6400,
      interrupted: false,
    },
  });
  return steps;
}
