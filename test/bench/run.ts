// `npm run bench`: gocd-bc against ansible-playbook (Debian's ansible-core: pipelining and ControlPersist
// on, no fact gathering) on the same lab hosts in the same run, both running test/bench/playbook.yml when it
// changes nothing, beside the floor (one fresh SSH session per host, in parallel). Then gocd-bc over 50
// hosts, to show how time grows. Last, `provision` and `drift` on the lab's six hosts when nothing needs
// changing, piped (plain lines) and at a pseudo-terminal (`script`: the live view), with their CPU time, so
// the view's cost shows. It starts with how long gocd-bc takes to start (`--help`, and `validate` of the
// bench playbook), and ends with the switchover's and the failover's figures (test/bench/switchover.ts,
// failover.ts). A benchmark, not a test: it prints numbers and asserts nothing.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { quote } from "shell-quote";
import { labUp } from "../../src/lab/lab.js";
import { renderInventory } from "../../src/lab/inventory-file.js";
import { extraHosts, labPaths, type LabHost } from "../../src/lab/topology.js";
import { medianWall, startUpCases, startUpRow, timed } from "./start-up.js";
import { failoverRows } from "./failover.js";
import { switchoverRows } from "./switchover.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const playbook = path.join(root, "test/bench/playbook.yml");
const cli = path.join(root, "dist/src/cli/main.js");
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

/** The median (by `by`, the time itself by default) of `RUNS` runs after one untimed warm-up run (which
 * applies the playbook). */
async function median<T = number>(run: () => Promise<T>, by: (t: T) => number = Number): Promise<T> {
  await run();
  const results: T[] = [];
  for (let i = 0; i < RUNS; i++) results.push(await run());
  results.sort((a, b) => by(a) - by(b));
  return results[Math.floor(results.length / 2)] as T;
}

/** Wall and CPU seconds of one run (the child and everything it waited for, as GNU time counts them),
 * and its peak resident memory. */
interface Usage {
  readonly wall: number;
  readonly cpu: number;
  readonly peakMb: number;
}

/** Where a command's output goes: a pipe (plain lines) or a pseudo-terminal of 160x45 (the live view). */
type Output = "piped" | "terminal";

/** `gocd-bc ARGS` to completion under GNU time, piped or under `script`; rejects on a non-zero exit. */
function usage(args: readonly string[], output: Output): () => Promise<Usage> {
  const file = path.join(labPaths().root, "bench-usage.txt");
  const command = [process.execPath, cli, ...args];
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: "xterm-256color", LANG: "C.UTF-8" };
  delete env.CI; // CI=... would make gocd-bc print plain lines at the terminal too
  const wrapped =
    output === "piped" ? command : ["script", "-qfec", `stty cols 160 rows 45; exec ${quote(command)}`, "/dev/null"];
  return async () => {
    await timed("/usr/bin/time", ["-f", "%e %U %S %M", "-o", file, ...wrapped], env);
    const [wall, user, system, rssKb] = ((await readFile(file, "utf8")).trim().split("\n").pop() ?? "")
      .split(" ")
      .map(Number);
    return { wall: wall ?? NaN, cpu: (user ?? NaN) + (system ?? NaN), peakMb: (rssKb ?? NaN) / 1024 };
  };
}

/** Runs of the terminal comparison: more than the other rows, as a no-change run's wall time moves by a
 * third from run to run on two cores, more than the difference measured. */
const PAIRED_RUNS = 7;

/** Medians (by wall time) of `a` and `b` run in turns, after one warm-up of each: alternating spreads the
 * machine's drift over both sides instead of giving it to whichever ran second. */
async function pairedMedians(a: () => Promise<Usage>, b: () => Promise<Usage>): Promise<[Usage, Usage]> {
  await a();
  await b();
  const as: Usage[] = [];
  const bs: Usage[] = [];
  for (let i = 0; i < PAIRED_RUNS; i++) {
    as.push(await a());
    bs.push(await b());
  }
  const mid = (list: Usage[]) => [...list].sort((x, y) => x.wall - y.wall)[Math.floor(list.length / 2)] as Usage;
  return [mid(as), mid(bs)];
}

/** One row per command: piped and terminal medians (by wall time) and the terminal's cost over the pipe;
 * and the piped medians by command, for the goals. */
async function terminalRows(piped: Map<string, number>): Promise<string[][]> {
  const inventory = ["-i", labPaths().inventory];
  const rows: string[][] = [];
  for (const command of ["provision", "drift"]) {
    const [pipedRun, terminal] = await pairedMedians(
      usage([command, ...inventory], "piped"),
      usage([command, ...inventory], "terminal"),
    );
    piped.set(command, pipedRun.wall);
    const show = (u: Usage) => `${fmt(u.wall)} wall, ${fmt(u.cpu)} CPU`;
    rows.push([
      `\`gocd-bc ${command}\``,
      show(pipedRun),
      show(terminal),
      `${(terminal.wall / pipedRun.wall).toFixed(2)}x`,
      `${fmt(terminal.cpu - pipedRun.cpu)}`,
    ]);
  }
  return rows;
}

/** An inventory whose group `bench` holds exactly these hosts. */
async function benchInventory(hosts: readonly LabHost[], name: string): Promise<string> {
  const file = path.join(labPaths().root, name);
  await writeFile(file, renderInventory(hosts, labPaths()));
  return file;
}

/** The floor: one fresh OpenSSH session per host, all at once, each running one command. */
function floor(hosts: readonly LabHost[]): () => Promise<number> {
  const p = labPaths();
  return async () => {
    const started = process.hrtime.bigint();
    await Promise.all(
      hosts.map((h) =>
        timed("ssh", [
          "-i",
          p.privateKey,
          "-o",
          `UserKnownHostsFile=${p.knownHosts}`,
          "-o",
          "StrictHostKeyChecking=yes",
          "-o",
          "BatchMode=yes",
          "-o",
          "ControlMaster=no",
          `root@${h.ip}`,
          "true",
        ]),
      ),
    );
    return Number(process.hrtime.bigint() - started) / 1e9;
  };
}

const gocdBc = (inventory: string) => () => timed(process.execPath, [cli, "run", playbook, "-i", inventory]);

function ansible(inventory: string, forks: number): () => Promise<number> {
  const env = {
    ...process.env,
    ANSIBLE_PIPELINING: "True",
    ANSIBLE_SSH_ARGS: "-o ControlMaster=auto -o ControlPersist=60s",
    ANSIBLE_HOST_KEY_CHECKING: "True",
    ANSIBLE_GATHERING: "explicit",
    ANSIBLE_FORKS: String(forks),
    ANSIBLE_NOCOLOR: "1",
    ANSIBLE_RETRY_FILES_ENABLED: "False",
  };
  return () => timed("ansible-playbook", ["-i", inventory, playbook], env);
}

const fmt = (s: number) => `${s.toFixed(2)} s`;

/** Runs of each start-up row: a start is a tenth of a second, so more runs cost little and steady the median. */
const START_UP_RUNS = 7;

/** How long gocd-bc takes to start, beside Node's own start (`node -e 0`). */
async function printStartUp(inventory: string): Promise<void> {
  const node = await medianWall(process.execPath, ["-e", "0"], START_UP_RUNS);
  console.log(`start-up, median of ${START_UP_RUNS} runs after a warm-up (Node alone, \`node -e 0\`: ${fmt(node)})\n`);
  console.log("| command | median | goal | goal met |");
  console.log("|---|---|---|---|");
  for (const c of startUpCases(cli, playbook, inventory))
    console.log(`| ${(await startUpRow(c, START_UP_RUNS)).join(" | ")} |`);
  console.log("");
}

async function main(): Promise<void> {
  console.log("bringing the lab up with 50 bench hosts...");
  await labUp({ extra: 50 });
  const all = extraHosts(50);
  const ten = all.slice(0, 10);
  const inv10 = await benchInventory(ten, "bench-10.yml");
  const inv50 = await benchInventory(all, "bench-50.yml");
  await printStartUp(inv10);
  console.log(
    `playbook: ${path.relative(root, playbook)} (10 tasks, no change); median of ${RUNS} runs after a warm-up\n`,
  );
  const floor10 = await median(floor(ten));
  const ours10 = await median(gocdBc(inv10));
  const theirs10 = await median(ansible(inv10, 10));
  const ours50 = await median(gocdBc(inv50));
  const floor50 = await median(floor(all));
  const rows: [string, string, string, string][] = [
    ["10 hosts", fmt(ours10), fmt(theirs10), fmt(floor10)],
    ["50 hosts", fmt(ours50), "not run", fmt(floor50)],
  ];
  console.log("| hosts | gocd-bc | ansible-playbook | floor (1 ssh session per host) |");
  console.log("|---|---|---|---|");
  for (const r of rows) console.log(`| ${r.join(" | ")} |`);
  console.log("");
  const memory50 = await usage(["run", playbook, "-i", inv50], "piped")();
  console.log(
    `\nprovision and drift on the lab's six hosts, nothing to change (the warm-up run provisions); piped and terminal runs taken in turns, median of ${PAIRED_RUNS} each\n`,
  );
  console.log(
    "| command | piped (plain lines) | at a terminal (live view, 160x45) | terminal / piped wall (goal: at most 1.10x) | CPU the view adds (goal: at most 0.3 s) |",
  );
  console.log("|---|---|---|---|---|");
  const piped = new Map<string, number>();
  for (const r of await terminalRows(piped)) console.log(`| ${r.join(" | ")} |`);
  const status = await median(async () => (await usage(["status", "-i", labPaths().inventory], "piped")()).wall);
  console.log("\nthe speed goals, from the figures above\n");
  console.log("| figure | measured | goal | goal met |");
  console.log("|---|---|---|---|");
  const goals: [string, number, "x" | " s" | " MB", "at least" | "at most", number][] = [
    ["ansible-playbook / gocd-bc, 10 hosts", theirs10 / ours10, "x", "at least", 20],
    ["gocd-bc / OpenSSH floor, 10 hosts", ours10 / floor10, "x", "at most", 1.1],
    ["gocd-bc, 50 hosts / 10 hosts", ours50 / ours10, "x", "at most", 2.5],
    ["`gocd-bc provision`, provisioned lab (no change)", piped.get("provision") ?? NaN, " s", "at most", 2.5],
    ["`gocd-bc drift`, provisioned lab", piped.get("drift") ?? NaN, " s", "at most", 3],
    ["`gocd-bc status`", status, " s", "at most", 0.8],
    ["controller's peak resident memory, 50 hosts", memory50.peakMb, " MB", "at most", 200],
  ];
  for (const [label, value, unit, how, goal] of goals) {
    const met = how === "at least" ? value >= goal : value <= goal;
    const show = (n: number) => (unit === " MB" ? n.toFixed(0) : n.toFixed(2)) + unit;
    console.log(`| ${label} | ${show(value)} | ${how} ${show(goal)} | ${met ? "yes" : "no"} |`);
  }
  console.log(`\nswitchover on the provisioned lab, sides alternating, median of ${RUNS}\n`);
  console.log("| figure | median | range | goal | goal met |");
  console.log("|---|---|---|---|---|");
  for (const r of await switchoverRows(cli, RUNS)) console.log(`| ${r.join(" | ")} |`);
  console.log(`\nfailover after a power cut of the active side (lab crash), median of ${RUNS}\n`);
  console.log("| figure | median | range | goal | goal met |");
  console.log("|---|---|---|---|---|");
  for (const r of await failoverRows(cli, RUNS)) console.log(`| ${r.join(" | ")} |`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
